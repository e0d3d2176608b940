"""Shared openpyxl plumbing for every workbook scorecard writes: the scorecard, the per-body
workbooks and the self-assessment template.

Three promises live here so no writer can forget them:
* text that a spreadsheet would run as a formula is stored as a plain string and shown as typed;
* sheet titles are legal and unique;
* the same workbook gives the same bytes (no clock in the document properties or the zip).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import typing as t
import zipfile

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from scorecard.render.csv_ import FORMULA_STARTS  # text a spreadsheet would run as a formula

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
HEADER_FILL = PatternFill("solid", fgColor="FFD9D9D9")
PERCENT = '0.0"%"'  # the cell holds the percent itself (94.4), as in scorecard.json
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can carry

Value = t.Union[str, int, float, bool, None]


def put(ws: Worksheet, row: int, column: int, value: Value, **style: t.Any) -> Cell:
    """Write one value. Strings are always string cells: openpyxl would turn "=..." into a
    formula, so the type is forced back to text, and a quote prefix makes Excel and LibreOffice
    keep it as text even when someone edits the cell."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        # XML readers turn a carriage return into a line feed, so store it as one; control
        # characters XML cannot hold at all become U+FFFD rather than failing the whole render.
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value.replace("\r\n", "\n").replace("\r", "\n"))
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def put_row(ws: Worksheet, row: int, values: t.Sequence[Value], **style: t.Any) -> None:
    for column, value in enumerate(values, start=1):
        put(ws, row, column, value, **style)


def header(ws: Worksheet, row: int, names: t.Sequence[str]) -> None:
    """A bold, shaded, wrapped header row that the panes freeze under."""
    for column, name in enumerate(names, start=1):
        put(ws, row, column, name, font=BOLD, fill=HEADER_FILL, alignment=WRAP)
    ws.freeze_panes = ws.cell(row=row + 1, column=1)


def table(
    ws: Worksheet, row: int, names: t.Sequence[str], rows: t.Iterable[t.Sequence[Value]], main: bool = True
) -> int:
    """Header plus rows; returns the last row written. The sheet's main table also gets frozen
    panes, an autofilter and its header repeated on every printed page (a sheet has one of each)."""
    if main:
        header(ws, row, names)
    else:
        for column, name in enumerate(names, start=1):
            put(ws, row, column, name, font=BOLD, fill=HEADER_FILL, alignment=WRAP)
    last = row
    for last, values in enumerate(rows, start=row + 1):
        put_row(ws, last, values, alignment=WRAP)
    if main:
        ws.auto_filter.ref = f"A{row}:{get_column_letter(len(names))}{max(last, row + 1)}"
        ws.print_title_rows = f"{row}:{row}"
    return last


def widths(ws: Worksheet, sizes: t.Sequence[float]) -> None:
    for column, size in enumerate(sizes, start=1):
        ws.column_dimensions[get_column_letter(column)].width = size


def fit_heights(ws: Worksheet) -> None:
    """Give rows with wrapped text room for it. Not every reader grows rows to fit on opening
    (LibreOffice leaves them one line high), so estimate the lines from the column widths (a
    merged cell has the width of its whole span). Rows already given a height are left alone."""
    def width(first: int, last: int) -> float:
        return sum(ws.column_dimensions[get_column_letter(k)].width or 10 for k in range(first, last + 1))

    span: dict[str, float] = {}
    hidden: set[str] = set()
    for merged in ws.merged_cells.ranges:
        for row in ws.iter_rows(min_row=merged.min_row, max_row=merged.max_row, min_col=merged.min_col, max_col=merged.max_col):
            hidden.update(c.coordinate for c in row)
        top_left = f"{get_column_letter(merged.min_col)}{merged.min_row}"
        hidden.discard(top_left)
        span[top_left] = width(merged.min_col, merged.max_col)
    for row in ws.iter_rows():
        if not row or ws.row_dimensions[row[0].row].height is not None:
            continue
        lines = 1
        for cell in row:
            if not isinstance(cell.value, str) or cell.coordinate in hidden or not (cell.alignment and cell.alignment.wrap_text):
                continue
            per_line = max(int(span.get(cell.coordinate, width(cell.column, cell.column)) * 1.1), 1)
            lines = max(lines, sum(-(-max(len(part), 1) // per_line) for part in cell.value.split("\n")))
        if lines > 1:
            ws.row_dimensions[row[0].row].height = min(15 * lines, 400)


PAGE_WIDTH = 190  # about what fits across landscape A4 at a readable size, in column-width units


def print_setup(ws: Worksheet, landscape: bool = True, wide: bool = False) -> None:
    """Landscape, every column fitted to the page width, as many pages down as needed; rows tall
    enough for their wrapped text (call it once the column widths are set). A `wide` sheet
    (the evidence, the rubric) would shrink past reading on one page, so it is fitted to as
    many pages across as its width needs, with its first columns repeated on each."""
    fit_heights(ws)
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    pages = 1
    if wide:
        total = sum(d.width or 10 for d in ws.column_dimensions.values())
        pages = max(1, -(-int(total) // PAGE_WIDTH))
    ws.page_setup.fitToWidth = pages
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = True


def fill(colour: str) -> PatternFill:
    """A solid fill from a rubric colour such as #B6D7A8."""
    return PatternFill("solid", fgColor="FF" + colour.lstrip("#").upper())


def sheet_title(wanted: str, taken: t.Iterable[str]) -> str:
    """A legal sheet title: no []:*?/\\, not blank, at most 31 characters, not starting or
    ending with an apostrophe, and unique (case-insensitively) among `taken`."""
    title = _BAD_TITLE.sub("-", wanted).strip().strip("'").strip() or "Sheet"
    title = title[:31]
    used = {name.lower() for name in taken}
    n = 1
    candidate = title
    while candidate.lower() in used:
        n += 1
        suffix = f" ({n})"
        candidate = title[: 31 - len(suffix)] + suffix
    return candidate


def is_link(url: str | None) -> bool:
    return bool(url) and t.cast(str, url).lower().startswith(("http://", "https://"))


def link(ws: Worksheet, row: int, column: int, url: str | None) -> None:
    """A clickable link for http(s) addresses only; anything else stays inert text."""
    cell = put(ws, row, column, url)
    if url and is_link(url):
        cell.hyperlink = url
        cell.font = Font(color="FF0563C1", underline="single")


def new_workbook() -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    return wb


def workbook_bytes(wb: Workbook, as_of: str | None, title: str) -> bytes:
    """Save to bytes with document dates from the evidence (`as_of`, YYYY-MM-DD), not the clock.

    `Workbook.save` stamps `modified` with the current time, so we drive openpyxl's ExcelWriter
    ourselves, then rewrite the zip so every entry carries the same fixed date too.
    """
    stamp = _date(as_of)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "scorecard"
    wb.properties.lastModifiedBy = "scorecard"
    wb.properties.title = title
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()
    return fixed_zip_dates(buffer.getvalue(), stamp)


def fixed_zip_dates(data: bytes, stamp: dt.datetime) -> bytes:
    """The same zip with every entry's date and attributes set to fixed values, in the original
    order (the content-types part must stay first). zipfile stamps entries written from strings
    with the current local time, which is the only clock openpyxl lets into the file."""
    when = max((stamp.year, stamp.month, stamp.day, 0, 0, 0), ZIP_EPOCH)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            target.writestr(info, source.read(entry.filename))
    return out.getvalue()


def _date(as_of: str | None) -> dt.datetime:
    if as_of:
        try:
            return dt.datetime.strptime(as_of[:10], "%Y-%m-%d")
        except ValueError:
            pass
    return dt.datetime(*ZIP_EPOCH)
