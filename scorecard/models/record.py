"""The shape of a round's evidence: a record (evidence/evidence.schema.json, one JSON file per body)
and round.json (evidence/round.schema.json), as frozen pydantic models.

Loading and checking them is in scorecard.evidence; round.json's meaning checks are in
scorecard.round_terms.
"""

from __future__ import annotations

import datetime
import re
import typing as t

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from scorecard.models import Boolean, Integer, Number
from scorecard.vocabulary import Kind, RecordOutcome, Response


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RubricRef(_Model):
    id: str
    version: str


class Source(_Model):
    id: str
    title: str
    date: str
    url: str | None = None
    reference: str | None = None


class AnswerEntry(_Model):
    """An answer with a value (and the source it rests on), or an outcome saying why there is none."""

    value: t.Any = None
    outcome: RecordOutcome | None = None
    source: str | None = None
    note: str | None = None

    # The schema's two shapes of an answer. A null reads as absent here, as in every model (the
    # schema refuses it, and is always checked first), so that a dumped record reads back.
    @model_validator(mode="after")
    def _value_or_outcome(self) -> AnswerEntry:
        if self.value is not None:
            if self.outcome is not None or self.source is None:
                raise ValueError("an answer with a value names its source and has no outcome")
            if isinstance(self.value, dict):
                raise ValueError("a value is text, a number, true or false, or a list")
        elif self.outcome is None:
            raise ValueError("an answer has a value or an outcome")
        return self


class Reply(_Model):
    """A body's answer to its assessment (its right of reply), and what the assessor did with it."""

    date: str
    text: str
    revised: Boolean  # whether the assessor changed answers because of it
    note: str | None = None  # the assessor's account of what changed and why
    source: str | None = None
    previous_answers: dict[str, AnswerEntry] = {}  # the answers as they were before the revision


class Record(_Model):
    organisation: str
    rubric: RubricRef
    round: str
    kind: Kind
    response: Response
    assessor: str
    assessed_on: str
    sources: tuple[Source, ...]
    answers: dict[str, AnswerEntry]
    reply: Reply | None = None


# ---------------------------------------------------------------- round.json


class Published(_Model):
    """A figure published elsewhere, shown beside the one computed for a category."""

    category: str
    count: Integer
    of: Integer
    source: str


class BaselineFigure(_Model):
    label: str
    percent: Number
    category: str | None = None


class Baseline(_Model):
    title: str
    source: str
    year: Integer | None = None
    figures: tuple[BaselineFigure, ...]


# These round.json fields accept exactly what evidence/round.schema.json accepts (a test holds
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


class RoundInfo(_Model):
    round: str
    title: str
    description: str | None = None
    illustrative: Boolean = False
    gathered_from: Date = None  # type: ignore[assignment]  # start of the gathering period (see round_terms)
    gathered_on: str | None = None  # when the evidence was gathered: picks the register in force
    no_reply_wording: Wording = None  # type: ignore[assignment]  # the round's words for "did not reply"
    not_assessed: tuple[NotAssessed, ...] = ()
    # or name that register outright ("register" would shadow BaseModel.register)
    register_name: str | None = Field(default=None, alias="register")
    # Written by `scorecard round new` and read by the round commands (scorecard.rounds) from the
    # file itself; the schema has always allowed them, and scoring does not use them.
    rubric: str | None = None
    kind: Kind | None = None
    published: tuple[Published, ...] = ()
    baselines: tuple[Baseline, ...] = ()
