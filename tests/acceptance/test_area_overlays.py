"""Area overlays: the bundled constituencies and MPs of the ICB registers, their loading and
checks, and what every output makes of them (site, mps.csv, scorecard.json, sheet rows)."""

from __future__ import annotations

import collections
import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import TINY, score_round
from markupsafe import escape

from scorecard.areas import load_overlay, overlay_folder
from scorecard.register import load_register

ROOT = Path(__file__).resolve().parents[2]
REGISTERS = ROOT / "rubrics" / "registers"
OVERLAYS = REGISTERS / "overlays"


def overlay(name: str):
    register = load_register(REGISTERS / f"{name}.csv", name)
    return register, load_overlay(overlay_folder(REGISTERS / f"{name}.csv"), register)


@pytest.mark.parametrize("name", ["icbs-2022", "icbs-2026"])
def test_every_constituency_once_with_shares_summing_to_one(name):
    register, areas = overlay(name)
    by_area = areas.by_area()
    assert len(by_area) == 543
    for code, shares in by_area.items():
        assert abs(sum(s.share for s in shares) - 1) <= 0.01, (code, shares)
        assert len({s.representative for s in shares}) == 1
    # every body of the register serves at least one constituency
    assert {s.body for s in areas.shares} == set(register.bodies)
    assert areas.as_of == "2026-04-03" and areas.attribution


def test_2022_counts_match_the_published_overlap():
    _, areas = overlay("icbs-2022")
    sizes = collections.Counter(len(shares) for shares in areas.by_area().values())
    assert sizes == {1: 508, 2: 33, 3: 2}
    assert not any(s.estimated for s in areas.shares)


def test_tiverton_and_minehead_split_between_devon_and_somerset_in_both_registers():
    for name in ("icbs-2022", "icbs-2026"):
        _, areas = overlay(name)
        tiverton = {s.body: s.share for s in areas.shares if s.area_name == "Tiverton and Minehead"}
        assert tiverton == {"QSL": 0.5424, "QJK": 0.4576}


def _successors():
    with (REGISTERS / "icb-changes-2026.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    whole, parts = {}, collections.defaultdict(set)
    for row in rows:
        for item in row["predecessors"].split(";"):
            code = item.split("(")[0]
            (parts[code].add(row["code"]) if "(" in item else whole.__setitem__(code, row["code"]))
    return whole, parts


def test_2026_is_2022_rolled_up_through_the_succession_file():
    whole, parts = _successors()
    _, old = overlay("icbs-2022")
    _, new = overlay("icbs-2026")
    new_by_area = new.by_area()
    for code, shares in old.by_area().items():
        exact = collections.defaultdict(float)  # what whole mergers and unchanged bodies give
        split_total, split_to = 0.0, set()
        for s in shares:
            if s.body in parts:
                split_total += s.share
                split_to |= parts[s.body]
            else:
                exact[whole.get(s.body, s.body)] += s.share
        got = {s.body: s.share for s in new_by_area[code]}
        residual = {body: got.get(body, 0) - exact.get(body, 0) for body in set(got) | set(exact)}
        for body, extra in residual.items():
            assert extra > -2e-4, (code, body, got, dict(exact))  # no exact share is lost
            if extra > 2e-4:  # anything more came from a split body this one took part of
                assert body in split_to, (code, body)
        assert sum(residual.values()) == pytest.approx(split_total, abs=3e-4), code


def test_whole_mergers_are_exact_and_only_local_authority_guesses_are_estimates():
    _, new = overlay("icbs-2026")
    hitchin = {s.body: s.share for s in new.shares if s.area_name == "Hitchin"}
    assert hitchin == {"S1Y5D": 1.0}  # 0.5633 Hertfordshire + 0.4367 Bedfordshire, both to Central East
    farnham = {s.body: s.share for s in new.shares if s.area_name == "Farnham and Bordon"}
    assert farnham == {"S9B9J": 0.6482, "QRL": 0.3519}
    assert {s.area_name for s in new.shares if s.estimated} == {"Godalming and Ash", "Surrey Heath"}


def test_2026_map_has_36_hexes_one_per_body_none_shared():
    register, areas = overlay("icbs-2026")
    hexes = areas.map.hexes
    assert len(hexes) == 36 and {h.body for h in hexes} == set(register.bodies)
    assert len({(h.q, h.r) for h in hexes}) == 36
    assert len({h.label for h in hexes}) == 36  # short labels tell the bodies apart
    _, old = overlay("icbs-2022")
    old_at = {h.body: (h.q, h.r) for h in old.map.hexes}
    for h in hexes:  # every body sits where one of the bodies it took over (or itself) was
        assert (h.q, h.r) in old_at.values()
    assert {h.body: (h.q, h.r) for h in hexes}["QJK"] == old_at["QJK"]


# ---------------------------------------------------------------- a small overlay of our own

HOSTILE_NAME = '<script>alert("x")</script>Town & "Country"'
HOSTILE_PERSON = "=HYPERLINK(\"http://evil.example\",\"click\")"


def tiny_with_overlay(tmp_path: Path, areas_csv: str, meta: dict | None = None, hexes: dict | None = None) -> Path:
    """A copy of the tiny fixture whose register has an overlay; the rubric's path."""
    shutil.copytree(TINY, tmp_path / "tiny")
    folder = tmp_path / "tiny" / "overlays" / "register"
    folder.mkdir(parents=True)
    (folder / "areas.csv").write_text(areas_csv, "utf-8")
    base = {
        "area_label": "ward", "area_label_plural": "wards", "representative_label": "Councillor",
        "title": "Find your councillor", "page": "wards", "csv": "councillors", "as_of": "2025-02-01",
        "source": "Made up <b>for</b> tests", "attribution": ["Test data <i>licence</i>"], "areas_file": "areas.csv",
    }
    if hexes is not None:
        base["map_file"] = "map.hexjson"
        (folder / "map.hexjson").write_text(json.dumps({"layout": "odd-r", "hexes": hexes}), "utf-8")
    (folder / "overlay.json").write_text(json.dumps({**base, **(meta or {})}), "utf-8")
    return tmp_path / "tiny" / "rubric.yaml"


GOOD_AREAS = (
    "area_code,area_name,representative,body,share,estimated\n"
    f'W1,"{HOSTILE_NAME.replace(chr(34), chr(34) * 2)}","{HOSTILE_PERSON.replace(chr(34), chr(34) * 2)}",AAA,0.6,yes\n'
    f'W1,"{HOSTILE_NAME.replace(chr(34), chr(34) * 2)}","{HOSTILE_PERSON.replace(chr(34), chr(34) * 2)}",BBB,0.4,\n'
    "W2,Beta Ward,+Plain Person,BBB,1,\n"
    "W3,Delta Ward,@Someone,DDD,1,no\n"
)
HOSTILE_HEXES = {"AAA": {"n": "<b>A</b>", "q": 0, "r": 0}, "BBB": {"n": "=B", "q": 1, "r": 0}, "DDD": {"q": 0, "r": 1}}


MARKUP_NAME = "<r><t>Rich</t></r>"  # shaped like the rich-text XML a workbook writer might pass through
HOSTILE_AREAS = GOOD_AREAS + f"W4,{MARKUP_NAME},-Minus Person,DDD,1,\n"


def test_hostile_overlay_text_is_escaped_on_every_page_and_neutralised_in_the_csv(tmp_path, run_line):
    rubric = tiny_with_overlay(tmp_path, HOSTILE_AREAS, hexes=HOSTILE_HEXES)
    out = tmp_path / "out"
    run_line(["score", tmp_path / "tiny" / "evidence", "--rubric", rubric, "--out", out, "-q", "--per-organisation"])
    site = out / "site"
    pages = {p.name: p.read_text("utf-8") for p in site.glob("*.html")}
    assert "wards.html" in pages
    for name, text in pages.items():
        assert "<script>" not in text and "<b>" not in text and "<i>" not in text, name
        assert 'href="wards.html"' in text, f"{name} does not link the page of every area"
        assert "1 February 2025" in text, f"{name} does not give the as-of date"
    assert str(escape(HOSTILE_NAME)) in pages["wards.html"]
    assert ">&lt;b&gt;A&lt;/</text>" in pages["index.html"]  # the hex label (six characters at most), as text
    for page in ("AAA.html", "BBB.html"):
        assert str(escape(HOSTILE_NAME)) in pages[page]
    assert (out / "councillors.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # a byte-order mark, as scorecard.csv
    rows = list(csv.reader(io.StringIO((out / "councillors.csv").read_text("utf-8-sig"))))
    assert rows[0][:3] == ["ward_code", "ward", "councillor"]
    people = {r[2] for r in rows[1:]}
    assert people == {"'" + HOSTILE_PERSON, "'+Plain Person", "'@Someone", "'-Minus Person"}
    # in the workbooks every name is a text cell holding the text as typed; formula-like text
    # carries the quote prefix, so that it stays text when someone edits the cell
    import openpyxl

    typed = {HOSTILE_NAME, HOSTILE_PERSON, MARKUP_NAME, "+Plain Person", "@Someone", "-Minus Person"}
    for book, sheet in (("scorecard.xlsx", "Wards"), ("organisations/BBB.xlsx", "Summary"), ("organisations/DDD.xlsx", "Summary")):
        cells = [c for row in openpyxl.load_workbook(out / book)[sheet].iter_rows() for c in row if c.value in typed]
        assert cells, book
        assert all(c.data_type == "s" for c in cells), book
        assert all(c.quotePrefix for c in cells if c.value[0] in "=+-@"), book
        assert not any(c.data_type == "f" for row in openpyxl.load_workbook(out / book)[sheet].iter_rows() for c in row), book
    gamma = [[c.value for c in row] for row in openpyxl.load_workbook(out / "organisations/CCC.xlsx")["Summary"].iter_rows()]
    assert ["Ward", "Share", "Councillor", "Also served by"] in gamma and ["None listed", None, None, None] in gamma  # no wards, said so
    names = {c.value for row in openpyxl.load_workbook(out / "scorecard.xlsx")["Wards"].iter_rows() for c in row}
    assert typed <= names
    assert "Test data <i>licence</i>" in names and "1 February 2025" in " ".join(str(n) for n in names)
    data = json.loads((out / "scorecard.json").read_text("utf-8"))
    assert data["areas"]["shares"][0]["area_name"] == HOSTILE_NAME  # JSON keeps the text as it is
    assert "map" not in data["areas"]


def test_register_without_overlay_writes_no_areas(tmp_path, run_line):
    out = tmp_path / "out"
    run_line(["score", TINY / "evidence", "--rubric", TINY / "rubric.yaml", "--out", out, "-q"])
    assert "areas" not in json.loads((out / "scorecard.json").read_text("utf-8"))
    assert sorted(p.name for p in out.iterdir()) == ["scorecard.csv", "scorecard.json", "scorecard.xlsx", "site"]
    index = (out / "site" / "index.html").read_text("utf-8")
    assert 'class="hexmap"' not in index and "find-area" not in index


@pytest.mark.parametrize(
    ("areas_csv", "meta", "message"),
    [
        ("area_code,area_name,representative,body,share,estimated\nW1,One,P,ZZZ,1,\n", {}, "body 'ZZZ' is not in the register"),
        ("area_code,area_name,representative,body,share,estimated\nW1,One,P,AAA,1.5,\n", {}, "share '1.5' is not a number above 0"),
        ("area_code,area_name,representative,body,share,estimated\nW1,One,P,AAA,nan,\n", {}, "share 'nan' is not a number"),
        ("area_code,area_name,representative,body,share,estimated\nW1,One,P,AAA,0.5,\n", {}, "add up to 0.5000, not 1"),
        ("area_code,area_name,representative,body,share,estimated\nW1,One,P,AAA,1,\nW1,One,P,AAA,1,\n", {}, "appear twice"),
        ("area_code,area_name,representative,body,share,estimated\nW1,One,P,AAA,1,maybe\n", {}, "estimated is 'maybe'"),
        ("area_code,area_name,body,share\nW1,One,AAA,1\n", {}, "has no column representative, estimated"),
        ("area_code,area_name,representative,body,share,estimated\nW1,One,P,AAA,1,\n", {"page": "../up"}, "/page"),
        ("area_code,area_name,representative,body,share,estimated\nW1,One,P,AAA,1,\n", {"as_of": "April"}, "/as_of"),
        ("area_code,area_name,representative,body,share,estimated\nW1,One,P,AAA,1,\n", {"as_of": "2025-02-30"}, "/as_of"),
        ("area_code,area_name,representative,body,share,estimated\nW1,One,P,AAA,1,\n", {"page": "index"}, "would replace another page"),
        ("area_code,area_name,representative,body,share,estimated\nW1,One,P,AAA,1,\n", {"page": "aaa"}, "would replace another page"),
    ],
)
def test_a_bad_overlay_is_refused_naming_the_file_and_place(tmp_path, run_line, areas_csv, meta, message):
    rubric = tiny_with_overlay(tmp_path, areas_csv, meta)
    out = tmp_path / "out"
    result = run_line(["score", tmp_path / "tiny" / "evidence", "--rubric", rubric, "--out", out], expect=1)
    assert message in result.output
    assert ("overlay.json" if meta else "areas.csv") in result.output
    assert "Traceback" not in result.output
    assert not out.exists()  # nothing written


def test_a_bad_map_is_refused(tmp_path, run_line):
    rubric = tiny_with_overlay(tmp_path, GOOD_AREAS, hexes={"AAA": {"q": 0, "r": 0}, "BBB": {"q": 0, "r": 0}, "ZZZ": {"q": "x"}})
    result = run_line(["score", tmp_path / "tiny" / "evidence", "--rubric", rubric, "--out", tmp_path / "out"], expect=1)
    assert "map.hexjson: /hexes/BBB: sits on the same hex as AAA" in result.output
    assert "map.hexjson: /hexes/ZZZ: body 'ZZZ' is not in the register" in result.output


# ---------------------------------------------------------------- the bundled rounds


@pytest.fixture(scope="module")
def foi_2023(tmp_path_factory) -> Path:
    from click.testing import CliRunner

    from scorecard.cli import cli

    out = tmp_path_factory.mktemp("foi")
    result = CliRunner().invoke(cli, ["score", str(ROOT / "evidence" / "foi-2023"), "--out", str(out), "-q",
                                      "--format", "html", "--format", "areas", "--format", "json"])
    assert result.exit_code == 0, result.output
    return out


def test_mp_page_lists_all_543_constituencies_with_mp_and_date(foi_2023):
    text = (foi_2023 / "site" / "constituencies.html").read_text("utf-8")
    assert text.count('<th scope="row">') == 543
    assert "MPs as of 3 April 2026" in text
    assert "Tiverton and Minehead" in text and "Rachel Gilmour" in text
    with (OVERLAYS / "icbs-2022" / "areas.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            assert str(escape(row["area_name"])) in text
            assert str(escape(row["representative"])) in text


def test_split_constituency_shown_on_both_bodies_pages_with_its_share(foi_2023):
    devon = (foi_2023 / "site" / "QJK.html").read_text("utf-8")
    somerset = (foi_2023 / "site" / "QSL.html").read_text("utf-8")
    for page, own, other in ((devon, "45.8%", "NHS Somerset"), (somerset, "54.2%", "NHS Devon")):
        row = re.search(r"<tr><th scope=\"row\">Tiverton and Minehead</th>.*?</tr>", page).group(0)
        assert "Rachel Gilmour" in row and own in row and other in row
        assert "MPs as of 3 April 2026" in page


def test_every_page_with_an_mp_gives_the_date(foi_2023):
    names = set()
    with (OVERLAYS / "icbs-2022" / "areas.csv").open(encoding="utf-8", newline="") as handle:
        names = {row["representative"] for row in csv.DictReader(handle)}
    for page in (foi_2023 / "site").glob("*.html"):
        text = page.read_text("utf-8")
        if any(str(escape(n)) in text for n in names):
            assert "MPs as of 3 April 2026" in text, page.name
        assert "as of 3 April 2026" in text, page.name  # the footer, on every page


def test_mps_csv_one_row_per_constituency_and_icb(foi_2023):
    assert (foi_2023 / "mps.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # Excel opens it by double-click with names intact
    rows = list(csv.DictReader(io.StringIO((foi_2023 / "mps.csv").read_text("utf-8-sig"))))
    assert len(rows) == 580
    assert list(rows[0]) == ["constituency_code", "constituency", "mp", "icb_code", "icb", "share", "share_estimated",
                             "band", "percent", "workbook", "mp_as_of"]
    devon = next(r for r in rows if r["constituency"] == "Tiverton and Minehead" and r["icb_code"] == "QJK")
    assert devon["share"] == "0.4576" and devon["workbook"] == "organisations/QJK.xlsx" and devon["mp_as_of"] == "2026-04-03"
    assert devon["band"] == "Little or nothing in place" and devon["percent"] == "0.0"
    assert {r["band"] for r in rows if r["icb_code"] == "QOP"} == {"No score: had not replied by the time of the survey"}  # the round's own wording
    assert (foi_2023 / "mps.csv").read_bytes().count(b"\r\n") == 581


def test_map_on_the_national_page(foi_2023):
    text = (foi_2023 / "site" / "index.html").read_text("utf-8")
    links = re.findall(r'<a href="([^"]+)" aria-label="([^"]+)" class="hex[^"]*">', text)
    assert len(links) == 42
    for href, _ in links:
        assert (foi_2023 / "site" / href).is_file()
    names = dict((h, n) for h, n in links)
    assert names["QJK.html"] == "NHS Devon (DEV): Little or nothing in place, 0.0%"
    assert names["QOP.html"] == "NHS Greater Manchester (MAN): No score (had not replied by the time of the survey)"
    assert text.index('class="hexmap"') < text.index('id="meaning"')  # the picture before the method


def test_2026_round_map_has_36_bodies(tmp_path, run_line):
    out = tmp_path / "out"
    run_line(["score", ROOT / "evidence" / "illustrative-2026", "--out", out, "-q", "--format", "html"])
    text = (out / "site" / "index.html").read_text("utf-8")
    links = re.findall(r'<a href="([^"]+)" aria-label="[^"]+" class="hex', text)
    assert len(links) == 36 and len(set(links)) == 36
    assert all((out / "site" / href).is_file() for href in links)
    assert "Godalming and Ash" in (out / "site" / "S9B9J.html").read_text("utf-8")
    assert "(estimated)" in (out / "site" / "S9B9J.html").read_text("utf-8")


def test_sheet_rows_for_the_workbooks():
    from scorecard.render.area_rows import sheet
    from scorecard.rubric import load_rubric

    rubric_path = TINY / "rubric.yaml"
    assert sheet(score_round(rubric_path, TINY / "evidence"), load_rubric(rubric_path).rubric) is None  # no overlay, no sheet


def test_sheet_rows_with_an_overlay(tmp_path):
    from scorecard.areas import overlay_for
    from scorecard.render.area_rows import sheet
    from scorecard.rubric import load_rubric

    rubric_path = tiny_with_overlay(tmp_path, GOOD_AREAS)
    loaded = load_rubric(rubric_path)
    scorecard = score_round(rubric_path, tmp_path / "tiny" / "evidence").model_copy(update={"areas": overlay_for(loaded)})
    whole = sheet(scorecard, loaded.rubric)
    assert whole.title == "Wards"
    assert whole.headings[:5] == ["Ward code", "Ward", "Councillor", "Board code", "Board"]
    assert len(whole.rows) == 4 and whole.rows[0][1] == HOSTILE_NAME  # raw: the writer neutralises
    assert any("Councillors as of 1 February 2025" in line for line in whole.notes)
    assert "Test data <i>licence</i>" in whole.notes
    beta = next(o for o in scorecard.organisations if o.code == "BBB")
    mine = sheet(scorecard, loaded.rubric, beta)
    assert [r[0] for r in mine.rows] == ["W2", "W1"] or [r[0] for r in mine.rows] == ["W1", "W2"]
    assert {r[3] for r in mine.rows} == {"BBB"}
    assert all(r[9] == "organisations/BBB.xlsx" and r[10] == "2025-02-01" for r in mine.rows)


def test_pages_with_the_overlay_stay_self_contained_with_unique_ids(foi_2023):
    from test_site_pages import Page

    site = foi_2023 / "site"
    local = {p.name for p in site.iterdir()}
    for path in sorted(site.glob("*.html")):
        page = Page(path.read_text("utf-8"))
        assert not any("style" in attrs for _, attrs in page.tags), f"{path.name}: inline style (the CSP forbids it)"
        ids = [attrs["id"] for _, attrs in page.tags if attrs.get("id")]
        assert len(ids) == len(set(ids)), f"{path.name}: an id used twice"
        for attrs in page.all("a"):
            href = attrs["href"] or ""
            if href.startswith(("https://", "http://")):
                continue  # sources cited by the evidence and the rubric
            assert (href.startswith("#") and href[1:] in ids) or href.split("#")[0] in local, f"{path.name}: {href}"
        assert all(th.get("scope") in ("col", "row") for th in page.all("th")), path.name
