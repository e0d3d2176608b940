"""Published figures as answers to a number criterion.

Two kinds of file are read:

* a measure-by-body download: `measure,org_type,org_id,org_name,date,numerator,denominator,
  calc_value,percentile`, one row per body per month (`date` the first of the month);
* a two-column file `code,value`, the figures already in the criterion's unit.

How months are combined: a body's figure is one ratio over the latest N months, the sum of its
numerators over the sum of its denominators. Each month then counts by its size (a month with
more patients weighs more), which is what the publisher's own yearly figures do; the mean of
the monthly ratios would let a small month count as much as a large one. For a percentage
measure (its values are fractions) the figure is that ratio x 100. A month missing for a body is
left out of its sums and named in the answer's note.

The criterion says which measure it expects (`measure:` on a number answer in the rubric):
a file of another measure, of other kinds of organisation, a unit that is not the criterion's,
or a download or month from after the publisher changed how the measure is counted (when the
rubric gives `changed_on`) is refused, in words.

Writing the figures into a round's records is scorecard.rounds.figures_apply.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import math
import re
import typing as t
from pathlib import Path

from scorecard.loaders import decode_text, read_bytes
from scorecard.problems import InvalidInput, Problem
from scorecard.rounds.figures_apply import apply_figures as apply_figures  # the CLI imports it from here

if t.TYPE_CHECKING:
    from scorecard.models.rubric import Criterion
    from scorecard.register import Register

MAX_FIGURES_BYTES = 50 * 1024 * 1024
MEASURE_COLUMNS = ("measure", "org_type", "org_id", "date", "numerator", "denominator")
_MONTH = re.compile(r"(\d{4})-(\d{2})(?:-01)?")


@dataclasses.dataclass
class Figures:
    values: dict[str, float]  # code -> the figure
    notes: dict[str, str]  # code -> how it was made, in words
    source: dict[str, str]  # the evidence source entry
    unknown_codes: list[str]
    missing_months: dict[str, list[str]]  # code -> months left out
    caveat: str = ""  # said in every note (a unit accepted though it differs)
    other_org_types: list[str] = dataclasses.field(default_factory=list)  # rows left out, by kind


def criterion_problem(criterion: Criterion) -> str | None:
    """Why figures cannot answer this criterion, or None."""
    if criterion.answer.type != "number":
        return f"criterion {criterion.id} takes a {criterion.answer.type} answer, not a number; figures answer only number criteria"
    return None


def _month(text: str) -> dt.date | None:
    match = _MONTH.fullmatch(text.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        return None
    return dt.date(int(match[1]), int(match[2]), 1)


def _months_back(end: dt.date, count: int) -> list[dt.date]:
    out, year, month = [], end.year, end.month
    for _ in range(count):
        out.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def read_figures(path: Path, criterion: Criterion, register: Register, months: int, until: str | None,
                 downloaded: dt.date | None, title: str | None, url: str | None, accept_unit: bool = False) -> Figures:
    label = str(path)
    text = decode_text(read_bytes(path, MAX_FIGURES_BYTES, "figures file"), label)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        raise InvalidInput([Problem(label, "", "is empty; expected a header line", 1, code="empty-file")])
    header = [h.strip().lower() for h in rows[0]]
    if downloaded is None:
        downloaded = dt.date.fromtimestamp(path.stat().st_mtime)
    if header == ["code", "value"]:
        return _two_columns(label, rows[1:], criterion, register, downloaded, title, url)
    missing = [c for c in MEASURE_COLUMNS if c not in header]
    if missing:
        raise InvalidInput([Problem(label, "", f"has no column {', '.join(missing)}: expected a measure download ({','.join(MEASURE_COLUMNS)}, ...) "
                                               "or the two columns code,value", 1, code="wrong-columns")])
    return _measure(label, header, rows[1:], criterion, register, months, until, downloaded, accept_unit)


def _two_columns(label: str, rows: list[list[str]], criterion: Criterion, register: Register, downloaded: dt.date,
                 title: str | None, url: str | None) -> Figures:
    if not title:
        raise InvalidInput([Problem(label, "", "a two-column file says nothing of where its figures come from; give --title (and --url)",
                                    code="figures-without-source")])
    if url is not None and not re.match(r"https?://", url):
        raise InvalidInput([Problem(label, "", f"--url {url!r}: only http and https addresses are kept", code="figures-without-source")])
    answer = t.cast(t.Any, criterion.answer)
    problems: list[Problem] = []
    values: dict[str, float] = {}
    unknown: list[str] = []
    for line, row in enumerate(rows, start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != 2:
            problems.append(Problem(label, "", f"has {len(row)} cells; expected code,value", line, code="wrong-cell-count"))
            continue
        code, raw = row[0].strip(), row[1].strip()
        value = _number(raw)
        if value is None:
            problems.append(Problem(label, "", f"{raw!r} is not a number", line, code="not-a-number"))
        elif code not in register:
            unknown.append(code)
        elif code in values:
            problems.append(Problem(label, "", f"{code} appears twice", line, code="duplicate-row"))
        elif (answer.minimum is not None and value < answer.minimum) or (answer.maximum is not None and value > answer.maximum):
            problems.append(Problem(label, "", f"{value:g} is outside what {criterion.id} allows ({answer.minimum} to {answer.maximum})", line,
                                    code="out-of-range"))
        else:
            values[code] = value
    if problems:
        raise InvalidInput(problems)
    source = {"id": f"figures-{criterion.id}", "title": title, "date": downloaded.isoformat()}
    if url:
        source["url"] = url
    notes = {code: f"From {title}, taken as {answer.unit}." for code in values}
    return Figures(values, notes, source, sorted(set(unknown)), {})


def _measure(label: str, header: list[str], rows: list[list[str]], criterion: Criterion, register: Register, months: int,
             until: str | None, downloaded: dt.date, accept_unit: bool) -> Figures:
    answer = t.cast(t.Any, criterion.answer)
    measure = _named_measure(label, criterion)
    found = _measure_rows(label, header, rows, criterion, measure, register)
    _refuse_if_no_body(label, found, measure.get("org_type"), register)
    last_in_file = max(m for by_month in found.sums.values() for m in by_month)
    end = (_month(until) if until is not None else None) or last_in_file  # the CLI checks --until
    window = _months_back(end, months)
    # For a percent change the months before the window are used, and checked, too.
    used = _months_back(end, 2 * months) if measure.get("combine") == "percent-change" else window
    refusals = _refusals(criterion, measure, used, downloaded, accept_unit)
    if refusals:
        raise InvalidInput([Problem(label, "", words, code="measure-mismatch") for words in refusals])
    values, notes, missing = _body_figures(found.sums, measure, window, months)
    caveat = ""
    if measure["unit"] != answer.unit:
        caveat = f" The criterion asks for {answer.unit}; this measure counts {measure['unit']}, accepted as a stand-in."
        notes = {code: note + caveat for code, note in notes.items()}
    return Figures(values, notes, _measure_source(measure, window, downloaded), sorted(found.unknown), missing, caveat,
                   found.other_kinds())


def _named_measure(label: str, criterion: Criterion) -> dict[str, t.Any]:
    """The measure the rubric says answers the criterion; a download cannot be matched without one."""
    answer = t.cast(t.Any, criterion.answer)
    measure = answer.measure
    if not measure:
        raise InvalidInput([Problem(label, "", f"criterion {criterion.id} names no measure in the rubric, so a measure download cannot be matched to it; "
                                               "add `measure:` to it, or give a two-column file code,value", code="measure-mismatch")])
    return t.cast(dict[str, t.Any], measure)


@dataclasses.dataclass
class _MeasureRows:
    """A download's rows for the register's bodies, and what was left out."""

    sums: dict[str, dict[dt.date, tuple[float, float]]]  # code -> month -> (numerator, denominator)
    unknown: set[str]  # codes not in the register
    other_types: dict[str, list[int]]  # org_type -> [first line, rows]

    def other_kinds(self) -> list[str]:
        return [f"{kind} ({count} row{'s' if count != 1 else ''})" for kind, (_, count) in sorted(self.other_types.items())]


def _measure_rows(label: str, header: list[str], rows: list[list[str]], criterion: Criterion, measure: dict[str, t.Any],
                  register: Register) -> _MeasureRows:
    """Each body's numerator and denominator by month, and the rows left out; InvalidInput naming
    the line of every bad row."""
    expected_id, org_type = measure["id"], measure.get("org_type")
    col = {name: i for i, name in enumerate(header)}
    problems: list[Problem] = []
    seen_measures: set[str] = set()
    other_types: dict[str, list[int]] = {}  # org_type -> [first line, rows]
    sums: dict[str, dict[dt.date, tuple[float, float]]] = {}
    unknown: set[str] = set()
    for line, row in enumerate(rows, start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            problems.append(Problem(label, "", f"has {len(row)} cells; the header has {len(header)}", line, code="wrong-cell-count"))
            continue
        cell = {name: row[i].strip() for name, i in col.items()}
        if cell["measure"] != expected_id:
            if cell["measure"] not in seen_measures:
                problems.append(Problem(label, "", f"holds measure {cell['measure']!r}; criterion {criterion.id} expects {expected_id!r} ({measure['title']})",
                                        line, code="measure-mismatch"))
            seen_measures.add(cell["measure"])
            continue
        if org_type and cell["org_type"] != org_type:
            # Other kinds of organisation are left out and listed; a file with none of the
            # register's kind is refused below.
            other_types.setdefault(cell["org_type"], [line, 0])[1] += 1
            continue
        month = _month(cell["date"])
        if month is None:
            problems.append(Problem(label, "", f"date {cell['date']!r} is not a month (YYYY-MM-01)", line, code="not-a-date"))
            continue
        code = cell["org_id"]
        if code not in register:
            unknown.add(code)
            continue
        if not cell["numerator"] and not cell["denominator"]:
            continue  # the publisher has no figure for that month: a missing month
        numerator, denominator = _number(cell["numerator"]), _number(cell["denominator"])
        if numerator is None or denominator is None or denominator < 0 or numerator < 0:
            problems.append(Problem(label, "", f"numerator {cell['numerator']!r} and denominator {cell['denominator']!r} must be numbers of 0 or more", line,
                                    code="not-a-number"))
            continue
        if month in sums.setdefault(code, {}):
            problems.append(Problem(label, "", f"{code} has two rows for {month:%Y-%m}", line, code="duplicate-row"))
            continue
        sums[code][month] = (numerator, denominator)
    if problems:
        raise InvalidInput(problems)
    return _MeasureRows(sums, unknown, other_types)


def _refuse_if_no_body(label: str, rows: _MeasureRows, org_type: str | None, register: Register) -> None:
    """A download with no row for a body of the register answers nothing: say why, in words."""
    sums, other_types, unknown = rows.sums, rows.other_types, rows.unknown
    if not sums and other_types:
        raise InvalidInput([
            Problem(label, "", f"org_type {kind!r}: these rows are not the register's bodies, which are {org_type!r}; "
                               "download the measure for that kind of organisation", first, code="measure-mismatch")
            for kind, (first, _) in sorted(other_types.items())
        ])
    if not sums:
        found = f" (codes found: {', '.join(sorted(unknown)[:10])})" if unknown else ""
        raise InvalidInput([Problem(label, "", f"has no rows for any body of the register {register.name!r}" + found, code="no-rows")])


def _body_figures(sums: dict[str, dict[dt.date, tuple[float, float]]], measure: dict[str, t.Any], window: list[dt.date],
                  months: int) -> tuple[dict[str, float], dict[str, str], dict[str, list[str]]]:
    """Each body's figure over the window (or its percent change on the months before), the note
    saying how it was made, and the months missing for it. A body with no figure is left out."""
    scale = 100 if measure.get("percentage") else 1
    change = measure.get("combine") == "percent-change"
    before = _months_back(window[0] - dt.timedelta(days=1), months) if change else []
    values: dict[str, float] = {}
    notes: dict[str, str] = {}
    missing: dict[str, list[str]] = {}
    span = _span(window)
    for code, by_month in sorted(sums.items()):
        newest, before_ = _ratio(by_month, window), _ratio(by_month, before)
        gaps = newest.gaps + before_.gaps
        if gaps:
            missing[code] = gaps
        left_out = f" Missing from the download, left out: {', '.join(gaps)}." if gaps else ""
        if newest.value is None or (change and not before_.value):
            continue
        if change:
            values[code] = round((newest.value / t.cast(float, before_.value) - 1) * 100, 4)
            notes[code] = (
                f"{measure['title']}: the ratio over {span} ({newest.words()}) against the {months} months before "
                f"({before[0]:%B %Y} to {before[-1]:%B %Y}: {before_.words()}), as a percent change." + left_out
            )
        else:
            values[code] = round(newest.value * scale, 4)
            notes[code] = (
                f"{measure['title']}: {len(newest.have)} month{'s' if len(newest.have) != 1 else ''} of {span} combined "
                f"as one ratio ({newest.words()}{' x 100' if scale != 1 else ''})." + left_out
            )
    return values, notes, missing


def _span(window: list[dt.date]) -> str:
    return f"{window[0]:%B %Y} to {window[-1]:%B %Y}"


def _measure_source(measure: dict[str, t.Any], window: list[dt.date], downloaded: dt.date) -> dict[str, str]:
    """The evidence source entry every answer written from the download cites."""
    expected_id = measure["id"]
    span = _span(window)
    return {
        "id": f"{expected_id}-{window[-1]:%Y-%m}",
        "title": f"{measure.get('publisher', 'Published measure')}: {measure['title']} ({expected_id}), {span}, downloaded {downloaded}",
        "date": downloaded.isoformat(),
        "url": measure["url"],
        "reference": expected_id,
    }


@dataclasses.dataclass
class _Ratio:
    have: list[dt.date]
    gaps: list[str]
    numerator: float
    denominator: float

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.have and self.denominator else None

    def words(self) -> str:
        return f"numerators {self.numerator:g} / denominators {self.denominator:g}"


def _ratio(by_month: dict[dt.date, tuple[float, float]], months: list[dt.date]) -> _Ratio:
    have = [m for m in months if m in by_month]
    return _Ratio(
        have, [f"{m:%Y-%m}" for m in months if m not in by_month],
        sum(by_month[m][0] for m in have), sum(by_month[m][1] for m in have),
    )


def _refusals(criterion: Criterion, measure: dict[str, t.Any], window: list[dt.date], downloaded: dt.date, accept_unit: bool) -> list[str]:
    """Why the figures cannot answer the criterion, each in words (none: they can)."""
    answer = t.cast(t.Any, criterion.answer)
    out = []
    if measure["unit"] != answer.unit and not accept_unit:
        out.append(f"criterion {criterion.id} asks for {answer.unit}; measure {measure['id']} counts {measure['unit']}. "
                   "These are not the same unit, so the figures are refused; give --accept-unit to take them as a stand-in "
                   "(every answer's note will say so)")
    changed = measure.get("changed_on")
    if changed:
        day = dt.date.fromisoformat(changed)
        note = measure.get("change_note", "the publisher changed how it is counted")
        after = [m for m in window if m >= day]
        if downloaded >= day:
            out.append(f"the file was downloaded on {downloaded}, on or after {day}, when measure {measure['id']} changed: {note} "
                       f"The publisher recounts the whole series, so every month in it is counted the new way, not the way criterion "
                       f"{criterion.id} asks. Use a download made before {day} (and say when with --downloaded), or give the figures "
                       "on the criterion's definition as a two-column file code,value")
        elif after:
            out.append(f"{len(after)} of the months taken ({after[0]:%Y-%m} on) are from {day} or later, when measure {measure['id']} "
                       f"changed: {note} Give --until {(day - dt.timedelta(days=1)):%Y-%m} to take the months before it")
    return out
