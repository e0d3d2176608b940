"""The self-assessment workbook: `scorecard template`, filled in here with openpyxl, then
`scorecard import`, with every refusal the import promises."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import TINY

from scorecard import selfassess, selfassess_form
from scorecard.engine import Provenance, score
from scorecard.evidence import load_round
from scorecard.rubric import load_rubric

RUBRIC = TINY / "rubric.yaml"
ROW = {"S1": 4, "S2": 9, "P1": 19, "P2": 23, "P3": 29}  # Answers: each question's row, in rubric order
COL = {"Answer": "D", "Outcome": "E", "Source": "F", "Note": "G"}
OPTION = {"Red": "D11", "Green": "D12", "Blue": "D13", "Black": "D14"}  # S2's options, a row each

EXPECTED = {
    "organisation": "BBB",
    "rubric": {"id": "tiny", "version": "1.2.0"},
    "round": "test-1",
    "kind": "self-assessment",
    "response": "replied",
    "assessor": "Jo Bloggs, head of medicines optimisation",
    "assessed_on": "2024-02-10",
    "sources": [
        {"id": "doc", "title": "BBB document", "date": "2024-01-15", "url": "https://example.org/bbb"},
        {"id": "foi", "title": "=FOI reply, typed as text", "date": "2024-01-20", "reference": "FOI 123"},
    ],
    "answers": {
        "S1": {"value": "considering", "source": "doc", "note": "=SUM(A1) is our note, not a formula"},
        "S2": {"value": ["red", "blue"], "source": "doc"},
        "P1": {"value": False, "source": "foi"},
        "P2": {"value": 12.5, "source": "doc"},
        "P3": {"outcome": "not-held", "note": "Not collected."},
    },
}


def make_template(run_line, tmp_path: Path, code: str = "BBB", rubric: Path = RUBRIC) -> Path:
    out = tmp_path / f"{code}-template.xlsx"
    run_line(["template", "--org", code, "--rubric", rubric, "--round", "test-1", "-o", out])
    return out


def text(ws, where: str, value) -> None:
    """Type a value as a person would; text that looks like a formula stays text."""
    ws[where] = value
    if isinstance(value, str):
        ws[where].data_type = "s"


def fill(template: Path, out: Path, change=None) -> Path:
    wb = openpyxl.load_workbook(template)
    a, s, i = wb["Answers"], wb["Sources"], wb["Instructions"]
    text(a, f"D{ROW['S1']}", "considering")  # the id still works; the dropdown shows "Considering"
    text(a, f"F{ROW['S1']}", "doc")
    text(a, f"G{ROW['S1']}", "=SUM(A1) is our note, not a formula")
    for option, answer in (("Red", "Yes"), ("Green", "No"), ("Blue", "yes"), ("Black", "No")):
        text(a, OPTION[option], answer)
    text(a, f"F{ROW['S2']}", "doc")
    text(a, f"D{ROW['P1']}", "No")
    text(a, f"F{ROW['P1']}", "foi")
    a[f"D{ROW['P2']}"] = 12.5
    text(a, f"F{ROW['P2']}", "doc")
    text(a, f"E{ROW['P3']}", "Not held")
    text(a, f"G{ROW['P3']}", "Not collected.")
    for row, values in ((4, ["doc", "BBB document", dt.datetime(2024, 1, 15), "https://example.org/bbb", None]),
                        (5, ["foi", "=FOI reply, typed as text", "2024-01-20", None, "FOI 123"])):
        for column, value in zip("ABCDE", values, strict=True):
            if value is not None:
                text(s, f"{column}{row}", value)
    details = {i.cell(row=r, column=1).value: r for r in range(1, i.max_row + 1)}
    text(i, f"B{details['Completed by']}", "Jo Bloggs, head of medicines optimisation")
    i[f"B{details['Date completed (YYYY-MM-DD)']}"] = dt.datetime(2024, 2, 10)
    if change:
        change(wb)
    wb.save(out)
    return out


@pytest.fixture
def template(run_line, tmp_path) -> Path:
    return make_template(run_line, tmp_path)


def import_fails(run_line, book: Path, tmp_path: Path, *extra) -> list[str]:
    out = tmp_path / "out.json"
    result = run_line(["import", book, "--rubric", RUBRIC, "-o", out, *extra], expect=1)
    assert not out.exists()
    return [line for line in result.stderr.splitlines() if line.startswith(str(book))]


# ---------------------------------------------------------------- the template


def test_template_structure(template):
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames == ["Instructions", "Answers", "Sources", "Lists"]
    assert wb["Lists"].sheet_state == "veryHidden"
    a = wb["Answers"]
    assert [c.value for c in a[3]] == list(selfassess_form.COLUMNS)
    ids = [a[f"A{r}"].value for r in range(4, a.max_row + 1) if a[f"A{r}"].value]
    assert ids == ["S1", "S2", "S2 (a)", "S2 (b)", "S2 (c)", "S2 (d)", "P1", "P2", "P3"]
    assert [a[f"A{r}"].value for r in ROW.values()] == list(ROW)
    # each question is followed by its guidance and what each answer means, in words
    assert a["B5"].value == "Guidance: Look for a commissioned service."
    assert [(a[f"B{r}"].value, a[f"C{r}"].value) for r in (6, 7, 8)] == [
        ("None", "No service. (0 points)"), ("Considering", "Thinking about one. (1 point)"), ("Service", "A service exists. (4 points)")]
    for ws in wb.worksheets:
        assert ws.protection.sheet and not ws.protection.password
        for row in ws.iter_rows():
            assert all(c.data_type != "f" for c in row)
    # only the answer cells are open
    assert not a["D4"].protection.locked and not a["F4"].protection.locked and not a["D11"].protection.locked
    assert a["A4"].protection.locked and a["C4"].protection.locked and a["B6"].protection.locked
    assert a["D9"].protection.locked  # the multi question is answered on its options' rows
    assert a["D6"].protection.locked  # a row saying what an answer means takes no answer
    assert not wb["Sources"]["B4"].protection.locked
    meta = {r[0]: r[1] for r in wb["Lists"].iter_rows(min_row=1, max_row=7, max_col=2, values_only=True)}
    assert meta["rubric id"] == "tiny" and meta["rubric version"] == "1.2.0" and meta["organisation"] == "BBB"


def test_template_dropdowns_come_from_the_rubric(template):
    wb = openpyxl.load_workbook(template)
    a, _ = wb["Answers"], wb["Lists"]
    by_cell = {str(cell): dv for dv in a.data_validations.dataValidation for cell in dv.sqref.ranges}

    def options(where: str) -> list[str]:
        dv = by_cell[where]
        assert dv.type == "list"
        sheet, cells = dv.formula1.split("!")
        first, last = cells.replace("$", "").split(":")
        return [c.value for row in wb[sheet][first:last] for c in row]

    assert options("D4") == ["None", "Considering", "Service"]  # words, not ids (the rubric gives no labels)
    assert options("D19") == ["Yes", "No"]
    assert options("D11") == options("D14") == ["Yes", "No"]
    assert options("E4") == list(selfassess_form.OUTCOME_LABELS)
    assert by_cell["F4"].formula1 == "Sources!$A$4:$A$43"
    p2, p3 = by_cell["D23"], by_cell["D29"]
    assert (p2.type, p2.operator, float(p2.formula1)) == ("decimal", "greaterThanOrEqual", 0)
    assert (p3.type, p3.operator or "between", float(p3.formula1), float(p3.formula2)) == ("decimal", "between", 0, 100)
    assert "D9" not in by_cell


def test_template_is_byte_identical_and_refuses_unknown_org(run_line, tmp_path):
    first = make_template(run_line, tmp_path / "a")
    second = make_template(run_line, tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()
    result = run_line(["template", "--org", "ZZZ", "--rubric", RUBRIC, "-o", tmp_path / "z.xlsx"], expect=2)
    assert "'ZZZ' is not in the register" in result.stderr
    run_line(["template", "--org", "BBB", "--rubric", RUBRIC, "-o", first], expect=2)  # exists, no --force


# ---------------------------------------------------------------- round trip


def test_round_trip_equals_expected_validates_and_scores(run_line, template, tmp_path):
    book = fill(template, tmp_path / "filled.xlsx")
    before = book.read_bytes()
    out = tmp_path / "round" / "BBB.json"
    out.parent.mkdir()
    result = run_line(["import", book, "--rubric", RUBRIC, "-o", out])
    assert "5 of 5 questions" in result.stdout
    assert json.loads(out.read_text("utf-8")) == EXPECTED
    assert book.read_bytes() == before  # the input is never changed
    for code in ("AAA", "CCC"):
        shutil.copy(TINY / "evidence" / f"{code}.json", out.parent)
    loaded = load_rubric(RUBRIC)
    round_ = load_round([out.parent], loaded)
    card = score(loaded.rubric, round_.records, loaded.register, Provenance(loaded.sha256, round_.sha256))
    bbb = next(o for o in card.organisations if o.code == "BBB")
    results = {c.id: c for c in bbb.criteria}
    assert results["S1"].points == 1 and results["S2"].points == 1 and results["P3"].outcome == "not-held"
    assert bbb.percent is not None


def test_rows_are_matched_by_criterion_not_position(run_line, template, tmp_path):
    def swap(wb):
        a = wb["Answers"]
        for column in range(1, a.max_column + 1):
            top, bottom = a.cell(row=ROW["S1"], column=column), a.cell(row=ROW["P3"], column=column)
            if type(top).__name__ == "MergedCell":  # the question spans columns B and C
                continue
            upper, lower = top.value, bottom.value
            text(a, top.coordinate, lower)
            text(a, bottom.coordinate, upper)

    book = fill(template, tmp_path / "swapped.xlsx", swap)
    out = tmp_path / "BBB.json"
    run_line(["import", book, "--rubric", RUBRIC, "-o", out])
    assert json.loads(out.read_text("utf-8")) == EXPECTED


def test_default_output_is_code_json_here_and_never_overwritten(run_line, template, tmp_path, monkeypatch):
    book = fill(template, tmp_path / "filled.xlsx")
    monkeypatch.chdir(tmp_path)
    run_line(["import", book, "--rubric", RUBRIC])
    target = tmp_path / "BBB.json"
    assert json.loads(target.read_text("utf-8")) == EXPECTED
    target.write_text("{}")
    result = run_line(["import", book, "--rubric", RUBRIC], expect=2)
    assert "--force" in result.stderr and target.read_text() == "{}"
    run_line(["import", book, "--rubric", RUBRIC, "--force"])
    assert json.loads(target.read_text("utf-8")) == EXPECTED


# ---------------------------------------------------------------- problems, by sheet and cell


@pytest.mark.parametrize("change, expected", [
    (lambda wb: text(wb["Answers"], "D4", "Maybe"), 'Answers!D4: "Maybe" is not one of: None, Considering, Service'),
    (lambda wb: wb["Answers"].__setitem__("D23", "=1+2"), "Answers!D23: a formula is not allowed; type the value"),
    (lambda wb: text(wb["Answers"], "D19", "Perhaps"), 'Answers!D19: "Perhaps" is not one of: Yes, No'),
    (lambda wb: text(wb["Answers"], "D23", "about 12"), 'Answers!D23: "about 12" is not a number'),
    (lambda wb: wb["Answers"].__setitem__("D29", 120), "Answers!D29: 120 is above the highest allowed value, 100"),
    (lambda wb: text(wb["Answers"], "E4", "Not held"), "Answers!E4: give an answer or an outcome, not both"),
    (lambda wb: text(wb["Answers"], "F4", "nowhere"), "Answers!F4: 'nowhere' is not an Id on the Sources sheet (listed: doc, foi)"),
    (lambda wb: wb["Answers"].__setitem__("F19", None), "Answers!F19: every answer needs a source"),
    (lambda wb: wb["Answers"].__setitem__("D12", None), "Answers!D12: answer Yes or No for every option"),
    (lambda wb: (text(wb["Answers"], "E29", "Not applicable"), wb["Answers"].__setitem__("G29", None)),
     "Answers!G29: say in Note why the question does not apply"),
    (lambda wb: text(wb["Sources"], "C4", "15th Jan"), "Sources!C4: '15th Jan' is not a date; type it as YYYY-MM-DD"),
    (lambda wb: text(wb["Sources"], "D4", "file:///etc/passwd"), "Sources!D4: 'file:///etc/passwd' is not a web link"),
    (lambda wb: wb["Answers"].delete_rows(19), "Answers: the row for P1 is missing (deleted?)"),
    (lambda wb: text(wb["Answers"], "D3", "Reply"), "Answers!3:3: the column headed 'Answer' is missing or renamed"),
    (lambda wb: setattr(wb["Sources"], "title", "Documents"), "Sources: sheet 'Sources' is missing or renamed"),
])
def test_each_problem_names_sheet_cell_and_what_is_allowed(run_line, template, tmp_path, change, expected):
    book = fill(template, tmp_path / "bad.xlsx", change)
    lines = import_fails(run_line, book, tmp_path)
    assert any(line.startswith(f"{book}: {expected}") for line in lines), lines


def test_a_workbook_for_another_rubric_is_refused(run_line, tmp_path):
    other = tmp_path / "other"
    shutil.copytree(TINY, other)
    rubric = other / "rubric.yaml"
    rubric.write_text(rubric.read_text().replace("id: tiny", "id: other", 1))
    book = fill(make_template(run_line, tmp_path, rubric=rubric), tmp_path / "other.xlsx")
    lines = import_fails(run_line, book, tmp_path)
    assert lines == [f"{book}: Lists!B3: the workbook is for rubric 'other', not 'tiny'; give the rubric it was made from"]


# ---------------------------------------------------------------- refused before reading


def _rezip(source: Path, target: Path, replace: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, replace.pop(item.filename, src.read(item.filename)))
        for name, data in replace.items():
            dst.writestr(name, data)
    return target


def test_macro_workbooks_are_refused(run_line, template, tmp_path):
    xlsm = tmp_path / "filled.xlsm"
    shutil.copy(fill(template, tmp_path / "f.xlsx"), xlsm)
    assert "macro-enabled" in import_fails(run_line, xlsm, tmp_path)[0]
    hidden = _rezip(template, tmp_path / "vba.xlsx", {"xl/vbaProject.bin": b"\x00" * 64})
    assert "contains macros" in import_fails(run_line, hidden, tmp_path)[0]


def test_not_a_zip_too_big_and_zip_bombs_are_refused(run_line, template, tmp_path, monkeypatch):
    fake = tmp_path / "fake.xlsx"
    fake.write_text("name,answer\nS1,yes\n")
    assert "is not an .xlsx workbook" in import_fails(run_line, fake, tmp_path)[0]
    bomb = _rezip(template, tmp_path / "bomb.xlsx", {"xl/media/padding.bin": b"\x00" * (60 * 1024 * 1024)})
    assert bomb.stat().st_size < selfassess.MAX_WORKBOOK_BYTES
    assert "would unpack to" in import_fails(run_line, bomb, tmp_path)[0]
    monkeypatch.setattr(selfassess, "MAX_WORKBOOK_BYTES", 1000)
    assert "the limit is 1,000 bytes" in import_fails(run_line, template, tmp_path)[0]


def test_entity_expansion_is_refused_by_defusedxml(run_line, template, tmp_path):
    assert openpyxl.DEFUSEDXML
    with zipfile.ZipFile(template) as archive:
        workbook_xml = archive.read("xl/workbook.xml").decode("utf-8")
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    )
    hostile = laughs + workbook_xml.replace("<sheets>", "<sheets><!-- &lol3; -->", 1).split("?>", 1)[-1]
    book = _rezip(template, tmp_path / "laughs.xlsx", {"xl/workbook.xml": hostile.encode("utf-8")})
    assert "entity or DTD declarations, which are refused" in import_fails(run_line, book, tmp_path)[0]


def test_help_states_the_limits(run_line):
    help_text = run_line(["import", "--help"]).stdout
    assert "5 MB" in help_text and "50 MB" in help_text and ".xlsm" in help_text
    assert selfassess.MAX_WORKBOOK_BYTES == 5 * 1024 * 1024 and selfassess.MAX_UNPACKED_BYTES == 50 * 1024 * 1024
    assert "Example" in run_line(["template", "--help"]).stdout
