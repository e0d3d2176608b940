"""Comparing two rounds: what changed for each body since the earlier round. Pure: two Scorecards,
their rubrics and the succession between their registers in, a `Changes` value out.

The rules, in words (the README and the pages say the same):

* A body in both rounds is compared with its own earlier result.
* A body formed from whole earlier bodies is compared with the simple (unweighted) mean of their
  percents, section percents and criterion points, over those that were scored. No populations
  are shipped, so no weighting is claimed.
* A body split between later bodies is listed as split; its earlier result is never attributed to
  any of them, and a later body that took a part of it is compared only with its whole
  predecessors (the part is named as not counted).
* Criteria are compared only where the id, question, guidance and scoring of the answer are the
  same in both rubric versions (labels and descriptors may be reworded), flags only where the id
  is in both; the rest are listed as left out. Percents are each
  round's own, scored on its own rubric version.
"""

from __future__ import annotations

import math
import typing as t

from scorecard.models.rubric import Criterion, Rubric
from scorecard.result import (
    BodyChange,
    Changes,
    CriterionChange,
    EarlierBody,
    LeftOut,
    OrganisationResult,
    RoundRef,
    Scorecard,
    SectionChange,
    SplitBody,
)
from scorecard.succession import Predecessor, Succession
from scorecard.vocabulary import CHANGE_DIRECTIONS, RESPONSES

# Changes smaller than this (in percentage points) show as "no change": percents are shown to one
# decimal, and "up 0.0 points" would say nothing.
UNCHANGED_BELOW = 0.05

METHOD = (
    "Each body is compared with its own result in the earlier round. A body formed from whole "
    "earlier bodies is compared with the simple (unweighted) mean of their percents, section "
    "percents and criterion points, over those of them that were scored; no populations are used. "
    "A body split between later bodies is shown as split: its earlier result is not attributed to "
    "any of them, and a later body that took a part of it is compared only with its whole "
    "predecessors. Percents are each round's own, scored on its own rubric version; criterion "
    "changes and flags cover only criteria whose question, guidance and scoring are the same in "
    "both versions, and flags in both. A change of less than 0.05 points is shown as no change."
)


def _mean(values: t.Sequence[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return round(a - b, 9) == 0


def _names(codes: t.Sequence[str]) -> str:
    if len(codes) <= 1:
        return "".join(codes)
    return ", ".join(codes[:-1]) + " and " + codes[-1]


# Words that only present an answer: rewording a label or a level's descriptor changes no score
# and no meaning of an answer, so it does not stop a criterion being compared. Nor does naming
# the published measure a number comes from (`measure`): the unit and the question say what the
# number is, and `scorecard figures import` checks a measure against them.
_PRESENTATION = frozenset({"label", "descriptor", "measure"})


def _scoring(value: t.Any) -> t.Any:
    if isinstance(value, dict):
        return {k: _scoring(v) for k, v in value.items() if k not in _PRESENTATION}
    if isinstance(value, (list, tuple)):  # a model's dump keeps its tuples
        return [_scoring(v) for v in value]
    return value


def _changed(before: Criterion, after: Criterion) -> str:
    """What about a criterion changed between two versions, in words; empty when nothing did.

    The definition is the question, the guidance (which says what counts as each answer) and how
    the answer scores: the same reply read under changed guidance may get a different answer."""
    parts = [
        name
        for name, same in (
            ("question", before.question == after.question),
            ("guidance", before.guidance == after.guidance),
            ("answer definition", _scoring(before.answer.model_dump()) == _scoring(after.answer.model_dump())),
        )
        if not same
    ]
    return _names(parts)


def comparable(before: Rubric, after: Rubric) -> tuple[list[str], list[LeftOut], list[str], list[LeftOut]]:
    """Criteria and flags that can be compared between two rubric versions, and those left out."""
    criteria: list[str] = []
    left: list[LeftOut] = []
    for cid, (_, criterion) in after.criteria.items():
        earlier = before.criteria.get(cid)
        if earlier is None:
            left.append(LeftOut(id=cid, reason=f"not in rubric version {before.version}"))
        elif changed := _changed(earlier[1], criterion):
            left.append(LeftOut(id=cid, reason=f"its {changed} changed between versions {before.version} and {after.version}"))
        else:
            criteria.append(cid)
    left += [LeftOut(id=cid, reason=f"not in rubric version {after.version}") for cid in before.criteria if cid not in after.criteria]
    earlier_flags = {f.id for f in before.flags}
    flags = [f.id for f in after.flags if f.id in earlier_flags]
    flags_left = [LeftOut(id=f.id, reason=f"not in rubric version {before.version}") for f in after.flags if f.id not in earlier_flags]
    flags_left += [LeftOut(id=f.id, reason=f"not in rubric version {after.version}") for f in before.flags if f.id not in set(flags)]
    return criteria, left, flags, flags_left


def _round_ref(scorecard: Scorecard, register: str | None) -> RoundRef:
    return RoundRef(
        round=scorecard.round,
        title=scorecard.round_info.title,
        illustrative=scorecard.round_info.illustrative,
        rubric=scorecard.rubric.id,
        rubric_version=scorecard.rubric.version,
        register_name=register,
        evidence_sha256=scorecard.evidence_sha256,
    )


def _words(before: float | None, after: float | None, relation: str, response_after: str) -> tuple[float | None, str | None, str]:
    if after is None:
        earlier = f"; {before:.1f}% before" if before is not None else ""
        return None, None, f"no score this round ({response_after.replace('-', ' ')}){earlier}"
    if before is None:
        return None, None, "new: nothing earlier to compare with" if relation == "new" else "no earlier score to compare with"
    change = round(after - before, 9)
    return change, ("unchanged" if abs(change) < UNCHANGED_BELOW else "up" if change > 0 else "down"), points_words(change)


def change_counts(changes: Changes) -> dict[str, int]:
    """How many bodies went up, down or stayed the same, how many could not be compared ("other")
    and how many replied this time but not last ("newly"): one count for the site and the
    command's summary."""
    counts: dict[str, int] = {d: sum(b.direction == d for b in changes.bodies) for d in CHANGE_DIRECTIONS}
    counts["other"] = len(changes.bodies) - sum(counts.values())
    counts["newly"] = sum(b.replied_now_not_before for b in changes.bodies)
    return counts


def points_words(change: float | None) -> str:
    """A change in percentage points in words ("up 12.5 points", "no change"), for a body and for
    each of its sections, on the site, in the workbook and in scorecard.json alike."""
    if change is None:
        return "not comparable"
    if abs(change) < UNCHANGED_BELOW:
        return "no change"
    return f"{'up' if change > 0 else 'down'} {abs(change):.1f} points"


class _Earlier:
    """The earlier round, looked up by code."""

    def __init__(self, scorecard: Scorecard, split: dict[str, list[str]]) -> None:
        self.by_code = {o.code: o for o in scorecard.organisations}
        self.codes = set(self.by_code) | set(scorecard.summary.not_assessed)
        self.split = split
        self.round = scorecard.round

    def body(self, item: Predecessor) -> EarlierBody:
        found = self.by_code.get(item.code)
        note = item.note
        if not item.whole:
            shared = self.split.get(item.code, [])
            note = (f"{note}; " if note else "") + f"split between {_names(shared)}"
        return EarlierBody(
            code=item.code,
            name=found.name if found else item.code,
            whole=item.whole,
            response=found.response if found else None,
            percent=found.percent if found else None,
            note=note,
        )


def _basis(code: str, relation: str, whole: list[EarlierBody], parts: list[EarlierBody], scored: int, round_: str) -> str:
    if relation == "new" and not parts:
        return "Not in the earlier register: nothing to compare with."
    text: str
    if relation == "new":
        text = "Formed only from parts of bodies that were split: their earlier results are not attributed to it."
    elif [w.code for w in whole] == [code]:
        text = f"Compared with its own result in {round_}."
    elif len(whole) == 1:
        text = f"Succeeds {whole[0].name} ({whole[0].code}): compared with its result in {round_}."
    else:
        codes = [w.code for w in whole]
        text = (
            f"Formed from the whole of {_names(codes)}: compared with the simple mean of their results "
            f"in {round_} ({scored} of {len(whole)} scored)."
        )
    unscored = [w for w in whole if w.percent is None]
    if unscored and relation != "new":
        text += " No earlier score for " + _names([f"{w.code} ({(w.response or 'no record').replace('-', ' ')})" for w in unscored]) + "."
    if parts:
        text += " It also took part of " + _names([f"{p.code} ({p.note})" for p in parts]) + "; that part is not counted."
    return text


def _response(items: t.Sequence[OrganisationResult]) -> t.Any:
    responses = {o.response for o in items}
    for response in RESPONSES:  # the best a body gave
        if response in responses:
            return response
    return None


def compare(
    before: Scorecard,
    after: Scorecard,
    before_rubric: Rubric,
    after_rubric: Rubric,
    succession: Succession | None = None,
) -> Changes:
    criteria_ids, criteria_left, flag_ids, flags_left = comparable(before_rubric, after_rubric)
    split = succession.split() if succession else {}
    earlier = _Earlier(before, split)
    maps = succession.predecessors if succession else {}
    bodies = [
        _body_change(o, _lineage(o.code, maps, earlier), earlier, before_rubric, criteria_ids, flag_ids)
        for o in sorted(after.organisations, key=lambda x: x.code)
    ]
    used = {p.code for b in bodies for p in b.predecessors}
    unmatched = sorted(code for code in earlier.by_code if code not in used and code not in split)
    return Changes(
        before=_round_ref(before, succession.before if succession else None),
        after=_round_ref(after, succession.after if succession else None),
        method=METHOD,
        criteria_compared=criteria_ids,
        criteria_left_out=criteria_left,
        flags_left_out=flags_left,
        bodies=bodies,
        split=_split_bodies(split, earlier),
        unmatched_before=unmatched,
    )


def _lineage(code: str, maps: t.Mapping[str, t.Sequence[Predecessor]], earlier: _Earlier) -> tuple[str, list[EarlierBody], list[EarlierBody]]:
    """How a body stands to the earlier round: its relation ("same", "successor" or "new"), the
    whole earlier bodies it is compared with, and the parts of split bodies it took (not counted).
    A body the succession does not name is its own predecessor if the earlier round has it."""
    listed = maps.get(code)
    if listed is None:
        listed = (Predecessor(code=code, whole=True),) if code in earlier.codes else ()
    whole = [earlier.body(p) for p in listed if p.whole]
    parts = [earlier.body(p) for p in listed if not p.whole]
    relation = "new" if not whole else ("same" if code not in maps else "successor")
    return relation, whole, parts


def _body_change(
    o: OrganisationResult,
    lineage: tuple[str, list[EarlierBody], list[EarlierBody]],
    earlier: _Earlier,
    before_rubric: Rubric,
    criteria_ids: list[str],
    flag_ids: list[str],
) -> BodyChange:
    """One body of the later round against its earlier result (or the mean of its predecessors')."""
    relation, whole, parts = lineage
    found = [earlier.by_code[w.code] for w in whole if w.code in earlier.by_code]
    replied = [e for e in found if e.response == "replied"]
    scored = [e for e in found if e.percent is not None]
    percent_before, band_before = _earlier_score(scored, before_rubric)
    criteria: list[CriterionChange] = []
    raised: list[str] = []
    cleared: list[str] = []
    # Criteria and flags are compared only between replies, the only records with answers.
    if replied and o.response == "replied":
        criteria = _criterion_changes(o, replied, criteria_ids)
        raised, cleared = _flag_changes(o, replied, flag_ids)
    change, direction, words = _words(percent_before, o.percent, relation, o.response)
    return BodyChange(
        code=o.code,
        name=o.name,
        short_name=o.short_name,
        relation=relation,  # type: ignore[arg-type]
        basis=_basis(o.code, relation, whole, parts, len(scored), earlier.round),
        predecessors=whole,
        parts_not_counted=parts,
        response_before=_response(found),
        response_after=o.response,
        replied_now_not_before=o.response == "replied" and not replied,
        replied_before_not_now=bool(replied) and o.response != "replied",
        percent_before=percent_before,
        percent_after=o.percent,
        change=change,
        direction=direction,  # type: ignore[arg-type]
        words=words,
        band_before=band_before,
        band_after=o.band,
        sections=_section_changes(o, scored),
        criteria=criteria,
        flags_raised=raised,
        flags_cleared=cleared,
    )


def _earlier_score(scored: list[OrganisationResult], rubric: Rubric) -> tuple[float | None, str | None]:
    """The earlier percent (the mean over the scored predecessors) and its band: a single
    predecessor keeps its own band; a mean is banded on the earlier rubric."""
    percent = _mean([e.percent for e in scored if e.percent is not None])
    if len(scored) == 1:
        return percent, scored[0].band
    return percent, rubric.band_for(percent).id if percent is not None else None


def _section_changes(o: OrganisationResult, scored: list[OrganisationResult]) -> list[SectionChange]:
    sections = []
    for s in o.sections:
        values = [x.percent for e in scored for x in e.sections if x.id == s.id and x.percent is not None]
        earlier_percent = _mean(values)
        diff = None if earlier_percent is None or s.percent is None else round(s.percent - earlier_percent, 9)
        sections.append(SectionChange(id=s.id, title=s.title, before=earlier_percent, after=s.percent, change=diff))
    return sections


def _criterion_changes(o: OrganisationResult, replied: list[OrganisationResult], criteria_ids: list[str]) -> list[CriterionChange]:
    """The comparable criteria whose points changed (against the mean of the earlier replies)."""
    criteria: list[CriterionChange] = []
    now = {c.id: c for c in o.criteria}
    for cid in criteria_ids:
        results = [c for e in replied for c in e.criteria if c.id == cid]
        points = _mean([c.points for c in results if c.points is not None])
        current = now.get(cid)
        if current is None or _same(points, current.points):
            continue
        criteria.append(
            CriterionChange(
                id=cid,
                before=points,
                after=current.points,
                max_points=current.max_points,
                level_before=results[0].descriptor if len(results) == 1 else None,
                level_after=current.descriptor,
            )
        )
    return criteria


def _flag_changes(o: OrganisationResult, replied: list[OrganisationResult], flag_ids: list[str]) -> tuple[list[str], list[str]]:
    """The comparable flags raised since the earlier replies, and those cleared."""
    had = {f.id for e in replied for f in e.flags}
    has = {f.id for f in o.flags}
    raised = [f for f in flag_ids if f in has and f not in had]
    cleared = [f for f in flag_ids if f in had and f not in has]
    return raised, cleared


def _split_bodies(split: dict[str, list[str]], earlier: _Earlier) -> list[SplitBody]:
    splits = []
    for code, successors in sorted(split.items()):
        body = earlier.by_code.get(code)
        splits.append(
            SplitBody(
                code=code,
                name=body.name if body else code,
                response=body.response if body else None,
                percent=body.percent if body else None,
                successors=successors,
                words=f"split between {_names(successors)}: its earlier result is not attributed to any of them",
            )
        )
    return splits


def with_changes(scorecard: Scorecard, changes: Changes) -> Scorecard:
    return scorecard.model_copy(update={"changes": changes})
