"""Rubrics: load YAML, check it against the rubric JSON Schema, then check its meaning.

The rubric's shape (the `Rubric` model and its parts) is in scorecard.models.rubric; this module
builds it from a file and checks what a schema cannot: unique ids, sound answer definitions,
conditions that name real criteria, the register.
"""

from __future__ import annotations

import functools
import hashlib
import json
import typing as t
from pathlib import Path

from scorecard import conditions
from scorecard.bundled import bundled_rubrics, find_rubric, find_rubric_option  # noqa: F401 (re-exported)
from scorecard.loaders import MAX_RUBRIC_BYTES, parse_yaml, read_bytes
from scorecard.models.rubric import ChoiceAnswer, ChoiceOption, Criterion, MultiAnswer, MultiOption, NumberAnswer, Rubric
from scorecard.problem_codes import schema_code
from scorecard.problems import Finding, InvalidInput, Problem, pointer
from scorecard.quoting import quote
from scorecard.register import Register, load_register, outside_rubric_folder, resolve
from scorecard.resources import data_dir
from scorecard.schema_messages import schema_message
from scorecard.schemas import strict_validator


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
