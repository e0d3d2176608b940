"""The engine: `score(rubric, records, register) -> Scorecard`. Pure: no files, clock or network.

The formula, in words (the README says the same):

* A criterion earns points by its answer: the chosen option's points (`choice`), the level's points
  (`boolean`), max_points x options chosen / options offered (`multi`), the band's points for the
  value (`number`, bands) or max_points x (bodies with a worse value + half the others with the
  same value) / (bodies with a value - 1) (`number`, rank). An answer that is not held, refused or not answered earns 0 of its maximum;
  `not-applicable` leaves the criterion out of the maximum.
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
import statistics
import typing as t
from fractions import Fraction

from scorecard import __version__
from scorecard.evidence import AnswerEntry, Record, RoundInfo
from scorecard.register import Register
from scorecard.result import (
    CategoryCount,
    CriterionResult,
    FlagResult,
    Generator,
    OrganisationResult,
    PublishedCount,
    RoundSummary,
    RubricInfo,
    Scorecard,
    SectionResult,
    Summary,
)
from scorecard.rubric import BooleanAnswer, ChoiceAnswer, Criterion, MultiAnswer, NumberAnswer, Rubric


# The formula in plain words, for the methodology page, the workbook and the README.
FORMULA_IN_WORDS: tuple[str, ...] = (
    "Each criterion earns points from its answer: the chosen option's points; for a yes/no answer, "
    "the points of that level; for a set of options, the maximum times the share of options covered; "
    "for a number, the points of the band the value falls in, or, where the rubric ranks bodies, the "
    "maximum times the share of other bodies with a worse value (a body with the same value counts "
    "as half worse).",
    "An answer that is not held, refused or not given earns no points but still counts in the maximum. "
    "A criterion marked not applicable, with a reason, is left out of the maximum.",
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

    def __init__(self, criterion: Criterion, values: list[Fraction]) -> None:
        answer = t.cast(NumberAnswer, criterion.answer)
        self.better_high = answer.direction == "higher-is-better"
        self.values = sorted(values)
        self.max = Fraction(answer.max_points)

    def score(self, value: Fraction) -> _Scored:
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


def score_answer(criterion: Criterion, answer: _Answer, ranks: _RankTable | None = None) -> _Scored:
    """Points and level descriptor for one answer; points None when not applicable."""
    if answer.outcome == "not-applicable":
        return _Scored(None, "Not applicable")
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
        for level in definition.levels:
            if chosen >= level.min_count:
                descriptor = level.descriptor
        labels = [o.label for o in definition.options if o.value in value]
        listed = f"{chosen} of {len(definition.options)}" + (f": {', '.join(labels)}" if labels else "")
        return _Scored(points, f"{descriptor} ({listed})" if descriptor else listed)
    assert isinstance(definition, NumberAnswer)
    number = _fraction(value)
    if definition.scoring == "rank":
        assert ranks is not None
        return ranks.score(number)
    for band in definition.bands:
        if band.upto is None or number <= _fraction(band.upto):
            return _Scored(_fraction(band.points), band.descriptor)
    raise AssertionError("the last band has no upto")  # rubric meaning checks guarantee it


def _answers(record: Record, rubric: Rubric) -> dict[str, _Answer]:
    out: dict[str, _Answer] = {}
    for criterion_id in rubric.criteria:
        entry: AnswerEntry | None = record.answers.get(criterion_id)
        if entry is None:
            out[criterion_id] = _Answer("not-answered", None)
        elif entry.outcome is not None:
            out[criterion_id] = _Answer(entry.outcome, None)
        else:
            out[criterion_id] = _Answer("answered", entry.value)
    return out


def _rank_tables(rubric: Rubric, answered: dict[str, dict[str, _Answer]]) -> dict[str, _RankTable]:
    tables: dict[str, _RankTable] = {}
    for criterion_id, (_, criterion) in rubric.criteria.items():
        if isinstance(criterion.answer, NumberAnswer) and criterion.answer.scoring == "rank":
            values = [
                _fraction(answers[criterion_id].value)
                for answers in answered.values()
                if answers[criterion_id].outcome == "answered"
            ]
            tables[criterion_id] = _RankTable(criterion, values)
    return tables


def _percent(parts: t.Iterable[tuple[Fraction, Fraction]]) -> Fraction | None:
    """100 x weighted mean of ratios, from (weight, ratio) pairs; None when there are none."""
    total = Fraction(0)
    weights = Fraction(0)
    for weight, ratio in parts:
        total += weight * ratio
        weights += weight
    return None if weights == 0 else 100 * total / weights


def _as_float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def score(rubric: Rubric, records: t.Sequence[Record], register: Register, provenance: Provenance) -> Scorecard:
    """Score every record against the rubric. Records must already be validated (see evidence)."""
    ordered = sorted(records, key=lambda r: r.organisation)
    answered = {r.organisation: _answers(r, rubric) for r in ordered if r.response == "replied"}
    ranks = _rank_tables(rubric, answered)

    results: dict[str, dict[str, t.Any]] = {}
    exact: dict[str, Fraction] = {}
    for record in ordered:
        body = register[record.organisation]
        result: dict[str, t.Any] = {
            "code": body.code,
            "name": body.name,
            "short_name": body.short_name,
            "region": body.region,
            "kind": record.kind,
            "response": record.response,
            "assessor": record.assessor,
            "assessed_on": record.assessed_on,
            "sources": list(record.sources),
            "reply": record.reply,  # passed through as given: the renderers show it
        }
        if record.response != "replied":
            result.update(
                percent=None,
                band=None,
                sections=[SectionResult(id=s.id, title=s.title, percent=None, uncapped_percent=None, capped_by=None) for s in rubric.sections],
                criteria=[],
                flags=[],
                categories=[],
            )
            results[record.organisation] = result
            continue
        answers = answered[record.organisation]
        flags = [f for f in rubric.flags if f.when.holds(answers)]
        criteria: list[CriterionResult] = []
        sections: list[SectionResult] = []
        overall: list[tuple[Fraction, Fraction]] = []
        for section in rubric.sections:
            parts: list[tuple[Fraction, Fraction]] = []
            for criterion in section.criteria:
                answer = answers[criterion.id]
                scored = score_answer(criterion, answer, ranks.get(criterion.id))
                entry = record.answers.get(criterion.id)
                criteria.append(
                    CriterionResult(
                        id=criterion.id,
                        section=section.id,
                        outcome=answer.outcome,  # type: ignore[arg-type]
                        value=answer.value,
                        points=_as_float(scored.points),
                        max_points=criterion.max_points,
                        descriptor=scored.descriptor,
                        source=entry.source if entry else None,
                        note=entry.note if entry else None,
                    )
                )
                if scored.points is not None:
                    parts.append((_fraction(criterion.weight), scored.points / _fraction(criterion.max_points)))
            uncapped = _percent(parts)
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
                overall.append((_fraction(section.weight), percent / 100))
        total = _percent(overall)
        if total is not None:
            exact[record.organisation] = total
        result.update(
            percent=_as_float(total),
            band=rubric.band_for(total).id if total is not None else None,
            sections=sections,
            criteria=criteria,
            flags=[
                FlagResult(id=f.id, severity=f.severity, message=f.message, caps=f.cap.section if f.cap else None)
                for f in flags
            ],
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
        round_info=_round_summary(ordered, provenance.round_info),
        evidence_sha256=provenance.evidence_sha256,
        evidence_as_of=max((r.assessed_on for r in ordered), default=None),
        organisations=organisations,
        summary=_summary(rubric, organisations, register, exact, provenance.round_info),
    )


def _competition_ranks(percents: dict[str, Fraction]) -> dict[str, int]:
    """1 for the highest percent; equal percents share a rank and the next rank is skipped."""
    ordered = sorted(percents.items(), key=lambda kv: (-kv[1], kv[0]))
    ranks: dict[str, int] = {}
    for position, (code, percent) in enumerate(ordered, start=1):
        previous = ordered[position - 2] if position > 1 else None
        ranks[code] = ranks[previous[0]] if previous and previous[1] == percent else position
    return ranks


def _round_summary(records: t.Sequence[Record], info: RoundInfo | None) -> RoundSummary:
    return RoundSummary(
        id=records[0].round if records else (info.round if info else ""),
        title=info.title if info else None,
        description=info.description if info else None,
        illustrative=info.illustrative if info else False,
        baselines=list(info.baselines) if info else [],
    )


def _summary(
    rubric: Rubric,
    organisations: list[OrganisationResult],
    register: Register,
    exact: dict[str, Fraction],
    info: RoundInfo | None,
) -> Summary:
    replied = [o for o in organisations if o.response == "replied"]
    published = {p.category: p for p in info.published} if info else {}
    bands = {b.id: 0 for b in rubric.bands}
    for organisation in replied:
        if organisation.band is not None:
            bands[organisation.band] += 1
    assessed = {o.code for o in organisations}
    return Summary(
        organisations=len(organisations),
        replied=len(replied),
        refused=sum(o.response == "refused" for o in organisations),
        no_reply=sum(o.response == "no-reply" for o in organisations),
        not_assessed=sorted(code for code in register.bodies if code not in assessed),
        median_percent=_as_float(statistics.median(exact.values())) if exact else None,
        bands=bands,
        categories=[
            CategoryCount(
                id=c.id,
                title=c.title,
                count=sum(c.id in o.categories for o in replied),
                of=len(replied),
                published=PublishedCount(count=published[c.id].count, of=published[c.id].of, source=published[c.id].source)
                if c.id in published
                else None,
            )
            for c in rubric.categories
        ],
    )
