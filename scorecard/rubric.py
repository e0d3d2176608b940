"""Rubrics: load YAML, check it against the rubric JSON Schema, then check its meaning.

A rubric is data, and the single source of truth for which questions exist and which answers
they take: the evidence schema, the self-assessment workbook and the methodology page all derive
from the `Rubric` model built here.
"""

from __future__ import annotations

import functools
import hashlib
import json
import typing as t
from fractions import Fraction
from pathlib import Path

import jsonschema
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from scorecard import conditions
from scorecard.bundled import bundled_rubrics, find_rubric, find_rubric_option  # noqa: F401 (re-exported)
from scorecard.loaders import MAX_RUBRIC_BYTES, parse_yaml, read_bytes
from scorecard.problem_codes import schema_code
from scorecard.problems import Finding, InvalidInput, Problem, pointer
from scorecard.quoting import listed, quote
from scorecard.register import Register, load_register, outside_rubric_folder, resolve
from scorecard.resources import data_dir
from scorecard.schema_messages import plain_message, subschema, unknown_keys
from scorecard.schemas import strict_validator


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)


Condition = t.Annotated[conditions.Condition, BeforeValidator(conditions.parse)]


class ChoiceOption(_Model):
    value: str
    label: str | None = None
    points: float
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
    min_count: int
    descriptor: str


class MultiAnswer(_Model):
    """A set of options; points = max_points x (options chosen / options offered)."""

    type: t.Literal["multi"]
    options: tuple[MultiOption, ...]
    max_points: float
    levels: tuple[MultiLevel, ...] = ()


class NumberBand(_Model):
    upto: float | None = None
    points: float
    descriptor: str


class NumberAnswer(_Model):
    """An indicator. `bands` scores absolute values; `rank` scores position among the bodies
    with a value in the round: best gets max_points, worst none, linear in between."""

    type: t.Literal["number"]
    unit: str
    direction: t.Literal["lower-is-better", "higher-is-better"]
    minimum: float | None = None
    maximum: float | None = None
    max_points: float
    scoring: t.Literal["bands", "rank"]
    bands: tuple[NumberBand, ...] = ()
    measure: dict[str, t.Any] | None = None  # a published measure; read by scorecard/rounds/figures.py


class BooleanLevel(_Model):
    points: float
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
    weight: float
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
    weight: float
    criteria: tuple[Criterion, ...]


class Cap(_Model):
    section: str
    percent: float


class Flag(_Model):
    id: str
    title: str | None = None
    severity: t.Literal["concern", "caveat", "note"]
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
    min_percent: float
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
    request: dict[str, str] | None = None  # wording for the round's requests (scorecard/rounds/requests.py)
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


class LoadedRubric(t.NamedTuple):
    rubric: Rubric
    path: Path
    sha256: str
    register: Register


# ---------------------------------------------------------------- loading


@functools.lru_cache(maxsize=1)
def rubric_schema() -> dict[str, t.Any]:
    schema: dict[str, t.Any] = json.loads((data_dir("rubrics") / "rubric.schema.json").read_text("utf-8"))
    return schema


def load_rubric(path: Path) -> LoadedRubric:
    """Load and check a rubric and its register; raise InvalidInput with every problem found."""
    name = str(path)
    data = read_bytes(path, MAX_RUBRIC_BYTES, "rubric")
    document = parse_yaml(data, name)

    def at(where: str) -> int | None:  # the nearest enclosing node that has a line
        while where and where not in document.lines:
            where = where.rsplit("/", 1)[0]
        return document.lines.get(where)

    validator = strict_validator(rubric_schema())
    problems = [
        Problem(name, pointer(e.absolute_path), schema_message(e), at(pointer(e.absolute_path)), code=schema_code(e))
        for e in validator.iter_errors(document.data)
    ]
    if problems:
        raise InvalidInput(problems)
    rubric = Rubric.model_validate(document.data)
    problems = [Problem(name, where, message, at(where), code=code) for code, where, message in meaning_problems(rubric)]
    register_path = resolve(rubric.register_name, path)
    if outside_rubric_folder(register_path, path):
        problems.append(Problem(name, "/register", f"register {quote(rubric.register_name)} lies outside the rubric's folder; name a bundled "
                                                   "register or a CSV file in the rubric's folder", at("/register"), code="register-outside-folder"))
    elif not register_path.is_file():
        problems.append(
            Problem(name, "/register", f"register {quote(rubric.register_name)} not found (looked for {register_path})", at("/register"),
                    code="unknown-register")
        )
    if problems:
        raise InvalidInput(problems)
    register = load_register(register_path, rubric.register_name)
    return LoadedRubric(rubric, path, hashlib.sha256(data).hexdigest(), register)


def schema_message(error: jsonschema.ValidationError) -> str:
    """jsonschema's message, made plainer for the common cases people hit."""
    if error.validator == "oneOf" and error.schema_path and "condition" in str(error.schema):
        return "not a valid condition: use all/any/not, or {criterion: ID, <operator>: ...} with exactly one operator"
    if error.validator == "additionalProperties":
        allowed = ", ".join(sorted(subschema(error).get("properties", {})))
        return f"unknown key {listed(unknown_keys(error))}; allowed here: {allowed}"
    return plain_message(error)


# ---------------------------------------------------------------- meaning


def meaning_problems(rubric: Rubric) -> list[Finding]:
    """What the schema cannot check: unique ids, sound answer definitions, conditions that name
    real criteria and values they can take, caps on real sections, bands in order."""
    out: list[Finding] = []

    def unique(kind: str, items: t.Iterable[tuple[str, str]]) -> None:
        seen: dict[str, str] = {}
        for where, ident in items:
            if ident in seen:
                out.append(Finding("duplicate-id", where, f"{kind} id {ident!r} is used twice (first at {seen[ident]}); ids must be unique"))
            else:
                seen[ident] = where

    unique("section", ((f"/sections/{i}/id", s.id) for i, s in enumerate(rubric.sections)))
    unique(
        "criterion",
        (
            (f"/sections/{i}/criteria/{j}/id", c.id)
            for i, s in enumerate(rubric.sections)
            for j, c in enumerate(s.criteria)
        ),
    )
    unique("flag", ((f"/flags/{i}/id", f.id) for i, f in enumerate(rubric.flags)))
    unique("category", ((f"/categories/{i}/id", c.id) for i, c in enumerate(rubric.categories)))
    unique("band", ((f"/bands/{i}/id", b.id) for i, b in enumerate(rubric.bands)))

    for i, section in enumerate(rubric.sections):
        for j, criterion in enumerate(section.criteria):
            out.extend(_answer_problems(criterion, f"/sections/{i}/criteria/{j}/answer"))

    sections = {s.id for s in rubric.sections}
    for i, flag in enumerate(rubric.flags):
        out.extend(_condition_problems(rubric, flag.when, f"/flags/{i}/when"))
        if flag.cap and flag.cap.section not in sections:
            out.append(Finding("unknown-section", f"/flags/{i}/cap/section",
                               f"no section {flag.cap.section!r}; caps name a section id: {', '.join(sorted(sections))}"))
    for i, category in enumerate(rubric.categories):
        out.extend(_condition_problems(rubric, category.when, f"/categories/{i}/when"))

    if rubric.bands[0].min_percent != 0:
        out.append(Finding("bad-bands", "/bands/0/min_percent", "the first band must start at 0 so every percent has a band"))
    for i in range(1, len(rubric.bands)):
        if rubric.bands[i].min_percent <= rubric.bands[i - 1].min_percent:
            out.append(Finding("bad-bands", f"/bands/{i}/min_percent", "bands must be in ascending order of min_percent, each above the one before"))
    return out


def _answer_problems(criterion: Criterion, at: str) -> list[Finding]:
    answer = criterion.answer
    out: list[Finding] = []
    if isinstance(answer, (ChoiceAnswer, MultiAnswer)):
        seen: set[str] = set()
        options: t.Sequence[ChoiceOption | MultiOption] = answer.options
        for k, option in enumerate(options):
            if option.value in seen:
                out.append(Finding("duplicate-option", f"{at}/options/{k}/value", f"option {option.value!r} appears twice in {criterion.id}"))
            seen.add(option.value)
    if criterion.max_points <= 0:
        out.append(Finding("bad-points", at, f"{criterion.id} can earn no points; give at least one level points above 0"))
    if isinstance(answer, MultiAnswer):
        counts = [level.min_count for level in answer.levels]
        if counts != sorted(set(counts)):
            out.append(Finding("bad-levels", f"{at}/levels", "levels must be in ascending order of min_count, with no repeats"))
        if counts and counts[-1] > len(answer.options):
            out.append(Finding("bad-levels", f"{at}/levels", f"a level needs {counts[-1]} options but only {len(answer.options)} are offered"))
        if counts and counts[0] != 0:
            out.append(Finding("bad-levels", f"{at}/levels/0/min_count", "the first level must start at 0 so every answer has a descriptor"))
    if isinstance(answer, NumberAnswer):
        if answer.minimum is not None and answer.maximum is not None and answer.minimum > answer.maximum:
            out.append(Finding("bad-range", f"{at}/minimum", "minimum is above maximum"))
        bands = answer.bands
        for k, band in enumerate(bands):
            last = k == len(bands) - 1
            if last and band.upto is not None:
                out.append(Finding("bad-bands", f"{at}/bands/{k}", "the last band must have no `upto`, so it takes every larger value"))
            if not last and band.upto is None:
                out.append(Finding("bad-bands", f"{at}/bands/{k}", "every band but the last needs `upto`"))
            if k and band.upto is not None and bands[k - 1].upto is not None and band.upto <= t.cast(float, bands[k - 1].upto):
                out.append(Finding("bad-bands", f"{at}/bands/{k}/upto", "bands must be in ascending order of `upto`"))
            if band.points > answer.max_points:
                out.append(Finding("bad-points", f"{at}/bands/{k}/points", f"points {band.points:g} exceed max_points {answer.max_points:g}"))
            if k:
                worse = band.points > bands[k - 1].points if answer.direction == "lower-is-better" else band.points < bands[k - 1].points
                if worse:
                    out.append(Finding("bad-points", f"{at}/bands/{k}/points", f"points must not rise as values get worse ({answer.direction})"))
        if bands and max(b.points for b in bands) != answer.max_points:
            out.append(Finding("bad-points", f"{at}/max_points", "max_points must equal the best band's points"))
    return out


def _condition_problems(rubric: Rubric, condition: conditions.Condition, at: str) -> list[Finding]:
    out: list[Finding] = []
    for test in condition.tests():
        where = at + test.pointer
        found = rubric.criteria.get(test.criterion)
        if found is None:
            known = ", ".join(sorted(rubric.criteria))
            out.append(Finding("unknown-criterion", where.rsplit("/", 1)[0] + "/criterion", f"no criterion {test.criterion!r}; known criteria: {known}"))
            continue
        criterion = found[1]
        kind = criterion.answer.type
        op = test.operator
        if op in ("missing", "outcome"):
            continue
        if op in ("gte", "lte"):
            if kind != "number":
                out.append(Finding("bad-condition", where, f"{op} compares numbers, but {criterion.id} is a {kind} answer"))
            continue
        if op in ("contains", "contains_any", "contains_all") and kind != "multi":
            out.append(Finding("bad-condition", where, f"{op} applies to multi answers, but {criterion.id} is a {kind} answer; use equals or in"))
            continue
        if op in ("equals", "in") and kind == "multi":
            out.append(Finding("bad-condition", where, f"{criterion.id} is a multi answer (a set); use contains, contains_any or contains_all"))
            continue
        if kind == "number":
            out.append(Finding("bad-condition", where, f"{criterion.id} is a number; compare it with gte or lte"))
            continue
        values = test.operand if isinstance(test.operand, list) else [test.operand]
        allowed = criterion.allowed_values()
        for value in values:
            if not any(conditions._same(value, a) for a in allowed):
                shown = ", ".join(json.dumps(a) for a in allowed)
                out.append(Finding("bad-condition", where, f"{json.dumps(value)} is not an answer {criterion.id} allows; allowed: {shown}"))
    return out
