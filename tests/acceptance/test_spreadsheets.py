"""scorecard.xlsx, scorecard.csv and the per-body workbooks, read back with openpyxl (the printed
workbooks, read by LibreOffice, are tested in test_printed_workbooks.py)."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import in_memory
import openpyxl
import pytest
from conftest import TINY

from scorecard.engine import FORMULA_IN_WORDS, Provenance, score
from scorecard.evidence import load_round
from scorecard.models.rubric import Rubric
from scorecard.register import Register
from scorecard.render import excel
from scorecard.render.csv_ import EVIDENCE_COLUMNS
from scorecard.render.xlsx_book import Book, Styled, sheet_title
from scorecard.result import Scorecard
from scorecard.rubric import load_rubric

HOSTILE = ["=HYPERLINK(\"http://evil.invalid\",\"x\")", "+1+2", "-3-4", "@SUM(A1)", "\tTabbed", "\rReturned", "=1+1"]


def scored(rubric_path: Path, evidence: Path) -> tuple[Scorecard, Rubric]:
    loaded = load_rubric(rubric_path)
    round_ = load_round([evidence], loaded)
    card = score(loaded.rubric, round_.records, loaded.register, Provenance(loaded.sha256, round_.sha256, round_.info))
    return card, loaded.rubric


@pytest.fixture(scope="module")
def tiny() -> tuple[Scorecard, Rubric]:
    return scored(TINY / "rubric.yaml", TINY / "evidence")


@pytest.fixture(scope="module")
def tiny_book(tiny) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(dict(excel.render(*tiny))["scorecard.xlsx"]))


def hostile_round() -> tuple[list[dict], dict, Register]:
    """The tiny round as data, with formula-like text in the register, the rubric and the
    evidence, and section titles that are not legal sheet titles: (records, rubric, register)."""
    rubric = in_memory.tiny_rubric()
    rubric["sections"][0]["title"] = "Services: [draft] a/b*?\\\\ and a long tail of words"
    rubric["sections"][1]["title"] = "Services: [draft] a/b*?\\\\ and a long tail too"
    s1 = rubric["sections"][0]["criteria"][0]
    s1["question"] = HOSTILE[6]
    next(o for o in s1["answer"]["options"] if o["value"] == "service")["descriptor"] = "@A service exists."
    bodies = [("AAA", "=Alpha Board", "Alpha", "-North"), *in_memory.TINY_BODIES[1:]]
    records = in_memory.tiny_records()
    for data, (note, title) in zip(records, ((HOSTILE[0], HOSTILE[1]), (HOSTILE[2], HOSTILE[3]), (HOSTILE[4], HOSTILE[5])), strict=False):
        data["sources"][0]["title"] = title
        # the first answer taken from the document without a note of its own gets the hostile one
        next(entry for entry in data["answers"].values() if entry.get("source") == "doc" and "note" not in entry)["note"] = note
    return records, rubric, in_memory.register(bodies)


@pytest.fixture
def hostile() -> tuple[Scorecard, Rubric]:
    """hostile_round(), scored in memory."""
    records, rubric, register = hostile_round()
    return in_memory.score(records, rubric, register, in_memory.tiny_round_info()), in_memory.rubric(rubric)


def cells(ws) -> list[list[object]]:
    return [list(row) for row in ws.iter_rows(values_only=True)]


def header_row(ws, first: str) -> int:
    for row in ws.iter_rows():
        if row[0].value == first and row[0].font.bold:
            return row[0].row
    raise AssertionError(f"no header starting {first!r} on {ws.title}")


# ---------------------------------------------------------------- structure


def test_sheets_in_reading_order(tiny_book):
    assert tiny_book.sheetnames == ["Summary", "National summary", "Services", "Practice", "Evidence", "Sources", "Flags", "Methodology"]


def test_every_sheet_prints_as_a_document(tiny_book):
    """A4, one page wide, over then down, gridlines not printed, the rubric and the sheet at the
    head of every page and its number at the foot, one font family throughout."""
    for ws in tiny_book.worksheets:
        setup = ws.page_setup
        assert setup.paperSize == 9 and setup.fitToWidth in (None, 1) and setup.fitToHeight == 0, ws.title  # 1 is the default
        assert ws.sheet_properties.pageSetUpPr.fitToPage and setup.pageOrder == "overThenDown", ws.title
        assert not ws.print_options.gridLines, ws.title
        assert "Tiny test rubric" in ws.oddHeader.left.text and ws.oddHeader.right.text == "&A", ws.title
        assert ws.oddFooter.right.text == "Page &P of &N", ws.title
    assert tiny_book["National summary"].page_setup.orientation == "portrait"
    assert tiny_book["Summary"].page_setup.orientation == "landscape"
    fonts = {c.font.name for ws in tiny_book.worksheets for row in ws.iter_rows() for c in row if c.value is not None}
    assert fonts == {"Arial"}


def test_summary_one_row_per_body_with_frozen_filtered_printable_header(tiny, tiny_book):
    card, _ = tiny
    ws = tiny_book["Summary"]
    top = header_row(ws, "Rank")
    heads = [c.value for c in ws[top]]
    assert heads == ["Rank", "Code", "Body", "Region", "Overall %", "Band", "Services %", "Practice %", "Flags", "Categories"]
    assert all(c.font.bold for c in ws[top])
    assert ws.freeze_panes == f"A{top + 1}"
    assert ws.auto_filter.ref == f"A{top}:J{top + len(card.organisations)}"
    assert ws.print_title_rows == f"${top}:${top}"
    body_rows = [r for r in ws.iter_rows(min_row=top + 1, values_only=True) if r[1]]
    assert [r[1] for r in body_rows] == [o.code for o in card.organisations]
    assert ws.cell(row=1, column=1).value == "Summary"
    assert "Tiny test rubric" in ws.cell(row=2, column=1).value and "1.2.0" in ws.cell(row=2, column=1).value
    assert "2024-02-05" in ws.cell(row=3, column=1).value


def test_summary_percent_band_text_and_colour(tiny, tiny_book):
    card, rubric = tiny
    ws = tiny_book["Summary"]
    top = header_row(ws, "Rank")
    first = card.organisations[0]
    assert ws.cell(row=top + 1, column=5).value == pytest.approx(first.percent, rel=1e-12)
    assert ws.cell(row=top + 1, column=5).number_format == '0.0"%"'
    assert ws.cell(row=top + 1, column=5).alignment.horizontal == "center"  # never touching the next cell's text
    band = next(b for b in rubric.bands if b.id == first.band)
    cell = ws.cell(row=top + 1, column=6)
    assert cell.value == band.label
    assert cell.fill.fgColor.rgb == "FF" + band.colour.lstrip("#").upper()
    refused = next(r for r in range(top + 1, top + 6) if ws.cell(row=r, column=2).value == "EEE")
    assert ws.cell(row=refused, column=5).value is None
    assert ws.cell(row=refused, column=6).value == "Not scored (refused)"
    assert ws.cell(row=refused, column=1).value is None
    assert {c.alignment.vertical for c in ws[top + 1]} == {"top"}  # one row reads along one line


def test_national_summary_counts_published_figures_and_silent_bodies(tiny_book):
    rows = [[v for v in row if v is not None] for row in cells(tiny_book["National summary"])]
    flat = [v for row in rows for v in row]
    category = next(r for r in rows if r and r[0] == "Has a service")
    assert category[-3:] == ["2 of 3", "2 of 3", "A test report"]
    assert "Earlier survey" in flat and "Had a service" in flat
    silent = {r[0]: r[2] for r in rows if r and r[0] in ("DDD", "EEE")}
    assert silent == {"DDD": "Did not reply", "EEE": "Refused"}
    assert next(r for r in rows if r and r[0] == "Good")[2] == 1


def test_section_sheet_gives_points_and_answer_in_words_per_body(tiny_book):
    ws = tiny_book["Services"]
    top = header_row(ws, "Rank")
    heads = [c.value for c in ws[top]]
    assert heads[:5] == ["Rank", "Code", "Body", "Services %", "Capped by flag"]
    assert heads[5:] == ["S1 points (of 4)", "S1 answer", "S2 points (of 2)", "S2 answer"]
    by_code = {r[1]: r for r in ws.iter_rows(min_row=top + 1, values_only=True)}
    assert by_code["AAA"][5:7] == (4.0, "Service")  # no label in the rubric: the value in words, never the id
    assert by_code["CCC"][7:9] == (None, "Not applicable")  # left out of the maximum, not a zero
    assert by_code["CCC"][4] == "No policy but service"  # the flag's title, not its id
    assert by_code["EEE"][5:7] == (None, "Refused")


def test_evidence_rows_match_the_csv_and_name_their_source(tiny, tiny_book):
    card, _ = tiny
    files = dict(excel.render(*tiny))
    ws = tiny_book["Evidence"]
    top = header_row(ws, "Code")
    assert [c.value for c in ws[top]] == ["Code", "Criterion", "Question", "Answer", "Points", "Of", "Assessor's note", "Source"]
    rows = [r for r in ws.iter_rows(min_row=top + 1, values_only=True)]
    headings = [r for r in rows if r[1] and r[2] is None]  # one heading row per body, its name merged across
    assert [r[0] for r in headings] == [o.code for o in card.organisations]
    assert headings[0][1].startswith(card.organisations[0].name)
    answers = [r for r in rows if r[2] is not None]
    assert len(answers) == sum(len(o.criteria) for o in card.organisations) == 15
    text = files["scorecard.csv"].decode("utf-8")
    assert text.startswith("\ufeff")  # Excel on Windows reads UTF-8 only with the mark
    table = list(csv.reader(io.StringIO(text[1:], newline="")))
    assert table[0] == [n for n, _ in EVIDENCE_COLUMNS]
    assert len(table) == 1 + len(answers)
    words = {"not-applicable": "Not applicable", "not-held": "Not held", "refused": "Refused", "not-answered": "Not answered"}
    for row, csv_row in zip(answers, table[1:], strict=True):
        by_name = dict(zip(table[0], csv_row, strict=True))
        assert row[0] == by_name["code"] and row[1] == by_name["criterion"]
        assert row[3] == (by_name["answer"] or words[by_name["outcome"]])
        assert row[4] == (float(by_name["points"]) if by_name["points"] else None) and row[5] == float(by_name["max_points"])
        assert (row[6] or "") == by_name["note"] and (row[7] or "") == by_name["source_id"]


def test_sources_sheet_states_each_source_once_with_a_live_link(tiny, tiny_book):
    card, _ = tiny
    ws = tiny_book["Sources"]
    top = header_row(ws, "Code")
    assert [c.value for c in ws[top]] == ["Code", "Body", "Source", "Title", "Date", "Reference", "Link"]
    rows = [r for r in ws.iter_rows(min_row=top + 1)]
    listed = [(r[0].value, r[2].value, r[3].value) for r in rows]
    assert listed == [(o.code, s.id, s.title) for o in card.organisations for s in o.sources]
    first = rows[0][6]
    assert first.value == "https://example.org/aaa" and first.hyperlink.target == "https://example.org/aaa"


def test_flags_sheet_lists_every_flag_raised(tiny, tiny_book):
    card, _ = tiny
    rows = cells(tiny_book["Flags"])
    raised = [(o.code, f.message) for o in card.organisations for f in o.flags]
    assert raised  # the fixture raises flags, so this test can fail
    listed = [(r[0], r[4]) for r in rows if r[4] and r[0] in {o.code for o in card.organisations}]
    assert listed == raised


def test_methodology_has_the_whole_rubric_formula_and_hashes(tiny, tiny_book):
    card, rubric = tiny
    flat = {v for row in cells(tiny_book["Methodology"]) for v in row if v is not None}
    assert card.rubric.sha256 in flat and card.evidence_sha256 in flat
    assert set(FORMULA_IN_WORDS) <= flat
    text = "\n".join(str(v) for v in flat)
    for section in rubric.sections:
        for criterion in section.criteria:
            assert criterion.id in flat and criterion.question in text and criterion.guidance in flat
    assert {"No service.", "Thinking about one.", "A service exists.", "Low.", "Middling.", "High."} <= flat
    assert {f.message for f in rubric.flags} <= flat
    assert {f.when.describe() for f in rubric.flags} <= flat
    assert {b.label for b in rubric.bands} <= flat and {c.title for c in rubric.categories} <= flat


def test_rows_are_given_the_height_their_text_needs_and_no_more_than_a_third_of_a_page(tiny_book):
    ws = tiny_book["Methodology"]
    guidance = next(c for row in ws.iter_rows() for c in row if c.value == "Guidance")
    assert ws.row_dimensions[guidance.row].height is None or ws.row_dimensions[guidance.row].height <= 150
    for sheet in tiny_book.worksheets:
        assert all((d.height or 0) <= 150 for d in sheet.row_dimensions.values()), sheet.title


# ---------------------------------------------------------------- safety


def _sheet_xml(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {n: archive.read(n).decode("utf-8") for n in archive.namelist() if n.startswith("xl/worksheets/")}


def test_hostile_text_is_stored_as_typed_text_never_a_formula(hostile):
    data = dict(excel.render(*hostile))["scorecard.xlsx"]
    for name, xml in _sheet_xml(data).items():
        assert "<f>" not in xml and "<f " not in xml, name
    book = openpyxl.load_workbook(io.BytesIO(data))
    found: dict[str, list] = {}
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate}"
                if isinstance(cell.value, str) and cell.value in [*HOSTILE, "=Alpha Board", "-North", "@A service exists."]:
                    assert cell.value != "\rReturned"
                    found.setdefault(cell.value, []).append(cell)
    # a carriage return comes back as the line break it shows as; the rest exactly as typed
    assert set(found) == set(HOSTILE) - {"\rReturned"} | {"=Alpha Board", "-North", "@A service exists."}
    for value, hits in found.items():
        assert all(c.data_type == "s" and c.quotePrefix for c in hits), value
    flat = {c.value for ws in book.worksheets for row in ws.iter_rows() for c in row}
    assert "\nReturned" in flat


def _one_sheet(fill, stream: bool = True) -> openpyxl.Workbook:
    book = Book("test", "2024-02-05", "Test rubric", stream=stream)
    fill(book.sheet("S", [10, 20, 30]))
    return openpyxl.load_workbook(io.BytesIO(book.bytes()))


@pytest.mark.parametrize("stream", [True, False])
def test_text_that_looks_like_markup_or_escapes_reads_back_as_typed(stream):
    """XlsxWriter would pass "<r>...</r>" through as rich-text XML, and Excel reads _xHHHH_ as
    an escaped character: both must come back exactly as typed."""
    values = ["<r><t>injected</t></r>", "_x0041_ stays", "a & b <c>", "  padded  ", "bell\x07 and nul\x00", "tab\tin"]
    ws = _one_sheet(lambda st: [st.add([v]) for v in values], stream)["S"]
    got = [ws.cell(row=r, column=1).value for r in range(1, len(values) + 1)]
    # openpyxl undoes the _xHHHH_ escape in shared strings but not in the inline strings of a
    # streamed sheet, where it reads the escaped form Excel and LibreOffice show as typed
    # (test_printed_workbooks reads it with LibreOffice).
    escaped = "_x0041_ stays" if not stream else "_x005F_x0041_ stays"
    assert got == [values[0], escaped, *values[2:4], "bell\ufffd and nul\ufffd", "tab\tin"]


def test_cells_keep_their_kind_and_long_text_is_wrapped_with_room():
    values = [True, False, 0, -7, 10**12, 1.5, 94.44444444444444]

    def fill(st):
        st.table(["A", "B", "C"], [["=1+1", Styled("https://example.org/x", "link"), "short"],
                                   ["bell", Styled("javascript:alert(1)", "link"), "word " * 30]])
        st.add(values, "plain")

    ws = _one_sheet(fill)["S"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:C3" and ws.print_title_rows == "$1:$1"
    assert ws["A2"].value == "=1+1" and ws["A2"].data_type == "s" and ws["A2"].quotePrefix
    assert ws["B2"].hyperlink.target == "https://example.org/x"
    assert ws["B3"].value == "javascript:alert(1)" and ws["B3"].hyperlink is None
    assert ws.row_dimensions[2].height is None  # fits on one line
    assert ws["C3"].alignment.wrap_text and ws.row_dimensions[3].height >= 4 * 12.75  # 150 characters in 30
    got = [ws.cell(row=4, column=k).value for k in range(1, len(values) + 1)]
    assert got == values and [type(v) for v in got] == [type(v) for v in values]


def test_links_beyond_what_excel_allows_stay_plain_text():
    from scorecard.render import xlsx_book

    def fill(st):
        for k in range(3):
            st.add([Styled(f"https://example.org/{k}", "link")])
        st.add([Styled("https://example.org/" + "x" * xlsx_book.MAX_URL, "link")])

    limit, xlsx_book.MAX_LINKS = xlsx_book.MAX_LINKS, 2
    try:
        ws = _one_sheet(fill)["S"]
    finally:
        xlsx_book.MAX_LINKS = limit
    assert [ws.cell(row=r, column=1).hyperlink is not None for r in (1, 2, 3, 4)] == [True, True, False, False]
    assert ws["C1"].value is None and ws["A3"].value == "https://example.org/2"


def test_hostile_section_titles_become_legal_unique_sheet_titles(hostile):
    book = openpyxl.load_workbook(io.BytesIO(dict(excel.render(*hostile))["scorecard.xlsx"]))
    sections = book.sheetnames[2:4]
    assert len(set(s.lower() for s in sections)) == 2
    for title in sections:
        assert len(title) <= 31 and not re.search(r"[\[\]:*?/\\]", title)


def test_sheet_title_rules():
    assert sheet_title("a:b/c\\d?e*f[g]h", []) == "a-b-c-d-e-f-g-h"
    assert sheet_title("x" * 40, []) == "x" * 31
    assert sheet_title("Summary", ["summary"]) == "Summary (2)"
    assert sheet_title("x" * 40, ["x" * 31]) == "x" * 27 + " (2)"
    assert sheet_title("'quoted'", []) == "quoted"
    assert sheet_title("  ", []) == "Sheet"


def test_section_tabs_use_the_short_title():
    rubric = in_memory.tiny_rubric()
    rubric["sections"][0].update(title="Services for people on these medicines, in full", short_title="Services in short")
    card = in_memory.score(in_memory.tiny_records(), rubric, info=in_memory.tiny_round_info())
    book = openpyxl.load_workbook(io.BytesIO(dict(excel.render(card, in_memory.rubric(rubric)))["scorecard.xlsx"]))
    assert book.sheetnames[2] == "Services in short"
    assert book["Services in short"]["A1"].value == "Services for people on these medicines, in full"


def test_csv_makes_formula_text_inert_but_keeps_numbers(hostile):
    text = dict(excel.render(*hostile))["scorecard.csv"].decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text, newline="")))
    flat = {v for row in table for v in row}
    for value in HOSTILE:
        assert "'" + value in flat and value not in flat
    assert "'=Alpha Board" in flat
    points = [n for n, _ in EVIDENCE_COLUMNS].index("points")
    assert all(re.fullmatch(r"-?\d+(\.\d+)?|", row[points]) for row in table[1:])


# ---------------------------------------------------------------- determinism


def test_same_input_gives_identical_bytes_dated_by_the_evidence(tiny):
    first, second = dict(excel.render(*tiny)), dict(excel.render(*tiny))
    assert first == second
    book = openpyxl.load_workbook(io.BytesIO(first["scorecard.xlsx"]))
    assert book.properties.created.isoformat() == "2024-02-05T00:00:00"
    assert book.properties.modified.isoformat() == "2024-02-05T00:00:00"


@pytest.mark.parametrize("as_of", ["9999-12-31", "2108-01-01", "1900-01-01", None, "not a date"])
def test_zip_entries_never_carry_a_date_from_the_data(as_of):
    """Zip dates only exist from 1980 to 2107: whatever the evidence date, the entries carry
    XlsxWriter's fixed date and the workbook is written."""
    book = Book("test", as_of, "Test rubric")
    book.sheet("S", [10]).add(["x"])
    with zipfile.ZipFile(io.BytesIO(book.bytes())) as archive:
        assert {i.date_time[:3] for i in archive.infolist()} <= {(1980, 1, 1), (1980, 1, 31)}


# ---------------------------------------------------------------- per body and CLI


def test_per_organisation_workbooks_hold_only_that_body(tiny):
    card, _ = tiny
    files = dict(excel.render_per_organisation(*tiny))
    assert sorted(files) == sorted(f"organisations/{o.code}.xlsx" for o in card.organisations)
    book = openpyxl.load_workbook(io.BytesIO(files["organisations/CCC.xlsx"]))
    assert book.sheetnames == ["Summary", "Evidence", "Sources", "Flags", "Methodology"]
    ws = book["Evidence"]
    top = header_row(ws, "Code")
    codes = {r[0] for r in ws.iter_rows(min_row=top + 1, values_only=True)}
    assert codes == {"CCC"}
    assert ws.max_row - top == 1 + 5  # its heading row and its five answers
    summary = {r[0]: r[1] for r in cells(book["Summary"]) if r[0]}
    ccc = next(o for o in card.organisations if o.code == "CCC")
    assert summary["Rank"] == f"{ccc.rank} of 3 bodies scored"
    assert summary["Band"] == next(b.label for b in tiny[1].bands if b.id == ccc.band)
    assert summary["Overall %"] == pytest.approx(ccc.percent, rel=1e-12)  # Excel keeps 15 digits
    for sheet in book.worksheets:
        assert sheet.oddFooter.left.text == f"{ccc.name} ({ccc.code})", sheet.title  # every printed page names the body
    text = " ".join(str(v) for row in cells(book["Summary"]) for v in row if v)
    assert "section sheets" not in text and "Evidence sheet" in text  # it describes only sheets it has


def test_score_writes_xlsx_csv_and_per_body_books(run_line, tmp_path):
    run_line(["score", TINY / "evidence", "--rubric", TINY / "rubric.yaml", "--out", tmp_path,
              "--format", "xlsx", "--per-organisation"])
    assert (tmp_path / "scorecard.xlsx").is_file() and (tmp_path / "scorecard.csv").is_file()
    assert sorted(p.name for p in (tmp_path / "organisations").iterdir()) == [f"{c}.xlsx" for c in ("AAA", "BBB", "CCC", "DDD", "EEE")]
    assert not (tmp_path / "scorecard.json").exists()


RENDER_AND_HASH = """
import hashlib, sys
sys.path[:0] = sys.argv[1:]
from test_spreadsheets import TINY, excel, scored
files = {**dict(excel.render(*scored(TINY / "rubric.yaml", TINY / "evidence"))),
         **dict(excel.render_per_organisation(*scored(TINY / "rubric.yaml", TINY / "evidence")))}
print(hashlib.sha256(repr(sorted(files.items())).encode()).hexdigest())
"""


def test_bytes_do_not_depend_on_the_hash_seed():
    import os
    import subprocess
    import sys

    digests = set()
    for seed in ("1", "2"):
        run = subprocess.run([sys.executable, "-c", RENDER_AND_HASH, str(Path(__file__).parent), str(Path(__file__).parents[1])],
                             capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": seed}, check=True)
        digests.add(run.stdout.strip())
    assert len(digests) == 1




def test_every_per_body_workbook_carries_the_same_methodology(tiny):
    files = dict(excel.render_per_organisation(*tiny))
    sheets = [cells(openpyxl.load_workbook(io.BytesIO(data))["Methodology"]) for data in files.values()]
    assert len(sheets) == 5 and all(s == sheets[0] for s in sheets)
    assert tiny[0].rubric.sha256 in {v for row in sheets[0] for v in row}


def test_a_big_round_leaves_its_evidence_rows_to_the_csv_and_says_so(tiny, monkeypatch):
    from scorecard.render import xlsx_sheets

    monkeypatch.setattr(xlsx_sheets, "EVIDENCE_SHEET_LIMIT", 4)
    files = dict(excel.render(*tiny))
    book = openpyxl.load_workbook(io.BytesIO(files["scorecard.xlsx"]))
    assert "Sources" not in book.sheetnames
    services = " ".join(str(v) for row in cells(book["Services"]) for v in row if v)
    assert "scorecard.csv" in services and "AAA" not in services  # the section sheets' rows too
    text = " ".join(str(v) for row in cells(book["Evidence"]) for v in row if v)
    assert "scorecard.csv" in text and "5 bodies" in text and "Code" not in [c.value for c in book["Evidence"]["A"]]
    assert len(files["scorecard.csv"].decode("utf-8-sig").splitlines()) == 16  # every row is still in the CSV


@pytest.mark.parametrize("url, linked", [
    ("https://example.org/a", True), ("http://example.org/a", True), ("HTTPS://EXAMPLE.ORG/A", True),
    ("javascript:alert(1)", False), ("file:///etc/passwd", False), ("=HYPERLINK(\"x\")", False), ("mailto:a@b.c", False), (None, False),
    # The site's rule: no user information disguising the host, no space or control character.
    ("https://www.nhs.uk:login@evil.example/", False), ("https://a.example/\nb", False), ("https://evil.example\\@www.nhs.uk/", False),
])
def test_only_http_links_are_clickable(url, linked):
    ws = _one_sheet(lambda st: st.add([Styled(url, "link"), "x"]))["S"]
    assert ws["A1"].value == url
    assert (ws["A1"].hyperlink is not None) == linked
    if linked:
        assert ws["A1"].hyperlink.target == url


def test_a_row_may_be_as_wide_as_excel_allows_and_panes_sit_under_the_main_header():
    values = [f"v{k}" for k in range(1, 801)]

    def fill(st):
        st.add(values)  # widths for the first three only: the rest default
        for k in range(5):
            st.add([f"line {k}"])
        st.table(["x", "y"], [["a", "b"]], main=False)  # a side table: no panes, no filter
        st.blank()
        st.table(["Main", "table"], [["c", "d"], ["e", "f"]])

    ws = _one_sheet(fill)["S"]
    assert ws["ZZ1"].value == "v702" and ws["AAA1"].value == "v703" and ws.cell(row=1, column=800).value == "v800"
    assert ws["A10"].value == "Main" and ws.freeze_panes == "A11"
    assert ws.auto_filter.ref == "A10:B12" and ws.print_title_rows == "$10:$10"
    assert [ws.cell(row=r, column=1).value for r in (2, 6, 7, 8, 11, 12)] == ["line 0", "line 4", "x", "a", "c", "e"]


def test_a_body_workbook_names_the_kind_of_evidence_in_words(tiny):
    files = dict(excel.render_per_organisation(*tiny))
    summary = cells(openpyxl.load_workbook(io.BytesIO(files["organisations/AAA.xlsx"]))["Summary"])
    evidence = next(row[1] for row in summary if row and row[0] == "Evidence")
    assert evidence.startswith("desk research, assessed by") and "desk-research" not in evidence
