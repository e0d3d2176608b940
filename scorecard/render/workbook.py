"""Shared openpyxl plumbing for every workbook scorecard writes: the scorecard, the per-body
workbooks and the self-assessment template.

Three promises live here so no writer can forget them:
* text that a spreadsheet would run as a formula is stored as a plain string and shown as typed;
* sheet titles are legal and unique;
* the same workbook gives the same bytes (no clock in the document properties or the zip).

Two ways to fill a sheet. `put`, `table` and friends address cells at random in an ordinary
openpyxl worksheet, which holds every cell in memory until it is saved: fine for the
self-assessment template and for small sheets. The scorecard itself can have hundreds of
thousands of cells, so its big sheets are streamed (`Book` and `Stream`: openpyxl's write-only
mode, rows written top to bottom and dropped once written), and its small sheets are laid out
with `put` in a scratch worksheet and copied across with `Book.copy` (`Book.sheet_from`).
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import math
import re
import shutil
import tempfile
import typing as t
import weakref
import zipfile

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from scorecard.render.csv_ import FORMULA_STARTS  # text a spreadsheet would run as a formula

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="top")
BOTTOM_WRAP = Alignment(wrap_text=True)
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
        value = clean(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def clean(text: str) -> str:
    """XML readers turn a carriage return into a line feed, so store it as one; control
    characters XML cannot hold at all become U+FFFD rather than failing the whole render
    (openpyxl's pattern misses U+FFFE and U+FFFF, which XML 1.0 forbids too)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", text).replace("\ufffe", "\ufffd").replace("\uffff", "\ufffd")


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
            lines = max(lines, lines_needed(cell.value, span.get(cell.coordinate, width(cell.column, cell.column))))
        if lines > 1:
            ws.row_dimensions[row[0].row].height = line_height(lines)


def lines_needed(text: str, width: float) -> int:
    """Roughly how many lines wrapped text takes in a column `width` characters wide."""
    per_line = max(int(width * 1.1), 1)
    if len(text) <= per_line and "\n" not in text:
        return 1
    return sum(-(-max(len(part), 1) // per_line) for part in text.split("\n"))


def line_height(lines: int) -> float:
    return min(15 * lines, 400)


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


# ---------------------------------------------------------------- streamed workbooks

LINK_FONT = Font(color="FF0563C1", underline="single")

# The cell styles of streamed sheets, by name. A name beginning with # is a fill of that colour
# (a band's), with wrapped text. "wrap" is given only to text too long for one line of its
# column: a styled cell costs openpyxl half as much again as a plain one to write, and on the
# big sheets most cells fit on one line, where wrapping changes nothing. So that rows still
# read evenly, no cell is top-aligned: every cell sits at the foot of its row, as by default.
STYLES: dict[str, dict[str, t.Any]] = {
    "plain": {},
    "wrap": {"alignment": BOTTOM_WRAP},
    "bold": {"font": BOLD},
    "bold-wrap": {"font": BOLD, "alignment": WRAP},
    "title": {"font": TITLE},
    "header": {"font": BOLD, "fill": HEADER_FILL, "alignment": WRAP},
    "percent": {"number_format": PERCENT},
    "link": {"font": LINK_FONT, "alignment": WRAP},
}
WRAPPED = {name for name, style in STYLES.items() if style.get("alignment") in (WRAP, BOTTOM_WRAP)}


class Styled(t.NamedTuple):
    """A value with a style other than its column's."""

    value: Value
    style: str


Styles = t.Union[str, t.Sequence[str]]  # one style for every cell of a row, or one per cell


class Book:
    """A workbook written in openpyxl's write-only mode: each sheet is streamed top to bottom
    (`stream`) or copied whole from an ordinary worksheet (`copy`), so memory stays flat however
    many rows there are."""

    def __init__(self) -> None:
        self.wb = Workbook(write_only=True)
        self._arrays: dict[tuple[str, bool], t.Any] = {}
        self._streams: list[Stream] = []

    @property
    def sheetnames(self) -> list[str]:
        return list(self.wb.sheetnames)

    def stream(self, title: str, widths: t.Sequence[float], landscape: bool = True, wide: bool = False) -> "Stream":
        st = Stream(self, self.wb.create_sheet(title), widths, landscape, wide)
        self._streams.append(st)
        return st

    def style(self, ws: WriteOnlyWorksheet, name: str, quote: bool) -> t.Any:
        """The style array of a named style in this workbook, or None for no style at all. Each
        is built once: setting a font or fill on every cell costs more than writing the cell."""
        key = (name, quote)
        if key not in self._arrays:
            proto = Cell(ws, 1, 1)
            settings = {"fill": fill(name), "alignment": WRAP} if name.startswith("#") else STYLES[name]
            for attribute, setting in settings.items():
                setattr(proto, attribute, setting)
            if quote:
                proto.quotePrefix = True
            # openpyxl keeps a cell's style as an array of indices into the workbook's fonts,
            # fills and so on; a new cell can start from a copy of it (Cell's style_array).
            self._arrays[key] = proto._style if proto.has_style else None
        return self._arrays[key]

    def style_attribute(self, ws: WriteOnlyWorksheet, name: str, quote: bool) -> str:
        """The ` s="N"` a streamed cell of this style carries (N: its entry in styles.xml), or
        nothing for an unstyled cell."""
        array = self.style(ws, name, quote)
        return "" if array is None else f' s="{self.wb._cell_styles.add(array)}"'

    def copy(self, source: Worksheet, title: str | None = None) -> None:
        """Append a copy of an ordinary worksheet laid out with `put` and friends: values, types,
        styles, hyperlinks, merged cells, widths, heights, panes, filter and print setup."""
        unsupported = [name for name, used in (
            ("data validation", source.data_validations.dataValidation), ("comments", any(c.comment for row in source.iter_rows() for c in row)),
            ("conditional formatting", list(source.conditional_formatting)), ("images or charts", source._images or source._charts),
            ("tables", source.tables)) if used]
        if unsupported:
            raise ValueError(f"Book.copy cannot carry {', '.join(unsupported)} (sheet {source.title!r})")
        ws = self.wb.create_sheet(title or source.title)
        for key, dimension in sorted(source.column_dimensions.items()):
            if dimension.width:
                ws.column_dimensions[key].width = dimension.width
        ws.freeze_panes = source.freeze_panes
        ws.sheet_properties.pageSetUpPr = copy.copy(source.sheet_properties.pageSetUpPr)
        for name in ("orientation", "paperSize", "fitToWidth", "fitToHeight"):
            setattr(ws.page_setup, name, getattr(source.page_setup, name))
        ws.print_options = copy.copy(source.print_options)
        ws.auto_filter.ref = source.auto_filter.ref
        ws.print_title_rows = source.print_title_rows
        ws.print_title_cols = source.print_title_cols
        for merged in sorted(source.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col)):
            ws.merged_cells.add(merged.coord)
        arrays: dict[int, t.Any] = {}
        for row in source.iter_rows(min_row=1, max_row=source.max_row, max_col=source.max_column):
            r = row[0].row
            height = source.row_dimensions[r].height if r in source.row_dimensions else None
            if height is not None:
                ws.row_dimensions[r].height = height
            out: list[t.Any] = []
            for cell in row:
                if isinstance(cell, MergedCell) or (cell.value is None and not cell.has_style):
                    out.append(None)
                    continue
                if cell.style_id not in arrays:
                    proto = Cell(ws, 1, 1)
                    for attribute in ("font", "fill", "border", "alignment", "protection"):
                        setattr(proto, attribute, copy.copy(getattr(cell, attribute)))
                    proto.number_format = cell.number_format
                    proto.quotePrefix = cell.quotePrefix
                    arrays[cell.style_id] = proto._style
                copied = Cell(ws, 1, 1, cell.value, arrays[cell.style_id])
                copied.data_type = cell.data_type
                if cell.hyperlink is not None:
                    copied.hyperlink = cell.hyperlink.target
                out.append(copied)
            ws.append(out)
            if height is not None:
                del ws.row_dimensions[r]

    def bytes(self, as_of: str | None, title: str) -> bytes:
        try:
            for st in self._streams:
                st.close()
            return workbook_bytes(self.wb, as_of, title, {st.ws._writer.out: st for st in self._streams})
        finally:
            for st in self._streams:
                st.rows.close()


_COLUMNS = [""] + [get_column_letter(k) for k in range(1, 16385)]  # A..XFD (all Excel has), by number
_NO_SPANS: dict[int, float] = {}
_FLUSH = 1 << 18  # characters of row XML gathered before each write to the sheet's file


def _escape(text: str) -> str:
    """Text as XML character data (what ElementTree escapes in text: &, < and >)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _attribute(text: str) -> str:
    """Text as a double-quoted XML attribute value (whitespace kept as written)."""
    text = _escape(text).replace('"', "&quot;")
    return text.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")


_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


class Stream:
    """One write-only sheet, filled a row at a time. Formula-like text, control characters,
    links and row heights are handled as `put`, `link` and `fit_heights` handle them.

    The rows are serialised here, as SpreadsheetML, into a file of their own: openpyxl takes
    about 10 microseconds to write a cell even in write-only mode, which made the Evidence sheet
    of a 10,000-body round (two million cells) most of the run. openpyxl still writes everything
    around the rows (widths, panes, merged cells, filter, links, print setup) when the sheet is
    closed, with an empty <sheetData>, and the rows are spliced into it as the workbook is
    zipped (`_FixedDateZip`), with the sheet's links (<hyperlinks>, and a relationship for
    each in the sheet's .rels part; openpyxl's own objects for them cost as much as the rows).
    Cells are written the way openpyxl writes them: text inline (t="inlineStr"), styles by
    their index in the workbook's style table."""

    def __init__(self, book: Book, ws: WriteOnlyWorksheet, widths: t.Sequence[float], landscape: bool = True, wide: bool = False) -> None:
        self.book, self.ws = book, ws
        self.widths = [float(w) for w in widths]
        self.row = 0  # the last row added
        self.rows: t.IO[bytes] = tempfile.SpooledTemporaryFile(max_size=1 << 20)  # the <row> elements
        weakref.finalize(self, self.rows.close)  # also when a render fails before the book is saved
        self._parts: list[str] = []  # row XML not yet written to self.rows
        self._pending = 0  # its length
        self.links: list[tuple[str, str]] = []  # (cell, http(s) address)
        self._closed = False
        self._attributes: dict[str, str] = {}  # style name -> ` s="N"`: plain text
        self._quoted: dict[str, str] = {}  # and formula-like text
        # How many characters fit on one line of each column (index 0 unused).
        self._limits = [0.0] + [w * 1.1 for w in self.widths]
        for column, size in enumerate(self.widths, start=1):
            ws.column_dimensions[get_column_letter(column)].width = size
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        # A wide sheet would shrink past reading on one page: as many pages across as it needs.
        ws.page_setup.fitToWidth = max(1, -(-int(sum(self.widths)) // PAGE_WIDTH)) if wide else 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.gridLines = True

    def width(self, first: int, last: int) -> float:
        """Width of columns first..last (1-based), 10 for a column not given one."""
        return sum(self.widths[k - 1] if k <= len(self.widths) else 10 for k in range(first, last + 1))

    def add(self, values: t.Sequence[t.Any], styles: Styles = "wrap", merge: t.Sequence[tuple[int, int]] = (),
            height: float | None = None) -> int:
        """Add one row; returns its number. `merge` lists (first, last) column spans to merge;
        the height is estimated from the wrapped text unless given."""
        if self._closed:
            raise ValueError(f"sheet {self.ws.title!r} is closed: no more rows can be added")
        self.row += 1
        number = str(self.row)
        spans = {first: self.width(first, last) for first, last in merge} if merge else _NO_SPANS
        for first, last in merge:
            if last > first:
                self.ws.merged_cells.add(f"{_COLUMNS[first]}{number}:{_COLUMNS[last]}{number}")
        lines = 1
        cells: list[str] = []
        one = styles if isinstance(styles, str) else None
        limits = self._limits
        # This loop runs once per cell of the biggest sheets: keep it lean.
        for column, value in enumerate(values, start=1):
            style = one or styles[column - 1]
            if type(value) is Styled:
                value, style = value
            if value is None:
                continue
            quote = False
            kind = type(value)
            if kind is str:
                if not value.isprintable():  # printable text holds nothing to clean
                    value = clean(value)
                quote = value.startswith(FORMULA_STARTS)
                if style in WRAPPED or style[0] == "#":
                    limit = spans[column] * 1.1 if column in spans else limits[column] if column < len(limits) else 11
                    if len(value) > limit or "\n" in value:
                        lines = max(lines, lines_needed(value, limit / 1.1))
                    elif style == "wrap" and height is None:
                        style = "plain"  # fits on one line: wrapping would change nothing
            elif style == "wrap":
                style = "plain"  # a number
            known = self._quoted if quote else self._attributes
            attribute = known.get(style)
            if attribute is None:
                attribute = known[style] = self.book.style_attribute(self.ws, style, quote)
            ref = _COLUMNS[column] + number
            if kind is str:
                if not value and not attribute:
                    continue  # an empty, unstyled cell is no cell
                space = ' xml:space="preserve"' if value != value.strip() else ""
                cells.append(f'<c r="{ref}"{attribute} t="inlineStr"><is><t{space}>{_escape(value)}</t></is></c>')
                if style == "link" and not quote and is_link(value):
                    self.links.append((ref, value))
            elif kind is bool:
                cells.append(f'<c r="{ref}"{attribute} t="b"><v>{int(value)}</v></c>')
            elif kind is int or (kind is float and math.isfinite(value)):
                cells.append(f'<c r="{ref}"{attribute} t="n"><v>{"%.16g" % value}</v></c>')
            else:
                raise TypeError(f"sheet {self.ws.title!r} cell {ref}: cannot write {value!r}, a {kind.__name__}")
        if height is None and lines > 1:
            height = line_height(lines)
        if cells or height is not None:
            dimension = f' ht="{height:g}" customHeight="1"' if height is not None else ""
            xml = f'<row r="{number}"{dimension}>{"".join(cells)}</row>'
            self._parts.append(xml)
            self._pending += len(xml)
            if self._pending > _FLUSH:
                self._flush()
        return self.row

    def _flush(self) -> None:
        self.rows.write("".join(self._parts).encode("utf-8"))
        self._parts, self._pending = [], 0

    def blank(self, count: int = 1) -> None:
        self.row += count

    def table(self, names: t.Sequence[str], rows: t.Iterable[t.Sequence[t.Any]], styles: Styles = "wrap", main: bool = True) -> int:
        """Header plus rows; returns the last row. The sheet's main table also gets frozen panes,
        an autofilter and its header repeated on every printed page (a sheet has one of each)."""
        top = self.row + 1
        if main:
            self.ws.freeze_panes = f"A{top + 1}"
            self.ws.print_title_rows = f"{top}:{top}"
        self.add(names, "header")
        for values in rows:
            self.add(values, styles)
        if main:
            self.ws.auto_filter.ref = f"A{top}:{get_column_letter(len(names))}{max(self.row, top + 1)}"
        return self.row

    def close(self) -> None:
        """Have openpyxl write the sheet around the rows (its widths, panes, links and so on)."""
        if self._closed:
            return
        self._closed = True
        self._flush()
        self.ws.close()

    def around_rows(self, written: bytes) -> tuple[bytes, bytes]:
        """What openpyxl wrote for the sheet, cut where the rows go, with the links put in."""
        empty = next((e for e in _EMPTY_SHEET_DATA if written.count(e) == 1), None)
        if empty is None:
            raise RuntimeError(f"cannot find where the rows go in sheet {self.ws.title!r}")
        head, tail = written.split(empty)
        if self.links:
            # <hyperlinks> comes before <printOptions> and <pageMargins>, which every sheet has.
            at = min(k for k in (tail.find(b"<printOptions"), tail.find(b"<pageMargins")) if k >= 0)
            links = "".join(f'<hyperlink ref="{ref}" r:id="rId{n}"/>' for n, (ref, _) in enumerate(self.links, start=1))
            tail = tail[:at] + f'<hyperlinks xmlns:r="{_RELATIONSHIPS}">{links}</hyperlinks>'.encode() + tail[at:]
        return head + b"<sheetData>", b"</sheetData>" + tail

    def relationships(self) -> t.Iterator[bytes]:
        """The sheet's .rels part, in pieces (a big sheet has a hundred thousand links): one
        external relationship per link, as openpyxl makes them."""
        yield b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        for at in range(0, len(self.links), 4096):
            yield "".join(
                f'<Relationship Type="{_RELATIONSHIPS}/hyperlink" Target="{_attribute(target)}" TargetMode="External" Id="rId{n}"/>'
                for n, (_, target) in enumerate(self.links[at:at + 4096], start=at + 1)
            ).encode()
        yield b"</Relationships>"


def workbook_bytes(wb: Workbook, as_of: str | None, title: str, streams: t.Mapping[str, Stream] | None = None) -> bytes:
    """Save to bytes with document dates from the evidence (`as_of`, YYYY-MM-DD), not the clock.

    `Workbook.save` stamps `modified` with the current time, so we drive openpyxl's ExcelWriter
    ourselves, into a zip that dates every entry from the evidence too. Works for ordinary and
    write-only workbooks alike. `streams` maps the file openpyxl wrote each streamed sheet to
    to its `Stream`, which holds the rows and links that go into it.
    """
    stamp = _date(as_of)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "scorecard"
    wb.properties.lastModifiedBy = "scorecard"
    wb.properties.title = clean(title)  # a body's name is evidence text: no control characters
    buffer = io.BytesIO()
    with _FixedDateZip(buffer, stamp, streams or {}) as archive:
        ExcelWriter(wb, archive).save()
    return buffer.getvalue()


# How openpyxl writes the rows of a sheet that has none (et_xmlfile, or lxml when installed).
_EMPTY_SHEET_DATA = (b"<sheetData></sheetData>", b"<sheetData/>")


class _FixedDateZip(zipfile.ZipFile):
    """A zip whose entries all carry one fixed date and fixed attributes. zipfile stamps entries
    written from strings with the current local time, and entries copied from files (openpyxl's
    write-only sheets are spooled to temporary files) with the file's time: the only clocks
    openpyxl lets into the file. Entries keep the order they were written in (the
    content-types part must stay first). A sheet streamed by `Stream` gets its rows here."""

    def __init__(self, file: t.BinaryIO, stamp: dt.datetime, streams: t.Mapping[str, Stream]) -> None:
        super().__init__(file, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self.when = max((stamp.year, stamp.month, stamp.day, 0, 0, 0), ZIP_EPOCH)
        self.streams = streams

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self.when)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        info.create_system = 0
        return info

    def writestr(self, zinfo_or_arcname: t.Any, data: t.Any, *args: t.Any, **kwargs: t.Any) -> None:
        name = zinfo_or_arcname.filename if isinstance(zinfo_or_arcname, zipfile.ZipInfo) else zinfo_or_arcname
        super().writestr(self._info(name), data)

    def write(self, filename: t.Any, arcname: t.Any = None, *args: t.Any, **kwargs: t.Any) -> None:
        # Copied in chunks: a big sheet is never held in memory whole.
        name = arcname or str(filename)
        stream = self.streams.get(filename)
        with open(filename, "rb") as source, self.open(self._info(name), "w") as target:
            if stream is None:
                shutil.copyfileobj(source, target, 1 << 20)
                return
            head, tail = stream.around_rows(source.read())  # openpyxl's part is small: all but the rows
            target.write(head)
            stream.rows.seek(0)
            shutil.copyfileobj(stream.rows, target, 1 << 20)
            target.write(tail)
        if stream.links:
            # openpyxl writes a sheet's .rels only when it made relationships itself; for a
            # streamed sheet it made none, so the part is new here.
            folder, _, file = name.rpartition("/")
            with self.open(self._info(f"{folder}/_rels/{file}.rels"), "w") as target:
                for piece in stream.relationships():
                    target.write(piece)


def _date(as_of: str | None) -> dt.datetime:
    if as_of:
        try:
            return dt.datetime.strptime(as_of[:10], "%Y-%m-%d")
        except ValueError:
            pass
    return dt.datetime(*ZIP_EPOCH)
