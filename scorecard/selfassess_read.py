"""Reading the cells of a self-assessment workbook: values, not formulas, each problem traced to
its sheet and cell, one line per problem (a bad answer is not followed by complaints that only
follow from it), and at most MAX_PROBLEMS of them listed.
"""

from __future__ import annotations

import datetime as dt
import re
import typing as t

from scorecard.evidence import evidence_schema
from scorecard.models.rubric import Criterion, MultiAnswer, Rubric
from scorecard.problem_codes import schema_code
from scorecard.problems import Cell, Elsewhere, InvalidInput, Problem, column_letters as column_letter
from scorecard.quoting import MAX_QUOTED, quote, shown
from scorecard.selfassess_form import (
    ANSWERS,
    COLUMNS,
    DETAILS,
    HEADER_ROW,
    INSTRUCTIONS,
    MAX_NOTE,
    OUTCOME_LABELS,
    SOURCE_COLUMNS,
    SOURCES,
    option_row_id,
)
from scorecard.selfassess_values import fold, text_of, value_of, yes_no
from scorecard.vocabulary import NO, RECORD_OUTCOMES as OUTCOMES, YES

MAX_PROBLEMS = 100
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class Grid:
    """The cells read from one sheet, by (row, column), 1-based; empty cells are absent."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.cells: dict[tuple[int, int], t.Any] = {}

    def value(self, row: int, column: int) -> t.Any:
        cell = self.cells.get((row, column))
        return None if cell is None else cell.value

    @property
    def max_row(self) -> int:
        return max((r for r, _ in self.cells), default=0)


class Reader:
    """Reads cells, collecting a problem for each bad one instead of stopping at the first."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[Problem] = []
        self.more = 0
        self.places: set[str] = set()

    def problem(self, where: str, message: str, *, code: str) -> None:
        self.places.add(where)
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(self.name, Cell.parse(where), message, code=code))
        else:
            self.more += 1

    def stop_if_any(self) -> None:
        if self.problems:
            extra = [Problem(self.name, Elsewhere(), f"{self.more:,} more problems not listed (only the first {MAX_PROBLEMS} are); "
                                                  "fix these and import again", code="more-problems")] if self.more else []
            raise InvalidInput(self.problems + extra)

    def cell(self, grid: Grid, row: int, column: int) -> tuple[t.Any, str, str]:
        """(value, "Sheet!A1", number format); None for an empty cell, a formula or an error."""
        where = f"{grid.title}!{column_letter(column)}{row}"
        cell = grid.cells.get((row, column))
        if cell is None:
            return None, where, "General"
        if cell.data_type == "f":
            self.problem(where, "a formula is not allowed; type the value", code="formula-not-allowed")
            return None, where, "General"
        if cell.data_type == "e":
            self.problem(where, f"holds the error {cell.value}; type the value", code="cell-error")
            return None, where, "General"
        value = cell.value
        if isinstance(value, str):
            value = value.strip() or None
            if value is not None and len(value) > MAX_NOTE:
                self.problem(where, f"holds {len(value):,} characters; the limit is {MAX_NOTE:,}", code="value-too-long")
                return None, where, "General"
        return value, where, cell.number_format or "General"

    def text(self, grid: Grid, row: int, column: int) -> tuple[str | None, str]:
        value, where, _ = self.cell(grid, row, column)
        return text_of(value), where

    def date(self, grid: Grid, row: int, column: int) -> tuple[str | None, str]:
        value, where, _ = self.cell(grid, row, column)
        if value is None:
            return None, where
        if isinstance(value, (dt.date, dt.datetime)):
            return value.strftime("%Y-%m-%d"), where
        text = str(value)
        try:
            if _DATE.fullmatch(text):
                dt.date.fromisoformat(text)
                return text, where
        except ValueError:
            pass
        self.problem(where, f"{quote(text)} is not a date; type it as YYYY-MM-DD, e.g. 2024-05-31", code="not-a-date")
        return None, where


def _headings(grid: Grid, wanted: t.Sequence[str], reader: Reader) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for (row, column) in sorted(k for k in grid.cells if k[0] == HEADER_ROW):
        heading, _ = reader.text(grid, row, column)
        if heading is not None:
            found.setdefault(heading, column)
    missing = [w for w in wanted if w not in found]
    for heading in missing:
        reader.problem(f"{grid.title}!{HEADER_ROW}:{HEADER_ROW}", f"the column headed {heading!r} is missing or renamed; fill in a fresh template",
                       code="not-a-template")
    return None if missing else found


def read_sources(grid: Grid, reader: Reader) -> tuple[dict[str, dict[str, str]], dict[int, int]]:
    """Sources by id, and the sheet row of each (by position in the list)."""
    col = _headings(grid, SOURCE_COLUMNS, reader)
    out: dict[str, dict[str, str]] = {}
    rows: dict[int, int] = {}
    if col is None:
        return out, rows
    for row in range(HEADER_ROW + 1, grid.max_row + 1):
        ident, where = reader.text(grid, row, col["Id"])
        title, title_at = reader.text(grid, row, col["Title"])
        date, date_at = reader.date(grid, row, col["Date (YYYY-MM-DD)"])
        url, url_at = reader.text(grid, row, col["Link (http or https)"])
        reference, _ = reader.text(grid, row, col["Reference"])
        if not any((ident, title, date, url, reference)):
            continue
        if ident is None:
            reader.problem(where, "this source has no Id; give it one (e.g. policy1) and use it in the Answers sheet", code="missing-value")
            continue
        if ident in out:
            reader.problem(where, f"Id {ident!r} is used by two sources; give each its own", code="duplicate-id")
            continue
        if title is None and title_at not in reader.places:
            reader.problem(title_at, f"source {ident!r} needs a title", code="missing-value")
        if date is None and date_at not in reader.places:
            reader.problem(date_at, f"source {ident!r} needs a date (YYYY-MM-DD)", code="missing-value")
        if url is not None and not url.lower().startswith(("http://", "https://")):
            reader.problem(url_at, f"{url[:80]!r} is not a web link; only http:// or https:// links are allowed (put other references in Reference)",
                           code="bad-link")
        entry = {"id": ident, "title": title or "", "date": date or ""}
        if url:
            entry["url"] = url
        if reference:
            entry["reference"] = reference
        rows[len(out)] = row
        out[ident] = entry
    return out, rows


def read_answers(grid: Grid, rubric: Rubric, reader: Reader) -> tuple[dict[str, dict[str, t.Any]], dict[tuple[str, str], str]]:
    """Answers by criterion id, and the cell behind each field ("Answers!D7") for messages."""
    col = _headings(grid, COLUMNS, reader)
    if col is None:
        return {}, {}
    rows = _criterion_rows(grid, rubric, col["Criterion"], reader)
    answers: dict[str, dict[str, t.Any]] = {}
    cells: dict[tuple[str, str], str] = {}
    for ident, (_, criterion) in rubric.criteria.items():
        if ident not in rows:
            continue
        entry = _answer(grid, ident, criterion, rows, col, reader, cells)
        if entry is not None:
            answers[ident] = entry
    return answers, cells


def _criterion_rows(grid: Grid, rubric: Rubric, column: int, reader: Reader) -> dict[str, int]:
    """The sheet row of each criterion, and of each option of a question with several, found by
    the id in the Criterion column; a row the rubric does not have, a second row for one, and a
    missing row are problems."""
    wanted = {c.id: c.id for _, c in rubric.criteria.values()}
    for _, c in rubric.criteria.values():
        if isinstance(c.answer, MultiAnswer):
            wanted.update({option_row_id(c, k): c.id for k in range(len(c.answer.options))})
    rows: dict[str, int] = {}
    for row in range(HEADER_ROW + 1, grid.max_row + 1):
        ident, where = reader.text(grid, row, column)
        if ident is None:
            continue
        if ident not in wanted:
            reader.problem(where, f"{ident[:80]!r} is not a criterion of rubric {rubric.id}; do not add rows", code="not-a-template")
        elif ident in rows:
            reader.problem(where, f"{ident} has two rows (the other is row {rows[ident]}); keep one", code="not-a-template")
        else:
            rows[ident] = row
    for ident in wanted:
        if ident not in rows:
            reader.problem(grid.title, f"the row for {ident} is missing (deleted?); every question needs its rows, so use a fresh template",
                           code="not-a-template")
    return rows


class _QuestionRow(t.NamedTuple):
    """What is typed on a question's row, each field with its cell ("Answers!D7")."""

    answer: t.Any  # as the cell holds it: value_of (or _multi) reads it as the criterion's answer
    answer_at: str
    number_format: str
    outcome: str | None
    outcome_at: str
    source: str | None
    source_at: str
    note: str | None
    note_at: str


def _question_row(grid: Grid, row: int, col: dict[str, int], reader: Reader) -> _QuestionRow:
    answer, answer_at, number_format = reader.cell(grid, row, col["Answer"])
    outcome, outcome_at = reader.text(grid, row, col["Outcome instead of an answer"])
    source, source_at = reader.text(grid, row, col["Source"])
    note, note_at = reader.text(grid, row, col["Note"])
    return _QuestionRow(answer, answer_at, number_format, outcome, outcome_at, source, source_at, note, note_at)


def _answer(grid: Grid, ident: str, criterion: Criterion, rows: dict[str, int], col: dict[str, int], reader: Reader,
            cells: dict[tuple[str, str], str]) -> dict[str, t.Any] | None:
    """One question's evidence entry; None when it is left blank or has a problem (the reader
    holds the problem). Records in `cells` where each of its fields was read."""
    row = rows[ident]
    before = len(reader.places)
    typed = _question_row(grid, row, col, reader)
    cells.update({(ident, "value"): typed.answer_at, (ident, "outcome"): typed.outcome_at, (ident, "source"): typed.source_at,
                  (ident, "note"): typed.note_at, (ident, ""): f"{grid.title}!A{row}"})
    if isinstance(criterion.answer, MultiAnswer):
        if typed.answer is not None:
            reader.problem(typed.answer_at, f"{ident} is answered on its options' rows below; leave this cell empty", code="answer-conflict")
        option_rows = [rows.get(option_row_id(criterion, k)) for k in range(len(criterion.answer.options))]
        value, cells[(ident, "value")] = _multi(grid, criterion, option_rows, col["Answer"], reader)
    else:
        value = value_of(criterion, typed.answer, typed.answer_at, typed.number_format, reader)
    outcome = _outcome(typed, reader)
    if len(reader.places) > before:
        return None  # this question already has a problem: anything more would only follow from it
    return _entry(value, outcome, typed, reader)


def _outcome(typed: _QuestionRow, reader: Reader) -> str | None:
    """The outcome given instead of an answer, by its label or its id; None if none is given."""
    if typed.outcome is None:
        return None
    accepted = {fold(k): v for k, v in OUTCOME_LABELS.items()} | {v: v for v in OUTCOMES}
    outcome = accepted.get(fold(typed.outcome))
    if outcome is None:
        reader.problem(typed.outcome_at, f"{typed.outcome[:80]!r} is not one of: {', '.join(OUTCOME_LABELS)}", code="value-not-allowed")
    return outcome


def _entry(value: t.Any, outcome: str | None, typed: _QuestionRow, reader: Reader) -> dict[str, t.Any] | None:
    """An answer or an outcome, with its source and note; None (and perhaps a problem) when the
    row gives neither, both, or an answer with no source."""
    entry: dict[str, t.Any] = {}
    if value is not None and outcome is not None:
        reader.problem(typed.outcome_at, "give an answer or an outcome, not both", code="answer-conflict")
        return None
    if value is not None:
        entry["value"] = value
        if typed.source is None:
            reader.problem(typed.source_at, "every answer needs a source: pick the Id of a document from the Sources sheet", code="incomplete-answer")
    elif outcome is not None:
        entry["outcome"] = outcome
        if outcome == "not-applicable" and typed.note is None:
            reader.problem(typed.note_at, "say in Note why the question does not apply", code="incomplete-answer")
    else:
        if typed.source is not None or typed.note is not None:
            reader.problem(typed.answer_at, "there is a source or note but no answer and no outcome; give one of them", code="incomplete-answer")
        return None  # left blank: the question counts as not answered
    if typed.source is not None:
        entry["source"] = typed.source
    if typed.note is not None:
        entry["note"] = typed.note
    return entry


def _multi(grid: Grid, criterion: Criterion, rows: list[int | None], column: int, reader: Reader) -> tuple[list[str] | None, str]:
    """The options answered Yes; None when every option is left empty. Once any is filled, every
    option needs Yes or No, so a forgotten cell is not read as No."""
    options = t.cast(MultiAnswer, criterion.answer).options
    chosen: list[str] = []
    blank: list[str] = []
    present = [r for r in rows if r is not None]
    first = f"{grid.title}!{column_letter(column)}{present[0] if present else HEADER_ROW + 1}"
    filled = 0
    for option, row in zip(options, rows, strict=True):
        if row is None:
            continue
        raw, where, number_format = reader.cell(grid, row, column)
        if raw is None:
            blank.append(where)
            continue
        filled += 1
        found = yes_no(raw, number_format)
        if found is None:
            reader.problem(where, f'"{shown(raw, MAX_QUOTED)}" is not one of: {YES}, {NO}', code="value-not-allowed")
        elif found:
            chosen.append(option.value)
    if filled == 0:
        return None, first
    for where in blank:
        reader.problem(where, "answer Yes or No for every option of this question (or leave them all empty)", code="incomplete-answer")
    return chosen, first


def read_details(grid: Grid, reader: Reader) -> tuple[str, str, dict[str, str]]:
    labels: dict[str, int] = {}
    for (row, column) in sorted(grid.cells):
        if column == 1:
            text, _ = reader.text(grid, row, 1)
            if text in DETAILS:
                labels.setdefault(text, row)
    found: dict[str, str | None] = {}
    cells: dict[str, str] = {}
    for key, label in zip(("assessor", "assessed_on"), DETAILS, strict=True):
        if label not in labels:
            reader.problem(grid.title, f"the {label!r} line is missing; fill in a fresh template", code="not-a-template")
            found[key] = None
            continue
        read = reader.date if key == "assessed_on" else reader.text
        found[key], cells[key] = read(grid, labels[label], 2)
        if found[key] is None and cells[key] not in reader.places:
            reader.problem(cells[key], f"fill in {label!r}", code="missing-value")
    return found["assessor"] or "", found["assessed_on"] or "", cells


def validate(record: dict[str, t.Any], rubric: Rubric, reader: Reader, cells: dict[tuple[str, str], str],
             source_rows: dict[int, int], detail_cells: dict[str, str]) -> None:
    """The record must pass the same schema as any evidence file; the cell checks above should
    catch everything first, so this is the safety net, with each error traced to its cell."""
    from scorecard.schemas import strict_validator

    validator = strict_validator(evidence_schema(rubric))  # patterns read as JSON Schema means them
    for error in sorted(validator.iter_errors(record), key=lambda e: list(map(str, e.absolute_path))):
        path = list(error.absolute_path)
        where = ANSWERS
        if path[:1] == ["answers"] and len(path) >= 2:
            where = cells.get((str(path[1]), str(path[2]) if len(path) > 2 else ""), cells.get((str(path[1]), ""), ANSWERS))
        elif path[:1] == ["sources"] and len(path) >= 2:
            row = source_rows.get(int(path[1]))
            column = {"id": "A", "title": "B", "date": "C", "url": "D", "reference": "E"}.get(str(path[2]) if len(path) > 2 else "id", "A")
            where = f"{SOURCES}!{column}{row}" if row else SOURCES
        elif path[:1] in (["assessor"], ["assessed_on"]):
            where = detail_cells.get(str(path[0]), INSTRUCTIONS)
        message = error.message if len(error.message) <= 200 else error.message[:200] + "..."
        reader.problem(where, message, code=schema_code(error))
    reader.stop_if_any()
