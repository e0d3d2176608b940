"""How `scorecard import` reads what people type: labels or ids, percentages, TRUE/FALSE, long
notes; one line per problem and at most 100 of them; only the cells the template has."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_self_assessment import EXPECTED, ROW, RUBRIC, fill, import_fails, make_template, text

from scorecard.selfassess_read import MAX_PROBLEMS


@pytest.fixture
def template(run_line, tmp_path) -> Path:
    return make_template(run_line, tmp_path)


def imported(run_line, book: Path, tmp_path: Path) -> dict:
    out = tmp_path / "BBB.json"
    run_line(["import", book, "--rubric", RUBRIC, "-o", out, "--force"])
    return json.loads(out.read_text("utf-8"))


@pytest.mark.parametrize("typed", ["Considering", "considering", "CONSIDERING"])
def test_a_choice_may_be_given_by_its_words_or_its_id(run_line, template, tmp_path, typed):
    book = fill(template, tmp_path / "choice.xlsx", lambda wb: text(wb["Answers"], f"D{ROW['S1']}", typed))
    assert imported(run_line, book, tmp_path)["answers"]["S1"]["value"] == "considering"


def _percent_format(wb, cell: str, value: float, number_format: str) -> None:
    wb["Answers"][cell] = value
    wb["Answers"][cell].number_format = number_format


@pytest.mark.parametrize("change", [
    lambda wb: text(wb["Answers"], f"D{ROW['P3']}", "12.5%"),
    lambda wb: text(wb["Answers"], f"D{ROW['P3']}", "12.5"),
    lambda wb: text(wb["Answers"], f"D{ROW['P3']}", " 12.5 % "),
    lambda wb: _percent_format(wb, f"D{ROW['P3']}", 0.125, "0.0%"),  # as Excel stores a typed "12.5%"
    lambda wb: wb["Answers"].__setitem__(f"D{ROW['P3']}", 12.5),
], ids=["typed-percent", "typed-number", "spaced", "percent-formatted", "number"])
def test_a_percentage_is_read_as_the_percent_never_divided_by_100(run_line, template, tmp_path, change):
    def answer(wb):
        text(wb["Answers"], f"E{ROW['P3']}", "")
        wb["Answers"][f"E{ROW['P3']}"] = None
        change(wb)
        text(wb["Answers"], f"F{ROW['P3']}", "doc")

    record = imported(run_line, fill(template, tmp_path / "percent.xlsx", answer), tmp_path)
    assert record["answers"]["P3"]["value"] == 12.5


def test_a_literal_percent_sign_in_a_number_format_is_not_a_percentage(run_line, template, tmp_path):
    book = fill(template, tmp_path / "literal.xlsx", lambda wb: _percent_format(wb, f"D{ROW['P2']}", 12.5, '0.0" %"'))
    assert imported(run_line, book, tmp_path)["answers"]["P2"]["value"] == 12.5


@pytest.mark.parametrize("change", [
    lambda wb: text(wb["Answers"], f"D{ROW['P2']}", "12.5%"),
    lambda wb: _percent_format(wb, f"D{ROW['P2']}", 0.125, "0%"),
], ids=["typed", "formatted"])
def test_a_percentage_where_another_unit_is_asked_is_refused_naming_cell_and_unit(run_line, template, tmp_path, change):
    book = fill(template, tmp_path / "unit.xlsx", change)
    lines = import_fails(run_line, book, tmp_path)
    assert lines == [f"{book}: Answers!D{ROW['P2']}: 12.5% is a percentage, but this question asks for a number per 1,000; "
                     "type the number alone, in a cell not formatted as a percentage"]


@pytest.mark.parametrize("value, expected", [(True, True), (False, False), ("TRUE", True), ("false", False), ("Yes", True)])
def test_true_and_false_are_read_as_yes_and_no(run_line, template, tmp_path, value, expected):
    def change(wb):
        wb["Answers"][f"D{ROW['P1']}"] = value
        wb["Answers"]["D11"] = value  # S2's first option

    record = imported(run_line, fill(template, tmp_path / "bool.xlsx", change), tmp_path)
    assert record["answers"]["P1"]["value"] is expected
    assert ("red" in record["answers"]["S2"]["value"]) is expected


def test_a_boolean_stored_as_one_with_a_true_false_format_is_yes(run_line, template, tmp_path):
    """LibreOffice may save a typed TRUE as the number 1 formatted "TRUE";"TRUE";"FALSE"."""
    book = fill(template, tmp_path / "lo-bool.xlsx", lambda wb: _percent_format(wb, f"D{ROW['P1']}", 1, '"TRUE";"TRUE";"FALSE"'))
    assert imported(run_line, book, tmp_path)["answers"]["P1"]["value"] is True


def test_one_line_per_problem_and_none_that_only_follow_from_it(run_line, template, tmp_path):
    """A number that is not a number, with its source filled in, is one problem: not also "a
    source but no answer"."""
    book = fill(template, tmp_path / "one.xlsx", lambda wb: text(wb["Answers"], f"D{ROW['P2']}", "about 12"))
    lines = import_fails(run_line, book, tmp_path)
    assert lines == [f'{book}: Answers!D{ROW["P2"]}: "about 12" is not a number; type digits only, e.g. 12.5 (per 1,000)']


def test_a_note_over_the_limit_is_refused_with_the_limit_and_not_echoed(run_line, template, tmp_path):
    book = fill(template, tmp_path / "long.xlsx", lambda wb: text(wb["Answers"], f"G{ROW['S1']}", "x" * 20_001))
    lines = import_fails(run_line, book, tmp_path)
    assert lines == [f"{book}: Answers!G{ROW['S1']}: holds 20,001 characters; the limit is 20,000"]


def test_at_most_a_hundred_problems_then_how_many_more(run_line, template, tmp_path):
    def change(wb):
        a = wb["Answers"]
        for k in range(150):
            text(a, f"A{40 + k}", f"X{k}")  # rows the rubric does not have

    book = fill(template, tmp_path / "many.xlsx", change)
    out = tmp_path / "x.json"
    result = run_line(["import", book, "--rubric", RUBRIC, "-o", out], expect=1)
    lines = [line for line in result.stderr.splitlines() if line.startswith(str(book))]
    assert len(lines) == MAX_PROBLEMS + 1
    assert lines[-1] == f"{book}: …: 50 more problems not listed (only the first 100 are); fix these and import again"


def test_cells_beyond_the_template_are_not_read(run_line, template, tmp_path):
    """Only the rows and columns the template has are read: a cell in the sheet's last row or
    far to the right is ignored (and costs nothing to skip)."""
    def change(wb):
        text(wb["Answers"], "A1048576", "X1")
        text(wb["Answers"], "ZZ5", "stray")
        text(wb["Sources"], "A1048576", "stray")

    assert imported(run_line, fill(template, tmp_path / "far.xlsx", change), tmp_path) == EXPECTED


def test_a_sheet_too_big_to_parse_quickly_is_refused_unread(run_line, template, tmp_path, monkeypatch):
    from scorecard import selfassess

    book = fill(template, tmp_path / "big.xlsx")
    monkeypatch.setattr(selfassess, "MAX_SHEET_BYTES", 10_000)
    lines = import_fails(run_line, book, tmp_path)
    assert len(lines) == 1 and "its part xl/worksheets/sheet2.xml would unpack to" in lines[0] and "the limit is 10,000" in lines[0]


@pytest.mark.parametrize("cell", ["D", "E", "F"])  # an answer, an outcome, a source: each checked against a list
def test_a_huge_value_in_a_checked_cell_is_quoted_short(run_line, template, tmp_path, cell):
    """Issue 14, cause 14: a huge value is never echoed whole (openpyxl stores at most Excel's
    32,767 characters a cell, so that is what reaches the importer here); the line states the limit."""
    huge = "=" + "A" * 1_000_000
    book = fill(template, tmp_path / "huge.xlsx", lambda wb: text(wb["Answers"], f"{cell}{ROW['S1']}", huge))
    lines = import_fails(run_line, book, tmp_path)
    assert lines and all(len(line) < 1_300 for line in lines), [len(line) for line in lines]
    assert any(f"Answers!{cell}{ROW['S1']}: holds 32,767 characters; the limit is 20,000" in line for line in lines)
