"""The area overlay in the workbooks: a sheet of every area and body in scorecard.xlsx, and each
body's own areas on the first sheet of its workbook (so one file, attached to one email, tells
a representative everything about their area).

The content is `area_rows.sheet` (the overlay's own words, raw values); this module only lays it
out. Text goes through `Sheet.put` like every other cell, so formula-like or markup-like names
are stored as typed text. Nothing is written when the register has no overlay.
"""

from __future__ import annotations

from scorecard.models.rubric import Rubric
from scorecard.render.area_rows import AreaSheet, Cell, share_words, sheet
from scorecard.render.xlsx_book import Book, Sheet, Styled
from scorecard.render.xlsx_sheets import round_lines
from scorecard.result import OrganisationResult, Scorecard

# Positions in an `area_rows` row (see area_rows._columns, which names them).
AREA_CODE, AREA_NAME, REPRESENTATIVE, BODY, BODY_NAME, SHARE, ESTIMATED, BAND, PERCENT = range(9)
# The columns of scorecard.xlsx's sheet, chosen so that most rows print on one line (the sheet
# is 580 rows for the bundled round): (position in the row, width, style, a shorter heading).
# The body's workbook and the as-of date of every row are left to the CSV; the date is above the table.
SHOWN: list[tuple[int, float, str, str | None]] = [
    (AREA_CODE, 13, "plain", None), (AREA_NAME, 24, "wrap", None), (REPRESENTATIVE, 20, "wrap", None), (BODY, 7, "plain", None),
    (BODY_NAME, 50, "wrap", None), (SHARE, 8, "share", "Share"), (ESTIMATED, 10, "number", "Estimated"), (BAND, 28, "wrap", None),
    (PERCENT, 8, "percent", None),
]


def _banded(rows: list[list[Cell]], rubric: Rubric) -> list[list[object]]:
    """The band in words on its colour, as on the Summary sheet (never colour alone)."""
    colours = {b.label: b.colour for b in rubric.bands}
    return [[Styled(v, colours[v]) if k == BAND and v in colours else v for k, v in enumerate(row)] for row in rows]


def areas_sheet(book: Book, scorecard: Scorecard, rubric: Rubric) -> None:
    """Every area with its representative and each body that serves it (one row per area and
    body, areas A-Z), with the as-of date, source and attribution above the table."""
    content = sheet(scorecard, rubric)
    if content is None or scorecard.areas is None:
        return
    st = book.sheet(content.title, [width for _, width, _, _ in SHOWN])
    csv_note = (f"The same rows, with each {rubric.organisation_label}'s workbook and the as-of date on every row, "
                f"are in {scorecard.areas.csv}.csv beside this workbook.")
    st.title_block(scorecard.areas.title, [*round_lines(scorecard), *content.notes, csv_note], span=len(SHOWN))
    headings = [short or content.headings[k] for k, _, _, short in SHOWN]
    rows = ([row[k] for k, _, _, _ in SHOWN] for row in _banded(content.rows, rubric))
    st.table(headings, rows, [style for _, _, style, _ in SHOWN])


def body_areas(st: Sheet, scorecard: Scorecard, rubric: Rubric, o: OrganisationResult) -> None:
    """On a body's first sheet (four columns: 26, 12, 20, 36 wide), below its result: its areas,
    their representatives, the share of each it serves and who else serves the rest."""
    content = sheet(scorecard, rubric, o)
    if content is None or scorecard.areas is None:
        return
    st.blank()
    st.add([content.title], "heading")
    for line in content.notes:
        st.add([line], "wrap", merge=[(0, 3)])
    names = {x.code: x.name for x in scorecard.organisations}
    by_area = scorecard.areas.by_area()
    codes = {row[AREA_CODE]: row for row in content.rows}

    def others(code: object) -> str:
        rest = [s for s in by_area.get(str(code), []) if s.body != o.code]
        return "; ".join(f"{names.get(s.body, s.body)} ({share_words(s)})" for s in rest)

    st.table(_headings(content), (
        [row[AREA_NAME], row[SHARE], row[REPRESENTATIVE], _also(row, others(code))] for code, row in codes.items()
    ) if codes else [["None listed", None, None, None]], ["wrap", "share", "wrap", "wrap"], main=False)


def _headings(content: AreaSheet) -> list[str]:
    return [content.headings[AREA_NAME], "Share", content.headings[REPRESENTATIVE], "Also served by"]


def _also(row: list[Cell], others: str) -> str:
    estimated = "The share is an estimate. " if row[ESTIMATED] == "yes" else ""
    return (estimated + (others or "none")).strip()
