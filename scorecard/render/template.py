"""The self-assessment workbook a body fills in (`scorecard template`), written with XlsxWriter.

Laid out by `selfassess_form` (a block of rows per criterion); read back by `selfassess`. It
prints on A4 at a readable size (the Answers sheet fits one page wide at about 9 pt or more).
Everything but the cells to fill in is locked (no password: it guards against accidents), the
dropdowns' lists and the import's metadata live on a very hidden Lists sheet, and the same rubric
and body give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import typing as t

from scorecard.models.rubric import BooleanAnswer, ChoiceAnswer, MultiAnswer, NumberAnswer, Rubric
from scorecard.render.xlsx_book import Book, Sheet
from scorecard.rubric import LoadedRubric
from scorecard.selfassess_form import (
    ANSWERS,
    COLUMNS,
    DEFAULT_ROUND,
    DETAILS,
    FORMAT_VERSION,
    HEADER_ROW,
    INSTRUCTIONS,
    LISTS,
    MAX_NOTE,
    META_ROWS,
    OUTCOME_LABELS,
    SOURCE_COLUMNS,
    SOURCE_ROWS,
    SOURCES,
    TEMPLATE_FORMAT,
    WIDTHS,
    choices,
    how_to_answer,
    lines,
)
from scorecard.vocabulary import NO, YES

MAX_WORKBOOK_MB = 5  # stated on the Instructions sheet; selfassess.MAX_WORKBOOK_BYTES is the limit
PROTECT = {"format_columns": True, "format_rows": True}  # people may still resize rows and columns


def _message(text: str) -> str:
    return text if len(text) <= 250 else text[:249] + "…"  # Excel's limit for a dropdown's message is 255


class _Lists:
    """The hidden Lists sheet: the import's metadata in A:B, each dropdown's options in a column
    of its own from D on (a range has no length or comma limits, unlike a list typed into the
    validation itself)."""

    def __init__(self, sheet: Sheet, meta: dict[str, str]) -> None:
        self.ws = sheet.ws
        self.ranges: dict[str, str] = {}
        self.columns: list[tuple[str, t.Sequence[str]]] = []
        self.meta = meta

    def add(self, key: str, items: t.Sequence[str]) -> str:
        if key not in self.ranges:
            column = 3 + len(self.columns)
            letter = _letter(column)
            self.columns.append((key, items))
            self.ranges[key] = f"={LISTS}!${letter}$2:${letter}${len(items) + 1}"
        return self.ranges[key]

    def write(self) -> None:
        for label, row in META_ROWS.items():
            self.ws.write_string(row - 1, 0, label)
            self.ws.write_string(row - 1, 1, self.meta[label])
        for k, (key, items) in enumerate(self.columns):
            self.ws.write_string(0, 3 + k, key)
            for r, item in enumerate(items, start=1):
                self.ws.write_string(r, 3 + k, item)


def _letter(column: int) -> str:
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def template(loaded: LoadedRubric, code: str, round_id: str = DEFAULT_ROUND, heading: str = "Self-assessment") -> bytes:
    """The workbook for body `code` (which must be in the rubric's register). `heading` says what
    the form is for: a body assessing itself, or an assessor encoding a reply ("Evidence form")."""
    rubric = loaded.rubric
    body = loaded.register[code]
    book = Book(f"{heading}: {rubric.title}, {code}", _rubric_date(rubric),
                f"{heading}: {rubric.title} ({rubric.id} {rubric.version})", stream=False)
    footer = f"{body.name} ({code})"
    instructions = book.sheet(INSTRUCTIONS, [30, 62], landscape=False, footer=footer)
    answers = book.sheet(ANSWERS, WIDTHS, footer=footer)
    sources = book.sheet(SOURCES, [12, 44, 13, 36, 40], footer=footer)
    lists = _Lists(book.sheet(LISTS, [20, 40]), {
        "format": TEMPLATE_FORMAT, "format version": FORMAT_VERSION, "rubric id": rubric.id, "rubric version": rubric.version,
        "organisation": code, "round": round_id, "rubric sha256": loaded.sha256})
    _answers(answers, rubric, body.name, code, lists, heading)
    _sources(sources)
    _instructions(instructions, rubric, body.name, code, round_id, heading)
    lists.write()
    for sheet in (instructions, answers, sources, lists):
        sheet.ws.protect("", PROTECT)
    lists.ws.very_hidden()
    instructions.ws.activate()
    return book.bytes()


def _answers(st: Sheet, rubric: Rubric, name: str, code: str, lists: _Lists, heading: str) -> None:
    ws = st.ws
    st.add([f"Answers for {name} ({code})"], "title", merge=[(0, 6)], fixed=20)
    st.add([f"{heading}: {rubric.title} (rubric {rubric.id} {rubric.version}). Fill in the yellow cells only; grey cells do not apply. "
            "Each question is followed by its guidance and by what each answer means. See the Instructions sheet."], "wrap", merge=[(0, 6)])
    top = st.header(list(COLUMNS))
    assert top == HEADER_ROW - 1
    ws.freeze_panes(HEADER_ROW, 1)
    outcome_list = lists.add("outcomes", list(OUTCOME_LABELS))
    yes_no = lists.add("yes-no", [YES, NO])
    source_list = f"={SOURCES}!$A${HEADER_ROW + 1}:$A${HEADER_ROW + SOURCE_ROWS}"

    def dropdown(row: int, column: int, source: str, message: str) -> None:
        ws.data_validation(row, column, row, column, {
            "validate": "list", "source": source, "ignore_blank": True, "input_message": _message(message),
            "error_title": "Not on the list", "error_message": _message(message)})

    for section in rubric.sections:
        for criterion in section.criteria:
            definition = criterion.answer
            multi = isinstance(definition, MultiAnswer)
            r = st.add([criterion.id, f"{criterion.question}  ({section.title})", None, None if multi else "", "", "", ""],
                       ["body", "body", "plain", "closed" if multi else "input", "input", "input", "input"], merge=[(1, 2)])
            dropdown(r, 4, outcome_list, "Leave empty if you gave an answer; otherwise pick why there is none.")
            dropdown(r, 5, source_list, "The Id of a document listed on the Sources sheet.")
            ws.data_validation(r, 6, r, 6, {"validate": "length", "criteria": "<=", "value": MAX_NOTE, "ignore_blank": True,
                                            "error_title": "Too long", "error_message": f"A note holds at most {MAX_NOTE:,} characters."})
            if isinstance(definition, (ChoiceAnswer, BooleanAnswer)):
                dropdown(r, 3, lists.add(criterion.id, list(choices(criterion))), how_to_answer(criterion))
            elif isinstance(definition, NumberAnswer):
                ws.data_validation(r, 3, r, 3, _number_validation(definition, how_to_answer(criterion)))
            st.add([None, f"Guidance: {criterion.guidance}"], ["plain", "wrap"], merge=[(1, 2)])
            for line in lines(criterion):
                if line.option is None:
                    st.add([None, line.shown, line.meaning], ["plain", "bold", "wrap"])
                else:
                    row = st.add([line.ident, line.shown, line.meaning, ""], ["plain", "bold", "wrap", "input"])
                    dropdown(row, 3, yes_no, "Yes or No.")


def _number_validation(answer: NumberAnswer, message: str) -> dict[str, t.Any]:
    low, high = answer.minimum, answer.maximum
    rule: dict[str, t.Any]
    if low is not None and high is not None:
        rule = {"criteria": "between", "minimum": low, "maximum": high}
    elif low is not None:
        rule = {"criteria": ">=", "value": low}
    elif high is not None:
        rule = {"criteria": "<=", "value": high}
    else:
        rule = {"criteria": "between", "minimum": -1e300, "maximum": 1e300}
    return {"validate": "decimal", "ignore_blank": True, "error_title": "Not allowed", "error_message": _message(message),
            "input_message": _message(message), **rule}


def _sources(st: Sheet) -> None:
    st.add(["Sources: the documents your answers rest on"], "title", merge=[(0, 4)], fixed=20)
    st.add(["One row per document. Give each an Id (letters and digits, e.g. policy1) and pick that Id in the Answers "
            f"sheet's Source column. A reference holds at most {MAX_NOTE:,} characters."], "wrap", merge=[(0, 4)])
    st.header(list(SOURCE_COLUMNS))
    for _ in range(SOURCE_ROWS):
        r = st.add(["", "", None, "", ""], ["input", "input", "date-input", "input", "input"])
    st.ws.data_validation(HEADER_ROW, 2, r, 2, {"validate": "date", "criteria": ">", "value": dt.date(2000, 1, 1), "ignore_blank": True,
                                                "error_title": "Not a date", "error_message": "A date, e.g. 2024-05-31."})


def _instructions(st: Sheet, rubric: Rubric, name: str, code: str, round_id: str, heading: str) -> None:
    st.add([f"{heading} for {name} ({code})"], "title", merge=[(0, 1)], fixed=20)
    texts = [
        f"Rubric: {rubric.title}, {rubric.id} version {rubric.version}. Round: {round_id}.",
        "1. On the Answers sheet each question has a block of rows: the question with the cells to fill in, its guidance, "
        "then what each answer means and what it scores. Answer in the yellow cells.",
        "2. Answer: pick from the dropdown, or type a number where a number is asked (a percentage as -12.5 or -12.5%). "
        "Where a question lists options on rows of their own, put Yes or No on every one of them.",
        "3. If you cannot answer, leave Answer empty and pick an Outcome: Not applicable (say why in Note), Not held, "
        "Refused or Not answered. Give an answer or an outcome, not both.",
        "4. Source: every answer must name the document it rests on. List documents on the Sources sheet and pick their Id.",
        f"5. Note: anything the reader should know, in a sentence or two (at most {MAX_NOTE:,} characters).",
        "6. Type values only: formulas are refused when the workbook is read back. Do not rename sheets or delete rows.",
        f"7. Save as an Excel Workbook (.xlsx), not macro-enabled (.xlsm) and not OpenDocument (.ods); keep it under {MAX_WORKBOOK_MB} MB.",
        "8. Fill in your details below, then send the workbook back.",
    ]
    st.blank()
    for text in texts:
        st.add([text], "wrap", merge=[(0, 1)])
    st.blank()
    st.add(["Organisation", f"{name} ({code})"], ["bold", "wrap"])
    for label in DETAILS:
        st.add([label, None], ["bold", "date-input" if label.startswith("Date") else "input"])


def _rubric_date(rubric: Rubric) -> str | None:
    """The template's document date: the rubric's, so the same rubric gives the same bytes."""
    governance = rubric.governance
    if governance is None:
        return None
    dates = [c.date for c in governance.changes] + ([governance.reviewed_on] if governance.reviewed_on else [])
    return max(dates) if dates else None
