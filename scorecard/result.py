"""The Scorecard: everything the engine computes, the one context every output format shares.

`Scorecard.model_dump(mode="json")` is the `scorecard.json` contract; renderers read these
models and do no arithmetic of their own.
"""

from __future__ import annotations

import typing as t

from pydantic import BaseModel, ConfigDict

from scorecard.evidence import Baseline, Source


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


class CriterionResult(_Model):
    id: str
    section: str
    outcome: t.Literal["answered", "not-applicable", "not-held", "refused", "not-answered"]
    value: t.Any = None
    points: float | None  # None when not applicable: left out of the maximum
    max_points: float
    descriptor: str | None  # the level the answer reached, in plain words
    source: str | None
    note: str | None


class SectionResult(_Model):
    id: str
    title: str
    percent: float | None  # None when the body did not reply or nothing in it applies
    uncapped_percent: float | None
    capped_by: str | None  # the flag whose cap lowered the percent


class FlagResult(_Model):
    id: str
    severity: str
    message: str
    caps: str | None  # the section this flag caps, if any


class OrganisationResult(_Model):
    code: str
    name: str
    short_name: str
    region: str
    kind: str
    response: t.Literal["replied", "refused", "no-reply"]
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


class RoundSummary(_Model):
    id: str
    title: str | None
    description: str | None
    illustrative: bool
    baselines: list[Baseline]


class Scorecard(_Model):
    generator: Generator
    rubric: RubricInfo
    round: str
    round_info: RoundSummary
    evidence_sha256: str
    evidence_as_of: str | None
    organisations: list[OrganisationResult]
    summary: Summary
