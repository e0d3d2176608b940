"""Patterns, dates and numbers: the fast validator (jsonschema-rs), the full one (jsonschema, as
scorecard.schemas sets it up) and the models accept the same documents (issue 14, items 7-11)."""

from __future__ import annotations

import json
import shutil
import typing as t
from pathlib import Path

import jsonschema_rs
import pytest
from conftest import TINY, record
from hypothesis import HealthCheck, example, given, settings, strategies as st

from scorecard.schemas import strict_validator as full_validator  # the wording validator, as the loaders make it

ROOT = Path(__file__).resolve().parents[2]
TINY_RUBRIC = TINY / "rubric.yaml"
SCHEMA_FILES = [ROOT / "evidence" / "evidence.schema.json", ROOT / "evidence" / "round.schema.json", ROOT / "rubrics" / "rubric.schema.json"]
ROUND_SCHEMA = json.loads(SCHEMA_FILES[1].read_text("utf-8"))  # the published round schema


def _patterns(node: t.Any) -> t.Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("pattern"), str):
            yield node["pattern"]
        for value in node.values():
            yield from _patterns(value)
    elif isinstance(node, list):
        for value in node:
            yield from _patterns(value)


def _every_pattern() -> list[str]:
    from scorecard.evidence import evidence_schema
    from scorecard.rubric import bundled_rubrics, load_rubric

    found: set[str] = set()
    for path in SCHEMA_FILES:
        found.update(_patterns(json.loads(path.read_text("utf-8"))))
    for path in [TINY_RUBRIC, *bundled_rubrics().values()]:
        found.update(_patterns(evidence_schema(load_rubric(path).rubric)))
    return sorted(found)


PATTERNS = _every_pattern()


def _agree(schema: dict[str, t.Any], value: t.Any) -> bool:
    fast = jsonschema_rs.validator_for(schema, validate_formats=True).is_valid(value)
    full = full_validator(schema).is_valid(value)
    assert fast == full, (schema, value, fast, full)
    return fast


def test_there_are_patterns_to_check():
    assert len(PATTERNS) >= 6 and any("https?" in p for p in PATTERNS) and any(p.startswith("^#") for p in PATTERNS)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PATTERNS).flatmap(lambda p: st.tuples(st.just(p), st.from_regex(p, fullmatch=True))))
def test_both_validators_agree_on_every_pattern_and_refuse_a_trailing_newline(case):
    pattern, text = case
    schema = {"type": "string", "pattern": pattern}
    assert _agree(schema, text)
    for tail in ("\n", "\r\n", "\n\n"):
        # A URL's path may hold any text (the renderers show it as text and link only a plain
        # address); every other pattern ends where its text ends.
        assert _agree(schema, text + tail) is ("[\\s\\S]" in pattern and any(c in text[8:] for c in "/?#")), (pattern, text)


@pytest.mark.parametrize("field,value", [
    ("round", "foi-2023\n"), ("organisation", "AAA\n"), ("kind", "foi-reply\n"), ("source", "doc\n"),
])
def test_an_id_with_a_trailing_newline_is_refused(run_line, tmp_path, field, value):
    data = record("AAA", {"S1": "service"})
    if field == "source":
        data["answers"]["S1"]["source"] = value
    else:
        data[field] = value
    (tmp_path / "AAA.json").write_text(json.dumps(data), "utf-8")
    run_line(["validate", tmp_path / "AAA.json", "--rubric", TINY_RUBRIC], expect=1)


def test_a_criterion_id_and_a_band_colour_with_a_trailing_newline_are_refused(run_line, tmp_path):
    shutil.copy(TINY / "register.csv", tmp_path / "register.csv")
    text = TINY_RUBRIC.read_text("utf-8")
    for changed, message in ((text.replace("- id: S1\n", '- id: "S1\\n"\n', 1), "is not an id"),
                             (text.replace('colour: "#F4CCCC"', 'colour: "#F4CCCC\\n"'), "is not a colour")):
        (tmp_path / "rubric.yaml").write_text(changed, "utf-8")
        assert message in run_line(["rubric", "lint", tmp_path / "rubric.yaml"], expect=1).stderr


# ---------------------------------------------------------------- dates


DATE_SCHEMA = json.loads((ROOT / "evidence" / "evidence.schema.json").read_text("utf-8"))["properties"]["assessed_on"]


@pytest.mark.parametrize("date,valid", [
    ("0000-01-01", False), ("1899-12-31", False), ("1900-01-01", True), ("2024-02-29", True), ("2023-02-29", False),
    ("2100-12-31", True), ("2100-02-29", False), ("2101-01-01", False), ("2108-01-01", False), ("9999-12-31", False),
    ("2024-13-01", False), ("2024-00-10", False), ("2024-1-01", False), ("20240101", False), ("2024-01-01\n", False),
])
def test_both_validators_agree_on_dates(date, valid):
    assert _agree(DATE_SCHEMA, date) is valid


@given(st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True) | st.text(max_size=12))
@example("0000-01-01")  # once valid to the fast validator, not to the full one
def test_both_validators_agree_on_any_date_like_text(text):
    _agree(DATE_SCHEMA, text)


@pytest.mark.parametrize("where", ["assessed_on", "source date", "reply date"])
@pytest.mark.parametrize("date", ["9999-12-31", "2108-01-01", "1899-12-31"])
def test_an_implausible_year_is_refused_in_a_record_with_a_message(run_line, tmp_path, where, date):
    data = record("AAA", {"S1": "service"})
    if where == "assessed_on":
        data["assessed_on"] = date
    elif where == "source date":
        data["sources"][0]["date"] = date
    else:
        data["reply"] = {"date": date, "text": "We disagree.", "revised": False}
    (tmp_path / "AAA.json").write_text(json.dumps(data), "utf-8")
    out = tmp_path / "out"
    result = run_line(["score", tmp_path, "--rubric", TINY_RUBRIC, "--out", out, "--format", "xlsx"], expect=1)
    assert f"'{date}': the year must be from 1900 to 2100" in result.stderr
    assert "Traceback" not in result.output and "internal error" not in result.stderr and not out.exists()


def test_an_implausible_year_in_round_json_is_refused(run_line, tmp_path):
    evidence = shutil.copytree(TINY / "evidence", tmp_path / "round")
    info = json.loads((evidence / "round.json").read_text("utf-8"))
    info["gathered_on"] = "2108-01-01"
    (evidence / "round.json").write_text(json.dumps(info), "utf-8")
    result = run_line(["validate", evidence, "--rubric", TINY_RUBRIC], expect=1)
    assert "round.json: /gathered_on: '2108-01-01': the year must be from 1900 to 2100" in result.stderr


# ---------------------------------------------------------------- round.json numbers


@pytest.mark.parametrize("change,message", [
    ({"published": [{"category": "has-service", "count": 1e308, "of": 3, "source": "x"}]}, "is too large: the most allowed is 1,000,000"),
    ({"published": [{"category": "has-service", "count": 1, "of": 10**30, "source": "x"}]}, "is too large"),
    ({"baselines": [{"title": "t", "source": "s", "year": 1e20, "figures": [{"label": "l", "percent": 5}]}]}, "is too large: the most allowed is 2,100"),
    ({"baselines": [{"title": "t", "source": "s", "year": 1066, "figures": [{"label": "l", "percent": 5}]}]}, "is too small"),
])
def test_round_numbers_the_model_cannot_hold_are_refused_by_the_schema(run_line, tmp_path, change, message):
    evidence = shutil.copytree(TINY / "evidence", tmp_path / "round")
    info = json.loads((evidence / "round.json").read_text("utf-8"))
    info.update(change)
    (evidence / "round.json").write_text(json.dumps(info), "utf-8")
    result = run_line(["validate", evidence, "--rubric", TINY_RUBRIC], expect=1)
    assert message in result.stderr and "internal error" not in result.stderr, result.stderr


_NUMBERS = st.one_of(st.integers(min_value=-(10**40), max_value=10**40), st.floats(allow_nan=False, allow_infinity=False))


@given(count=_NUMBERS, of=_NUMBERS, year=_NUMBERS, percent=_NUMBERS)
@example(count=1e308, of=3, year=2020, percent=5.0)  # once "internal error: ValidationError"
@example(count=1, of=3, year=1e20, percent=5.0)
def test_every_round_the_schema_accepts_the_model_accepts(count, of, year, percent):
    from scorecard.models.record import RoundInfo

    document = {
        "round": "r", "title": "t",
        "published": [{"category": "c", "count": count, "of": of, "source": "s"}],
        "baselines": [{"title": "t", "source": "s", "year": year, "figures": [{"label": "l", "percent": percent}]}],
    }
    if full_validator(ROUND_SCHEMA).is_valid(document):
        RoundInfo.model_validate(document)  # raises if the model refuses what the schema let through


# ---------------------------------------------------------------- register fields


@pytest.mark.parametrize("length,message", [
    (200_000, "a field holds at most 20,000 characters"),
    (30_000, "name (30,000 characters; the limit is 20,000)"),
])
def test_a_register_field_over_the_limit_is_refused_with_the_limit(run_line, tmp_path, length, message):
    shutil.copy(TINY_RUBRIC, tmp_path / "rubric.yaml")
    rows = (TINY / "register.csv").read_text("utf-8").splitlines()
    rows[1] = rows[1].replace("Alpha Board", "A" * length)
    (tmp_path / "register.csv").write_text("\n".join(rows) + "\n", "utf-8")
    result = run_line(["rubric", "lint", tmp_path / "rubric.yaml"], expect=1)
    assert message in result.stderr and "internal error" not in result.stderr, result.stderr[:500]
    assert f"{tmp_path / 'register.csv'}:2:" in result.stderr
