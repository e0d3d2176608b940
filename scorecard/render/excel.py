"""scorecard.xlsx (with scorecard.csv beside it) and the per-body workbooks, written with
XlsxWriter (`xlsx_book`).

For someone who opens one attachment and reads nothing else: a Summary sheet first, then the
national picture, one sheet per section, the evidence behind every answer and its sources, the
flags and the whole rubric. Each sheet is one function (`xlsx_sheets`, `xlsx_changes`,
`xlsx_methodology`); this module orders them. Every sheet is written top to bottom in
XlsxWriter's constant_memory mode, so time and memory stay linear in the number of bodies. To add
a sheet, write a function like `xlsx_sheets.flags` and call it here in reading order.
"""

from __future__ import annotations

import typing as t

from scorecard.models.rubric import Rubric
from scorecard.render import csv_, xlsx_areas, xlsx_changes, xlsx_sheets as sheets
from scorecard.render.words import id_in_words
from scorecard.render.xlsx_book import Book
from scorecard.render.xlsx_methodology import methodology
from scorecard.result import OrganisationResult, Scorecard
from scorecard.vocabulary import KIND_WORDS


def _running_head(scorecard: Scorecard) -> str:
    return f"{scorecard.rubric.title} ({scorecard.rubric.id} {scorecard.rubric.version}), round {scorecard.round}"


def scorecard_workbook(scorecard: Scorecard, rubric: Rubric) -> bytes:
    book = Book(f"{scorecard.rubric.title}: scorecard, round {scorecard.round}", scorecard.evidence_as_of, _running_head(scorecard))
    sheets.summary(book, scorecard, rubric)
    sheets.national(book, scorecard, rubric)
    xlsx_areas.areas_sheet(book, scorecard, rubric)  # when the register has an area overlay
    for section in rubric.sections:
        sheets.section(book, scorecard, rubric, section)
    sheets.evidence(book, scorecard, rubric)
    sheets.sources(book, scorecard)
    sheets.flags(book, scorecard, rubric)
    xlsx_changes.sheets(book, scorecard, rubric)  # Change and Replies, when there is anything to show
    methodology(book, scorecard, rubric)
    return book.bytes()


def organisation_workbook(scorecard: Scorecard, rubric: Rubric, organisation: OrganisationResult) -> bytes:
    """One body's workbook: its summary, its evidence and sources, its flags, the rubric. Every
    page's footer names the body."""
    o = organisation
    book = Book(f"{o.name}: {scorecard.rubric.title}, round {scorecard.round}", scorecard.evidence_as_of, _running_head(scorecard))
    footer = f"{o.name} ({o.code})"
    body(book, scorecard, rubric, o, footer)
    sheets.evidence(book, scorecard, rubric, o, footer)
    sheets.sources(book, scorecard, o, footer)
    sheets.flags(book, scorecard, rubric, o, footer)
    xlsx_changes.sheets(book, scorecard, rubric, o, footer)
    methodology(book, scorecard, rubric, footer)
    return book.bytes()


def body(book: Book, scorecard: Scorecard, rubric: Rubric, o: OrganisationResult, footer: str) -> None:
    """The front sheet of one body's own workbook."""
    st = book.sheet("Summary", [26, 12, 20, 36], landscape=False, footer=footer)
    scored = sum(1 for x in scorecard.organisations if x.rank is not None)
    st.title_block(f"{o.name} ({o.code})", [*sheets.round_lines(scorecard),
        "The band is given in words and by colour. A body that refused or did not reply is not scored. "
        "The Evidence sheet gives every answer with its points and source (listed on the Sources sheet); "
        "the Methodology sheet gives the whole rubric and how the percents are worked out."], span=4)
    titles = {c.id: c.title for c in rubric.categories}
    facts: list[tuple[str, t.Any, str]] = [
        ("Region", o.region, "wrap"),
        ("Response", sheets.response_words(scorecard, o), "wrap"),
        ("Evidence", f"{KIND_WORDS.get(o.kind, o.kind)}, assessed by {o.assessor} on {o.assessed_on}", "wrap"),
        ("Overall %", o.percent, "percent"),
        ("Band", sheets.band_cell(scorecard, o, rubric), "wrap"),
        ("Rank", f"{o.rank} of {scored} bodies scored" if o.rank is not None else "Not ranked", "wrap"),
        ("Categories", "; ".join(titles.get(c, c) for c in o.categories) or "None", "wrap"),
    ]
    for label, value, style in facts:
        st.add([label, value], ["bold", style], merge=[(1, 3)] if style == "wrap" else [])
    st.blank()
    flag_titles = {f.id: f.title or id_in_words(f.id) for f in rubric.flags}
    st.table(["Section", "Percent", "Before any cap", "Capped by flag"],
             [[s.title, s.percent, s.uncapped_percent, flag_titles.get(s.capped_by or "", s.capped_by)] for s in o.sections],
             ["wrap", "percent", "percent", "wrap"])
    xlsx_areas.body_areas(st, scorecard, rubric, o)  # its areas and their representatives, if the register has them


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
    for o in scorecard.organisations:
        yield f"organisations/{o.code}.xlsx", organisation_workbook(scorecard, rubric, o)
