"""The request tracker, `requests.csv`: one row per body, the dates of each step and the state.

People edit it by hand as well as through `scorecard round record`, so it is read strictly: every
problem is reported with its line and column, and the dates must tell a story that can happen
(a request is sent before it is answered, an internal review follows a reply, a refusal or a
missed deadline, a complaint follows the request).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
import typing as t
from pathlib import Path

from scorecard.loaders import decode_text, read_bytes
from scorecard.problems import Column, Finding, InvalidInput, Problem
from scorecard.register import Register
from scorecard.rounds.deadlines import due_date, working_days_after
from scorecard.vocabulary import REQUEST_STATES as STATES

TRACKER_FILE = "requests.csv"
MAX_TRACKER_BYTES = 5 * 1024 * 1024
COLUMNS = (
    "code", "name", "state", "sent", "received", "replied", "refused", "exemption",
    "review_requested", "complained", "withdrawn", "reference", "note",
)
DATE_COLUMNS = ("sent", "received", "replied", "refused", "review_requested", "complained")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclasses.dataclass(frozen=True)
class Request:
    """One body's request and what became of it."""

    code: str
    name: str
    sent: dt.date | None = None
    received: dt.date | None = None  # blank in the file: an email is received the day it is sent
    replied: dt.date | None = None
    refused: dt.date | None = None
    exemption: str = ""
    review_requested: dt.date | None = None
    complained: dt.date | None = None
    withdrawn: bool = False
    reference: str = ""
    note: str = ""

    @property
    def received_on(self) -> dt.date | None:
        return self.received or self.sent

    @property
    def due(self) -> dt.date | None:
        return None if self.received_on is None else due_date(self.received_on)

    @property
    def answered(self) -> dt.date | None:
        """When the body answered: a reply, or a refusal."""
        return self.replied or self.refused

    @property
    def state(self) -> str:
        if self.withdrawn:
            return "withdrawn"
        # The latest step wins; on the same day, the later step in the usual order.
        steps = [
            (self.sent, 0, "sent"), (self.replied, 1, "replied"), (self.refused, 1, "refused"),
            (self.review_requested, 2, "review-requested"), (self.complained, 3, "complained"),
        ]
        dated = [(day, order, name) for day, order, name in steps if day is not None]
        return max(dated)[2] if dated else "not-sent"

    def overdue_by(self, on: dt.date) -> int:
        """Working days past the deadline on `on` with no answer (0 if in time or answered)."""
        if self.due is None or self.answered is not None or self.withdrawn:
            return 0
        return working_days_after(self.due, on)

    def late_by(self) -> int | None:
        """For an answered request, the working days it came after the deadline (0: in time)."""
        if self.due is None or self.answered is None:
            return None
        return working_days_after(self.due, self.answered)

    def row(self) -> dict[str, str]:
        values = dataclasses.asdict(self)
        out = {c: _cell(values[c]) for c in COLUMNS if c not in ("state", "withdrawn")}
        out["state"] = self.state
        out["withdrawn"] = "yes" if self.withdrawn else ""
        return out


def _cell(value: t.Any) -> str:
    return "" if value is None else value.isoformat() if isinstance(value, dt.date) else str(value)


def order_problems(request: Request) -> list[Finding]:
    """(code, column, message) for each step dated out of order."""
    out: list[Finding] = []
    r = request
    if r.sent is None:
        for column in ("received", "replied", "refused", "review_requested", "complained"):
            if getattr(r, column) is not None:
                out.append(Finding("inconsistent-request", column, f"{column.replace('_', ' ')} is dated but the request has no sent date"))
        return out
    if r.received is not None and r.received < r.sent:
        out.append(Finding("inconsistent-request", "received", f"received {r.received} is before it was sent ({r.sent})"))
    start = t.cast(dt.date, r.received_on)
    for column in ("replied", "refused"):
        day = getattr(r, column)
        if day is not None and day < start:
            out.append(Finding("inconsistent-request", column, f"{column} {day} is dated before the request was received ({start})"))
    if r.replied is not None and r.refused is not None:
        out.append(Finding("inconsistent-request", "refused",
                           "both replied and refused: record one (a partial refusal is a reply, with the exemption in its column)"))
    if r.exemption and r.answered is None:
        out.append(Finding("inconsistent-request", "exemption", "an exemption is given but no refusal or reply is dated"))
    # A review follows an answer, or the deadline passing with none (then a late answer may follow it).
    review, due = r.review_requested, t.cast(dt.date, r.due)
    if review is not None and review <= due and (r.answered is None or review < r.answered):
        if r.answered is None:
            out.append(Finding("inconsistent-request", "review_requested",
                               f"internal review asked for on {review} with no answer yet and before the reply was due ({due})"))
        else:
            out.append(Finding("inconsistent-request", "review_requested",
                        f"internal review asked for on {review}, before the answer it reviews ({r.answered}) and before the reply was due ({due})"))
    if r.complained is not None:
        if r.review_requested is not None and r.complained < r.review_requested:
            out.append(Finding("inconsistent-request", "complained",
                               f"complaint dated {r.complained}, before the internal review it follows ({r.review_requested})"))
        elif r.complained < start:
            out.append(Finding("inconsistent-request", "complained", f"complaint dated {r.complained}, before the request was received ({start})"))
        elif r.review_requested is None and (r.answered is None or r.complained < r.answered) and r.complained <= t.cast(dt.date, r.due):
            out.append(Finding("inconsistent-request", "complained",
                               f"complaint dated {r.complained}, before any answer and before the reply was due ({r.due})"))
    return out


def parse_date(text: str) -> dt.date | None:
    """An ISO date (YYYY-MM-DD); ValueError with a message in words otherwise."""
    if not _ISO.fullmatch(text):
        raise ValueError(f"{text!r} is not a date; write it as YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a real date") from None


def load_tracker(path: Path, register: Register) -> list[Request]:
    """The tracker's rows in register order; InvalidInput naming line and column of every problem."""
    label = str(path)
    data = read_bytes(path, MAX_TRACKER_BYTES, "request tracker")
    # Spreadsheets save "CSV UTF-8" with a byte-order mark; a tracker is edited in them, so it is
    # allowed here (and not written back).
    text = decode_text(data.removeprefix(b"\xef\xbb\xbf"), label)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise InvalidInput([Problem(label, "", f"is empty; it needs the header {','.join(COLUMNS)}", 1, code="empty-file")]) from None
    except csv.Error as error:
        raise InvalidInput([Problem(label, "", f"is not readable CSV: {error}", 1, code="not-csv")]) from None
    header = [h.strip() for h in header]
    problems: list[Problem] = []
    missing = [c for c in COLUMNS if c not in header]
    unknown = [h for h in header if h not in COLUMNS]
    if missing or unknown:
        detail = "; ".join(filter(None, [
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}" if missing else "",
            f"unknown column{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}" if unknown else "",
        ]))
        raise InvalidInput([Problem(label, "", f"{detail}; the columns are {','.join(COLUMNS)}", 1, code="wrong-columns")])
    where = {name: Column(i + 1, name) for i, name in enumerate(header)}
    found: dict[str, Request] = {}
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                problems.append(Problem(label, "", f"has {len(cells)} cells; the header has {len(header)}", line, code="wrong-cell-count"))
                continue
            row = {name: cell.strip() for name, cell in zip(header, cells, strict=True)}
            request, row_problems = _request(row)
            problems.extend(Problem(label, where[column], message, line, code=code) for code, column, message in row_problems)
            if request is None:
                continue
            if request.code not in register:
                problems.append(Problem(label, where["code"], f"{request.code!r} is not in the register {register.name!r}", line, code="unknown-body"))
            elif request.code in found:
                problems.append(Problem(label, where["code"], f"{request.code} has a row already; one row per body", line, code="duplicate-body"))
            else:
                found[request.code] = request
    except csv.Error as error:
        problems.append(Problem(label, "", f"is not readable CSV: {error}", reader.line_num, code="not-csv"))
    for code, body in register.bodies.items():
        if code not in found:
            problems.append(Problem(label, "", f"no row for {code} ({body.name}); every body of the register has one", code="missing-body"))
    if problems:
        raise InvalidInput(problems)
    return [found[code] for code in register.bodies]


def _request(row: dict[str, str]) -> tuple[Request | None, list[Finding]]:
    problems: list[Finding] = []
    if not row["code"]:
        return None, [Finding("missing-value", "code", "the row has no code")]
    dates: dict[str, dt.date | None] = {}
    for column in DATE_COLUMNS:
        try:
            dates[column] = parse_date(row[column]) if row[column] else None
        except ValueError as error:
            problems.append(Finding("not-a-date", column, str(error)))
            dates[column] = None
    withdrawn = row["withdrawn"].lower()
    if withdrawn not in ("", "yes", "no"):
        problems.append(Finding("value-not-allowed", "withdrawn", f"{row['withdrawn']!r}: write yes, or leave it blank"))
    request = Request(
        code=row["code"], name=row["name"], exemption=row["exemption"], withdrawn=withdrawn == "yes",
        reference=row["reference"], note=row["note"], **dates,
    )
    if problems:
        return request, problems
    problems.extend(order_problems(request))
    if row["state"] and not problems and row["state"] != request.state:
        known = row["state"] in STATES
        problems.append(Finding("inconsistent-request" if known else "value-not-allowed", "state", (
            f"says {row['state']!r} but the dates say {request.state!r}; correct the dates or leave the state blank"
            if known else f"{row['state']!r} is not a state; the states are {', '.join(STATES)} (or leave it blank)"
        )))
    return request, problems


def record(request: Request, action: str, day: dt.date | None, exemption: str = "") -> Request:
    """The request with one more step; ValueError in words if the step cannot follow."""
    if request.withdrawn:
        raise ValueError("the request was withdrawn; nothing more can be recorded")
    if action == "withdrawn":
        return dataclasses.replace(request, withdrawn=True)
    words = action.replace("_", " ")
    if request.sent is None:
        raise ValueError(f"no request has been sent, so it cannot be {words} yet (send it with `scorecard round requests`)")
    if getattr(request, action) is not None:
        raise ValueError(f"{words} is already recorded ({getattr(request, action)}); correct {TRACKER_FILE} by hand if it is wrong")
    if action in ("replied", "refused") and request.answered is not None:
        other = "replied" if request.replied else "refused"
        raise ValueError(f"already recorded as {other} on {request.answered}; "
                         "a body either replies or refuses (a partial refusal is a reply with an exemption)")
    changes: dict[str, t.Any] = {action: day}
    if exemption:
        changes["exemption"] = exemption
    updated = dataclasses.replace(request, **changes)
    problems = order_problems(updated)
    if problems:
        raise ValueError(problems[0].message)
    return updated


def tracker_bytes(requests: t.Sequence[Request]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for request in requests:
        writer.writerow(request.row())
    return out.getvalue().encode("utf-8")


def new_tracker(register: Register) -> list[Request]:
    return [Request(code=b.code, name=b.name) for b in register.bodies.values()]
