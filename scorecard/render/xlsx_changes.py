"""The workbook's Change sheet (what changed since an earlier round) and Replies sheet (the bodies'
answers to their assessments); a sheet with nothing to show is not added.

Only lays out what `compare` and the engine worked out: no percent or change is computed here.
"""

from __future__ import annotations

import typing as t

from scorecard.models.rubric import Rubric
from scorecard.render.csv_ import answer_text
from scorecard.render.words import id_in_words
from scorecard.render.xlsx_book import Book, Value
from scorecard.render.xlsx_sheets import code_width, round_lines, section_name
from scorecard.result import CriterionResult, OrganisationResult, Scorecard
from scorecard.vocabulary import ARROWS, NO, NO_RECORD, OUTCOME_WORDS, RELATION_WORDS, RESPONSE_WORDS, YES, ChangeDirection, Outcome, Response


def change_words(direction: ChangeDirection | None, words: str) -> str:
    """The arrow and the words together: the arrow is never the only carrier of the meaning."""
    return f"{ARROWS[direction]} {words}" if direction else words


def _number(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _response(response: Response | None) -> str:
    return RESPONSE_WORDS[response] if response else NO_RECORD


def sheets(book: Book, scorecard: Scorecard, rubric: Rubric, only: OrganisationResult | None = None, footer: str = "") -> None:
    """The Change and Replies sheets this scorecard has anything for (for one body, if `only`)."""
    if scorecard.changes is not None:
        change(book, scorecard, rubric, only, footer)
    bodies = [only] if only else scorecard.organisations
    if any(o.reply for o in bodies):
        replies(book, scorecard, rubric, bodies, footer)


def change(book: Book, scorecard: Scorecard, rubric: Rubric, only: OrganisationResult | None, footer: str = "") -> None:
    changes = t.cast(t.Any, scorecard.changes)
    before, after = changes.before, changes.after
    bands = {b.id: b.label for b in rubric.bands}
    flags = {f.id: f.title or id_in_words(f.id) for f in rubric.flags}
    n = len(rubric.sections)
    st = book.sheet("Change", [code_width([only] if only else scorecard.organisations), 20, 22, 10, 10, 8, 8, 8, 16, 12, 12] + [9] * n + [18, 18, 26, 11],
                    footer=footer)
    texts = [
        f"Round {after.round} ({after.title or after.round}; rubric {after.rubric} {after.rubric_version}; register {after.register_name or 'the rubric’s'}) "
        f"compared with round {before.round} ({before.title or before.round}; rubric {before.rubric} {before.rubric_version}; "
        f"register {before.register_name or 'the rubric’s'}).",
        f"How: {changes.method}",
    ]
    if before.illustrative or after.illustrative:
        texts.append("ILLUSTRATIVE: at least one of the two rounds is made up for demonstration, not real data.")
    if changes.criteria_left_out:
        texts.append("Criteria left out of the comparison: " + "; ".join(f"{c.id} ({c.reason})" for c in changes.criteria_left_out) + ".")
    st.title_block("Change since the earlier round", [*round_lines(scorecard), *texts], span=15 + n)
    names = ["Code", "Body", "Compared with", "Response before", "Response now", "Overall % before", "Overall % now",
             "Change (points)", "Change in words", "Band before", "Band now"]
    names += [f"{section_name(s)}: change (points)" for s in rubric.sections]
    names += ["Flags raised", "Flags cleared", "Criteria that moved (points before → now)", "Replied now, not before"]
    styles = ["plain", "wrap", "wrap", "wrap", "wrap", "percent", "percent", "change", "wrap", "wrap", "wrap"] + ["change"] * n + ["wrap"] * 4
    rows: list[list[Value]] = []
    for b in (b for b in changes.bodies if only is None or b.code == only.code):
        by_section = {s.id: s.change for s in b.sections}
        rows.append(
            [b.code, b.name, f"{RELATION_WORDS[b.relation]}: {b.basis}", _response(b.response_before), _response(b.response_after),
             b.percent_before, b.percent_after, b.change, change_words(b.direction, b.words),
             bands.get(b.band_before or "", b.band_before), bands.get(b.band_after or "", b.band_after)]
            + [by_section.get(s.id) for s in rubric.sections]
            + ["; ".join(flags.get(f, f) for f in b.flags_raised) or None,
               "; ".join(flags.get(f, f) for f in b.flags_cleared) or None,
               "; ".join(f"{c.id}: {_number(c.before)} → {_number(c.after)} of {_number(c.max_points)}" for c in b.criteria) or None,
               YES if b.replied_now_not_before else ("Replied before, not now" if b.replied_before_not_now else NO)]
        )
    st.table(names, rows or [["None"] + [None] * (len(names) - 1)], styles)
    split = [s for s in changes.split if only is None or only.code in s.successors]
    if split:
        st.blank()
        st.add(["Split between successors: earlier results not attributed"], "heading")
        st.table(["Earlier code", "Earlier body", "Response then", "Overall % then", "Went to", "In words"],
                 [[s.code, s.name, _response(s.response), s.percent, ", ".join(s.successors), s.words] for s in split],
                 ["plain", "wrap", "wrap", "percent", "wrap", "wrap"], main=False)
    if changes.unmatched_before and only is None:
        st.blank()
        st.add(["Earlier bodies with no body in this round to compare with: " + ", ".join(changes.unmatched_before)], "wrap", merge=[(0, 8)])


def _answer(rubric: Rubric, criterion_id: str, outcome: Outcome | None, value: t.Any) -> str:
    if outcome is not None:
        return OUTCOME_WORDS[outcome]
    found = rubric.criteria.get(criterion_id)
    if found is None:
        return str(value)
    section, criterion = found
    result = CriterionResult(  # only for the words
        id=criterion_id, section=section.id, outcome="answered", value=value, points=None,
        max_points=criterion.max_points, descriptor=None, source=None, note=None,
    )
    return answer_text(criterion, result) or ""


def replies(book: Book, scorecard: Scorecard, rubric: Rubric, bodies: t.Sequence[OrganisationResult], footer: str = "") -> None:
    st = book.sheet("Replies", [code_width(bodies), 20, 10, 44, 8, 34, 8, 22, 22], footer=footer)
    st.title_block("Replies: the bodies' answers to their assessments", [*round_lines(scorecard),
        "A body may reply to its assessment. Where the assessor revised answers because of a reply, "
        "the answer before the revision is shown beside the answer now, with the assessor's reason."], span=9)
    names = ["Code", "Body", "Reply date", "Reply", "Answers revised", "Assessor's note", "Criterion", "Answer before the revision", "Answer now"]
    rows: list[list[t.Any]] = []
    for o in bodies:
        reply = o.reply
        if reply is None:
            continue
        head = [o.code, o.name, reply.date, reply.text, YES if reply.revised else NO, reply.note]
        now = {c.id: c for c in o.criteria}
        if not reply.previous_answers:
            rows.append([*head, None, None, None])
        for cid, entry in sorted(reply.previous_answers.items()):
            current = now.get(cid)
            rows.append([*head, cid, _answer(rubric, cid, entry.outcome, entry.value),
                         _answer(rubric, cid, None if current is None or current.outcome == "answered" else current.outcome,
                                 current.value if current else None)])
    st.table(names, rows)
