"""The workbook's Change sheet (what changed since an earlier round) and Replies sheet (the bodies'
answers to their assessments). Each is laid out in an ordinary worksheet with the `workbook`
helpers and copied into the workbook by `excel`; a sheet with nothing to show is not added.

Only lays out what `compare` and the engine worked out: no percent or change is computed here.
"""

from __future__ import annotations

import typing as t

from openpyxl.worksheet.worksheet import Worksheet

from scorecard.render.csv_ import answer_text
from scorecard.render.workbook import BOLD, PERCENT, WRAP, new_workbook, print_setup, put, table, widths
from scorecard.result import CriterionResult, OrganisationResult, Scorecard
from scorecard.rubric import Rubric

ARROWS = {"up": "▲", "down": "▼", "unchanged": "="}
RESPONSE = {"replied": "replied", "refused": "refused", "no-reply": "did not reply", None: "no record"}
OUTCOME = {"not-applicable": "not applicable", "not-held": "not held", "refused": "refused", "not-answered": "not answered", "not-assessed": "not assessed in this round"}
RELATION = {"same": "same body", "successor": "successor", "new": "new body"}


def change_words(direction: str | None, words: str) -> str:
    """The arrow and the words together: the arrow is never the only carrier of the meaning."""
    return f"{ARROWS[direction]} {words}" if direction else words


def _number(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.2f}".rstrip("0").rstrip(".")


def sheets(scorecard: Scorecard, rubric: Rubric, only: OrganisationResult | None = None) -> list[Worksheet]:
    """The Change and Replies sheets this scorecard has anything for (for one body, if `only`)."""
    wb = new_workbook()
    out: list[Worksheet] = []
    if scorecard.changes is not None:
        out.append(_change(wb.create_sheet("Change"), scorecard, rubric, only))
    bodies = [only] if only else scorecard.organisations
    if any(o.reply for o in bodies):
        out.append(_replies(wb.create_sheet("Replies"), scorecard, rubric, bodies))
    return out


def _lines(ws: Worksheet, row: int, texts: t.Sequence[str], span: int) -> int:
    for text in texts:
        style = {"font": BOLD} if text.startswith("ILLUSTRATIVE") else {}
        put(ws, row, 1, text, alignment=WRAP, **style)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=span)
        row += 1
    return row + 1


def _change(ws: Worksheet, scorecard: Scorecard, rubric: Rubric, only: OrganisationResult | None) -> Worksheet:
    changes = t.cast(t.Any, scorecard.changes)
    before, after = changes.before, changes.after
    bands = {b.id: b.label for b in rubric.bands}
    flags = {f.id: f.title or f.id for f in rubric.flags}
    put(ws, 1, 1, "Change since the earlier round", font=BOLD)
    texts = [
        f"Round {after.round} ({after.title or after.round}; rubric {after.rubric} {after.rubric_version}; register {after.register_name or 'the rubric’s'}) "
        f"compared with round {before.round} ({before.title or before.round}; rubric {before.rubric} {before.rubric_version}; register {before.register_name or 'the rubric’s'}).",
        f"How: {changes.method}",
    ]
    if before.illustrative or after.illustrative:
        texts.append("ILLUSTRATIVE: at least one of the two rounds is made up for demonstration, not real data.")
    if changes.criteria_left_out:
        texts.append("Criteria left out of the comparison: " + "; ".join(f"{c.id} ({c.reason})" for c in changes.criteria_left_out) + ".")
    row = _lines(ws, 2, texts, 8)

    names = ["Code", "Body", "Compared with", "Response before", "Response now", "Overall % before", "Overall % now",
             "Change (points)", "Change in words", "Band before", "Band now"]
    names += [f"{s.title}: change (points)" for s in rubric.sections]
    names += ["Flags raised", "Flags cleared", "Criteria that moved (points before → now)", "Replied now, not before"]
    chosen = [b for b in changes.bodies if only is None or b.code == only.code]
    rows = []
    for b in chosen:
        by_section = {s.id: s.change for s in b.sections}
        rows.append(
            [b.code, b.name, f"{RELATION[b.relation]}: {b.basis}", RESPONSE[b.response_before], RESPONSE[b.response_after],
             b.percent_before, b.percent_after, b.change, change_words(b.direction, b.words),
             bands.get(b.band_before or "", b.band_before), bands.get(b.band_after or "", b.band_after)]
            + [by_section.get(s.id) for s in rubric.sections]
            + ["; ".join(flags.get(f, f) for f in b.flags_raised) or None,
               "; ".join(flags.get(f, f) for f in b.flags_cleared) or None,
               "; ".join(f"{c.id}: {_number(c.before)} → {_number(c.after)} of {_number(c.max_points)}" for c in b.criteria) or None,
               "yes" if b.replied_now_not_before else ("replied before, not now" if b.replied_before_not_now else "no")]
        )
    last = table(ws, row, names, rows or [["none"] + [None] * (len(names) - 1)])
    for r in range(row + 1, last + 1):
        for column in (6, 7):
            ws.cell(row=r, column=column).number_format = PERCENT
        for column in [8] + list(range(12, 12 + len(rubric.sections))):
            ws.cell(row=r, column=column).number_format = '+0.0;-0.0;0.0'
    row = last + 2

    split = [s for s in changes.split if only is None or only.code in s.successors]
    if split:
        put(ws, row, 1, "Split between successors: earlier results not attributed", font=BOLD)
        row = table(ws, row + 1, ["Earlier code", "Earlier body", "Response then", "Overall % then", "Went to", "In words"],
                    [[s.code, s.name, RESPONSE[s.response], s.percent, ", ".join(s.successors), s.words] for s in split], main=False) + 2
    if changes.unmatched_before and only is None:
        put(ws, row, 1, "Earlier bodies with no body in this round to compare with: " + ", ".join(changes.unmatched_before), alignment=WRAP)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=8)
    widths(ws, [9, 30, 50, 12, 12, 10, 10, 10, 24, 16, 16] + [12] * len(rubric.sections) + [26, 26, 40, 12])
    print_setup(ws, wide=True)
    return ws


def _answer(rubric: Rubric, criterion_id: str, outcome: str | None, value: t.Any) -> str:
    if outcome is not None:
        return OUTCOME.get(outcome, outcome)
    found = rubric.criteria.get(criterion_id)
    if found is None:
        return str(value)
    section, criterion = found
    result = CriterionResult(  # only for the words
        id=criterion_id, section=section.id, outcome="answered", value=value, points=None,
        max_points=criterion.max_points, descriptor=None, source=None, note=None,
    )
    return answer_text(criterion, result) or ""


def _replies(ws: Worksheet, scorecard: Scorecard, rubric: Rubric, bodies: t.Sequence[OrganisationResult]) -> Worksheet:
    put(ws, 1, 1, "Replies: the bodies' answers to their assessments", font=BOLD)
    texts = ["A body may reply to its assessment. Where the assessor revised answers because of a reply, "
             "the answer before the revision is shown beside the answer now, with the assessor's reason."]
    if scorecard.round_info.illustrative:
        texts.append("ILLUSTRATIVE ROUND: these records are examples, not findings about real bodies.")
    row = _lines(ws, 2, texts, 8)
    names = ["Code", "Body", "Reply date", "Reply", "Answers revised", "Assessor's note", "Criterion", "Answer before the revision", "Answer now"]
    rows: list[list[t.Any]] = []
    for o in bodies:
        reply = o.reply
        if reply is None:
            continue
        head = [o.code, o.name, reply.date, reply.text, "yes" if reply.revised else "no", reply.note]
        now = {c.id: c for c in o.criteria}
        if not reply.previous_answers:
            rows.append(head + [None, None, None])
        for cid, entry in sorted(reply.previous_answers.items()):
            current = now.get(cid)
            rows.append(head + [cid, _answer(rubric, cid, entry.outcome, entry.value),
                                _answer(rubric, cid, None if current is None or current.outcome == "answered" else current.outcome,
                                        current.value if current else None)])
    table(ws, row, names, rows)
    widths(ws, [9, 30, 11, 60, 10, 50, 10, 30, 30])
    print_setup(ws)
    return ws
