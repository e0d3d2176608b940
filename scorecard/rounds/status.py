"""Where each request stands on a given day, and the round's timeliness in one line."""

from __future__ import annotations

import datetime as dt
import typing as t

from scorecard.problems import Finding
from scorecard.rounds.deadlines import WORKING_DAYS_TO_REPLY
from scorecard.rounds.tracker import Request


def status_rows(requests: t.Sequence[Request], on: dt.date) -> list[dict[str, t.Any]]:
    """One row per body, most overdue first (then the earliest due, then by code)."""
    rows: list[dict[str, t.Any]] = []
    for r in requests:
        overdue_by = r.overdue_by(on)
        rows.append({
            "code": r.code,
            "name": r.name,
            "state": r.state,
            "sent": _iso(r.sent),
            "received": _iso(r.received_on),
            "due": _iso(r.due),
            "overdue": overdue_by > 0,
            "overdue_working_days": overdue_by,
            "answered": _iso(r.answered),
            "replied": _iso(r.replied),
            "refused": _iso(r.refused),
            "late_working_days": r.late_by(),
            "exemption": r.exemption or None,
            "review_requested": _iso(r.review_requested),
            "complained": _iso(r.complained),
        })
    rows.sort(key=lambda row: (-row["overdue_working_days"], row["due"] or "9999", row["code"]))
    return rows


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def describe(row: dict[str, t.Any], on: dt.date) -> str:
    """The row in words, for the text listing."""
    state = row["state"]
    if state == "not-sent":
        return "not sent yet"
    if row["overdue"]:
        days = row["overdue_working_days"]
        return f"no reply; due {row['due']}, overdue by {days} working day{'s' if days != 1 else ''}"
    if row["answered"] is None:
        if state == "withdrawn":
            return "withdrawn"
        return f"awaiting a reply, due {row['due']}" + (" (today)" if row["due"] == on.isoformat() else "")
    late = row["late_working_days"]
    when = "in time" if not late else f"{late} working day{'s' if late != 1 else ''} late"
    verb = "refused" if row["refused"] else "answered"
    words = f"{verb} {row['answered']} ({when}; due {row['due']})"
    if state in ("review-requested", "complained", "withdrawn"):
        words += {"review-requested": f"; internal review asked for {row['review_requested']}",
                  "complained": f"; complaint made {row['complained']}", "withdrawn": "; withdrawn"}[state]
    return words


def needs_review(request: Request, on: dt.date) -> bool:
    """An internal review is worth asking for: refused, or overdue, and not asked for yet."""
    if request.withdrawn or request.review_requested is not None or request.complained is not None:
        return False
    return request.refused is not None or request.overdue_by(on) > 0


def timeliness(requests: t.Sequence[Request], as_of: dt.date | None = None) -> dict[str, t.Any] | None:
    """How many bodies answered within the deadline, for the scorecard. A request still open
    and not yet due on `as_of` (by default the last date the tracker records) is `pending`."""
    sent = [r for r in requests if r.sent is not None and not r.withdrawn]
    if not sent:
        return None
    if as_of is None:
        as_of = max(d for r in requests for d in (r.sent, r.received, r.replied, r.refused, r.review_requested, r.complained) if d)
    in_time = [r.code for r in sent if r.answered is not None and r.late_by() == 0]
    late = [r.code for r in sent if r.answered is not None and (r.late_by() or 0) > 0]
    missing = [r.code for r in sent if r.answered is None and r.overdue_by(as_of) > 0]
    pending = [r.code for r in sent if r.answered is None and r.overdue_by(as_of) == 0]
    return {
        "working_days": WORKING_DAYS_TO_REPLY,
        "as_of": as_of.isoformat(),
        "sent": len(sent),
        "in_time": len(in_time),
        "late": late,
        "no_reply": missing,
        "pending": pending,
        "not_in_time": len(late) + len(missing),
    }


def with_timeliness(scorecard: t.Any, evidence: t.Sequence[t.Any], register: t.Any, gathered_on: str | None) -> t.Any:
    """The scorecard with its `timeliness` when the (single) evidence folder holds a tracker;
    unchanged otherwise, so a round without one gives the same bytes as before. `gathered_on` is
    the round's (its loaded round.json's), if it says."""
    from pathlib import Path

    from scorecard.result import Timeliness
    from scorecard.rounds.tracker import TRACKER_FILE, load_tracker

    folders = [Path(p) for p in evidence if Path(p).is_dir()]
    if len(folders) != 1 or not (folders[0] / TRACKER_FILE).is_file():
        return scorecard
    requests = load_tracker(folders[0] / TRACKER_FILE, register)
    # Reckoned on the day the round closed (gathered_on), or else on the last date the tracker
    # records: never on today, so the same inputs give the same bytes.
    summary = timeliness(requests, dt.date.fromisoformat(gathered_on) if gathered_on else None)
    if summary is None:
        return scorecard
    return scorecard.model_copy(update={"timeliness": Timeliness(**summary)})


def closing_records(requests: t.Sequence[Request], have: set[str], on: dt.date, rubric: t.Any, round_id: str,
                    kind: str, assessor: str) -> tuple[dict[str, dict[str, t.Any]], list[Finding], list[str]]:
    """Records for the bodies that refused or never replied and have none yet, so they are
    counted as such (never as zero); (records by code, problems by code, bodies left alone)."""
    records: dict[str, dict[str, t.Any]] = {}
    problems: list[Finding] = []
    skipped: list[str] = []
    for r in requests:
        if r.code in have:
            continue
        if r.sent is None or r.withdrawn:
            skipped.append(r.code)
            continue
        if r.replied is not None:
            problems.append(Finding("round-still-open", r.code,
                                    f"replied on {r.replied} but has no record yet: import its form first (scorecard import ... --into)"))
            continue
        if r.refused is None and r.overdue_by(on) == 0:
            problems.append(Finding("round-still-open", r.code, f"no reply yet, but not overdue on {on} (due {r.due}); close the round after the deadline"))
            continue
        ref = f" (reference {r.reference})" if r.reference else ""
        if r.refused is not None:
            title = f"Request of {r.sent}{ref}, refused on {r.refused}" + (f" ({r.exemption})" if r.exemption else "")
            source = {"id": "request", "title": title, "date": r.refused.isoformat()}
        else:
            title = f"Request of {r.sent}{ref}: no reply by {on}, {r.overdue_by(on)} working days after it was due ({r.due})"
            source = {"id": "request", "title": title, "date": on.isoformat()}
        records[r.code] = {
            "organisation": r.code, "rubric": {"id": rubric.id, "version": rubric.version}, "round": round_id,
            "kind": kind, "response": "refused" if r.refused is not None else "no-reply", "assessor": assessor,
            "assessed_on": on.isoformat(), "sources": [source], "answers": {},
        }
    return records, problems, skipped
