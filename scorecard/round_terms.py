"""What a round says about itself beyond its records (round.json): figures published elsewhere,
when its evidence was gathered, and the criteria it did not ask about.

Their shapes are part of `RoundInfo` (scorecard.models.record); `round_checks` checks their
meaning against the rubric and the records once the JSON Schema has passed.
"""

from __future__ import annotations

import typing as t

from scorecard.problems import Finding

if t.TYPE_CHECKING:
    from scorecard.models.record import Record, RoundInfo
    from scorecard.models.rubric import Rubric


def round_checks(info: RoundInfo, rubric: Rubric, records: t.Sequence[Record]) -> list[Finding]:
    """Problems (code, JSON pointer, message) with the meaning of a schema-valid round.json."""
    problems: list[Finding] = []
    if info.gathered_from is not None:
        if info.gathered_on is None:
            problems.append(Finding("bad-gathering-period", "/gathered_from", "gathered_from needs gathered_on, the end of the gathering period"))
        elif info.gathered_from > info.gathered_on:
            problems.append(Finding("bad-gathering-period", "/gathered_from",
                                    f"the gathering period starts ({info.gathered_from}) after it ends ({info.gathered_on})"))
    seen: set[str] = set()
    for i, item in enumerate(info.not_assessed):
        where = f"/not_assessed/{i}/criterion"
        if item.criterion not in rubric.criteria:
            problems.append(Finding("unknown-criterion", where, f"the rubric has no criterion {item.criterion!r}"))
        elif item.criterion in seen:
            problems.append(Finding("duplicate-id", where, f"{item.criterion} is listed twice"))
        seen.add(item.criterion)
        answered = sorted(r.organisation for r in records if item.criterion in r.answers)
        if answered:
            problems.append(Finding("not-assessed-but-answered", where,
                                    f"the round says {item.criterion} was not assessed, but {', '.join(answered)} answer it"))
    return problems
