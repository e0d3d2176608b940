"""Conditions are data: every operator, on answers, non-answers and the bool-is-not-a-number trap."""

from __future__ import annotations

import typing as t

import pytest

from scorecard.conditions import parse


class Answer(t.NamedTuple):
    outcome: str
    value: t.Any = None


ANSWERS = {
    "choice": Answer("answered", "service"),
    "multi": Answer("answered", ["opioids", "gabapentin"]),
    "yes": Answer("answered", True),
    "one": Answer("answered", 1),
    "rate": Answer("answered", 7.5),
    "held": Answer("not-held"),
    "na": Answer("not-applicable"),
}


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"criterion": "choice", "equals": "service"}, True),
        ({"criterion": "choice", "equals": "none"}, False),
        ({"criterion": "choice", "in": ["none", "service"]}, True),
        ({"criterion": "choice", "in": ["none"]}, False),
        ({"criterion": "multi", "contains": "opioids"}, True),
        ({"criterion": "multi", "contains": "pregabalin"}, False),
        ({"criterion": "multi", "contains_any": ["pregabalin", "gabapentin"]}, True),
        ({"criterion": "multi", "contains_any": ["pregabalin"]}, False),
        ({"criterion": "multi", "contains_all": ["opioids", "gabapentin"]}, True),
        ({"criterion": "multi", "contains_all": ["opioids", "pregabalin"]}, False),
        ({"criterion": "rate", "gte": 7.5}, True),
        ({"criterion": "rate", "gte": 7.6}, False),
        ({"criterion": "rate", "lte": 7.5}, True),
        ({"criterion": "rate", "lte": 7.4}, False),
        ({"criterion": "yes", "equals": True}, True),
        # a yes/no answer is never the number 1, and the number 1 is never "yes"
        ({"criterion": "yes", "equals": 1}, False),
        ({"criterion": "one", "equals": True}, False),
        ({"criterion": "one", "in": [True, 2]}, False),
    ],
)
def test_value_operators(condition, expected):
    assert parse(condition).holds(ANSWERS) is expected


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"criterion": "held", "missing": True}, True),
        ({"criterion": "absent", "missing": True}, True),  # no entry at all is not-answered
        ({"criterion": "choice", "missing": True}, False),
        ({"criterion": "choice", "missing": False}, True),
        ({"criterion": "held", "outcome": "not-held"}, True),
        ({"criterion": "na", "outcome": "not-held"}, False),
        ({"criterion": "absent", "outcome": "not-answered"}, True),
        ({"criterion": "choice", "outcome": "answered"}, True),
    ],
)
def test_missing_and_outcome(condition, expected):
    assert parse(condition).holds(ANSWERS) is expected


@pytest.mark.parametrize("operator", ["equals", "gte", "lte", "contains", "in"])
def test_a_value_test_on_a_non_answer_is_false_not_an_error(operator):
    operand = ["x"] if operator == "in" else 1
    assert parse({"criterion": "held", operator: operand}).holds(ANSWERS) is False
    assert parse({"criterion": "absent", operator: operand}).holds(ANSWERS) is False


def test_all_any_not_combine():
    service = {"criterion": "choice", "equals": "service"}
    none = {"criterion": "choice", "equals": "none"}
    assert parse({"all": [service, {"criterion": "yes", "equals": True}]}).holds(ANSWERS)
    assert not parse({"all": [service, none]}).holds(ANSWERS)
    assert parse({"any": [none, service]}).holds(ANSWERS)
    assert not parse({"any": [none, {"criterion": "held", "equals": 1}]}).holds(ANSWERS)
    assert parse({"not": none}).holds(ANSWERS)
    assert not parse({"not": {"any": [none, service]}}).holds(ANSWERS)


def test_describe_reads_as_words():
    condition = parse({"all": [{"criterion": "S1", "in": ["a", "b"]}, {"not": {"criterion": "P1", "equals": False}}]})
    assert condition.describe() == "all of: S1 is one of a, b; not (P1 is false)"
    assert parse({"criterion": "S1", "missing": True}).describe() == "S1 has no answer"
    assert [test.criterion for test in condition.tests()] == ["S1", "P1"]
