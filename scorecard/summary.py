"""The round as a whole, from the scored bodies: what the round is and when its evidence is from,
which criteria it scores on, and the national counts. Pure, like the engine that calls it.

Two dates are kept apart: the period the evidence describes (the round's gathering period in
round.json) and when the records were encoded (their latest `assessed_on`). Only the first is
the evidence date; without a gathering period the records' own date is all there is.
"""

from __future__ import annotations

import statistics
import typing as t
from fractions import Fraction

from scorecard.models.record import Record, RoundInfo
from scorecard.models.rubric import Rubric
from scorecard.register import Register
from scorecard.result import (
    CategoryCount,
    NotAssessedCriterion,
    OrganisationResult,
    PublishedCount,
    RoundSummary,
    Summary,
)
from scorecard.round_words import coverage_in_words, dates_in_words


def as_float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def not_assessed(info: RoundInfo | None) -> dict[str, str]:
    """Criteria the round did not ask about, with the round's reason: the same for every body."""
    return {item.criterion: item.reason for item in info.not_assessed} if info else {}


def evidence_as_of(records: t.Sequence[Record], info: RoundInfo | None) -> str | None:
    """The evidence date: the end of the round's gathering period when it gives one, else the
    records' latest date (for a self-assessment, the day it was made)."""
    if info is not None and info.gathered_on is not None:
        return info.gathered_on
    return max((r.assessed_on for r in records), default=None)


def round_summary(rubric: Rubric, records: t.Sequence[Record], info: RoundInfo | None) -> RoundSummary:
    unasked = {item.criterion: item.reason for item in info.not_assessed} if info else {}
    facts = RoundSummary(
        id=records[0].round if records else (info.round if info else ""),
        title=info.title if info else None,
        description=info.description if info else None,
        illustrative=info.illustrative if info else False,
        baselines=list(info.baselines) if info else [],
        gathered_from=(info.gathered_from or info.gathered_on) if info else None,
        gathered_to=info.gathered_on if info else None,
        encoded_on=max((r.assessed_on for r in records), default=None),
        no_reply_wording=info.no_reply_wording if info else None,
        criteria=len(rubric.criteria),
        criteria_scored=len(rubric.criteria) - len(unasked),
        # In the rubric's order, so every output lists them alike.
        not_assessed=[
            NotAssessedCriterion(id=cid, title=criterion.title, reason=unasked[cid])
            for cid, (_, criterion) in rubric.criteria.items()
            if cid in unasked
        ],
    )
    # In words once, here, so scorecard.json carries exactly what the site and workbook say.
    in_words = {"dates_in_words": dates_in_words(facts, evidence_as_of(records, info)), "coverage_in_words": coverage_in_words(facts)}
    return facts.model_copy(update=in_words)


def summary(
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
        median_percent=as_float(statistics.median(exact.values())) if exact else None,
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
