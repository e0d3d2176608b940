"""scorecard.xlsx (with scorecard.csv beside it) and the per-body workbooks, written with openpyxl.

For someone who opens one attachment and reads nothing else: a Summary sheet first, then the
national picture, one sheet per section, the evidence behind every answer, the flags and the
whole rubric. The sheets are laid out in `excel_sheets`; this module orders them and saves.
Workbooks are written in openpyxl's write-only mode (`workbook.Book`): the sheets that grow with
the number of bodies are streamed, so time and memory stay linear in the number of bodies. A
new sheet is added either streamed (`book.stream(title, widths)`, see excel_sheets) or laid out
in an ordinary worksheet with `workbook.put` and friends and copied in (`book.copy(ws)`).
"""

from __future__ import annotations

import typing as t

from openpyxl.worksheet.worksheet import Worksheet

from scorecard.render import csv_, excel_changes, excel_sheets as sheets
from scorecard.render.workbook import Book, sheet_title
from scorecard.result import OrganisationResult, Scorecard
from scorecard.rubric import Rubric

# Titles of the fixed sheets; section sheets take the section's title, made legal and unique.
FIXED_SHEETS = ("Summary", "National summary", "Evidence", "Flags", "Methodology")


def scorecard_workbook(scorecard: Scorecard, rubric: Rubric) -> bytes:
    book = Book()
    sheets.summary(book, scorecard, rubric)
    sheets.national(book, scorecard, rubric)
    for section in rubric.sections:
        sheets.section(book, sheet_title(section.title, book.sheetnames + list(FIXED_SHEETS)), scorecard, rubric, section)
    sheets.evidence(book, scorecard, rubric)
    sheets.flags(book, scorecard, rubric)
    for extra in excel_changes.sheets(scorecard, rubric):  # Change and Replies, when there is anything to show
        book.copy(extra)
    book.copy(sheets.methodology(scorecard, rubric))
    return book.bytes(scorecard.evidence_as_of, f"{scorecard.rubric.title}: scorecard, round {scorecard.round}")


def organisation_workbook(scorecard: Scorecard, rubric: Rubric, organisation: OrganisationResult,
                          methodology: Worksheet | None = None) -> bytes:
    """One body's workbook. `methodology` is the rubric's sheet if already laid out (it is the
    same in every body's workbook)."""
    book = Book()
    sheets.body(book, scorecard, rubric, organisation)
    sheets.evidence(book, scorecard, rubric, organisation)
    sheets.flags(book, scorecard, rubric, organisation)
    for extra in excel_changes.sheets(scorecard, rubric, organisation):
        book.copy(extra)
    book.copy(methodology or sheets.methodology(scorecard, rubric))
    return book.bytes(scorecard.evidence_as_of, f"{organisation.name}: {scorecard.rubric.title}, round {scorecard.round}")


def render(scorecard: Scorecard, rubric: Rubric) -> t.Iterator[tuple[str, bytes]]:
    """The `xlsx` format: the workbook and, always beside it, its Evidence rows as CSV. Yielded
    one file at a time, so that each can be written out and let go before the next is made
    (at 10,000 bodies the CSV alone is about 90 MB)."""
    yield "scorecard.xlsx", scorecard_workbook(scorecard, rubric)
    yield from csv_.render(scorecard, rubric).items()


def render_per_organisation(scorecard: Scorecard, rubric: Rubric) -> t.Iterator[tuple[str, bytes]]:
    """The `xlsx-per-organisation` format: organisations/<CODE>.xlsx for every body, one at a
    time. Codes are safe file names: the evidence schema allows only letters, digits, `_`, `.`
    and `-`, starting with a letter or digit."""
    methodology = sheets.methodology(scorecard, rubric)
    for o in scorecard.organisations:
        yield f"organisations/{o.code}.xlsx", organisation_workbook(scorecard, rubric, o, methodology)
