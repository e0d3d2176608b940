"""What every workbook scorecard writes has in common, on XlsxWriter's public API: one named
font, a small set of cell styles, printing as a document (A4, one page wide, title rows repeated,
header and footer) and the promises no writer may forget:

* text is always a text cell (`write_string`): text a spreadsheet would run as a formula is stored
  as typed, with a quote prefix so that it stays text when someone edits the cell;
* only http(s) addresses become links;
* the same inputs give the same bytes: the document's dates come from the evidence (XlsxWriter
  gives every zip entry the fixed date of 1980-01-01, so no date from the data reaches the zip).

A sheet is a `Sheet`: rows are added top to bottom (`add`, `table`), which is what XlsxWriter's
`constant_memory` mode needs, so a sheet of a million cells holds one row in memory at a time.
Adding a sheet to a workbook is one function that calls `book.sheet(...)` and then `add`s rows.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import typing as t

import xlsxwriter

from scorecard.render.csv_ import FORMULA_STARTS  # text a spreadsheet would run as a formula
from scorecard.render.links import http_url

# One family throughout. LibreOffice prints Arial with the metric-compatible Liberation Sans where
# it is installed, else a wider face (DejaVu Sans on a bare Debian): widths and heights here are
# worked out for the wider one, so they are roomy rather than tight in Excel.
FONT = "Arial"
SIZE = 10
LINE = 12.75  # points a line of 10 pt text takes
PAGE_ROW_LIMIT = 150.0  # points: no row taller than about a third of a printed page
PERCENT = '0.0"%"'  # the cell holds the percent itself (94.4), as in scorecard.json
MAX_LINKS = 65_530  # links Excel allows on one sheet; any more are written as plain text
MAX_URL = 2_079  # the longest link Excel accepts
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

Value = str | int | float | bool | None

# The cell styles, by name. Every cell is top-aligned, so a row reads along one line; numbers are
# centred so that they never touch the text of the cell beside them.
STYLES: dict[str, dict[str, t.Any]] = {
    "plain": {},
    "wrap": {"text_wrap": True},
    "bold": {"bold": True, "text_wrap": True},
    "title": {"bold": True, "font_size": 14, "text_wrap": True},
    "heading": {"bold": True, "font_size": 11},
    "body": {"bold": True, "text_wrap": True, "bg_color": "#F2F2F2", "top": 1, "top_color": "#808080"},
    "header": {"bold": True, "text_wrap": True, "bg_color": "#D9D9D9", "bottom": 1},
    "number": {"align": "center"},
    "percent": {"align": "center", "num_format": PERCENT},
    "change": {"align": "center", "num_format": "+0.0;-0.0;0.0"},
    "share": {"align": "center", "num_format": "0.0%"},  # a share from 0 to 1, shown as a percent
    "link": {"font_color": "#0563C1", "underline": 1, "text_wrap": True},
    "input": {"text_wrap": True, "bg_color": "#FFF2CC", "locked": False, "border": 1, "border_color": "#BFBFBF"},
    "closed": {"bg_color": "#D9D9D9"},
    "date-input": {"bg_color": "#FFF2CC", "locked": False, "num_format": "yyyy-mm-dd", "border": 1, "border_color": "#BFBFBF"},
}
NUMERIC = {"number", "percent", "change", "share"}


class Styled(t.NamedTuple):
    """A value with a style other than its column's. A style "#RRGGBB" is a fill of that colour
    (a band's), with wrapped text."""

    value: Value
    style: str


Styles = str | t.Sequence[str]  # one style for every cell of a row, or one per cell


def clean(text: str) -> str:
    """A carriage return as a line feed (XML readers turn one into the other anyway); characters
    XML cannot hold at all become U+FFFD rather than failing the whole render."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _ILLEGAL.sub("\ufffd", text)


def is_link(url: t.Any) -> bool:
    """The site's rule (scorecard.render.links): plain http(s) addresses, no user information."""
    return http_url(url) is not None


def sheet_title(wanted: str, taken: t.Iterable[str]) -> str:
    """A legal sheet title: no []:*?/\\, not blank, at most 31 characters, not starting or
    ending with an apostrophe, and unique (case-insensitively) among `taken`."""
    title = _BAD_TITLE.sub("-", wanted).strip().strip("'").strip() or "Sheet"
    title = title[:31].rstrip()
    used = {name.lower() for name in taken}
    n, candidate = 1, title
    while candidate.lower() in used:
        n += 1
        suffix = f" ({n})"
        candidate = title[: 31 - len(suffix)] + suffix
    return candidate


def lines_needed(text: str, width: float, bold: bool = False) -> int:
    """How many lines wrapped text takes in a column `width` units wide, wrapping word by word as
    a spreadsheet does (a long word pushes the whole of itself onto the next line). Measured in
    LibreOffice with DejaVu Sans standing in for Arial: a line of 10 pt text holds about 1.2
    characters a unit of width, bold text about 1.05; a little less is assumed, so that an
    estimate errs towards room to spare rather than clipped text."""
    per_line = max(int(width * (1.0 if bold else 1.15)) - 1, 1)
    if len(text) <= per_line and "\n" not in text:
        return 1
    total = 0
    for part in text.split("\n"):
        if len(part) <= per_line:
            total += 1
            continue
        lines, used = 1, 0
        for word in part.split(" "):
            size = len(word)
            if used and used + 1 + size > per_line:
                lines, used = lines + 1, 0
            if size > per_line:  # broken across lines
                lines += (size - 1) // per_line
                size = (size - 1) % per_line + 1
            used = size if not used else used + 1 + size
        total += lines
    return total


def height(lines: int) -> float:
    return min(LINE * lines + 2, PAGE_ROW_LIMIT)


def _header_text(text: str, limit: int = 80) -> str:
    text = clean(text).replace("\n", " ")
    text = text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
    return text.replace("&", "&&")


class Book:
    """One workbook. `stream=True` writes in XlsxWriter's constant_memory mode (rows strictly
    top to bottom, one held at a time): for the scorecard, whose sheets grow with the round."""

    def __init__(self, title: str, as_of: str | None, running_head: str, stream: bool = True) -> None:
        self.buffer = io.BytesIO()
        self.wb = xlsxwriter.Workbook(self.buffer, {
            "constant_memory": stream,
            # Values are written with write_string/write_number only; these keep write() honest too.
            "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
            "default_format_properties": {"font_name": FONT, "font_size": SIZE},
        })
        self.wb.set_properties({"title": clean(title), "author": "scorecard", "created": _date(as_of)})
        self.running_head = running_head
        self.sheets: list[Sheet] = []
        self._formats: dict[tuple[str, bool], t.Any] = {}

    @property
    def sheetnames(self) -> list[str]:
        return [s.ws.name for s in self.sheets]

    def format(self, name: str, quote: bool = False) -> t.Any:
        key = (name, quote)
        found = self._formats.get(key)
        if found is None:
            if name.startswith("#"):
                settings = {"bg_color": name, "text_wrap": True}
            else:
                settings = dict(STYLES[name])
            settings.setdefault("font_name", FONT)
            settings.setdefault("font_size", SIZE)
            settings["valign"] = "top"
            if quote:
                settings["quote_prefix"] = True
            found = self._formats[key] = self.wb.add_format(settings)
        return found

    def sheet(self, title: str, widths: t.Sequence[float], landscape: bool = True, footer: str = "") -> Sheet:
        """A new sheet set up to print as a document: A4, one page wide, as many down as it
        needs, over then down, gridlines off, the rubric and sheet at the head of every page and
        `footer` (a body's name, say) with "page N of M" at its foot."""
        name = sheet_title(title, self.sheetnames)
        sheet = Sheet(self, self.wb.add_worksheet(name), widths)
        ws = sheet.ws
        ws.set_paper(9)
        ws.set_landscape() if landscape else ws.set_portrait()
        ws.fit_to_pages(1, 0)
        ws.print_across()
        ws.hide_gridlines(1)  # not printed; still on screen, where they help to read across
        ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
        ws.set_header(f"&L&8{_header_text(self.running_head)}&R&8&A", {"margin": 0.3})
        foot = f"&L&8{_header_text(footer)}" if footer else ""
        ws.set_footer(f"{foot}&R&8Page &P of &N", {"margin": 0.3})
        self.sheets.append(sheet)
        return sheet

    def bytes(self) -> bytes:
        self.wb.close()
        return self.buffer.getvalue()


class Sheet:
    """One sheet, filled a row at a time. Row heights are worked out from the wrapped text (not
    every reader grows rows to fit on opening: LibreOffice does not)."""

    def __init__(self, book: Book, ws: t.Any, widths: t.Sequence[float]) -> None:
        self.book, self.ws = book, ws
        self.widths = [float(w) for w in widths]
        self.row = -1  # the last row added (0-based)
        self.links = 0
        self._look: dict[str, tuple[t.Any, t.Any, float, bool]] = {}  # style -> formats and how it wraps
        for column, size in enumerate(self.widths):
            ws.set_column(column, column, size)

    def width(self, first: int, last: int) -> float:
        """Width of columns first..last (0-based), 9 for a column not given one."""
        return sum(self.widths[k] if k < len(self.widths) else 9 for k in range(first, last + 1))

    def blank(self, count: int = 1) -> None:
        self.row += count

    def add(self, values: t.Sequence[t.Any], styles: Styles = "wrap", merge: t.Sequence[tuple[int, int]] = (),
            fixed: float | None = None) -> int:
        """Add one row; returns its (0-based) number. `merge` lists (first, last) 0-based column
        spans to merge; the height is worked out from the wrapped text, or is `fixed` a line."""
        self.row += 1
        r = self.row
        spans = dict(merge) if merge else None
        lines = 1
        one = styles if isinstance(styles, str) else None
        for c, value in enumerate(values):
            style = one or styles[c]
            if type(value) is Styled:
                value, style = value
            if value is None and style == "plain" and not (spans and c in spans):
                continue  # an empty, unstyled cell is no cell
            n = self.put(r, c, value, style, spans.get(c) if spans else None)
            if n > lines:
                lines = n
        if fixed is not None:
            self.ws.set_row(r, fixed * lines)
        elif lines > 1:
            self.ws.set_row(r, height(lines))
        return r

    def put(self, r: int, c: int, value: Value, style: str, last: int | None = None) -> int:
        """Write one cell (merged across to column `last`); returns the lines its text needs.
        This runs once a cell of the biggest sheets: it keeps to plain lookups."""
        ws = self.ws
        look = self._look.get(style)
        if look is None:
            settings = STYLES.get(style, {})
            wrapped = style.startswith("#") or bool(settings.get("text_wrap"))
            # A larger font fits fewer characters on a line; bold ones are wider.
            factor = (SIZE / settings.get("font_size", SIZE)) if wrapped else 0.0
            look = self._look[style] = (self.book.format(style), self.book.format(style, True), factor, bool(settings.get("bold")))
        fmt, quoted, factor, bold = look
        if last is not None and last > c:
            ws.merge_range(r, c, r, last, "", fmt)
        if type(value) is str:
            if not value.isprintable():  # printable text holds nothing to clean
                value = clean(value)
            if value.startswith(FORMULA_STARTS):
                fmt = quoted
            lines = 1
            if factor:  # wrapped text: as many lines as it takes in the column's (or the merged range's) width
                width = self.width(c, last) if last is not None else self.widths[c] if c < len(self.widths) else 9
                lines = lines_needed(value, width * factor, bold)
            if style == "link" and is_link(value) and len(value) <= MAX_URL and self.links < MAX_LINKS:
                self.links += 1
                ws.write_url(r, c, value, fmt, string=value)
            elif value.startswith("<r>") and value.endswith("</r>"):
                # XlsxWriter passes text shaped like rich-text XML through unescaped; as a rich
                # string of plain pieces it is escaped like any other text.
                ws.write_rich_string(r, c, value[0], value[1], value[2:], fmt)
            else:
                ws.write_string(r, c, value, fmt)
            return lines
        if value is None:
            ws.write_blank(r, c, None, fmt)
        elif isinstance(value, bool):
            ws.write_boolean(r, c, value, fmt)
        elif isinstance(value, (int, float)):
            ws.write_number(r, c, value, fmt)
        else:
            raise TypeError(f"sheet {ws.name!r}: cannot write {value!r}, a {type(value).__name__}")
        return 1

    def title_block(self, heading: str, lines: t.Sequence[str], span: int) -> None:
        """The sheet's heading and lines of explanation, each merged across `span` columns and
        wrapped so that long text neither runs off the page nor widens the print area; then a
        blank row."""
        self.add([heading], "title", merge=[(0, span - 1)], fixed=20)
        for text in lines:
            self.add([text], "bold" if text.startswith("ILLUSTRATIVE") else "wrap", merge=[(0, span - 1)])
        self.blank()

    def header(self, names: t.Sequence[str], main: bool = True) -> int:
        """A table's header row; returns its number. The sheet's main table's header stays in
        view (frozen panes) and is repeated at the top of every printed page."""
        top = self.add(names, "header")
        if main:
            self.ws.freeze_panes(top + 1, 0)
            self.ws.repeat_rows(top)
        return top

    def filter(self, top: int, columns: int) -> None:
        """An autofilter on the table whose header is row `top`, down to the last row added."""
        self.ws.autofilter(top, 0, max(self.row, top + 1), columns - 1)

    def table(self, names: t.Sequence[str], rows: t.Iterable[t.Sequence[t.Any]], styles: Styles = "wrap",
              main: bool = True) -> int:
        """Header plus rows; returns the last row. The main table also gets an autofilter."""
        top = self.header(names, main)
        for values in rows:
            self.add(values, styles)
        if main:
            self.filter(top, len(names))
        return self.row


def _date(as_of: str | None) -> dt.datetime:
    """The document's created date: the evidence's, so the same inputs give the same bytes."""
    if as_of:
        try:
            return dt.datetime.strptime(as_of[:10], "%Y-%m-%d")
        except ValueError:
            pass
    return dt.datetime(2000, 1, 1)
