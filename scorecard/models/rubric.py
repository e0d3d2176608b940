"""The shape of a rubric: what rubrics/rubric.schema.json describes, as frozen pydantic models.

A rubric is data, and the single source of truth for which questions exist and which answers
they take: the evidence schema, the self-assessment workbook and the methodology page all derive
from the `Rubric` model. Loading it and checking its meaning are in scorecard.rubric.
"""

from __future__ import annotations

import functools
import typing as t
from fractions import Fraction

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from scorecard import conditions
from scorecard.models import Boolean, Integer, Number
from scorecard.vocabulary import ANSWER_OUTCOMES, Direction, Scoring, Severity


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)


# A condition's shape, as the schema's `condition` and `test` have it; conditions.parse then
# builds it (and trusts the shape). Each operator's operand, by JSON type:
_SCALAR = (str, int, float)
_OPERANDS: dict[str, t.Callable[[t.Any], bool]] = {
    "equals": lambda v: isinstance(v, _SCALAR),
    "in": lambda v: isinstance(v, list) and all(isinstance(x, _SCALAR) for x in v),
    "contains": lambda v: isinstance(v, str),
    "contains_any": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
    "contains_all": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
    "missing": lambda v: isinstance(v, bool),
    "outcome": lambda v: v in ANSWER_OUTCOMES,
    "gte": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "lte": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
}


def _condition_shape(data: t.Any) -> None:
    if isinstance(data, (conditions.All, conditions.Any, conditions.Not, conditions.Test)):
        return
    if not isinstance(data, dict):
        raise ValueError("a condition is a mapping")
    keys = set(data)
    if keys in ({"all"}, {"any"}):
        items = next(iter(data.values()))
        if not isinstance(items, list):
            raise ValueError("all and any take a list of conditions")
        for item in items:
            _condition_shape(item)
    elif keys == {"not"}:
        _condition_shape(data["not"])
    else:
        operators = keys - {"criterion"}
        if "criterion" not in keys or not isinstance(data["criterion"], str) or len(operators) != 1:
            raise ValueError("a test is {criterion: ID, <operator>: ...} with exactly one operator")
        (operator,) = operators
        if operator not in _OPERANDS or not _OPERANDS[operator](data[operator]):
            raise ValueError(f"not an operator with a fitting operand: {operator}")


def _condition(data: t.Any) -> conditions.Condition:
    _condition_shape(data)
    return conditions.parse(data)


Condition = t.Annotated[conditions.Condition, BeforeValidator(_condition)]


class ChoiceOption(_Model):
    value: str
    label: str | None = None
    points: Number
    descriptor: str

    @property
    def shown(self) -> str:  # what a person reads: the label, else the value in words (lint warns)
        return self.label or self.value.replace("-", " ").replace("_", " ").capitalize()


class ChoiceAnswer(_Model):
    type: t.Literal["choice"]
    options: tuple[ChoiceOption, ...]

    @property
    def max_points(self) -> float:
        return max(o.points for o in self.options)


class MultiOption(_Model):
    value: str
    label: str


class MultiLevel(_Model):
    min_count: Integer
    descriptor: str


class MultiAnswer(_Model):
    """A set of options; points = max_points x (options chosen / options offered)."""

    type: t.Literal["multi"]
    options: tuple[MultiOption, ...]
    max_points: Number
    levels: tuple[MultiLevel, ...] = ()


class NumberBand(_Model):
    upto: Number | None = None
    points: Number
    descriptor: str


class Measure(_Model):
    """The published measure a number answer's figures come from (`scorecard figures import`)."""

    id: str
    title: str
    url: str
    unit: str
    publisher: str | None = None
    org_type: str | None = None
    percentage: Boolean | None = None
    changed_on: str | None = None
    change_note: str | None = None
    combine: t.Literal["ratio", "percent-change"] | None = None


class RequestWording(_Model):
    """Wording for the round's requests, if not the generic one (scorecard/rounds/requests.py)."""

    subject: str | None = None
    introduction: str | None = None
    closing: str | None = None


def _shaped(model: type[_Model]) -> t.Callable[[t.Any], t.Any]:
    def check(data: t.Any) -> t.Any:
        model.model_validate(data)  # its ValidationError is a ValueError: pydantic reports it here
        return data

    return check


# Checked as their models, kept as the mappings their readers (rounds/figures.py, rounds/requests.py)
# take them as, so that they dump as they always did.
MeasureMapping = t.Annotated[dict[str, t.Any], BeforeValidator(_shaped(Measure))]
RequestMapping = t.Annotated[dict[str, str], BeforeValidator(_shaped(RequestWording))]


class NumberAnswer(_Model):
    """An indicator. `bands` scores absolute values; `rank` scores position among the bodies
    with a value in the round: best gets max_points, worst none, linear in between."""

    type: t.Literal["number"]
    unit: str
    direction: Direction
    minimum: Number | None = None
    maximum: Number | None = None
    max_points: Number
    scoring: Scoring
    bands: tuple[NumberBand, ...] = ()
    measure: MeasureMapping | None = None

    @model_validator(mode="after")
    def _bands_only_when_banded(self) -> NumberAnswer:
        if (self.scoring == "bands") != ("bands" in self.model_fields_set):
            raise ValueError("scoring by bands takes `bands`; scoring by rank takes none")
        return self


class BooleanLevel(_Model):
    points: Number
    descriptor: str


class BooleanAnswer(_Model):
    type: t.Literal["boolean"]
    when_true: BooleanLevel
    when_false: BooleanLevel

    @property
    def max_points(self) -> float:
        return max(self.when_true.points, self.when_false.points)


AnswerDefinition = t.Annotated[
    ChoiceAnswer | MultiAnswer | NumberAnswer | BooleanAnswer, Field(discriminator="type")
]


class Criterion(_Model):
    id: str
    title: str | None = None
    question: str
    guidance: str
    clause: str = Field(description="The framework clause or source the criterion rests on.")
    weight: Number
    answer: AnswerDefinition

    @property
    def max_points(self) -> float:
        return self.answer.max_points

    def allowed_values(self) -> list[t.Any]:
        """The values an answer may take, for choice, multi and boolean; empty for number."""
        if isinstance(self.answer, (ChoiceAnswer, MultiAnswer)):
            return [o.value for o in self.answer.options]
        if isinstance(self.answer, BooleanAnswer):
            return [True, False]
        return []


class Section(_Model):
    id: str
    title: str
    short_title: str | None = None  # for a sheet tab (at most 31 characters)
    summary: str | None = None
    weight: Number
    criteria: tuple[Criterion, ...]


class Cap(_Model):
    section: str
    percent: Number


class Flag(_Model):
    id: str
    title: str | None = None
    severity: Severity
    message: str
    source: str | None = None
    when: Condition
    cap: Cap | None = None


class Category(_Model):
    id: str
    title: str
    description: str | None = None
    when: Condition


class Band(_Model):
    id: str
    label: str
    description: str | None = None
    min_percent: Number
    colour: str


class Change(_Model):
    version: str
    date: str
    summary: str


class Governance(_Model):
    authors: tuple[str, ...] = ()
    checked_by: tuple[str, ...] = ()
    reviewed_on: str | None = None
    next_review_due: str | None = None
    changes: tuple[Change, ...] = ()


class Framework(_Model):
    title: str
    publisher: str | None = None
    reference: str | None = None
    date: str | None = None
    url: str | None = None


class RubricSource(_Model):
    id: str
    title: str
    date: str | None = None
    url: str | None = None


class Rubric(_Model):
    id: str
    version: str
    title: str
    summary: str | None = None
    framework: Framework | None = None
    # "register" would shadow ABCMeta.register on the model class.
    register_name: str = Field(alias="register")
    organisation_label: str = "organisation"
    request: RequestMapping | None = None  # wording for the round's requests
    governance: Governance | None = None
    sources: tuple[RubricSource, ...] = ()
    sections: tuple[Section, ...]
    flags: tuple[Flag, ...] = ()
    categories: tuple[Category, ...] = ()
    bands: tuple[Band, ...]

    @property
    def major(self) -> str:
        return self.version.split(".")[0]

    @functools.cached_property
    def criteria(self) -> dict[str, tuple[Section, Criterion]]:
        return {c.id: (s, c) for s in self.sections for c in s.criteria}

    def band_for(self, percent: Fraction | float) -> Band:
        """The highest band whose lower bound the percent reaches (bands are in ascending order).

        Compared exactly: a percent of 2/3 x 100 must not round up into the band above 66.67."""
        chosen = self.bands[0]
        for band in self.bands:
            if Fraction(percent) >= Fraction(str(band.min_percent)):
                chosen = band
        return chosen
