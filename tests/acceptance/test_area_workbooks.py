"""The area overlay in the workbooks: the sheet of every area in scorecard.xlsx, each body's
areas on its own workbook's first sheet, and `validate` and `rubric lint` checking the overlay
files. (Hostile overlay text in the workbooks: test_area_overlays.py's hostile-overlay test.)"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from conftest import TINY
from test_area_overlays import GOOD_AREAS, OVERLAYS, ROOT, tiny_with_overlay

BUNDLED_SECTIONS = 6


@pytest.fixture(scope="module")
def bundled(tmp_path_factory) -> Path:
    from click.testing import CliRunner

    from scorecard.cli import cli

    out = tmp_path_factory.mktemp("bundled")
    result = CliRunner().invoke(cli, ["score", str(ROOT / "evidence" / "foi-2023"), "--out", str(out), "-q",
                                      "--format", "xlsx", "--per-organisation"])
    assert result.exit_code == 0, result.output
    return out


def _rows(ws) -> list[tuple]:
    return [tuple(c.value for c in row) for row in ws.iter_rows()]


def _table(ws, first_heading: str) -> tuple[tuple, list[tuple]]:
    """The header row whose first cell is `first_heading`, and the rows below it up to a blank one."""
    rows = _rows(ws)
    top = next(k for k, r in enumerate(rows) if r[0] == first_heading)
    body = []
    for r in rows[top + 1:]:
        if all(v is None for v in r):
            break
        body.append(r)
    return rows[top], body


def test_scorecard_has_a_sheet_of_every_constituency_and_icb_with_the_date_and_attribution(bundled):
    book = openpyxl.load_workbook(bundled / "scorecard.xlsx")
    assert book.sheetnames[:3] == ["Summary", "National summary", "Constituencies"]  # named by the overlay
    ws = book["Constituencies"]
    header, rows = _table(ws, "Constituency code")
    assert list(header) == ["Constituency code", "Constituency", "MP", "ICB code", "ICB", "Share", "Estimated", "Band", "Overall percent"]
    assert len(rows) == 580  # one per constituency and ICB, as mps.csv
    with (OVERLAYS / "icbs-2022" / "areas.csv").open(encoding="utf-8", newline="") as handle:
        expected = {(r["area_code"], r["body"]): r for r in csv.DictReader(handle)}
    assert {(r[0], r[3]) for r in rows} == set(expected)
    for r in rows:
        assert r[1] == expected[r[0], r[3]]["area_name"] and r[2] == expected[r[0], r[3]]["representative"]
        assert r[5] == pytest.approx(float(expected[r[0], r[3]]["share"]))
    devon = next(c for c in ws.iter_rows() if c[1].value == "Tiverton and Minehead" and c[3].value == "QJK")
    assert devon[5].data_type == "n" and devon[5].number_format == "0.0%"  # a number, shown as a percent
    from scorecard.rubric import bundled_rubrics, load_rubric

    colour = next(b.colour for b in load_rubric(bundled_rubrics()["nhse-dfm-2023"]).rubric.bands if b.label == devon[7].value)
    assert devon[7].value == "Little or nothing in place" and devon[7].fill.fgColor.rgb[-6:] == colour[1:].upper()  # words on colour
    assert devon[8].value == 0 and devon[8].data_type == "n"
    notes = " ".join(str(r[0]) for r in _rows(ws)[:12] if r[0])
    assert "MPs as of 3 April 2026 (2026-04-03)" in notes
    assert "Open Parliament Licence v3.0" in notes and "mySociety, 2025-constituencies (CC BY 4.0)" in notes
    assert "Open Government Licence v3.0" in notes and "mps.csv" in notes
    top = next(k for k, r in enumerate(_rows(ws), start=1) if r[0] == "Constituency code")
    assert ws.print_title_rows == f"${top}:${top}"  # the header on every printed page
    assert ws.page_setup.paperSize == 9 and ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0


def test_the_split_constituency_is_on_both_devon_and_somerset_workbooks_with_its_share(bundled):
    for code, share, other in (("QJK", 0.4576, "NHS Somerset Integrated Care Board (54.2%)"),
                               ("QSL", 0.5424, "NHS Devon Integrated Care Board (45.8%)")):
        book = openpyxl.load_workbook(bundled / "organisations" / f"{code}.xlsx")
        ws = book.worksheets[0]  # the first sheet, below the body's result
        assert ws.title == "Summary"
        header, rows = _table(ws, "Constituency")
        assert list(header) == ["Constituency", "Share", "MP", "Also served by"]
        tiverton = next(r for r in rows if r[0] == "Tiverton and Minehead")
        assert tiverton[1] == pytest.approx(share) and tiverton[2] == "Rachel Gilmour" and tiverton[3] == other
        cell = next(c for c in ws.iter_rows() if c[0].value == "Tiverton and Minehead")[1]
        assert cell.data_type == "n" and cell.number_format == "0.0%"
        text = " ".join(str(v) for r in _rows(ws) for v in r if v is not None)
        assert text.index("Section") < text.index("Tiverton and Minehead")  # below the body's result
        assert "MPs as of 3 April 2026" in text and "Open Parliament Licence v3.0" in text
    devon = {r[0] for r in _table(openpyxl.load_workbook(bundled / "organisations" / "QJK.xlsx").worksheets[0], "Constituency")[1]}
    assert {"Exeter", "Torbay", "Tiverton and Minehead"} <= devon and "Taunton and Wellington" not in devon


def test_every_body_workbook_lists_exactly_its_own_constituencies(bundled):
    with (OVERLAYS / "icbs-2022" / "areas.csv").open(encoding="utf-8", newline="") as handle:
        wanted: dict[str, set[str]] = {}
        for r in csv.DictReader(handle):
            wanted.setdefault(r["body"], set()).add(r["area_name"])
    for path in sorted((bundled / "organisations").glob("*.xlsx")):
        rows = _table(openpyxl.load_workbook(path).worksheets[0], "Constituency")[1]
        assert {r[0] for r in rows} == wanted[path.stem], path.stem


def test_area_workbooks_are_byte_identical_for_identical_inputs(bundled, tmp_path, run_line):
    again = tmp_path / "again"
    run_line(["score", ROOT / "evidence" / "foi-2023", "--out", again, "-q", "--format", "xlsx", "--per-organisation"])
    for name in ("scorecard.xlsx", "mps.csv", "organisations/QJK.xlsx", "organisations/QSL.xlsx"):
        assert (again / name).read_bytes() == (bundled / name).read_bytes(), name


def test_a_round_without_an_overlay_has_no_area_sheet_or_listing(tmp_path, run_line):
    from scorecard.resources import data_dir
    from scorecard.rubric import load_rubric

    out = tmp_path / "scotland"
    run_line(["score", data_dir("evidence") / "scotland-illustrative-2025", "--out", out, "--format", "xlsx", "--per-organisation", "-q"])
    rubric = load_rubric(data_dir("rubrics") / "scotland-pain-2022.yaml").rubric
    sections = [s.short_title or s.title for s in rubric.sections]
    assert openpyxl.load_workbook(out / "scorecard.xlsx").sheetnames == [
        "Summary", "National summary", *sections, "Evidence", "Sources", "Flags", "Methodology"]
    assert sorted(p.name for p in out.iterdir()) == ["organisations", "scorecard.csv", "scorecard.xlsx"]
    for path in sorted((out / "organisations").glob("*.xlsx")):
        rows = _rows(openpyxl.load_workbook(path).worksheets[0])
        last = max(k for k, r in enumerate(rows) if any(v is not None for v in r))
        assert rows[last][0] == rubric.sections[-1].title, path.stem  # the section table ends the sheet


# ---------------------------------------------------------------- validate and rubric lint


BAD_AREAS = "area_code,area_name,representative,body,share,estimated\nW1,One,P,AAA,1,\nW2,Two,Q,ZZZ,1,\nW3,Three,R,BBB,0.5,\n"


def test_validate_checks_the_overlay_naming_file_and_line(tmp_path, run_line):
    rubric = tiny_with_overlay(tmp_path, BAD_AREAS)
    result = run_line(["validate", tmp_path / "tiny" / "evidence", "--rubric", rubric], expect=1)
    areas = tmp_path / "tiny" / "overlays" / "register" / "areas.csv"
    assert f"{areas}:3: /: body 'ZZZ' is not in the register" in result.stderr
    assert f"{areas}:4: /: the shares of area W3 add up to 0.5000, not 1" in result.stderr
    assert "Traceback" not in result.output


def test_validate_reports_bad_records_and_a_bad_overlay_together(tmp_path, run_line):
    rubric = tiny_with_overlay(tmp_path, GOOD_AREAS, {"as_of": "2025-02-30"})
    (tmp_path / "tiny" / "evidence" / "broken.json").write_text("{not json", "utf-8")
    result = run_line(["validate", tmp_path / "tiny" / "evidence", "--rubric", rubric], expect=1)
    assert "broken.json" in result.stderr
    assert "overlay.json: /as_of:" in result.stderr


def test_validate_passes_a_good_overlay_and_the_bundled_ones(tmp_path, run_line):
    rubric = tiny_with_overlay(tmp_path, GOOD_AREAS)
    run_line(["validate", tmp_path / "tiny" / "evidence", "--rubric", rubric])
    run_line(["validate", ROOT / "evidence" / "foi-2023"])
    run_line(["validate", ROOT / "evidence" / "illustrative-2026"])


def test_rubric_lint_checks_the_overlay(tmp_path, run_line):
    rubric = tiny_with_overlay(tmp_path, BAD_AREAS)
    result = run_line(["rubric", "lint", rubric], expect=1)
    assert "areas.csv:3: /: body 'ZZZ' is not in the register" in result.stderr
    assert " ok: " not in result.stdout
    good = tiny_with_overlay(tmp_path / "good", GOOD_AREAS)
    assert "; overlay: 3 wards in 4 rows, Councillors as of 2025-02-01" in run_line(["rubric", "lint", good]).stdout
    assert "overlay" not in run_line(["rubric", "lint", TINY / "rubric.yaml"]).stdout
    bundled = run_line(["rubric", "lint", ROOT / "rubrics" / "nhse-dfm-2023.yaml"]).stdout
    assert "overlay: 543 constituencies in 580 rows, MPs as of 2026-04-03, with a map" in bundled
