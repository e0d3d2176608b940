"""`scorecard import` against broken and hostile workbooks, beyond the cases in
test_self_assessment.py: each is refused with exit 1 (2 for a usage error), a message naming the file
and the sheet!cell or part, no traceback, and no evidence file written.

The bad workbooks are made here from a filled-in template rather than stored as binary files:
the change that makes each one bad is then written down next to what it must produce. Parts
of the template: sheet1 Instructions, sheet2 Answers, sheet3 Sources, sheet4 Lists.
"""

from __future__ import annotations

import re
import shutil
import typing as t
import zipfile
from pathlib import Path

import openpyxl
import pytest
from test_self_assessment import RUBRIC, _rezip, fill, make_template, text

from scorecard import selfassess

PART = {"Instructions": "xl/worksheets/sheet1.xml", "Answers": "xl/worksheets/sheet2.xml",
        "Sources": "xl/worksheets/sheet3.xml", "Lists": "xl/worksheets/sheet4.xml"}


@pytest.fixture
def filled(run_line, tmp_path) -> Path:
    """A correctly filled-in workbook for BBB (it imports cleanly: test_self_assessment checks that)."""
    return fill(make_template(run_line, tmp_path), tmp_path / "filled.xlsx")


def refused(run_line, book: Path, tmp_path: Path, expect: int = 1) -> list[str]:
    """Import `book`; assert the exit code, no traceback and no output; return the lines that
    name the workbook."""
    out = tmp_path / "BBB.json"
    result = run_line(["import", book, "--rubric", RUBRIC, "-o", out], expect=expect)
    assert "Traceback" not in result.output and "internal error" not in result.stderr, result.stderr
    assert not out.exists()
    assert [p.name for p in out.parent.glob("*.json")] == [], "nothing may be written beside it either"
    return [line for line in result.stderr.splitlines() if line.startswith(f"{book}:")]


def has(lines: list[str], book: Path, where: str, words: str) -> bool:
    return any(line.startswith(f"{book}: {where}") and words in line for line in lines)


def patch_part(source: Path, target: Path, part: str, change: t.Callable[[str], str]) -> Path:
    with zipfile.ZipFile(source) as archive:
        before = archive.read(part).decode("utf-8")
    after = change(before)
    assert after != before, f"the change did not apply to {part}"
    return _rezip(source, target, {part: after.encode("utf-8")})


def set_cell_xml(cell: str, xml: str) -> t.Callable[[str], str]:
    """Replace one <c> element of a sheet part with `xml` (the cell must be written already)."""
    pattern = re.compile(rf'<c r="{cell}"[^>]*?(?:/>|>.*?</c>)')
    return lambda sheet: pattern.sub(lambda _: xml, sheet, count=1)


# ---------------------------------------------------------------- not a workbook at all


NOT_A_ZIP: dict[str, bytes] = {
    "empty": b"",
    "legacy-xls": bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 504,  # OLE2, as .xls and password-protected .xlsx are
    "pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
    "html": b"<html><body><table><tr><td>S1</td><td>service</td></tr></table></body></html>",
    "zip-local-header-only": b"PK\x03\x04" + b"\x00" * 100,
}


@pytest.mark.parametrize("kind", sorted(NOT_A_ZIP))
def test_a_file_that_is_not_a_zip(run_line, tmp_path, kind):
    book = tmp_path / f"{kind}.xlsx"
    book.write_bytes(NOT_A_ZIP[kind])
    lines = refused(run_line, book, tmp_path)
    assert has(lines, book, "", "is not an .xlsx workbook"), lines


def test_a_truncated_workbook(run_line, tmp_path, filled):
    book = tmp_path / "cut.xlsx"
    book.write_bytes(filled.read_bytes()[: filled.stat().st_size // 2])
    assert has(refused(run_line, book, tmp_path), book, "", "is not an .xlsx workbook")


def test_a_zip_that_is_not_a_workbook(run_line, tmp_path):
    book = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(book, "w") as archive:
        archive.writestr("answers.csv", "S1,service\n")
    lines = refused(run_line, book, tmp_path)
    assert has(lines, book, "", "cannot be read as an .xlsx workbook") or has(lines, book, "", "not a scorecard self-assessment"), lines


def test_a_missing_file_and_a_folder_are_named(run_line, tmp_path):
    missing = tmp_path / "nowhere.xlsx"
    assert has(refused(run_line, missing, tmp_path), missing, "", "no such file")
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    result = run_line(["import", folder, "--rubric", RUBRIC, "-o", tmp_path / "BBB.json"], expect=2)  # usage
    assert f"'{folder}' is a directory" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "BBB.json").exists()


# ---------------------------------------------------------------- zip bombs


def test_too_many_parts(run_line, tmp_path, filled):
    extra = {f"xl/media/part{i}.bin": b"" for i in range(selfassess.MAX_ZIP_ENTRIES)}
    book = _rezip(filled, tmp_path / "parts.xlsx", extra)
    assert has(refused(run_line, book, tmp_path), book, "", f"the limit is {selfassess.MAX_ZIP_ENTRIES}")


def test_a_zip_that_lies_about_its_sizes(run_line, tmp_path, filled):
    """A bomb whose directory declares a small size for a part that inflates far larger: the
    declared sizes pass the check, and reading stops at the declared size (a bad CRC)."""
    padding = "<!-- " + "x" * 2_000_000 + " -->"
    book = patch_part(filled, tmp_path / "liar.xlsx", PART["Answers"], lambda s: s.replace("<sheetData>", padding + "<sheetData>", 1))
    data = bytearray(book.read_bytes())
    with zipfile.ZipFile(book) as archive:
        info = archive.getinfo(PART["Answers"])
    # Rewrite the uncompressed size (32 bits) in the central directory entry and the local header.
    true_size = info.file_size.to_bytes(4, "little")
    declared = (10_000).to_bytes(4, "little")
    count = data.count(true_size)
    assert count >= 2
    data = bytearray(bytes(data).replace(true_size, declared))
    book.write_bytes(bytes(data))
    with zipfile.ZipFile(book) as archive:
        assert archive.getinfo(PART["Answers"]).file_size == 10_000
    lines = refused(run_line, book, tmp_path)
    assert has(lines, book, "", "cannot be read as an .xlsx workbook"), lines


# ---------------------------------------------------------------- XML attacks, in every kind of part


LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)
EXTERNAL = '<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'


def _with_doctype(doctype: str) -> t.Callable[[str], str]:
    def change(xml: str) -> str:
        body = xml.split("?>", 1)[1] if xml.startswith("<?xml") else xml
        return '<?xml version="1.0" encoding="UTF-8"?>' + doctype + body
    return change


XML_PARTS = ["[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
             "docProps/core.xml", PART["Instructions"], PART["Answers"], PART["Sources"], PART["Lists"]]


@pytest.mark.parametrize("part", XML_PARTS)
@pytest.mark.parametrize("attack", ["entity-expansion", "external-entity"])
def test_entity_declarations_are_refused_in_every_part(run_line, tmp_path, filled, part, attack):
    doctype = LAUGHS if attack == "entity-expansion" else EXTERNAL
    book = patch_part(filled, tmp_path / "xml.xlsx", part, _with_doctype(doctype))
    lines = refused(run_line, book, tmp_path)
    assert has(lines, book, "", "entity or DTD declarations, which are refused"), lines


def test_an_external_entity_used_in_an_answer_leaks_nothing(run_line, tmp_path, filled):
    def change(xml: str) -> str:
        xml = _with_doctype(EXTERNAL)(xml)
        return set_cell_xml("I4", '<c r="I4" t="inlineStr"><is><t>&secret;</t></is></c>')(xml)

    book = patch_part(filled, tmp_path / "xxe.xlsx", PART["Answers"], change)
    out = tmp_path / "BBB.json"
    result = run_line(["import", book, "--rubric", RUBRIC, "-o", out], expect=1)
    assert "root:" not in result.output and not out.exists()
    assert "entity or DTD declarations" in result.stderr


# ---------------------------------------------------------------- macros


@pytest.mark.parametrize("suffix", [".xltm", ".xlam", ".xlsb", ".XLSM"])
def test_macro_and_binary_suffixes_are_refused(run_line, tmp_path, filled, suffix):
    book = tmp_path / f"filled{suffix}"
    shutil.copy(filled, book)
    assert has(refused(run_line, book, tmp_path), book, "", "are refused; save it as an Excel Workbook (.xlsx)")


def test_macros_declared_only_in_the_content_types(run_line, tmp_path, filled):
    """No vbaProject.bin, but the workbook says it is macro-enabled: refused all the same."""
    book = patch_part(filled, tmp_path / "declared.xlsx", "[Content_Types].xml", lambda s: s.replace(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml"))
    lines = refused(run_line, book, tmp_path)
    assert has(lines, book, "", "contains macros"), lines


@pytest.mark.parametrize("name", ["xl/VBAProject.BIN", "customUI/vbaProject.bin"])
def test_a_vba_project_anywhere_in_any_case(run_line, tmp_path, filled, name):
    book = _rezip(filled, tmp_path / "vba.xlsx", {name: b"\xcc" * 512})
    assert has(refused(run_line, book, tmp_path), book, "", "contains macros")


def test_an_excel_4_macro_sheet_is_refused(run_line, tmp_path, filled):
    """Excel 4.0 (XLM) macros live in a macro sheet, which an .xlsx can carry without any VBA;
    it was once read as a workbook like any other."""
    with zipfile.ZipFile(filled) as archive:
        types, rels, workbook = (archive.read(p).decode("utf-8") for p in
                                 ("[Content_Types].xml", "xl/_rels/workbook.xml.rels", "xl/workbook.xml"))
    macro_sheet = (
        '<xm:macrosheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><sheetData><row r="1">'
        '<c r="A1"><f>EXEC("calc.exe")</f></c></row></sheetData></xm:macrosheet>'
    )
    book = _rezip(filled, tmp_path / "xlm.xlsx", {
        "[Content_Types].xml": types.replace("</Types>", '<Override PartName="/xl/macrosheets/sheet1.xml" '
                                             'ContentType="application/vnd.ms-excel.macrosheet+xml"/></Types>').encode(),
        "xl/_rels/workbook.xml.rels": rels.replace("</Relationships>", '<Relationship Id="rId99" Target="/xl/macrosheets/sheet1.xml" '
                                                   'Type="http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet"/>'
                                                   "</Relationships>").encode(),
        "xl/workbook.xml": workbook.replace("</sheets>", '<sheet name="Auto_Open" sheetId="9" state="veryHidden" r:id="rId99"/></sheets>').encode(),
        "xl/macrosheets/sheet1.xml": macro_sheet.encode(),
    })
    assert has(refused(run_line, book, tmp_path), book, "", "contains macros")


# ---------------------------------------------------------------- formulas in the cells read


# (sheet, cell): every kind of cell the import reads, each given a formula by openpyxl.
FORMULA_CELLS = [
    ("Answers", "D4"),  # a choice
    ("Answers", "D19"),  # yes or no
    ("Answers", "E29"),  # an outcome
    ("Answers", "F4"),  # a source id
    ("Answers", "G4"),  # a note
    ("Answers", "D11"),  # one option of a multi answer
    ("Sources", "A4"),  # a source's id
    ("Sources", "B4"),  # its title
    ("Sources", "C4"),  # its date
    ("Sources", "D4"),  # its link
    ("Sources", "E5"),  # its reference
]


@pytest.mark.parametrize("sheet,cell", FORMULA_CELLS, ids=[f"{s}!{c}" for s, c in FORMULA_CELLS])
def test_a_formula_in_any_cell_read_is_refused(run_line, tmp_path, sheet, cell):
    template = make_template(run_line, tmp_path)
    book = fill(template, tmp_path / "formula.xlsx", lambda wb: wb[sheet].__setitem__(cell, "=HYPERLINK(\"http://evil\",\"x\")"))
    lines = refused(run_line, book, tmp_path)
    assert has(lines, book, f"{sheet}!{cell}", "a formula is not allowed; type the value"), lines


def test_a_formula_in_the_assessor_details_is_refused(run_line, tmp_path):
    def change(wb: openpyxl.Workbook) -> None:
        sheet = wb["Instructions"]
        row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(row=r, column=1).value == "Completed by")
        sheet.cell(row=row, column=2).value = "=cmd|' /C calc'!A0"

    book = fill(make_template(run_line, tmp_path), tmp_path / "formula.xlsx", change)
    lines = refused(run_line, book, tmp_path)
    assert any(re.match(rf"{re.escape(str(book))}: Instructions!B\d+: a formula is not allowed", line) for line in lines), lines


@pytest.mark.parametrize("xml", [
    # As Excel saves it: the formula and the value it last worked out, which looks like a good answer.
    '<c r="D4" t="str"><f>"consid"&amp;"ering"</f><v>considering</v></c>',
    # An array formula.
    '<c r="D4" t="str"><f t="array" ref="D4">UPPER("considering")</f><v>CONSIDERING</v></c>',
    # The master of a shared formula; test below covers a cell that only refers to one.
    '<c r="D4" t="str"><f t="shared" ref="D4:D4" si="0">"considering"</f><v>considering</v></c>',
], ids=["cached-value", "array", "shared"])
def test_a_formula_with_a_cached_value_is_refused(run_line, tmp_path, filled, xml):
    book = patch_part(filled, tmp_path / "cached.xlsx", PART["Answers"], set_cell_xml("D4", xml))
    lines = refused(run_line, book, tmp_path)
    assert has(lines, book, "Answers!D4", "a formula is not allowed"), lines


def test_an_error_value_is_refused(run_line, tmp_path, filled):
    book = patch_part(filled, tmp_path / "error.xlsx", PART["Answers"], set_cell_xml("D4", '<c r="D4" t="e"><v>#REF!</v></c>'))
    lines = refused(run_line, book, tmp_path)
    assert has(lines, book, "Answers!D4", ""), lines


# ---------------------------------------------------------------- sheets missing or renamed


def _drop_sheet(title: str) -> t.Callable[[openpyxl.Workbook], None]:
    return lambda wb: wb.remove(wb[title])


@pytest.mark.parametrize("change,where,words", [
    (_drop_sheet("Answers"), "Answers", "sheet 'Answers' is missing or renamed"),
    (_drop_sheet("Instructions"), "Instructions", "sheet 'Instructions' is missing or renamed"),
    (lambda wb: setattr(wb["Answers"], "title", "Answers (2)"), "Answers", "sheet 'Answers' is missing or renamed"),
    (lambda wb: setattr(wb["Instructions"], "title", "Read me"), "Instructions", "sheet 'Instructions' is missing or renamed"),
    (_drop_sheet("Lists"), "", "it has no Lists sheet"),
    (lambda wb: text(wb["Lists"], "B1", "something else"), "Lists!B1", "is not a scorecard self-assessment workbook"),
], ids=["Answers-deleted", "Instructions-deleted", "Answers-renamed", "Instructions-renamed", "Lists-deleted", "Lists-changed"])
def test_missing_or_renamed_sheets(run_line, tmp_path, change, where, words):
    book = fill(make_template(run_line, tmp_path), tmp_path / "sheets.xlsx", change)
    lines = refused(run_line, book, tmp_path)
    assert has(lines, book, where, words), lines


# ---------------------------------------------------------------- rows and columns moved or deleted


def _row_of(ws, criterion: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == criterion)


def _copy_row(ws, source: int, target: int) -> None:
    for column in range(1, ws.max_column + 1):
        value = ws.cell(row=source, column=column).value
        text(ws, ws.cell(row=target, column=column).coordinate, value) if isinstance(value, str) else \
            ws.cell(row=target, column=column).__setattr__("value", value)


def test_every_answer_row_deleted(run_line, tmp_path):
    book = fill(make_template(run_line, tmp_path), tmp_path / "rows.xlsx", lambda wb: wb["Answers"].delete_rows(4, 29))
    lines = refused(run_line, book, tmp_path)
    for criterion in ("S1", "S2", "P1", "P2", "P3"):
        assert has(lines, book, "Answers", f"the row for {criterion} is missing"), lines


def test_a_criterion_row_given_twice(run_line, tmp_path):
    def change(wb: openpyxl.Workbook) -> None:
        a = wb["Answers"]
        _copy_row(a, _row_of(a, "S1"), a.max_row + 1)
        text(a, f"D{a.max_row}", "none")  # a second, different answer to S1

    book = fill(make_template(run_line, tmp_path), tmp_path / "twice.xlsx", change)
    lines = refused(run_line, book, tmp_path)
    assert any(re.match(rf"{re.escape(str(book))}: Answers!A\d+: S1 has two rows \(the other is row 4\)", line) for line in lines), lines


def test_a_criterion_id_changed(run_line, tmp_path):
    def change(wb: openpyxl.Workbook) -> None:
        text(wb["Answers"], f"A{_row_of(wb['Answers'], 'P2')}", "P9")

    book = fill(make_template(run_line, tmp_path), tmp_path / "renamed-row.xlsx", change)
    lines = refused(run_line, book, tmp_path)
    assert has(lines, book, "Answers", "the row for P2 is missing"), lines


def test_a_column_deleted(run_line, tmp_path):
    book = fill(make_template(run_line, tmp_path), tmp_path / "column.xlsx", lambda wb: wb["Answers"].delete_cols(7))  # Note
    lines = refused(run_line, book, tmp_path)
    assert has(lines, book, "Answers!3:3", "the column headed 'Note' is missing or renamed"), lines


def test_a_sources_heading_renamed(run_line, tmp_path):
    book = fill(make_template(run_line, tmp_path), tmp_path / "heading.xlsx", lambda wb: text(wb["Sources"], "C3", "When"))
    lines = refused(run_line, book, tmp_path)
    assert has(lines, book, "Sources!3:3", "is missing or renamed"), lines


def test_a_source_row_deleted_that_answers_use(run_line, tmp_path):
    book = fill(make_template(run_line, tmp_path), tmp_path / "source-row.xlsx", lambda wb: wb["Sources"].delete_rows(5))  # foi
    lines = refused(run_line, book, tmp_path)
    assert has(lines, book, "Answers!F19", "'foi' is not an Id on the Sources sheet"), lines

