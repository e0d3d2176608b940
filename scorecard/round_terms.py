"""What a round says about itself beyond its records (round.json): figures published elsewhere,
when its evidence was gathered, and the criteria it did not ask about.

The models here are part of `RoundInfo` (scorecard.evidence); `round_checks` checks their meaning
against the rubric and the records once the JSON Schema has passed.
"""

from __future__ import annotations

import datetime
import re
import typing as t

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from scorecard.problems import Finding

if t.TYPE_CHECKING:
    from scorecard.evidence import Record, RoundInfo
    from scorecard.rubric import Rubric


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class Published(_Model):
    category: str
    count: int
    of: int
    source: str


class BaselineFigure(_Model):
    label: str
    percent: float
    category: str | None = None


class Baseline(_Model):
    title: str
    source: str
    year: int | None = None
    figures: tuple[BaselineFigure, ...]


# The new round.json fields accept exactly what evidence/round.schema.json accepts (a test holds
# them to the same verdict): strict types, the schema's patterns and lengths, no extra keys, and a
# date that is a real date (the schema's format check). Absent is None; an explicit null is
# refused, as the schema refuses it, which is why these defaults do not match their types.
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _real_date(value: str) -> str:
    if not _DATE.fullmatch(value):
        raise ValueError("a date is written YYYY-MM-DD")
    datetime.date.fromisoformat(value)  # raises ValueError for 2023-02-30
    return value


Date = t.Annotated[str, Field(strict=True), AfterValidator(_real_date)]
Wording = t.Annotated[str, Field(strict=True, min_length=1, max_length=200)]


class NotAssessed(_Model):
    """A criterion the round did not ask about (with why): shown as not assessed in this round and
    left out of every body's maximum. A criterion the round did ask about is never listed here: a
    body that did not speak to it earns nothing for it."""

    model_config = ConfigDict(frozen=True, strict=True, extra="forbid")

    criterion: t.Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=64)]
    reason: t.Annotated[str, Field(min_length=1, max_length=20000)]


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
