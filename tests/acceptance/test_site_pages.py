"""The `html` format without a browser: page set, structure, escaping, links, file names and
byte-identical output. (tests/browser/ checks the same site in chromium.)"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import typing as t
from html.parser import HTMLParser
from pathlib import Path

import in_memory
import pytest
from conftest import TINY, score_round
from in_memory import record

from scorecard.problems import InvalidInput
from scorecard.render.html import page_names, render
from scorecard.render.html_view import http_url, text_on
from scorecard.rubric import load_rubric

ALL_ANSWERS = {"S1": "service", "S2": ["red"], "P1": True, "P2": 4, "P3": 50}


class Page(HTMLParser):
    """Every start tag with its attributes, and the visible text."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.chunks: list[str] = []
        self.feed(source)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", " ".join(self.chunks))

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


def site_of(rubric_path: Path, evidence: Path) -> dict[str, bytes]:
    return render(score_round(rubric_path, evidence), load_rubric(rubric_path).rubric)


@pytest.fixture(scope="module")
def tiny_site() -> dict[str, bytes]:
    return site_of(TINY / "rubric.yaml", TINY / "evidence")


def pages(site: dict[str, bytes]) -> dict[str, Page]:
    return {name: Page(data.decode("utf-8")) for name, data in site.items() if name.endswith(".html")}


def test_one_page_per_body_plus_index_methodology_and_assets(tiny_site: dict[str, bytes]) -> None:
    assert sorted(tiny_site) == sorted(
        ["site/index.html", "site/methodology.html", "site/style.css", "site/site.js"]
        + [f"site/{code}.html" for code in ("AAA", "BBB", "CCC", "DDD", "EEE")]
    )


def test_every_page_has_landmarks_skip_link_language_and_scoped_headers(tiny_site: dict[str, bytes]) -> None:
    for name, page in pages(tiny_site).items():
        assert page.all("html") == [{"lang": "en-GB"}], name
        assert len(page.all("h1")) == 1, name
        assert [a for a in page.all("main") if a.get("id") == "main"], name
        assert page.all("header") and page.all("footer") and page.all("nav"), name
        assert page.all("a")[0] == {"class": "skip-link", "href": "#main"}, name
        assert all(th.get("scope") in ("col", "row") for th in page.all("th")), name
        assert page.all("meta")[0] == {"charset": "utf-8"}, name


def test_self_contained_only_local_assets_and_http_links(tiny_site: dict[str, bytes]) -> None:
    local = {name.removeprefix("site/") for name in tiny_site}
    for name, page in pages(tiny_site).items():
        assert [s.get("src") for s in page.all("script")] == ["site.js"], name
        assert [(link.get("rel"), link.get("href")) for link in page.all("link")] == [("stylesheet", "style.css")], name
        assert not page.all("img") and not page.all("iframe"), name
        assert not any("style" in attrs for _, attrs in page.tags), f"{name}: inline style (the CSP forbids it)"
        for attrs in page.all("a"):
            href = attrs["href"] or ""
            target = href.split("#")[0]
            assert href.startswith("#") or target in local or re.match(r"^https?://", href), f"{name}: {href}"
    css = tiny_site["site/style.css"].decode()
    assert "@import" not in css and "url(" not in css and "@font-face" not in css
    assert "@media print" in css


def test_index_shows_bands_counts_published_figures_and_unscored_bodies(tiny_site: dict[str, bytes]) -> None:
    text = pages(tiny_site)["site/index.html"].text
    for label in ("Little or nothing in place", "Some action", "Good"):
        assert label in text
    assert "Has a service 2 of 3 2 of 3 (A test report)" in text
    assert "Had a service: 6% (Earlier survey, A test report, 2011)" in text
    assert "Refused to answer: Epsilon Board" in text
    assert "Did not reply: Delta Board" in text
    index = pages(tiny_site)["site/index.html"]
    assert [a.get("role") for a in index.all("svg")] == ["img"]
    rows = [a for a in index.all("tr") if "data-region" in a]
    assert [r["data-region"] for r in rows] == ["North", "South", "North", "South", "South"]


def test_body_page_shows_each_criterion_with_its_source(tiny_site: dict[str, bytes]) -> None:
    page = pages(tiny_site)["site/CCC.html"]
    text = page.text
    assert "Gamma Board" in text and "National median" in text
    assert "Capped at 50.0% (it would otherwise be 100.0%)" in text
    assert "Is there a service? Answer Service Points 4 of 4 Level A service exists." in text
    assert "Answer Information not held Points 0 of 2 (no credit)" in text
    assert "Answer Not applicable Points Not counted (left out of the maximum)" in text
    assert "Caveat: no-policy-but-service. A service without a written policy." in text
    assert "Response: Replied (desk research)" in text


@pytest.mark.parametrize("code,words", [("DDD", "did not reply"), ("EEE", "refused to answer")])
def test_bodies_without_a_reply_say_so_never_zero(tiny_site: dict[str, bytes], code: str, words: str) -> None:
    text = pages(tiny_site)[f"site/{code}.html"].text
    assert f"Board {words}." in text
    assert "This is not a score of zero" in text
    assert "0.0%" not in text and "0 of " not in text


def test_methodology_is_generated_from_the_rubric(tiny_site: dict[str, bytes]) -> None:
    from scorecard.engine import FORMULA_IN_WORDS

    loaded = load_rubric(TINY / "rubric.yaml")
    text = pages(tiny_site)["site/methodology.html"].text
    for section in loaded.rubric.sections:
        assert f"{section.title} (section weight {section.weight:g})" in text
        for criterion in section.criteria:
            assert criterion.question in text and criterion.guidance in text and criterion.clause in text
    assert "Service 4 A service exists." in text
    assert "up to 10 1 Middling." in text
    for flag in loaded.rubric.flags:
        assert flag.message in text
    assert "Caps the section “Services” at 50%." in text
    for sentence in FORMULA_IN_WORDS:
        assert sentence in text
    assert loaded.sha256 in text


HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def hostile_site() -> dict[str, bytes]:
    """A site whose evidence text is markup and whose sources carry non-http URLs, scored in
    memory. The evidence schema already refuses such URLs, so they are put into the scored result
    directly: the renderer must not rely on the schema."""
    scorecard = in_memory.score([record("AAA", {**ALL_ANSWERS, "S1": {"value": "service", "source": "doc", "note": HOSTILE}})])
    body = scorecard.organisations[0]
    sources = [
        body.sources[0].model_copy(update={"title": HOSTILE, "url": "javascript:alert(1)"}),
        body.sources[0].model_copy(update={"id": "two", "url": "https://example.org/a?b=1&c=2"}),
        body.sources[0].model_copy(update={"id": "three", "url": "data:text/html,hi"}),
    ]
    body = body.model_copy(update={"sources": sources, "name": HOSTILE, "short_name": HOSTILE, "region": '"><b>'})
    scorecard = scorecard.model_copy(update={"organisations": [body]})
    return render(scorecard, in_memory.rubric())


def test_evidence_text_is_escaped_and_only_http_urls_become_links() -> None:
    site = hostile_site()
    for name in ("site/AAA.html", "site/index.html"):
        page = site[name].decode()
        assert "<script>alert" not in page and "<img" not in page and '"><b>' not in page, name
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page, name
        assert not any(h and ("javascript:" in h or "data:" in h) for h in (a["href"] for a in Page(page).all("a"))), name
    aaa = Page(site["site/AAA.html"].decode())
    assert "https://example.org/a?b=1&c=2" in [a["href"] for a in aaa.all("a")]  # parsed back from &amp;
    assert "address not shown as a link: javascript:alert(1)" in aaa.text
    assert "address not shown as a link: data:text/html,hi" in aaa.text


@pytest.mark.parametrize(
    "url,ok",
    [
        ("https://example.org/x", True),
        ("HTTP://EXAMPLE.ORG", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        ("data:text/html,x", False),
        ("file:///etc/passwd", False),
        ("//example.org", False),
        ("https://", False),
        ("https://exa mple.org", False),
        (" https://example.org", False),
        ("https://example.org/\nx", False),
        ("", False),
        (None, False),
    ],
)
def test_only_http_and_https_urls_are_links(url: t.Any, ok: bool) -> None:
    assert (http_url(url) is not None) is ok


@pytest.mark.parametrize(
    "code,why",
    [("../evil", "letters, digits"), ("a/b", "letters, digits"), ("x.y", "letters, digits"), ("", "letters, digits"),
     ("INDEX", "reserved"), ("methodology", "reserved"), ("con", "reserved"), ("a" * 65, "at most 64")],
)
def test_codes_that_cannot_safely_name_a_page_are_refused(code: str, why: str) -> None:
    scorecard = score_round(TINY / "rubric.yaml", TINY / "evidence")
    first = scorecard.organisations[0].model_copy(update={"code": code})
    changed = scorecard.model_copy(update={"organisations": [first, *scorecard.organisations[1:]]})
    with pytest.raises(InvalidInput) as caught:
        page_names(changed, "register.csv")
    assert why in str(caught.value) and "register.csv" in str(caught.value)


def test_codes_differing_only_in_case_are_refused() -> None:
    scorecard = score_round(TINY / "rubric.yaml", TINY / "evidence")
    organisations = list(scorecard.organisations)
    organisations[1] = organisations[1].model_copy(update={"code": organisations[0].code.lower()})
    with pytest.raises(InvalidInput, match="differ only in case"):
        page_names(scorecard.model_copy(update={"organisations": organisations}), "register.csv")


def _luminance(colour: str) -> float:
    """Relative luminance as WCAG 2 defines it (an oracle of the test's own, not the renderer's)."""

    def channel(pair: str) -> float:
        c = int(pair, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_band_text_contrasts_with_its_fill() -> None:
    def ratio(a: str, b: str) -> float:
        hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
        return (hi + 0.05) / (lo + 0.05)

    for fill in ("#F4CCCC", "#FFE599", "#B6D7A8", "#003366", "#B91C1C", "#777777", "#000000", "#FFFFFF"):
        assert ratio(fill, text_on(fill)) >= 4.5, fill
    assert text_on("#003366") == "#FFFFFF" and text_on("#FFE599") == "#000000"


def test_band_colours_become_classes_in_the_stylesheet(tiny_site: dict[str, bytes]) -> None:
    css = tiny_site["site/style.css"].decode()
    assert ".band-0{background:#F4CCCC;color:#000000}" in css
    assert "svg .band-2{fill:#B6D7A8}" in css


RENDER_AND_HASH = """
import hashlib, sys
sys.path[:0] = sys.argv[1:]
from conftest import TINY
from test_site_pages import site_of
site = site_of(TINY / "rubric.yaml", TINY / "evidence")
print(hashlib.sha256(repr(sorted(site.items())).encode()).hexdigest())
"""


def test_same_input_gives_byte_identical_site(tiny_site: dict[str, bytes]) -> None:
    assert site_of(TINY / "rubric.yaml", TINY / "evidence") == tiny_site
    # In fresh processes with different hash seeds (set and dict order must not leak into pages).
    digests = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run([sys.executable, "-c", RENDER_AND_HASH, str(Path(__file__).parent), str(Path(__file__).parents[1])],
                             capture_output=True, text=True, env=env, check=True)
        digests.add(run.stdout.strip())
    assert len(digests) == 1


def test_score_writes_the_site_by_default(run_line: t.Any, tmp_path: Path) -> None:
    run_line(["score", TINY / "evidence", "--rubric", TINY / "rubric.yaml", "--out", tmp_path])
    assert (tmp_path / "site" / "index.html").is_file()
    assert (tmp_path / "site" / "EEE.html").is_file()


def test_cli_does_not_import_jinja2_until_it_renders() -> None:
    code = "import sys, scorecard.cli; print('jinja2' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


def test_methodology_says_when_nobody_has_checked_the_rubric():
    from conftest import score_round

    from scorecard.render.html import render
    from scorecard.rubric import find_rubric, load_rubric

    loaded = load_rubric(find_rubric("scotland-pain-2022"))
    assert loaded.rubric.governance.checked_by == ()
    card = score_round(loaded.path, Path(__file__).parents[2] / "evidence" / "scotland-illustrative-2025")
    page = render(card, loaded.rubric)["site/methodology.html"].decode()
    assert "Not yet checked by anyone but its authors." in page
    assert "Checked by" not in page


def test_a_missing_note_says_so_in_words():
    page = site_of(TINY / "rubric.yaml", TINY / "evidence")["site/CCC.html"].decode()
    # CCC gave S1 with no note: the page says so rather than printing "None"
    assert "<dt>Assessor's note</dt><dd>No note given</dd>" in page
    assert "<dd>None</dd>" not in page
