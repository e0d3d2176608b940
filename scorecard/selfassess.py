"""Reading a filled-in self-assessment workbook back into an evidence record (`scorecard import`);
the workbook itself is written by `render/template.py` from the layout in `selfassess_form`.

The workbook is untrusted input. Before openpyxl sees it we refuse macro workbooks, OpenDocument
files, files over MAX_WORKBOOK_BYTES, things that are not zips and zips that would unpack to more
than MAX_UNPACKED_BYTES (or whose shared strings or styles alone are implausibly big); openpyxl
then parses it with defusedxml (entity expansion and external entities are refused) in read-only
mode, and we read only the rows and columns the template has, so a sheet padded with a million
rows costs nothing. Values only: any formula in a cell we read is refused. Rows are matched by
criterion id and columns by heading, so a moved row or column is still read right and a deleted
one is reported by name. At most MAX_PROBLEMS problems are listed, then how many more there are.
"""

from __future__ import annotations

import io
import typing as t
import warnings
import zipfile
from pathlib import Path

from scorecard.problems import Cell, InvalidInput, Problem
from scorecard.selfassess_form import (
    ANSWERS,
    COLUMNS,
    FORMAT_VERSION,
    HEADER_ROW,
    INSTRUCTIONS,
    LISTS,
    META_ROWS,
    SOURCE_COLUMNS,
    SOURCE_ROWS,
    SOURCES,
    TEMPLATE_FORMAT,
    block_rows,
)
from scorecard.selfassess_read import Grid, Reader, read_answers, read_details, read_sources, validate
from scorecard.selfassess_values import text_of

if t.TYPE_CHECKING:
    from scorecard.rubric import LoadedRubric

MAX_WORKBOOK_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # a template for 100 questions unpacks to well under 1 MB
# Parts that openpyxl parses whole, or a row at a time with every cell of the row: a template's
# are well under 1 MB (the Answers sheet of a 100-question rubric, with every note at its limit,
# about 2.5 MB), and a bigger one is refused before it costs seconds to parse.
MAX_PART_BYTES = {"xl/sharedstrings.xml": 8 * 1024 * 1024, "xl/styles.xml": 4 * 1024 * 1024}
MAX_SHEET_BYTES = 6 * 1024 * 1024
MAX_ZIP_ENTRIES = 500
SHEET_COLUMNS = {INSTRUCTIONS: 2, SOURCES: len(SOURCE_COLUMNS) + 10, LISTS: 2}
_ODS = b"application/vnd.oasis.opendocument"


class Opened(t.NamedTuple):
    name: str
    workbook: t.Any  # openpyxl's, read-only
    grids: dict[str, Grid]  # the cells read so far, by sheet (Answers once the rubric is known)
    meta: dict[str, str]


def open_workbook(path: Path) -> Opened:
    """Check the file as bytes, open it with openpyxl and read the cells the template defines;
    InvalidInput if it is not a self-assessment workbook we can read safely."""
    from scorecard.loaders import read_bytes

    name = str(path)

    def refuse(message: str, where: str = "", *, code: str) -> t.NoReturn:
        raise InvalidInput([Problem(name, Cell.parse(where) if where else "", message, code=code)])

    _check_file_type(path, refuse)
    data = read_bytes(path, MAX_WORKBOOK_BYTES, "workbook")
    _check_archive(data, refuse)
    workbook = _load(data, name)
    try:
        missing = [s for s in (INSTRUCTIONS, ANSWERS, SOURCES, LISTS) if s not in workbook.sheetnames]
        if LISTS in missing:
            refuse("is not a scorecard self-assessment workbook (it has no Lists sheet); start from `scorecard template`", code="not-a-template")
        meta = _template_meta(workbook, name, refuse)
        if missing:
            raise InvalidInput(
                [Problem(name, Cell(s), f"sheet {s!r} is missing or renamed; the workbook needs sheets {INSTRUCTIONS}, {ANSWERS}, {SOURCES}",
                         code="not-a-template")
                 for s in missing]
            )
        grids = {
            INSTRUCTIONS: _grid(workbook[INSTRUCTIONS], 200, SHEET_COLUMNS[INSTRUCTIONS], name),
            SOURCES: _grid(workbook[SOURCES], HEADER_ROW + SOURCE_ROWS + 200, SHEET_COLUMNS[SOURCES], name),
        }
        return Opened(name, workbook, grids, meta)
    except InvalidInput:
        workbook.close()
        raise


_Refuse = t.Callable[..., t.NoReturn]  # open_workbook's `refuse(message, where="", *, code)`
_ODS_REFUSED = "this is an OpenDocument spreadsheet: save it as Excel 2007-365 (.xlsx) and import that"


def _check_file_type(path: Path, refuse: _Refuse) -> None:
    """Refuse OpenDocument, macro and binary workbooks by their name, before reading a byte."""
    if path.suffix.lower() in (".ods", ".fods", ".ots"):
        refuse(_ODS_REFUSED, code="not-a-workbook")
    if path.suffix.lower() in (".xlsm", ".xltm", ".xlam", ".xlsb"):
        refuse(f"macro-enabled or binary workbooks ({path.suffix}) are refused; save it as an Excel Workbook (.xlsx)", code="macros-refused")


def _check_archive(data: bytes, refuse: _Refuse) -> None:
    """Refuse what is not a zip, a zip bomb, an implausibly big part, OpenDocument and macros,
    all from the zip's directory and a few hundred bytes of it, before openpyxl parses anything."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        refuse("is not an .xlsx workbook (an .xlsx file is a zip archive; this is not one)", code="not-a-workbook")
    # Python's zipfile never returns more than an entry's declared size, so checking the
    # declared sizes here bounds what openpyxl can unpack (a zip bomb is refused unopened), and
    # the size of each part bounds the time it takes to parse.
    if len(entries) > MAX_ZIP_ENTRIES:
        refuse(f"holds {len(entries):,} parts; a workbook has far fewer (the limit is {MAX_ZIP_ENTRIES})", code="file-too-large")
    unpacked = sum(e.file_size for e in entries)
    if unpacked > MAX_UNPACKED_BYTES:
        refuse(f"would unpack to {unpacked:,} bytes; the limit is {MAX_UNPACKED_BYTES:,} bytes", code="file-too-large")
    for entry in entries:
        part = entry.filename.lower()
        limit = MAX_SHEET_BYTES if part.startswith("xl/worksheets/") and part.endswith(".xml") else MAX_PART_BYTES.get(part)
        if limit is not None and entry.file_size > limit:
            refuse(f"its part {entry.filename} would unpack to {entry.file_size:,} bytes; a self-assessment workbook's is far smaller (the limit is {limit:,})",
                   code="file-too-large")
    names = [e.filename.lower() for e in entries]
    if "mimetype" in names and _read_start(archive, "mimetype").startswith(_ODS):
        refuse(_ODS_REFUSED, code="not-a-workbook")
    if any(n.endswith("vbaproject.bin") for n in names) or _macro_content_type(archive):
        refuse("contains macros (VBA or Excel 4.0 macro sheets); save it as an Excel Workbook (.xlsx) without macros", code="macros-refused")


def _template_meta(workbook: t.Any, name: str, refuse: _Refuse) -> dict[str, str]:
    """What the template wrote on its hidden Lists sheet (format, rubric, body, round); a
    workbook of another format or format version is refused."""
    lists = _grid(workbook[LISTS], len(META_ROWS), 2, name)
    meta = {label: text_of(lists.value(row, 2)) or "" for label, row in META_ROWS.items()}
    if meta["format"] != TEMPLATE_FORMAT:
        refuse("is not a scorecard self-assessment workbook; start from `scorecard template`", f"{LISTS}!B1", code="not-a-template")
    if meta["format version"] != FORMAT_VERSION:
        refuse(f"was made by a different version of scorecard (format {meta['format version']!r}); fill in a fresh template", f"{LISTS}!B2",
               code="template-version")
    return meta


def _read_start(archive: zipfile.ZipFile, part: str) -> bytes:
    try:
        with archive.open(part) as f:
            return f.read(200)
    except (KeyError, zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
        return b""


def _macro_content_type(archive: zipfile.ZipFile) -> bool:
    try:
        with archive.open("[Content_Types].xml") as f:
            listing = f.read(200_000).lower()
    except (KeyError, zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
        return False
    # macroEnabled workbooks, VBA projects, and Excel 4.0 macro sheets (which an .xlsx can carry)
    return b"macroenabled" in listing or b"vbaproject" in listing or b"macrosheet" in listing


def _load(data: bytes, name: str) -> t.Any:
    import openpyxl

    if not openpyxl.DEFUSEDXML:
        raise InvalidInput([Problem(name, "", "cannot be read safely: openpyxl is not using defusedxml (is OPENPYXL_DEFUSEDXML set?)", code="unsafe-xml")])
    try:
        with warnings.catch_warnings():
            # openpyxl warns about Excel extensions it drops; they do not matter for reading values.
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_vba=False, keep_links=False)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise _unreadable(error, name) from None


def _unreadable(error: BaseException, name: str) -> InvalidInput:
    from defusedxml.common import DefusedXmlException

    # openpyxl wraps parser errors in a ValueError; look down the chain for defusedxml's.
    cause: BaseException | None = error
    while cause is not None and not isinstance(cause, DefusedXmlException):
        cause = cause.__cause__ or cause.__context__
    if cause is not None:
        return InvalidInput([Problem(name, "", "contains XML entity or DTD declarations, which are refused (an entity-expansion attack?)", code="unsafe-xml")])
    first_line = str(error).splitlines()[0][:200] if str(error) else ""
    return InvalidInput([Problem(name, "", f"cannot be read as an .xlsx workbook ({type(error).__name__}: {first_line})", code="not-a-workbook")])


def _grid(ws: t.Any, rows: int, columns: int, name: str) -> Grid:
    """The first `rows` x `columns` cells of a read-only sheet: openpyxl parses the sheet's XML
    only as far as that (and a damaged sheet is reported, not raised)."""
    grid = Grid(ws.title)
    try:
        for row in ws.iter_rows(min_row=1, max_row=rows, max_col=columns):
            for cell in row:
                if cell.value is not None:
                    grid.cells[(cell.row, cell.column)] = cell
    except Exception as error:  # a damaged sheet part
        raise _unreadable(error, name) from None
    return grid


def import_workbook(opened: Opened, loaded: LoadedRubric) -> dict[str, t.Any]:
    """The evidence record the workbook holds, validated against the rubric's evidence schema;
    InvalidInput naming sheet and cell for every problem."""
    rubric = loaded.rubric
    meta = opened.meta
    reader = Reader(opened.name)
    if meta["rubric id"] != rubric.id:
        reader.problem(f"{LISTS}!B3", f"the workbook is for rubric {meta['rubric id']!r}, not {rubric.id!r}; give the rubric it was made from",
                       code="wrong-rubric")
    elif meta["rubric version"].split(".")[0] != rubric.major:
        reader.problem(f"{LISTS}!B4",
                       f"the workbook is for version {meta['rubric version']} of {rubric.id}, this rubric is {rubric.version}; the major version must match",
                       code="wrong-rubric")
    if meta["organisation"] not in loaded.register:
        reader.problem(f"{LISTS}!B5", f"{meta['organisation']!r} is not in the register {loaded.register.name!r}", code="unknown-body")
    reader.stop_if_any()
    try:
        answers_grid = _grid(opened.workbook[ANSWERS], HEADER_ROW + block_rows(rubric) + 200, len(COLUMNS) + 10, opened.name)
    finally:
        opened.workbook.close()
    sources, source_rows = read_sources(opened.grids[SOURCES], reader)
    answers, cells = read_answers(answers_grid, rubric, reader)
    assessor, assessed_on, detail_cells = read_details(opened.grids[INSTRUCTIONS], reader)
    for criterion_id, entry in answers.items():
        if "source" in entry and entry["source"] not in sources:
            listed = ", ".join(sources) or "none yet"
            reader.problem(cells[(criterion_id, "source")], f"{entry['source']!r} is not an Id on the Sources sheet (listed: {listed})", code="unknown-source")
    record: dict[str, t.Any] = {
        "organisation": meta["organisation"],
        "rubric": {"id": meta["rubric id"], "version": meta["rubric version"]},
        "round": meta["round"],
        "kind": "self-assessment",
        "response": "replied",
        "assessor": assessor,
        "assessed_on": assessed_on,
        "sources": list(sources.values()),
        "answers": answers,
    }
    reader.stop_if_any()
    validate(record, rubric, reader, cells, source_rows, detail_cells)
    return record
