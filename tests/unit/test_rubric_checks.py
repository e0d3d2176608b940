"""A rubric is checked for shape, then for meaning; each problem names the line and what to change."""

from __future__ import annotations

import shutil

import pytest
from conftest import TINY

from scorecard.problems import InvalidInput
from scorecard.rubric import load_rubric

TEXT = (TINY / "rubric.yaml").read_text("utf-8")


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    at = -1
    for _ in range(occurrence):
        at = text.index(needle, at + 1)
    return text.count("\n", 0, at) + 1


def problems_for(tmp_path, text: str) -> list[str]:
    shutil.copy(TINY / "register.csv", tmp_path / "register.csv")
    path = tmp_path / "rubric.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(InvalidInput) as caught:
        load_rubric(path)
    return [str(p) for p in caught.value.problems]


def test_the_fixture_rubric_is_clean():
    loaded = load_rubric(TINY / "rubric.yaml")
    assert list(loaded.rubric.criteria) == ["S1", "S2", "P1", "P2", "P3"]
    assert len(loaded.register.bodies) == 5


@pytest.mark.parametrize(
    ("old", "new", "pointer", "message"),
    [
        ("{value: considering, points: 1", "{value: none, points: 1", "/sections/0/criteria/0/answer/options/1/value", "option 'none' appears twice in S1"),
        ("- {criterion: S1, equals: service}\n        - {criterion: P1", "- {criterion: S9, equals: service}\n        - {criterion: P1",
         "/flags/0/when/all/0/criterion", "no criterion 'S9'"),
        ("when: {criterion: S1, in: [considering]}", "when: {criterion: S1, in: [maybe]}", "/categories/1/when/in", '"maybe" is not an answer S1 allows'),
        ("when: {criterion: P2, gte: 10.5}", "when: {criterion: S1, gte: 10.5}", "/categories/2/when/gte", "gte compares numbers, but S1 is a choice answer"),
        ("cap: {section: services", "cap: {section: servicez", "/flags/0/cap/section", "no section 'servicez'"),
        ("min_percent: 75", "min_percent: 30", "/bands/2/min_percent", "ascending order"),
        ("- id: P3", "- id: P1", "/sections/1/criteria/2/id", "P1"),
    ],
)
def test_meaning_problems_name_the_line(tmp_path, old, new, pointer, message):
    assert old in TEXT
    text = TEXT.replace(old, new, 1)
    # the first problem is the one made; a second may follow from it (the option removed above)
    problem = problems_for(tmp_path, text)[0]
    where, what = problem.split(f": {pointer}: ")
    # the line of the changed text; for the duplicate id, its second appearance
    expected = line_of(text, new.splitlines()[0], 2 if new == "- id: P1" else 1)
    assert where == f"{tmp_path / 'rubric.yaml'}:{expected}"
    assert message in what


@pytest.mark.parametrize(
    ("old", "new", "pointer", "message"),
    [
        ("    weight: 2\n", "    weight: 0\n", "/sections/0/weight", "0 is too small: it must be more than 0"),
        ("    weight: 2\n", "    weight: -3\n", "/sections/0/weight", "-3 is too small"),
        ("type: choice", "type: choise", "/sections/0/criteria/0/answer", ""),
        ("direction: lower-is-better", "direction: lower", "/sections/1/criteria/1/answer", ""),
        ("severity: caveat", "severity: urgent", "/flags/0/severity", "urgent"),
        ("    criteria:\n      - id: P1", "    criteria: []\n    unused:\n      - id: P1", "/sections/1", ""),
    ],
)
def test_shape_problems_name_the_line(tmp_path, old, new, pointer, message):
    assert old in TEXT
    problems = problems_for(tmp_path, TEXT.replace(old, new, 1))
    assert any(f": {pointer}" in p and message in p for p in problems), problems
    assert all(p.startswith(f"{tmp_path / 'rubric.yaml'}:") and p.split(":")[1].isdigit() for p in problems), problems


def test_every_problem_in_one_run_in_reading_order(tmp_path):
    text = TEXT.replace("cap: {section: services", "cap: {section: servicez").replace("min_percent: 75", "min_percent: 30")
    text = text.replace("{value: considering, points: 1", "{value: none, points: 1")
    problems = problems_for(tmp_path, text)
    lines = [int(p.split(":")[1]) for p in problems]
    # three made, plus the category that named the removed option 'considering'
    assert len(problems) == 4 and lines == sorted(lines)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id: x\nsections: [\n", "is not valid YAML"),
        ("id: x\nid: y\n", "duplicate key"),
        ("id: !!python/object/apply:os.system [echo hi]\n", "not allowed"),
        ("id: !custom x\n", "not allowed"),
        ("base: &b {a: 1}\nother: {<<: *b}\n", "merge"),
        ("- a\n- b\n", "is not of type 'object'"),
        ("", ""),
    ],
)
def test_yaml_that_is_not_plain_data_is_refused(tmp_path, text, message):
    problems = problems_for(tmp_path, text)
    assert problems and message in problems[0], problems


def test_an_alias_bomb_is_refused_quickly(tmp_path):
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]")
    problems = problems_for(tmp_path, "\n".join(lines) + "\n")
    assert "too many" in problems[0] or "alias" in problems[0], problems


def test_syntax_errors_give_line_and_column(tmp_path):
    (problem,) = problems_for(tmp_path, "id: x\ntitle: [unclosed\nversion: 1\n")
    assert "column" in problem
    assert problem.split(":")[1].isdigit()


def test_a_missing_register_is_named(tmp_path):
    text = TEXT.replace("register: register.csv", "register: nowhere.csv")
    (problem,) = problems_for(tmp_path, text)
    assert "/register: register 'nowhere.csv' not found" in problem
