"""The Scorecard: everything the engine computes, the one context every output format shares.

`Scorecard.model_dump(mode="json")` is the `scorecard.json` contract; renderers read these
models and do no arithmetic of their own.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from scorecard.areas import AreaOverlay
from scorecard.models.record import Baseline, Reply, Source
from scorecard.vocabulary import ChangeDirection, Kind, Outcome, Relation, Response, Severity


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class Generator(_Model):
    name: str
    version: str


class RubricInfo(_Model):
    id: str
    version: str
    title: str
    sha256: str


# The results below are the bulk of a scorecard: one per criterion, section and flag of every body
# (220,000 criterion results at 10,000 bodies). As frozen slotted dataclasses they take about a
# tenth of a pydantic model's memory (no __dict__, no record of the fields set) and cost no
# validation to build; the engine guarantees their types. Pydantic serialises them inside the
# models that hold them, field by field in the order declared, so scorecard.json is unchanged.
# (Written out on each class, not through an alias: type checkers see a dataclass only then.)


@dataclass(frozen=True, slots=True)
class CriterionResult:
    id: str
    section: str
    outcome: Outcome
    value: t.Any
    points: float | None  # None when not applicable or not assessed in the round: left out of the maximum
    max_points: float
    descriptor: str | None  # the level the answer reached, in plain words
    source: str | None
    note: str | None


@dataclass(frozen=True, slots=True)
class SectionResult:
    id: str
    title: str
    percent: float | None  # None when the body did not reply or nothing in it applies
    uncapped_percent: float | None
    capped_by: str | None  # the flag whose cap lowered the percent


@dataclass(frozen=True, slots=True)
class FlagResult:
    id: str
    severity: Severity
    message: str
    caps: str | None  # the section this flag caps, if any


class OrganisationResult(_Model):
    code: str
    name: str
    short_name: str
    region: str
    kind: Kind
    response: Response
    assessor: str
    assessed_on: str
    percent: float | None
    band: str | None
    rank: int | None
    sections: list[SectionResult]
    criteria: list[CriterionResult]
    flags: list[FlagResult]
    categories: list[str]
    sources: list[Source]
    # The body's answer to its assessment, if it gave one; absent from scorecard.json (not null)
    # when there is none, so rounds without replies dump as they always did.
    reply: Reply | None = Field(default=None, exclude_if=lambda value: value is None)



class PublishedCount(_Model):
    count: int
    of: int
    source: str


class CategoryCount(_Model):
    id: str
    title: str
    count: int
    of: int
    published: PublishedCount | None


class Summary(_Model):
    organisations: int
    replied: int
    refused: int
    no_reply: int
    not_assessed: list[str]  # register codes with no record in this round
    median_percent: float | None
    bands: dict[str, int]
    categories: list[CategoryCount]


class NotAssessedCriterion(_Model):
    id: str
    title: str | None
    reason: str


class RoundSummary(_Model):
    id: str
    title: str | None
    description: str | None
    illustrative: bool
    baselines: list[Baseline]
    # When the evidence describes (the round's gathering period) and when it was encoded (the
    # latest assessed_on): never the same thing, and only the first is the evidence date.
    gathered_from: str | None = None
    gathered_to: str | None = None
    encoded_on: str | None = None
    no_reply_wording: str | None = None
    criteria: int = 0  # criteria in the rubric
    criteria_scored: int = 0  # of which the round assessed (the rest are in not_assessed)
    not_assessed: list[NotAssessedCriterion] = []
    # The same facts in the words every output uses (scorecard.render.words).
    dates_in_words: str = ""
    coverage_in_words: str = ""


# ---------------------------------------------------------------- comparing two rounds


class RoundRef(_Model):
    round: str
    title: str | None
    illustrative: bool
    rubric: str
    rubric_version: str
    register_name: str | None  # the register its bodies were checked against
    evidence_sha256: str


class CriterionChange(_Model):
    id: str
    before: float | None  # points; for a successor, the mean over its scored predecessors
    after: float | None
    max_points: float
    level_before: str | None  # the descriptor, when there is one earlier body to take it from
    level_after: str | None


class SectionChange(_Model):
    id: str
    title: str
    before: float | None
    after: float | None
    change: float | None


class EarlierBody(_Model):
    """A body of the earlier round that a later body is compared with (or is not, if split)."""

    code: str
    name: str
    whole: bool  # False when only part of it went into the later body
    response: Response | None  # None: no record in that round
    percent: float | None
    note: str | None = None


class BodyChange(_Model):
    code: str
    name: str
    short_name: str
    relation: Relation
    basis: str  # how the earlier picture was formed, in words
    predecessors: list[EarlierBody]  # the whole bodies compared with
    parts_not_counted: list[EarlierBody]  # split bodies that gave it a part: never attributed
    response_before: Response | None
    response_after: Response
    replied_now_not_before: bool
    replied_before_not_now: bool
    percent_before: float | None
    percent_after: float | None
    change: float | None  # percentage points, after minus before
    direction: ChangeDirection | None  # None when either side has no score
    words: str  # e.g. "up 12.5 points"
    band_before: str | None
    band_after: str | None
    sections: list[SectionChange]
    criteria: list[CriterionChange]  # only those whose points moved
    flags_raised: list[str]
    flags_cleared: list[str]


class SplitBody(_Model):
    code: str
    name: str
    response: Response | None
    percent: float | None
    successors: list[str]
    words: str


class LeftOut(_Model):
    id: str
    reason: str


class Changes(_Model):
    before: RoundRef
    after: RoundRef
    method: str
    criteria_compared: list[str]
    criteria_left_out: list[LeftOut]
    flags_left_out: list[LeftOut]
    bodies: list[BodyChange]
    split: list[SplitBody]
    unmatched_before: list[str]  # earlier codes with no body in this round to compare with


class Timeliness(_Model):
    """How promptly the bodies answered the round's requests (from the round's requests.csv)."""

    working_days: int  # the statutory limit counted against
    as_of: str  # the day open requests were reckoned on
    sent: int
    in_time: int
    late: list[str]  # answered after the limit
    no_reply: list[str]  # no answer and past the limit on as_of
    pending: list[str]  # no answer yet, but not yet due on as_of
    not_in_time: int  # late + no_reply: "7 did not reply within 20 working days"


class Scorecard(_Model):
    generator: Generator
    rubric: RubricInfo
    round: str
    round_info: RoundSummary
    evidence_sha256: str
    evidence_as_of: str | None
    organisations: list[OrganisationResult]
    summary: Summary
    # Set only when the round is compared with an earlier one; absent otherwise.
    changes: Changes | None = Field(default=None, exclude_if=lambda value: value is None)
    # Set only when the round folder holds a request tracker; absent otherwise.
    timeliness: Timeliness | None = Field(default=None, exclude_if=lambda value: value is None)
    # The register's area overlay (scorecard.areas), when it has one; absent otherwise.
    areas: AreaOverlay | None = Field(default=None, exclude_if=lambda value: value is None)

