"""The engine: `score(rubric, records, register) -> Scorecard`. Pure: no files, clock or network.

The formula, in words (the README says the same):

* A criterion earns points by its answer: the chosen option's points (`choice`), the level's points
  (`boolean`), max_points x options chosen / options offered (`multi`), the band's points for the
  value (`number`, bands) or max_points x (bodies with a worse value + half the others with the
  same value) / (bodies with a value - 1) (`number`, rank). An answer that is not held, refused or not answered earns 0 of its maximum;
  `not-applicable`, and a criterion the round did not ask about (`not_assessed` in round.json),
  leave the criterion out of the maximum.
* A section's percent is 100 x the weighted mean of points / max_points over the criteria that
  apply, weighted by criterion weight. A raised flag with a cap lowers the section to the cap.
* The overall percent is the mean of the section percents weighted by section weight (sections in
  which nothing applies are left out). The band is the highest whose lower bound it reaches.
* Bodies that refused or did not reply get no percent, band or rank: never a silent zero.
* Rank orders bodies by overall percent, highest first; equal percents share a rank (1, 2, 2, 4).

Arithmetic is exact (fractions) until the result is stored, so ties are real ties and the order of
records never changes a result.
"""

from __future__ import annotations

import bisect
import functools
import typing as t
from fractions import Fraction

from scorecard import __version__, collector
from scorecard.models.record import AnswerEntry, Record, RoundInfo
from scorecard.models.rubric import BooleanAnswer, ChoiceAnswer, Criterion, MultiAnswer, NumberAnswer, Rubric
from scorecard.register import Register
from scorecard.result import CriterionResult, FlagResult, Generator, OrganisationResult, RubricInfo, Scorecard, SectionResult
from scorecard.summary import as_float as _as_float, evidence_as_of, exact_order as _exact_order, not_assessed, round_summary, summary
from scorecard.vocabulary import OUTCOME_WORDS

# The formula in plain words, for the methodology page, the workbook and the README.
FORMULA_IN_WORDS: tuple[str, ...] = (
    "Each criterion earns points from its answer: the chosen option's points; for a yes/no answer, "
    "the points of that level; for a set of options, the maximum times the share of options covered; "
    "for a number, the points of the band the value falls in, or, where the rubric ranks bodies, the "
    "maximum times the share of other bodies with a worse value (a body with the same value counts "
    "as half worse).",
    "An answer that is not held, refused or not given earns no points but still counts in the maximum. "
    "A criterion marked not applicable, with a reason, is left out of the maximum. So is a criterion "
    "the round did not ask about: it is shown as not assessed in this round, for every body, and the "
    "round says on how many of the rubric's criteria it scores.",
    "A section's percent is the weighted average of points divided by maximum points over its criteria, "
    "times 100. A raised flag with a cap lowers that section's percent to the cap.",
    "The overall percent is the average of the section percents, weighted by section weight. Its band "
    "is the highest band whose lower bound it reaches.",
    "Bodies that refused or did not reply get no percent, band or rank: they are reported as such, "
    "never as a zero. Equal percents share a rank.",
    "Percents are computed exactly and rounded only for display.",
)


class Provenance(t.NamedTuple):
    """What the engine cannot know by itself: hashes of the inputs and the round's description."""

    rubric_sha256: str
    evidence_sha256: str
    round_info: RoundInfo | None = None


class _Answer(t.NamedTuple):
    outcome: str
    value: t.Any


class _Scored(t.NamedTuple):
    points: Fraction | None
    descriptor: str | None


class _RankTable:
    """Ranks of one rank-scored number criterion among the bodies that gave a value."""

    def __init__(self, criterion: Criterion, values: list[float | int]) -> None:
        answer = t.cast(NumberAnswer, criterion.answer)
        self.better_high = answer.direction == "higher-is-better"
        # The values as recorded: Python compares ints and floats with each other (and with
        # fractions) exactly, and sorts them far faster than fractions.
        self.values = sorted(values)
        self.max = Fraction(answer.max_points)

    def score(self, value: float | int) -> _Scored:
        n = len(self.values)
        below = bisect.bisect_left(self.values, value)
        above = n - bisect.bisect_right(self.values, value)
        worse, better = (below, above) if self.better_high else (above, below)
        tied = n - below - above - 1  # other bodies with the same value
        # Mid-rank: a tie shares the places it spans, so tied bodies get equal credit and the
        # credit handed out does not depend on how ties fall.
        points = self.max if n == 1 else self.max * (worse + Fraction(tied, 2)) / (n - 1)
        return _Scored(points, f"Ranked {better + 1} of {n} (1 is best{', tied' if tied else ''})")


@functools.lru_cache(maxsize=4096)
def _fraction(value: float | int) -> Fraction:
    # Rubric numbers (weights, points, bounds) are few and repeat for every body; converting a
    # float to an exact fraction is the engine's commonest step, so remember the answers.
    return Fraction(value)


_ZERO = Fraction(0)
# Outcomes that leave a criterion out of the maximum, and their descriptor.
_LEFT_OUT = {o: OUTCOME_WORDS[o] for o in ("not-applicable", "not-assessed")}


def score_answer(criterion: Criterion, answer: _Answer, ranks: _RankTable | None = None) -> _Scored:
    """Points and level descriptor for one answer; points None when not applicable."""
    if answer.outcome in _LEFT_OUT:
        return _Scored(None, _LEFT_OUT[answer.outcome])
    if answer.outcome != "answered":
        return _Scored(_ZERO, None)
    definition = criterion.answer
    value = answer.value
    if isinstance(definition, ChoiceAnswer):
        option = next(o for o in definition.options if o.value == value)
        return _Scored(_fraction(option.points), option.descriptor)
    if isinstance(definition, BooleanAnswer):
        level = definition.when_true if value else definition.when_false
        return _Scored(_fraction(level.points), level.descriptor)
    if isinstance(definition, MultiAnswer):
        chosen = len(set(value))
        points = _fraction(definition.max_points) * chosen / len(definition.options)
        descriptor = None
        for step in definition.levels:
            if chosen >= step.min_count:
                descriptor = step.descriptor
        labels = [o.label for o in definition.options if o.value in value]
        listed = f"{chosen} of {len(definition.options)}" + (f": {', '.join(labels)}" if labels else "")
        return _Scored(points, f"{descriptor} ({listed})" if descriptor else listed)
    assert isinstance(definition, NumberAnswer)
    if definition.scoring == "rank":
        assert ranks is not None
        return ranks.score(value)
    number = _fraction(value)
    for band in definition.bands:
        if band.upto is None or number <= _fraction(band.upto):
            return _Scored(_fraction(band.points), band.descriptor)
    raise AssertionError("the last band has no upto")  # rubric meaning checks guarantee it


class _Criterion(t.NamedTuple):
    """What scoring one criterion needs, worked out once per round instead of once per body."""

    criterion: Criterion
    section: str
    weight: Fraction
    per_point: Fraction  # 100 x weight / max_points: points times this is the criterion's weighted percent
    max_points: float
    ranks: _RankTable | None


class _Scoring:
    """One round's scoring state: the rubric's plan, and answers already scored.

    A criterion's points and descriptor depend only on its answer (rank tables are fixed before
    any body is scored), and at 10,000 bodies the same answers recur thousands of times; scoring
    each distinct answer once is most of the engine's speed. Equal strings are kept once (`share`):
    a scorecard holds 220,000 criterion results, and the records they came from are let go.
    """

    def __init__(self, rubric: Rubric, ranks: dict[str, _RankTable], unasked: dict[str, str] | None = None) -> None:
        self.ids = tuple(rubric.criteria)
        # Criteria the round did not ask about (not assessed, for everyone), with the round's reason.
        self.unasked = unasked or {}
        self.sections = [
            (
                section,
                [
                    _Criterion(
                        criterion,
                        section.id,
                        _fraction(criterion.weight),
                        100 * _fraction(criterion.weight) / _fraction(criterion.max_points),
                        criterion.max_points,
                        ranks.get(criterion.id),
                    )
                    for criterion in section.criteria
                ],
            )
            for section in rubric.sections
        ]
        self.flags = {f.id: FlagResult(id=f.id, severity=f.severity, message=f.message, caps=f.cap.section if f.cap else None) for f in rubric.flags}
        self.not_scored = [SectionResult(id=s.id, title=s.title, percent=None, uncapped_percent=None, capped_by=None) for s in rubric.sections]
        self.scored: dict[tuple[t.Any, ...], tuple[float | None, str | None, Fraction | None]] = {}
        self.strings: dict[str, str] = {}

    def share(self, text: t.Any) -> t.Any:
        """The one copy of an equal string seen before in this round; anything else as it is."""
        return self.strings.setdefault(text, text) if isinstance(text, str) else text

    def answers(self, record: Record) -> dict[str, _Answer]:
        out: dict[str, _Answer] = {}
        for criterion_id in self.ids:
            entry: AnswerEntry | None = record.answers.get(criterion_id)
            if criterion_id in self.unasked:
                out[criterion_id] = _Answer("not-assessed", None)
            elif entry is None:
                out[criterion_id] = _Answer("not-answered", None)
            elif entry.outcome is not None:
                out[criterion_id] = _Answer(self.share(entry.outcome), None)
            elif isinstance(entry.value, list):
                out[criterion_id] = _Answer("answered", [self.share(v) for v in entry.value])
            else:
                out[criterion_id] = _Answer("answered", self.share(entry.value))
        return out

    def score(self, plan: _Criterion, answer: _Answer) -> tuple[float | None, str | None, Fraction | None]:
        """Points (as stored), descriptor and weighted percent (None when not applicable)."""
        value = answer.value
        # The value's type is part of the key so that True and 1 never share an entry.
        key = (plan.criterion.id, answer.outcome, type(value), tuple(value) if isinstance(value, list) else value)
        found = self.scored.get(key)
        if found is None:
            scored = score_answer(plan.criterion, answer, plan.ranks)
            weighted = None if scored.points is None else scored.points * plan.per_point
            found = self.scored[key] = (_as_float(scored.points), scored.descriptor, weighted)
        return found


def _rank_tables(rubric: Rubric, replied: t.Sequence[Record]) -> dict[str, _RankTable]:
    tables: dict[str, _RankTable] = {}
    for criterion_id, (_, criterion) in rubric.criteria.items():
        if isinstance(criterion.answer, NumberAnswer) and criterion.answer.scoring == "rank":
            entries = (r.answers.get(criterion_id) for r in replied)
            values = [e.value for e in entries if e is not None and e.outcome is None]
            tables[criterion_id] = _RankTable(criterion, values)
    return tables


def _mean(parts: t.Iterable[tuple[Fraction, Fraction]]) -> Fraction | None:
    """Weighted mean from (weight, weight x percent) pairs; None when there are none.

    Summed as integer numerators over a growing common denominator and reduced once at the end:
    the same exact value as adding fractions one by one, without a gcd at every step (this is the
    engine's innermost arithmetic, run once per section and body)."""
    total, total_under = 0, 1
    weights, weights_under = 0, 1
    for weight, weighted in parts:
        total, total_under = total * weighted.denominator + weighted.numerator * total_under, total_under * weighted.denominator
        weights, weights_under = weights * weight.denominator + weight.numerator * weights_under, weights_under * weight.denominator
    return None if weights == 0 else Fraction(total * weights_under, total_under * weights)


def score(rubric: Rubric, records: t.Sequence[Record], register: Register, provenance: Provenance) -> Scorecard:
    """Score every record against the rubric. Records must already be validated (see evidence)."""
    with collector.paused():  # see scorecard.collector: a third of the scoring time at 10,000 bodies
        return _score(rubric, records, register, provenance)


def _score(rubric: Rubric, records: t.Sequence[Record], register: Register, provenance: Provenance) -> Scorecard:
    ordered = sorted(records, key=lambda r: r.organisation)
    # Rank-scored criteria need every body's value before any body is scored.
    unasked = not_assessed(provenance.round_info)
    scoring = _Scoring(rubric, _rank_tables(rubric, [r for r in ordered if r.response == "replied"]), unasked)
    share = scoring.share

    results: dict[str, dict[str, t.Any]] = {}
    exact: dict[str, Fraction] = {}
    for record in ordered:
        body = register[record.organisation]
        result: dict[str, t.Any] = {
            "code": body.code,
            "name": body.name,
            "short_name": body.short_name,
            "region": body.region,
            "kind": share(record.kind),
            "response": share(record.response),
            "assessor": share(record.assessor),
            "assessed_on": share(record.assessed_on),
            "sources": list(record.sources),
            "reply": record.reply,  # passed through as given: the renderers show it
        }
        if record.response != "replied":
            # Results are immutable, so every body without a score shares the same section results.
            result.update(percent=None, band=None, sections=list(scoring.not_scored), criteria=[], flags=[], categories=[])
            results[record.organisation] = result
            continue
        answers = scoring.answers(record)
        flags = [f for f in rubric.flags if f.when.holds(answers)]
        criteria: list[CriterionResult] = []
        sections: list[SectionResult] = []
        overall: list[tuple[Fraction, Fraction]] = []
        for section, plans in scoring.sections:
            parts: list[tuple[Fraction, Fraction]] = []
            for plan in plans:
                answer = answers[plan.criterion.id]
                points, descriptor, weighted = scoring.score(plan, answer)
                entry = record.answers.get(plan.criterion.id)
                criteria.append(
                    CriterionResult(
                        id=plan.criterion.id,
                        section=plan.section,
                        outcome=answer.outcome,  # type: ignore[arg-type]
                        value=answer.value,
                        points=points,
                        max_points=plan.max_points,
                        descriptor=descriptor,
                        source=share(entry.source) if entry else None,
                        note=entry.note if entry else scoring.unasked.get(plan.criterion.id),
                    )
                )
                if weighted is not None:
                    parts.append((plan.weight, weighted))
            uncapped = _mean(parts)
            percent, capped_by = uncapped, None
            for flag in flags:
                if flag.cap and flag.cap.section == section.id and percent is not None:
                    cap = _fraction(flag.cap.percent)
                    if cap < percent:
                        percent, capped_by = cap, flag.id
            sections.append(
                SectionResult(
                    id=section.id,
                    title=section.title,
                    percent=_as_float(percent),
                    uncapped_percent=_as_float(uncapped),
                    capped_by=capped_by,
                )
            )
            if percent is not None:
                weight = _fraction(section.weight)
                overall.append((weight, weight * percent))
        total = _mean(overall)
        if total is not None:
            exact[record.organisation] = total
        result.update(
            percent=_as_float(total),
            band=rubric.band_for(total).id if total is not None else None,
            sections=sections,
            criteria=criteria,
            flags=[scoring.flags[f.id] for f in flags],  # shared, like the sections above
            categories=[c.id for c in rubric.categories if c.when.holds(answers)],
        )
        results[record.organisation] = result

    rank = _competition_ranks(exact)
    organisations = [
        OrganisationResult(rank=rank.get(code), **result)
        for code, result in sorted(results.items(), key=lambda kv: (rank.get(kv[0], len(rank) + 1), kv[0]))
    ]
    return Scorecard(
        generator=Generator(name="scorecard", version=__version__),
        rubric=RubricInfo(id=rubric.id, version=rubric.version, title=rubric.title, sha256=provenance.rubric_sha256),
        round=ordered[0].round if ordered else "",
        round_info=round_summary(rubric, ordered, provenance.round_info),
        evidence_sha256=provenance.evidence_sha256,
        evidence_as_of=evidence_as_of(ordered, provenance.round_info),
        organisations=organisations,
        summary=summary(rubric, organisations, register, exact, provenance.round_info),
    )


def _competition_ranks(percents: dict[str, Fraction]) -> dict[str, int]:
    """1 for the highest percent; equal percents share a rank and the next rank is skipped."""
    ordered = sorted(percents.items(), key=lambda kv: (*_exact_order(-kv[1]), kv[0]))
    ranks: dict[str, int] = {}
    for position, (code, percent) in enumerate(ordered, start=1):
        previous = ordered[position - 2] if position > 1 else None
        ranks[code] = ranks[previous[0]] if previous and previous[1] == percent else position
    return ranks
