"""The self-assessment workbook: `template` writes one from the rubric for a body to fill in, and
`import_workbook` reads a filled one back into an evidence record.

The workbook is untrusted input when it comes back. Before openpyxl sees it we refuse macro
workbooks, files over MAX_WORKBOOK_BYTES, things that are not zips and zips that would unpack to
more than MAX_UNPACKED_BYTES; openpyxl then parses it with defusedxml (entity expansion and
external entities are refused). We read values only, never evaluate formulas, and refuse any
formula in a cell we read. Rows are matched by criterion id and columns by heading, so a moved
row or column is still read right and a deleted one is reported by name.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import typing as t
import warnings
import zipfile
from pathlib import Path

from scorecard.evidence import OUTCOMES, evidence_schema
from scorecard.problems import InvalidInput, Problem
from scorecard.rubric import BooleanAnswer, ChoiceAnswer, Criterion, LoadedRubric, MultiAnswer, NumberAnswer, Rubric

if t.TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

MAX_WORKBOOK_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # a template for 100 questions unpacks to well under 1 MB
MAX_ZIP_ENTRIES = 500
TEMPLATE_FORMAT = "scorecard-self-assessment"
FORMAT_VERSION = "1"
DEFAULT_ROUND = "self-assessment"

INSTRUCTIONS, ANSWERS, SOURCES, LISTS = "Instructions", "Answers", "Sources", "Lists"
HEADER_ROW = 3  # on Answers and Sources; data starts on the next row
SOURCE_ROWS = 40
COLUMNS = ("Criterion", "Section", "Question", "Guidance", "How to answer", "Answer", "Outcome instead of an answer", "Source", "Note")
SOURCE_COLUMNS = ("Id", "Title", "Date (YYYY-MM-DD)", "Link (http or https)", "Reference")
OUTCOME_LABELS = {"Not applicable": "not-applicable", "Not held": "not-held", "Refused": "refused", "Not answered": "not-answered"}
YES, NO = "Yes", "No"
DETAILS = ("Completed by", "Date completed (YYYY-MM-DD)")
# metadata kept on the hidden Lists sheet: label -> row
META_ROWS = {"format": 1, "format version": 2, "rubric id": 3, "rubric version": 4, "organisation": 5, "round": 6, "rubric sha256": 7}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

assert tuple(OUTCOME_LABELS.values()) == OUTCOMES  # the dropdown offers every outcome the schema allows


def multi_headings(criterion: Criterion) -> list[tuple[str, str]]:
    """(option value, column heading) for a multi criterion: one Yes/No column per option."""
    answer = t.cast(MultiAnswer, criterion.answer)
    labels = [o.label for o in answer.options]
    return [
        (o.value, f"{criterion.id}: {o.label if labels.count(o.label) == 1 else o.value}")
        for o in answer.options
    ]


def _choices(criterion: Criterion) -> dict[str, t.Any]:
    """What a dropdown shows -> the value recorded, for choice and boolean criteria."""
    answer = criterion.answer
    if isinstance(answer, ChoiceAnswer):
        return {(o.label or o.value): o.value for o in answer.options}
    if isinstance(answer, BooleanAnswer):
        return {YES: True, NO: False}
    return {}


def how_to_answer(criterion: Criterion, columns: str = "") -> str:
    answer = criterion.answer
    if isinstance(answer, (ChoiceAnswer, BooleanAnswer)):
        return "Pick one: " + "; ".join(_choices(criterion))
    if isinstance(answer, MultiAnswer):
        return f"Yes or No in each option column ({columns}), one per option"
    assert isinstance(answer, NumberAnswer)
    limits = []
    if answer.minimum is not None:
        limits.append(f"at least {answer.minimum:g}")
    if answer.maximum is not None:
        limits.append(f"at most {answer.maximum:g}")
    return f"A number, {answer.unit}" + (f" ({', '.join(limits)})" if limits else "")


# ---------------------------------------------------------------- template


def template(loaded: LoadedRubric, code: str, round_id: str = DEFAULT_ROUND) -> bytes:
    """The workbook for body `code` (which must be in the rubric's register)."""
    from openpyxl.styles import PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.workbook.protection import WorkbookProtection
    from openpyxl.worksheet.datavalidation import DataValidation

    from scorecard.render.workbook import BOLD, TITLE, WRAP, fit_heights, header, new_workbook, put, widths, workbook_bytes

    rubric = loaded.rubric
    body = loaded.register[code]
    open_cell = PatternFill("solid", fgColor="FFFFF2CC")
    closed_cell = PatternFill("solid", fgColor="FFBFBFBF")
    unlocked = Protection(locked=False)
    wb = new_workbook()
    instructions = wb.create_sheet(INSTRUCTIONS)
    answers = wb.create_sheet(ANSWERS)
    sources = wb.create_sheet(SOURCES)
    lists = wb.create_sheet(LISTS)

    # Lists: metadata for import, and the dropdowns' options (a range has no length or comma
    # limits, unlike a list typed into the validation itself).
    meta = {"format": TEMPLATE_FORMAT, "format version": FORMAT_VERSION, "rubric id": rubric.id,
            "rubric version": rubric.version, "organisation": code, "round": round_id, "rubric sha256": loaded.sha256}
    for label, row in META_ROWS.items():
        put(lists, row, 1, label)
        put(lists, row, 2, meta[label])
    list_ranges: dict[str, str] = {}

    def option_list(key: str, items: t.Sequence[str]) -> str:
        if key not in list_ranges:
            column = 4 + len(list_ranges)
            letter = get_column_letter(column)
            put(lists, 1, column, key)
            for k, item in enumerate(items, start=2):
                put(lists, k, column, item)
            list_ranges[key] = f"{LISTS}!${letter}$2:${letter}${len(items) + 1}"
        return list_ranges[key]

    def dropdown(formula: str, prompt: str) -> DataValidation:
        dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                            errorTitle="Not on the list", error=prompt, showInputMessage=True, prompt=prompt)
        answers.add_data_validation(dv)
        return dv

    # Answers
    extra: list[tuple[Criterion, str, str]] = [
        (c, value, heading)
        for _, c in rubric.criteria.values()
        if isinstance(c.answer, MultiAnswer)
        for value, heading in multi_headings(c)
    ]
    names = list(COLUMNS) + [heading for _, _, heading in extra]
    put(answers, 1, 1, f"Self-assessment: {rubric.title} (rubric {rubric.id} {rubric.version})", font=TITLE)
    put(answers, 2, 1, f"For {body.name} ({code}). Fill in the yellow cells only; grey cells do not apply. See the Instructions sheet.")
    header(answers, HEADER_ROW, names)
    answers.freeze_panes = answers.cell(row=HEADER_ROW + 1, column=2)
    col = {name: k for k, name in enumerate(names, start=1)}
    outcome_dv = dropdown(option_list("outcomes", list(OUTCOME_LABELS)), "Leave empty if you gave an answer; otherwise pick why there is none.")
    source_dv = dropdown(f"{SOURCES}!$A${HEADER_ROW + 1}:$A${HEADER_ROW + SOURCE_ROWS}", "The Id of a document listed on the Sources sheet.")
    yes_no_dv = dropdown(option_list("yes-no", [YES, NO]), "Yes or No.")
    row = HEADER_ROW
    for section in rubric.sections:
        for criterion in section.criteria:
            row += 1
            mine = [get_column_letter(col[h]) for c, _, h in extra if c.id == criterion.id]
            span = f"{mine[0]} to {mine[-1]}" if mine else ""
            fixed = [criterion.id, section.title, criterion.question, criterion.guidance, how_to_answer(criterion, span)]
            for k, value in enumerate(fixed, start=1):
                put(answers, row, k, value, alignment=WRAP)
            for name in ("Answer", "Outcome instead of an answer", "Source", "Note"):
                cell = answers.cell(row=row, column=col[name])
                cell.protection, cell.fill, cell.alignment = unlocked, open_cell, WRAP
            answer_cell = answers.cell(row=row, column=col["Answer"]).coordinate
            outcome_dv.add(answers.cell(row=row, column=col["Outcome instead of an answer"]).coordinate)
            source_dv.add(answers.cell(row=row, column=col["Source"]).coordinate)
            definition = criterion.answer
            if isinstance(definition, (ChoiceAnswer, BooleanAnswer)):
                dropdown(option_list(criterion.id, list(_choices(criterion))), how_to_answer(criterion)).add(answer_cell)
            elif isinstance(definition, NumberAnswer):
                dv = _number_validation(definition, how_to_answer(criterion))
                answers.add_data_validation(dv)
                dv.add(answer_cell)
            else:
                cell = answers.cell(row=row, column=col["Answer"])
                cell.protection, cell.fill = Protection(locked=True), closed_cell
            for c, _, heading in extra:
                cell = answers.cell(row=row, column=col[heading])
                if c.id == criterion.id:
                    cell.protection, cell.fill = unlocked, open_cell
                    yes_no_dv.add(cell.coordinate)
                else:
                    cell.fill = closed_cell
    widths(answers, [10, 16, 40, 40, 24, 20, 18, 12, 40] + [12] * len(extra))
    for k in range(len(COLUMNS) + 1, len(names) + 1):
        answers.cell(row=HEADER_ROW, column=k).alignment = WRAP

    # Sources
    put(sources, 1, 1, "Sources: the documents your answers rest on", font=TITLE)
    put(sources, 2, 1, "One row per document. Give each an Id (letters and digits, e.g. policy1) and pick that Id in the Answers sheet's Source column.")
    header(sources, HEADER_ROW, SOURCE_COLUMNS)
    date_dv = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True, showErrorMessage=True,
                             error="A date, e.g. 2024-05-31.", errorTitle="Not a date")
    sources.add_data_validation(date_dv)
    for r in range(HEADER_ROW + 1, HEADER_ROW + SOURCE_ROWS + 1):
        for k in range(1, len(SOURCE_COLUMNS) + 1):
            cell = sources.cell(row=r, column=k)
            cell.protection, cell.fill, cell.alignment = unlocked, open_cell, WRAP
        date_dv.add(f"C{r}")
        sources.cell(row=r, column=3).number_format = "yyyy-mm-dd"
    widths(sources, [14, 50, 16, 40, 24])

    # Instructions, with the two details we need about who filled it in
    put(instructions, 1, 1, f"Self-assessment for {body.name} ({code})", font=TITLE)
    lines = [
        f"Rubric: {rubric.title}, {rubric.id} version {rubric.version}. Round: {round_id}.",
        "1. On the Answers sheet, each row is one question. Read the Question and Guidance, then answer in the yellow cells.",
        "2. Answer: pick from the dropdown, or type a number where a number is asked. Where a question lists options in "
        "separate columns, put Yes or No in every one of its option columns.",
        "3. If you cannot answer, leave Answer empty and pick an Outcome: Not applicable (say why in Note), Not held, "
        "Refused or Not answered. Give an answer or an outcome, not both.",
        "4. Source: every answer must name the document it rests on. List documents on the Sources sheet and pick their Id.",
        "5. Note: anything the reader should know, in a sentence or two.",
        "6. Type values only: formulas are refused when the workbook is read back. Do not rename sheets or delete rows.",
        f"7. Save as an Excel Workbook (.xlsx), not macro-enabled (.xlsm); keep it under {MAX_WORKBOOK_BYTES // (1024 * 1024)} MB.",
        "8. Fill in your details below, then send the workbook back.",
    ]
    row = 2
    for line in lines:
        row += 1
        put(instructions, row, 1, line, alignment=WRAP)
        instructions.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        instructions.row_dimensions[row].height = 32
    row += 2
    put(instructions, row, 1, "Organisation", font=BOLD)
    put(instructions, row, 2, f"{body.name} ({code})")
    for label in DETAILS:
        row += 1
        put(instructions, row, 1, label, font=BOLD)
        cell = instructions.cell(row=row, column=2)
        cell.protection, cell.fill = unlocked, open_cell
        if label.startswith("Date"):
            cell.number_format = "yyyy-mm-dd"
    widths(instructions, [30, 90])

    for ws in (answers, sources):
        fit_heights(ws)
    for ws in (instructions, answers, sources, lists):
        # Locked cells stay locked; people may still resize rows and columns to read long text.
        ws.protection.sheet = True
        ws.protection.formatColumns = False
        ws.protection.formatRows = False
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    answers.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    lists.sheet_state = "veryHidden"
    wb.security = WorkbookProtection(lockStructure=True)  # no password: it guards against accidents only
    wb.active = wb.sheetnames.index(INSTRUCTIONS)
    return workbook_bytes(wb, _rubric_date(rubric), f"Self-assessment: {rubric.title}, {code}")


def _number_validation(answer: NumberAnswer, message: str) -> t.Any:
    from openpyxl.worksheet.datavalidation import DataValidation

    low, high = answer.minimum, answer.maximum
    if low is not None and high is not None:
        kwargs = {"operator": "between", "formula1": f"{low:g}", "formula2": f"{high:g}"}
    elif low is not None:
        kwargs = {"operator": "greaterThanOrEqual", "formula1": f"{low:g}"}
    elif high is not None:
        kwargs = {"operator": "lessThanOrEqual", "formula1": f"{high:g}"}
    else:
        kwargs = {"operator": "between", "formula1": "-1E+300", "formula2": "1E+300"}
    return DataValidation(type="decimal", allow_blank=True, showErrorMessage=True, errorTitle="Not allowed",
                          error=message, showInputMessage=True, prompt=message, **kwargs)


def _rubric_date(rubric: Rubric) -> str | None:
    """The template's document date: the rubric's, so the same rubric gives the same bytes."""
    governance = rubric.governance
    if governance is None:
        return None
    dates = [c.date for c in governance.changes] + ([governance.reviewed_on] if governance.reviewed_on else [])
    return max(dates) if dates else None


# ---------------------------------------------------------------- import: opening safely


class Opened(t.NamedTuple):
    name: str
    workbook: Workbook
    meta: dict[str, str]


def open_workbook(path: Path) -> Opened:
    """Check the file as bytes, open it with openpyxl and read its metadata; InvalidInput if it
    is not a self-assessment workbook we can read safely."""
    from scorecard.loaders import read_bytes

    name = str(path)

    def refuse(message: str, where: str = "") -> t.NoReturn:
        raise InvalidInput([Problem(name, where, message)])

    if path.suffix.lower() in (".xlsm", ".xltm", ".xlam", ".xlsb"):
        refuse(f"macro-enabled or binary workbooks ({path.suffix}) are refused; save it as an Excel Workbook (.xlsx)")
    data = read_bytes(path, MAX_WORKBOOK_BYTES, "workbook")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        refuse("is not an .xlsx workbook (an .xlsx file is a zip archive; this is not one)")
    # Python's zipfile never returns more than an entry's declared size, so checking the
    # declared sizes here bounds what openpyxl can unpack (a zip bomb is refused unopened).
    if len(entries) > MAX_ZIP_ENTRIES:
        refuse(f"holds {len(entries):,} parts; a workbook has far fewer (the limit is {MAX_ZIP_ENTRIES})")
    unpacked = sum(e.file_size for e in entries)
    if unpacked > MAX_UNPACKED_BYTES:
        refuse(f"would unpack to {unpacked:,} bytes; the limit is {MAX_UNPACKED_BYTES:,} bytes")
    names = [e.filename.lower() for e in entries]
    if any(n.endswith("vbaproject.bin") for n in names) or _macro_content_type(archive):
        refuse("contains macros (VBA or Excel 4.0 macro sheets); save it as an Excel Workbook (.xlsx) without macros")
    workbook = _load(data, name)
    missing = [s for s in (INSTRUCTIONS, ANSWERS, SOURCES, LISTS) if s not in workbook.sheetnames]
    if LISTS in missing:
        refuse("is not a scorecard self-assessment workbook (it has no Lists sheet); start from `scorecard template`")
    meta = {label: _text(workbook[LISTS].cell(row=row, column=2).value) or "" for label, row in META_ROWS.items()}
    if meta["format"] != TEMPLATE_FORMAT:
        refuse("is not a scorecard self-assessment workbook; start from `scorecard template`", f"{LISTS}!B1")
    if meta["format version"] != FORMAT_VERSION:
        refuse(f"was made by a different version of scorecard (format {meta['format version']!r}); fill in a fresh template", f"{LISTS}!B2")
    if missing:
        raise InvalidInput(
            [Problem(name, s, f"sheet {s!r} is missing or renamed; the workbook needs sheets {INSTRUCTIONS}, {ANSWERS}, {SOURCES}") for s in missing]
        )
    return Opened(name, workbook, meta)


def _macro_content_type(archive: zipfile.ZipFile) -> bool:
    try:
        listing = archive.read("[Content_Types].xml")[:200_000].lower()
    except (KeyError, zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
        return False
    # macroEnabled workbooks, VBA projects, and Excel 4.0 macro sheets (which an .xlsx can carry)
    return b"macroenabled" in listing or b"vbaproject" in listing or b"macrosheet" in listing


def _load(data: bytes, name: str) -> Workbook:
    import openpyxl
    from defusedxml.common import DefusedXmlException

    if not openpyxl.DEFUSEDXML:
        raise InvalidInput([Problem(name, "", "cannot be read safely: openpyxl is not using defusedxml (is OPENPYXL_DEFUSEDXML set?)")])
    try:
        with warnings.catch_warnings():
            # openpyxl warns about Excel extensions it drops; they do not matter for reading values.
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(io.BytesIO(data), data_only=False, keep_vba=False, keep_links=False)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        # openpyxl wraps parser errors in a ValueError; look down the chain for defusedxml's.
        cause: BaseException | None = error
        while cause is not None and not isinstance(cause, DefusedXmlException):
            cause = cause.__cause__ or cause.__context__
        if cause is not None:
            raise InvalidInput([Problem(name, "", "contains XML entity or DTD declarations, which are refused (an entity-expansion attack?)")]) from None
        first_line = str(error).splitlines()[0] if str(error) else ""
        raise InvalidInput([Problem(name, "", f"cannot be read as an .xlsx workbook ({type(error).__name__}: {first_line})")]) from None


# ---------------------------------------------------------------- import: reading values


class _Reader:
    """Reads cells, collecting a problem for each bad one instead of stopping at the first."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[Problem] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(Problem(self.name, where, message))

    def cell(self, ws: Worksheet, row: int, column: int) -> tuple[t.Any, str]:
        """(value, "Sheet!A1"); None for an empty cell, a formula or an error value."""
        cell = ws.cell(row=row, column=column)
        where = f"{ws.title}!{cell.coordinate}"
        if cell.data_type == "f":
            self.problem(where, "a formula is not allowed; type the value")
            return None, where
        if cell.data_type == "e":
            self.problem(where, f"holds the error {cell.value}; type the value")
            return None, where
        value = cell.value
        if isinstance(value, str):
            value = value.strip() or None
        return value, where

    def text(self, ws: Worksheet, row: int, column: int) -> tuple[str | None, str]:
        value, where = self.cell(ws, row, column)
        return _text(value), where

    def date(self, ws: Worksheet, row: int, column: int) -> tuple[str | None, str]:
        value, where = self.cell(ws, row, column)
        if value is None:
            return None, where
        if isinstance(value, (dt.date, dt.datetime)):
            return value.strftime("%Y-%m-%d"), where
        text = str(value)
        try:
            if _DATE.match(text):
                dt.date.fromisoformat(text)
                return text, where
        except ValueError:
            pass
        self.problem(where, f"{text!r} is not a date; type it as YYYY-MM-DD, e.g. 2024-05-31")
        return None, where


def _text(value: t.Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() or None


def _fold(value: t.Any) -> t.Any:
    return value.casefold() if isinstance(value, str) else value


def import_workbook(opened: Opened, loaded: LoadedRubric) -> dict[str, t.Any]:
    """The evidence record the workbook holds, validated against the rubric's evidence schema;
    InvalidInput naming sheet and cell for every problem."""
    rubric = loaded.rubric
    meta, wb = opened.meta, opened.workbook
    reader = _Reader(opened.name)
    if meta["rubric id"] != rubric.id:
        reader.problem(f"{LISTS}!B3", f"the workbook is for rubric {meta['rubric id']!r}, not {rubric.id!r}; give the rubric it was made from")
    elif meta["rubric version"].split(".")[0] != rubric.major:
        reader.problem(f"{LISTS}!B4", f"the workbook is for version {meta['rubric version']} of {rubric.id}, this rubric is {rubric.version}; the major version must match")
    if meta["organisation"] not in loaded.register:
        reader.problem(f"{LISTS}!B5", f"{meta['organisation']!r} is not in the register {loaded.register.name!r}")
    if reader.problems:
        raise InvalidInput(reader.problems)

    sources, source_rows = _read_sources(wb[SOURCES], reader)
    answers, cells = _read_answers(wb[ANSWERS], rubric, reader)
    assessor, assessed_on, detail_cells = _read_details(wb[INSTRUCTIONS], reader)
    for criterion_id, entry in answers.items():
        if "source" in entry and entry["source"] not in sources:
            listed = ", ".join(sources) or "none yet"
            reader.problem(cells[(criterion_id, "source")], f"{entry['source']!r} is not an Id on the Sources sheet (listed: {listed})")
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
    if reader.problems:
        raise InvalidInput(reader.problems)
    _validate(record, rubric, reader, cells, source_rows, detail_cells)
    return record


def _headings(ws: Worksheet, wanted: t.Sequence[str], reader: _Reader) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for column in range(1, ws.max_column + 1):
        text, _ = reader.text(ws, HEADER_ROW, column)
        if text is not None:
            found.setdefault(text, column)
    missing = [w for w in wanted if w not in found]
    for heading in missing:
        reader.problem(f"{ws.title}!{HEADER_ROW}:{HEADER_ROW}", f"the column headed {heading!r} is missing or renamed; fill in a fresh template")
    return None if missing else found


def _read_sources(ws: Worksheet, reader: _Reader) -> tuple[dict[str, dict[str, str]], dict[int, int]]:
    """Sources by id, and the sheet row of each (by position in the list)."""
    col = _headings(ws, SOURCE_COLUMNS, reader)
    out: dict[str, dict[str, str]] = {}
    rows: dict[int, int] = {}
    if col is None:
        return out, rows
    for row in range(HEADER_ROW + 1, ws.max_row + 1):
        ident, where = reader.text(ws, row, col["Id"])
        title, title_at = reader.text(ws, row, col["Title"])
        date, date_at = reader.date(ws, row, col["Date (YYYY-MM-DD)"])
        url, url_at = reader.text(ws, row, col["Link (http or https)"])
        reference, _ = reader.text(ws, row, col["Reference"])
        if not any((ident, title, date, url, reference)):
            continue
        if ident is None:
            reader.problem(where, "this source has no Id; give it one (e.g. policy1) and use it in the Answers sheet")
            continue
        if ident in out:
            reader.problem(where, f"Id {ident!r} is used by two sources; give each its own")
            continue
        if title is None:
            reader.problem(title_at, f"source {ident!r} needs a title")
        if date is None and date_at not in {p.pointer for p in reader.problems}:
            reader.problem(date_at, f"source {ident!r} needs a date (YYYY-MM-DD)")
        if url is not None and not url.lower().startswith(("http://", "https://")):
            reader.problem(url_at, f"{url!r} is not a web link; only http:// or https:// links are allowed (put other references in Reference)")
        entry = {"id": ident, "title": title or "", "date": date or ""}
        if url:
            entry["url"] = url
        if reference:
            entry["reference"] = reference
        rows[len(out)] = row
        out[ident] = entry
    return out, rows


def _read_answers(
    ws: Worksheet, rubric: Rubric, reader: _Reader
) -> tuple[dict[str, dict[str, t.Any]], dict[tuple[str, str], str]]:
    """Answers by criterion id, and the cell behind each field ("Answers!F7") for messages."""
    multis = {c.id: multi_headings(c) for _, c in rubric.criteria.values() if isinstance(c.answer, MultiAnswer)}
    col = _headings(ws, list(COLUMNS) + [h for pairs in multis.values() for _, h in pairs], reader)
    if col is None:
        return {}, {}
    rows: dict[str, int] = {}
    for row in range(HEADER_ROW + 1, ws.max_row + 1):
        ident, where = reader.text(ws, row, col["Criterion"])
        if ident is None:
            continue
        if ident not in rubric.criteria:
            reader.problem(where, f"{ident!r} is not a criterion of rubric {rubric.id}; do not add rows")
        elif ident in rows:
            reader.problem(where, f"{ident} has two rows (the other is row {rows[ident]}); keep one")
        else:
            rows[ident] = row
    for ident in rubric.criteria:
        if ident not in rows:
            reader.problem(ws.title, f"the row for {ident} is missing (deleted?); every question needs its row, so use a fresh template")

    answers: dict[str, dict[str, t.Any]] = {}
    cells: dict[tuple[str, str], str] = {}
    for ident, (_, criterion) in rubric.criteria.items():
        if ident not in rows:
            continue
        row = rows[ident]
        raw, answer_at = reader.cell(ws, row, col["Answer"])
        outcome_raw, outcome_at = reader.text(ws, row, col["Outcome instead of an answer"])
        source, source_at = reader.text(ws, row, col["Source"])
        note, note_at = reader.text(ws, row, col["Note"])
        cells.update({(ident, "value"): answer_at, (ident, "outcome"): outcome_at, (ident, "source"): source_at, (ident, "note"): note_at, (ident, ""): f"{ws.title}!A{row}"})
        if ident in multis:
            if raw is not None:
                reader.problem(answer_at, f"{ident} is answered in its option columns; leave this cell empty")
            value, cells[(ident, "value")] = _multi(ws, row, multis[ident], col, reader)
        else:
            value = _value(criterion, raw, answer_at, reader)
        outcome = None
        if outcome_raw is not None:
            accepted = {_fold(k): v for k, v in OUTCOME_LABELS.items()} | {v: v for v in OUTCOMES}
            outcome = accepted.get(_fold(outcome_raw))
            if outcome is None:
                reader.problem(outcome_at, f"{outcome_raw!r} is not one of: {', '.join(OUTCOME_LABELS)}")
                continue
        entry: dict[str, t.Any] = {}
        if value is not None and outcome is not None:
            reader.problem(outcome_at, "give an answer or an outcome, not both")
            continue
        if value is not None:
            entry["value"] = value
            if source is None:
                reader.problem(source_at, "every answer needs a source: pick the Id of a document from the Sources sheet")
        elif outcome is not None:
            entry["outcome"] = outcome
            if outcome == "not-applicable" and note is None:
                reader.problem(note_at, "say in Note why the question does not apply")
        else:
            if source is not None or note is not None:
                reader.problem(answer_at, "there is a source or note but no answer and no outcome; give one of them")
            continue  # left blank: the question counts as not answered
        if source is not None:
            entry["source"] = source
        if note is not None:
            entry["note"] = note
        answers[ident] = entry
    return answers, cells


def _value(criterion: Criterion, raw: t.Any, where: str, reader: _Reader) -> t.Any:
    if raw is None:
        return None
    answer = criterion.answer
    if isinstance(answer, (ChoiceAnswer, BooleanAnswer)):
        choices = _choices(criterion)
        accepted = {_fold(k): v for k, v in choices.items()}
        if isinstance(answer, ChoiceAnswer):
            accepted.update({_fold(o.value): o.value for o in answer.options})
        else:
            accepted.update({True: True, False: False, "true": True, "false": False})
        key = _fold(raw) if isinstance(raw, (str, bool)) else _fold(_text(raw))
        if key in accepted:
            return accepted[key]
        reader.problem(where, f'"{raw}" is not one of: {", ".join(choices)}')
        return None
    assert isinstance(answer, NumberAnswer)
    number: float | int | None = None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        number = raw
    elif isinstance(raw, str):
        try:
            number = float(raw)
            number = int(number) if number.is_integer() and re.fullmatch(r"[+-]?\d+", raw) else number
        except ValueError:
            number = None
    if number is None or not math.isfinite(number):
        reader.problem(where, f'"{raw}" is not a number; type digits only, e.g. 12.5 ({answer.unit})')
        return None
    if answer.minimum is not None and number < answer.minimum:
        reader.problem(where, f"{number:g} is below the lowest allowed value, {answer.minimum:g}")
        return None
    if answer.maximum is not None and number > answer.maximum:
        reader.problem(where, f"{number:g} is above the highest allowed value, {answer.maximum:g}")
        return None
    return number


def _multi(ws: Worksheet, row: int, headings: list[tuple[str, str]], col: dict[str, int], reader: _Reader) -> tuple[list[str] | None, str]:
    """The options marked Yes; None when every option cell is empty. Once any is filled, every
    option needs Yes or No, so a forgotten cell is not read as No."""
    chosen: list[str] = []
    blank: list[str] = []
    first = f"{ws.title}!{ws.cell(row=row, column=col[headings[0][1]]).coordinate}"
    filled = 0
    for value, heading in headings:
        raw, where = reader.cell(ws, row, col[heading])
        if raw is None:
            blank.append(where)
            continue
        filled += 1
        key = _fold(raw) if isinstance(raw, str) else raw
        if key in ("yes", True):
            chosen.append(value)
        elif key not in ("no", False):
            reader.problem(where, f'"{raw}" is not one of: {YES}, {NO}')
    if filled == 0:
        return None, first
    for where in blank:
        reader.problem(where, "answer Yes or No for every option of this question (or leave them all empty)")
    return chosen, first


def _read_details(ws: Worksheet, reader: _Reader) -> tuple[str, str, dict[str, str]]:
    labels: dict[str, int] = {}
    for row in range(1, min(ws.max_row, 200) + 1):
        text, _ = reader.text(ws, row, 1)
        if text in DETAILS:
            labels[text] = row
    found: dict[str, str | None] = {}
    cells: dict[str, str] = {}
    for key, label in zip(("assessor", "assessed_on"), DETAILS):
        if label not in labels:
            reader.problem(ws.title, f"the {label!r} line is missing; fill in a fresh template")
            found[key] = None
            continue
        read = reader.date if key == "assessed_on" else reader.text
        found[key], cells[key] = read(ws, labels[label], 2)
        if found[key] is None and cells[key] not in {p.pointer for p in reader.problems}:
            reader.problem(cells[key], f"fill in {label!r}")
    return found["assessor"] or "", found["assessed_on"] or "", cells


def _validate(
    record: dict[str, t.Any], rubric: Rubric, reader: _Reader, cells: dict[tuple[str, str], str],
    source_rows: dict[int, int], detail_cells: dict[str, str],
) -> None:
    """The record must pass the same schema as any evidence file; the cell checks above should
    catch everything first, so this is the safety net, with each error traced to its cell."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(evidence_schema(rubric), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
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
        reader.problem(where, error.message)
    if reader.problems:
        raise InvalidInput(reader.problems)
