"""Nothing injected: evidence text is untrusted, so every string a volunteer, an FOI reply or a
register can put into a round is replaced here by hostile text, and every output is checked.

* HTML: no script but the site's own `site.js`, no event-handler attribute, no link that is not
  an internal page or http(s); template syntax shows literally.
* Workbooks: no formula cell and no `<f>` element in any sheet; text reads back exactly as typed,
  and text that a spreadsheet would run is a string cell with a quote prefix.
* scorecard.json gives back every string exactly; scorecard.csv neutralises formula-leading text
  and gives back everything else exactly.

The fixed payloads each fill every field at once; hypothesis then mixes payloads and generated
text across the fields. Shared helpers (`hostile_round`, `check_html`, ...) are used by the
browser test too (tests/browser/test_injection_browser.py).
"""

from __future__ import annotations

import csv
import io
import json
import re
import typing as t
import xml.etree.ElementTree as ET
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import hypothesis.strategies as st
import in_memory
import openpyxl
import pytest
from conftest import score_round, write_round
from hypothesis import HealthCheck, Phase, given, settings
from in_memory import record, tiny_rubric

# ---------------------------------------------------------------- the payloads

LONG = ("<script>alert(1)</script>=1+1 " * 400)[:10_000]
PAYLOADS: list[str] = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</title></textarea></style><script>alert(document.domain)</script>",
    "javascript:alert(1)",
    "{{ 7*7 }}",
    "{% raw %}{{ 7*7 }}{% endraw %}",
    "{# hidden #}{{ config.items() }}{% for x in range(3) %}{{ x }}{% endfor %}",
    '=HYPERLINK("http://evil","x")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3",
    "\t=1+1",
    "\r\n=cmd|'/C calc'!A0",
    "invoice\u202etxt.exe",
    "\u202e<script>alert(1)</script>",
    "&lt;b&gt; &amp; &#x3C;script&#x3E;",  # already-escaped text must stay as typed
    "<!-- ]]> <![CDATA[ x ]]>",
    '<img src="https://evil.example/pixel.png"><link rel=stylesheet href=//evil.example/x.css>',
    "<meta http-equiv=refresh content='0;url=https://evil.example/'>",
    "nul\x00 bell\x07 escape\x1b[31m vertical-tab\x0b",  # control characters XML cannot hold
    "not characters: \ufffe \uffff",  # nor these (once made the workbook unreadable)
    LONG,
    "A" * 10_000,
]
TEMPLATE_TEXT = "{{ 7*7 }}"

# Characters a spreadsheet reads as the start of a formula (the guide's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# ---------------------------------------------------------------- where the text goes

REPLIED = ("AAA", "BBB")
REFUSED = "CCC"
BODIES = (*REPLIED, REFUSED)
REGISTER_FIELDS = ("name", "short_name", "region")
RECORD_FIELDS = ("assessor", "source_title", "source_reference", "source_url")
ANSWER_FIELDS = ("note", "na_note", "reply_text", "reply_note", "previous_note")
ROUND_FIELDS = ("title", "description", "published_source", "baseline_title", "baseline_source", "baseline_label")

FIELDS: list[str] = (
    [f"{c}.{f}" for c in BODIES for f in REGISTER_FIELDS + RECORD_FIELDS]
    + [f"{c}.{f}" for c in REPLIED for f in ANSWER_FIELDS]
    + [f"round.{f}" for f in ROUND_FIELDS]
)
URL_PREFIX = "https://example.invalid/"  # the evidence schema takes http(s) addresses only...
URL_TEXT = 1900  # ...of at most 2,000 characters


def url(text: str) -> str:
    return URL_PREFIX + text[:URL_TEXT]


def planted(field: str, text: str) -> str:
    """What a field should read back as: a URL carries the text after an http(s) prefix, and the
    register trims the spaces around a cell (a CSV convention, not an escape)."""
    kind = field.split(".", 1)[1]
    if kind == "source_url":
        return url(text)
    if kind in REGISTER_FIELDS:
        return text.strip()
    return text


class Planted(t.NamedTuple):
    files: dict[str, bytes]  # every format, rendered
    texts: dict[str, str]  # field -> the text as it should read back


def hostile_round(folder: Path, texts: dict[str, str]) -> tuple[Path, Path]:
    """Write the tiny rubric, a register and a round whose every free-text field holds
    `texts[field]`; return (rubric path, evidence folder)."""
    records = []
    for code in BODIES:
        if code == REFUSED:
            data = record(code, response="refused")
        else:
            data = record(
                code,
                {
                    "S1": {"value": "service", "source": "doc", "note": texts[f"{code}.note"]},
                    "S2": {"value": ["red"], "source": "doc"},
                    "P1": {"value": False, "source": "doc"},
                    "P2": {"value": 7, "source": "doc"},
                    "P3": {"outcome": "not-applicable", "note": texts[f"{code}.na_note"]},
                },
            )
            data["reply"] = {
                "date": "2024-03-01",
                "text": texts[f"{code}.reply_text"],
                "revised": True,
                "note": texts[f"{code}.reply_note"],
                "source": "doc",
                "previous_answers": {"S1": {"value": "none", "source": "doc", "note": texts[f"{code}.previous_note"]}},
            }
        data["assessor"] = texts[f"{code}.assessor"]
        data["sources"] = [{
            "id": "doc",
            "title": texts[f"{code}.source_title"],
            "date": "2024-01-15",
            "reference": texts[f"{code}.source_reference"],
            "url": url(texts[f"{code}.source_url"]),
        }]
        records.append(data)
    rubric_path, evidence = write_round(folder, tiny_rubric(), records)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(("code", *REGISTER_FIELDS))
    for code in BODIES:
        writer.writerow([code] + [texts[f"{code}.{f}"] for f in REGISTER_FIELDS])
    writer.writerow(["DDD", "Delta Board", "Delta", "South"])
    (folder / "register.csv").write_text(buffer.getvalue(), "utf-8", newline="")
    round_info = {
        "round": "test-1",
        "title": texts["round.title"],
        "description": texts["round.description"],
        "published": [{"category": "has-service", "count": 2, "of": 2, "source": texts["round.published_source"]}],
        "baselines": [{
            "title": texts["round.baseline_title"],
            "source": texts["round.baseline_source"],
            "figures": [{"label": texts["round.baseline_label"], "percent": 6, "category": "has-service"}],
        }],
    }
    (evidence / "round.json").write_text(json.dumps(round_info), "utf-8")
    return rubric_path, evidence


def render_hostile(folder: Path, texts: dict[str, str]) -> Planted:
    from scorecard.render import render
    from scorecard.rubric import load_rubric

    rubric_path, evidence = hostile_round(folder, texts)
    scorecard = score_round(rubric_path, evidence)
    files = render(["json", "html", "xlsx", "xlsx-per-organisation"], scorecard, load_rubric(rubric_path).rubric)
    return Planted(files, {f: planted(f, texts[f]) for f in FIELDS})


# ---------------------------------------------------------------- HTML

# Internal targets: a page or asset of the site (codes are letters, digits, - and _), or an anchor.
INTERNAL = re.compile(r"^(#[A-Za-z0-9_-]*|[A-Za-z0-9_-]+\.(html|css|js)(#[A-Za-z0-9_-]*)?)$")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "srcset", "poster", "data", "xlink:href", "background", "ping"}
NEVER = {"iframe", "object", "embed", "base", "form", "frame", "frameset", "applet", "portal"}


class Audit(HTMLParser):
    """Everything in a page that could run or fetch: script elements, event handlers, URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.scripts: list[list[tuple[str, str | None]]] = []
        self.in_script = False
        self.text: list[str] = []  # text and attribute values, as a reader's browser decodes them
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts.append(attrs)
            self.in_script = True
        if tag in NEVER:
            self.problems.append(f"<{tag}> element")
        if tag == "meta" and any(k == "http-equiv" and (v or "").lower() == "refresh" for k, v in attrs):
            self.problems.append("meta refresh")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name}={value!r} on <{tag}>")
            if name == "style":
                self.problems.append(f"inline style on <{tag}>")  # the pages' CSP forbids it anyway
            if name in URL_ATTRIBUTES and value is not None:
                self.links.append(value)
                if not (INTERNAL.match(value) or value.startswith(("http://", "https://"))):
                    self.problems.append(f"<{tag} {name}={value!r}> is neither internal nor http(s)")
            if value:
                self.text.append(value)

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script:
            self.problems.append(f"inline script {data[:60]!r}")
        self.text.append(data)


def audit_page(name: str, data: bytes) -> Audit:
    audit = Audit()
    audit.feed(data.decode("utf-8"))
    audit.close()
    assert audit.problems == [], f"{name}: {audit.problems[:5]}"
    assert audit.scripts == [[("src", "site.js"), ("defer", None)]], f"{name}: scripts {audit.scripts}"
    # Raw bytes as well as the parse: one opening script tag, the site's own.
    assert len(re.findall(rb"<\s*script", data, re.IGNORECASE)) == 1, name
    return audit


def check_html(files: dict[str, bytes], texts: dict[str, str]) -> None:
    pages = {n: d for n, d in files.items() if n.endswith(".html")}
    assert {"site/index.html", "site/methodology.html", "site/AAA.html"} <= set(pages)
    seen: list[str] = []
    for name, data in sorted(pages.items()):
        seen.extend(audit_page(name, data).text)
    everything = "\n".join(seen)
    for field, text in texts.items():
        if field.endswith(".previous_note"):  # kept in scorecard.json; pages show the answer, not its old note
            continue
        assert text in everything, f"{field}: {text[:80]!r} is not shown as typed on any page"


# ---------------------------------------------------------------- workbooks

SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def as_in_workbook(text: str) -> str:
    """The workbook's documented storage of text: a carriage return is a line feed (XML readers
    turn one into the other), and characters XML 1.0 cannot hold become U+FFFD."""
    return _NOT_XML.sub("\ufffd", text.replace("\r\n", "\n").replace("\r", "\n"))


# Where the workbooks show each field: in a cell of its own, or inside a sentence.
WORKBOOK_CELL = {"name", "region", "note", "na_note", "reply_text", "reply_note", "source_title",
                 "source_reference", "source_url", "published_source", "baseline_title", "baseline_source",
                 "baseline_label"}
WORKBOOK_SENTENCE = {"assessor", "title"}


def workbook_strings(name: str, data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert not [n for n in names if "vbaproject" in n.lower() or "externallink" in n.lower()], name
        for part in names:
            if part.startswith("xl/worksheets/") and part.endswith(".xml"):
                root = ET.fromstring(archive.read(part))
                formulas = [e for e in root.iter() if e.tag in (f"{SHEET_NS}f", "f")]
                assert formulas == [], f"{name} {part}: {len(formulas)} <f> elements"
            if part.startswith("xl/worksheets/_rels/"):
                for rel in ET.fromstring(archive.read(part)).iter(f"{REL_NS}Relationship"):
                    if rel.get("TargetMode") == "External":
                        assert rel.get("Target", "").startswith(("http://", "https://")), f"{name}: link to {rel.get('Target')!r}"
    wb = openpyxl.load_workbook(io.BytesIO(data))
    out = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                where = f"{name} {ws.title}!{cell.coordinate}"
                assert cell.data_type != "f", f"{where} is a formula: {cell.value!r}"
                if cell.hyperlink is not None and cell.hyperlink.target:
                    assert cell.hyperlink.target.startswith(("http://", "https://")), f"{where} links to {cell.hyperlink.target!r}"
                if isinstance(cell.value, str):
                    if cell.value.startswith(FORMULA_STARTS[:5]):
                        assert cell.data_type == "s" and cell.quotePrefix, f"{where} {cell.value[:40]!r} is not quoted text"
                    out.append(cell.value)
    return out


def check_workbooks(files: dict[str, bytes], texts: dict[str, str]) -> None:
    books = {n: d for n, d in files.items() if n.endswith(".xlsx")}
    assert "scorecard.xlsx" in books and "organisations/AAA.xlsx" in books
    cells: set[str] = set()
    for name, data in sorted(books.items()):
        cells.update(workbook_strings(name, data))
    joined = "\n".join(cells)
    for field, text in texts.items():
        kind = field.split(".", 1)[1]
        expected = as_in_workbook(text)
        if field.startswith(REFUSED) and kind.startswith("source_"):
            continue  # the workbooks list sources beside answers; a body that refused has none
        if kind in WORKBOOK_CELL:
            assert expected in cells, f"{field}: no cell holds {expected[:80]!r} exactly"
        elif kind in WORKBOOK_SENTENCE:
            assert expected in joined, f"{field}: {expected[:80]!r} is not in any cell"


# ---------------------------------------------------------------- scorecard.json and scorecard.csv


def json_strings(document: dict[str, t.Any]) -> dict[str, str]:
    """Field -> the string scorecard.json holds for it."""
    out: dict[str, str] = {}
    bodies = {o["code"]: o for o in document["organisations"]}
    for code in BODIES:
        o = bodies[code]
        source = o["sources"][0]
        out.update({f"{code}.name": o["name"], f"{code}.short_name": o["short_name"], f"{code}.region": o["region"],
                    f"{code}.assessor": o["assessor"], f"{code}.source_title": source["title"],
                    f"{code}.source_reference": source["reference"], f"{code}.source_url": source["url"]})
        if code in REPLIED:
            notes = {c["id"]: c["note"] for c in o["criteria"]}
            out.update({f"{code}.note": notes["S1"], f"{code}.na_note": notes["P3"], f"{code}.reply_text": o["reply"]["text"],
                        f"{code}.reply_note": o["reply"]["note"],
                        f"{code}.previous_note": o["reply"]["previous_answers"]["S1"]["note"]})
    info = document["round_info"]
    baseline = info["baselines"][0]
    published = next(c for c in document["summary"]["categories"] if c["id"] == "has-service")["published"]
    out.update({"round.title": info["title"], "round.description": info["description"],
                "round.published_source": published["source"], "round.baseline_title": baseline["title"],
                "round.baseline_source": baseline["source"], "round.baseline_label": baseline["figures"][0]["label"]})
    return out


def check_json(files: dict[str, bytes], texts: dict[str, str]) -> None:
    assert json_strings(json.loads(files["scorecard.json"])) == texts


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


CSV_FIELDS = {"name": "body", "note": "note", "na_note": "note", "source_title": "source_title",
              "source_reference": "source_reference", "source_url": "source_url"}


def check_csv(files: dict[str, bytes], texts: dict[str, str]) -> None:
    rows = list(csv.DictReader(io.StringIO(files["scorecard.csv"].decode("utf-8"), newline="")))
    for row in rows:
        for column, value in row.items():
            # numbers are never altered, and only a number may start like a formula
            assert not value.startswith(FORMULA_STARTS) or _is_number(value), (
                f"scorecard.csv {column}={value[:40]!r} would run as a formula")
    by_column: dict[str, set[str]] = {}
    for row in rows:
        for column, value in row.items():
            by_column.setdefault(column, set()).add(value)
    for field, text in texts.items():
        code, kind = field.split(".", 1)
        if kind not in CSV_FIELDS or code == REFUSED:  # a body that refused has no answer rows
            continue
        expected = "'" + text if text.startswith(FORMULA_STARTS) else text
        assert expected in by_column[CSV_FIELDS[kind]], f"{field}: {expected[:80]!r} not in column {CSV_FIELDS[kind]}"


def check_all(result: Planted) -> None:
    check_json(result.files, result.texts)
    check_html(result.files, result.texts)
    check_workbooks(result.files, result.texts)
    check_csv(result.files, result.texts)


# ---------------------------------------------------------------- the tests


@pytest.mark.parametrize("payload", PAYLOADS, ids=[f"{i:02d}-{p[:24]!r}" for i, p in enumerate(PAYLOADS)])
def test_each_payload_in_every_field_is_inert_and_exact(tmp_path, payload):
    result = render_hostile(tmp_path, {f: payload for f in FIELDS})
    check_all(result)
    if TEMPLATE_TEXT in payload:  # shown as typed, never evaluated (to 49)
        assert TEMPLATE_TEXT.encode() in result.files["site/AAA.html"]
        assert TEMPLATE_TEXT in "\n".join(workbook_strings("organisations/AAA.xlsx", result.files["organisations/AAA.xlsx"]))


def test_every_payload_at_once(tmp_path):
    """Each field a different payload, so a mix-up between fields would show too."""
    texts = {f: PAYLOADS[i % len(PAYLOADS)] for i, f in enumerate(FIELDS)}
    check_all(render_hostile(tmp_path, texts))


# Text as hypothesis makes it (no lone surrogates: they cannot be stored as UTF-8), payloads, and
# payloads inside such text.
any_text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30)
hostile = st.one_of(
    st.sampled_from(PAYLOADS),
    any_text,
    st.builds(lambda a, p, b: a + p + b, st.text(max_size=5), st.sampled_from(PAYLOADS), st.text(max_size=5)),
)


@st.composite
def field_texts(draw) -> dict[str, str]:
    texts = {}
    for field in FIELDS:
        # The register trims around a cell; a body's name must still say something.
        strategy = hostile.filter(str.strip) if field.split(".", 1)[1] in REGISTER_FIELDS else hostile
        texts[field] = draw(strategy)
    return texts


HYPOTHESIS_EXAMPLES = 20


# Each example renders every format (about a second), so shrinking a failure would take minutes:
# it is left out, and the assertion messages name the field and the text instead.
@settings(max_examples=HYPOTHESIS_EXAMPLES, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(texts=field_texts())
def test_any_text_in_any_field_is_inert_and_exact(tmp_path_factory, texts):
    check_all(render_hostile(tmp_path_factory.mktemp("round"), texts))


# ---------------------------------------------------------------- links


BAD_URLS = [
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "//evil.example/x",
    "http:alert(1)",  # http, but no host
    "https://evil.example/ onmouseover=alert(1)",
]


@pytest.mark.parametrize("bad_url", BAD_URLS[:7])
def test_a_non_http_url_is_rejected_at_validation(run_line, tmp_path, bad_url):
    data = record("AAA", {"S1": "service"})
    data["sources"][0]["url"] = bad_url
    rubric_path, evidence = write_round(tmp_path, tiny_rubric(), [data])
    result = run_line(["validate", evidence, "--rubric", rubric_path], expect=1)
    lines = [line for line in result.stderr.splitlines() if line.startswith(str(evidence / "AAA.json"))]
    assert any("/sources/0/url" in line for line in lines), result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("bad_url", BAD_URLS)
def test_renderers_link_only_http_even_when_handed_other_urls(bad_url):
    """The renderers' own filter, tested without the schema in front of it: a Scorecard scored in
    memory, then given hostile URLs in its sources."""
    from scorecard.models.record import Source
    from scorecard.render import render

    scorecard = in_memory.score([record("AAA", {"S1": "service", "P1": False}), record("BBB", {"S1": "none"}), record(REFUSED, response="refused")])
    source = Source(id="doc", title="The source", date="2024-01-15", url=bad_url)
    organisations = [o.model_copy(update={"sources": [source]}) for o in scorecard.organisations]
    files = render(["html", "xlsx", "xlsx-per-organisation"], scorecard.model_copy(update={"organisations": organisations}), in_memory.rubric())

    page = audit_page("site/AAA.html", files["site/AAA.html"])  # asserts every link is internal or http(s)
    assert bad_url.strip() in "\n".join(page.text), "the address is still shown, as text"
    for name in ("scorecard.xlsx", "organisations/AAA.xlsx"):
        strings = workbook_strings(name, files[name])  # asserts every hyperlink is http(s)
        assert bad_url in strings, f"{name}: the address is still shown, as inert text"


# ---------------------------------------------------------------- text no output can hold


@pytest.mark.parametrize("half", ["\ud800", "\udfff"])
def test_half_a_character_is_refused_not_crashed_on(run_line, tmp_path, half):
    """JSON can spell half of a UTF-16 pair (a lone surrogate escape); Python reads it, but no
    UTF-8 output can hold it, so it once failed every renderer with an internal error."""
    data = record("AAA", {"S1": {"value": "service", "source": "doc", "note": f"before {half} after"}})
    rubric_path, evidence = write_round(tmp_path, tiny_rubric(), [data])
    assert "\\ud" in (evidence / "AAA.json").read_text("utf-8")  # written as an escape, as JSON allows
    out = tmp_path / "out"
    result = run_line(["score", evidence, "--rubric", rubric_path, "--out", out], expect=1)
    assert f"{evidence / 'AAA.json'}:" in result.stderr and "lone surrogate" in result.stderr, result.stderr
    assert "internal error" not in result.stderr and not out.exists()
