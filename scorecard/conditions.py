"""Conditions: the small declarative language flags and categories use.

A condition is data, never code: `all`, `any`, `not`, or one test on one criterion's answer
(`equals`, `in`, `contains`, `contains_any`, `contains_all`, `missing`, `outcome`, `gte`, `lte`).
Tests on a value are false when the criterion has no value (it was not answered, not held, refused
or not applicable), so `not` of such a test is true for a missing answer.
"""

from __future__ import annotations

import dataclasses
import typing as t

OPERATORS = ("equals", "in", "contains", "contains_any", "contains_all", "missing", "outcome", "gte", "lte")

Scalar = str | int | float | bool


class Answered(t.Protocol):
    # Read-only, so the engine's answers (named tuples) fit.
    @property
    def outcome(self) -> str: ...

    @property
    def value(self) -> t.Any: ...


@dataclasses.dataclass(frozen=True)
class All:
    items: tuple[Condition, ...]

    def holds(self, answers: t.Mapping[str, Answered]) -> bool:
        return all(item.holds(answers) for item in self.items)

    def tests(self) -> t.Iterator[Test]:
        for item in self.items:
            yield from item.tests()

    def describe(self) -> str:
        return "all of: " + "; ".join(item.describe() for item in self.items)


@dataclasses.dataclass(frozen=True)
class Any:
    items: tuple[Condition, ...]

    def holds(self, answers: t.Mapping[str, Answered]) -> bool:
        return any(item.holds(answers) for item in self.items)

    def tests(self) -> t.Iterator[Test]:
        for item in self.items:
            yield from item.tests()

    def describe(self) -> str:
        return "any of: " + "; ".join(item.describe() for item in self.items)


@dataclasses.dataclass(frozen=True)
class Not:
    item: Condition

    def holds(self, answers: t.Mapping[str, Answered]) -> bool:
        return not self.item.holds(answers)

    def tests(self) -> t.Iterator[Test]:
        yield from self.item.tests()

    def describe(self) -> str:
        return f"not ({self.item.describe()})"


@dataclasses.dataclass(frozen=True)
class Test:
    criterion: str
    operator: str
    operand: t.Any
    pointer: str  # where the test stands in the rubric, for error messages

    def holds(self, answers: t.Mapping[str, Answered]) -> bool:
        answer = answers.get(self.criterion)
        outcome = answer.outcome if answer is not None else "not-answered"
        if self.operator == "missing":
            return bool((outcome != "answered") == self.operand)
        if self.operator == "outcome":
            return bool(outcome == self.operand)
        if answer is None or outcome != "answered":
            return False
        value = answer.value
        op, operand = self.operator, self.operand
        if op == "equals":
            return _same(value, operand)
        if op == "in":
            return any(_same(value, item) for item in operand)
        if op == "contains":
            return operand in value
        if op == "contains_any":
            return any(item in value for item in operand)
        if op == "contains_all":
            return all(item in value for item in operand)
        if op == "gte":
            return bool(value >= operand)
        if op == "lte":
            return bool(value <= operand)
        raise AssertionError(f"unknown operator {op}")  # the rubric schema makes this unreachable

    def tests(self) -> t.Iterator[Test]:
        yield self

    def describe(self) -> str:
        words = {
            "equals": "is",
            "in": "is one of",
            "contains": "includes",
            "contains_any": "includes any of",
            "contains_all": "includes all of",
            "outcome": "has outcome",
            "gte": "is at least",
            "lte": "is at most",
        }
        if self.operator == "missing":
            return f"{self.criterion} {'has no answer' if self.operand else 'has an answer'}"
        operand = self.operand
        if isinstance(operand, list):
            operand = ", ".join(str(o).lower() if isinstance(o, bool) else str(o) for o in operand)
        elif isinstance(operand, bool):
            operand = str(operand).lower()
        return f"{self.criterion} {words[self.operator]} {operand}"


Condition = All | Any | Not | Test


def _same(value: t.Any, operand: t.Any) -> bool:
    # In Python True == 1; in a rubric a yes/no answer is never the number 1.
    return isinstance(value, bool) == isinstance(operand, bool) and value == operand


def parse(data: t.Any, at: str = "") -> Condition:
    """Build a condition from rubric data already checked by the rubric JSON Schema."""
    if isinstance(data, (All, Any, Not, Test)):
        return data
    if "all" in data:
        return All(tuple(parse(item, f"{at}/all/{i}") for i, item in enumerate(data["all"])))
    if "any" in data:
        return Any(tuple(parse(item, f"{at}/any/{i}") for i, item in enumerate(data["any"])))
    if "not" in data:
        return Not(parse(data["not"], f"{at}/not"))
    (operator,) = [key for key in data if key != "criterion"]
    return Test(data["criterion"], operator, data[operator], f"{at}/{operator}")
