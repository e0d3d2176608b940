"""Rounds built in memory, for tests whose point is the engine or a renderer, not the loaders.

A rubric, records and a register are made from Python dicts through the models (pydantic
`model_validate`) and the register class, then scored by the pure engine: nothing is written
to disk and nothing is read but the tiny fixture (tests/fixtures/tiny), parsed once and handed
out as fresh copies of its data. So that a test cannot
score what the loaders would refuse, every rubric built here passes the rubric's meaning checks
and every record the evidence schema the rubric implies.

Tests about reading files (a YAML line number, a file name in a message) stay with the loaders:
conftest.write_round and conftest.score_round.

Every import from the package that names where a model lives is at the top of this file, so
that when the models move only these lines change.
"""

from __future__ import annotations

import copy
import functools
import json
import typing as t
from pathlib import Path

from scorecard.engine import Provenance, score as score_records
from scorecard.evidence import evidence_schema
from scorecard.loaders import parse_yaml
from scorecard.models.record import Record, RoundInfo
from scorecard.models.rubric import Rubric
from scorecard.register import Body, Register
from scorecard.result import Scorecard
from scorecard.rubric import meaning_problems
from scorecard.schemas import strict_validator

TINY = Path(__file__).parent / "fixtures" / "tiny"

# The tiny fixture's register (tests/fixtures/tiny/register.csv), as data.
TINY_BODIES = (
    ("AAA", "Alpha Board", "Alpha", "North"),
    ("BBB", "Beta Board", "Beta", "North"),
    ("CCC", "Gamma Board", "Gamma", "South"),
    ("DDD", "Delta Board", "Delta", "South"),
    ("EEE", "Epsilon Board", "Epsilon", "South"),
)

# What a loaded round's provenance holds are file digests; a round built in memory has none.
RUBRIC_SHA256 = "r" * 64
EVIDENCE_SHA256 = "e" * 64


@functools.lru_cache(maxsize=1)
def _tiny_rubric() -> dict[str, t.Any]:
    return parse_yaml((TINY / "rubric.yaml").read_bytes(), "rubric.yaml").data


def tiny_rubric() -> dict[str, t.Any]:
    """The tiny fixture rubric as data (a fresh copy), for tests that change one thing in it."""
    return copy.deepcopy(_tiny_rubric())


@functools.lru_cache(maxsize=1)
def _tiny_evidence() -> tuple[list[dict[str, t.Any]], dict[str, t.Any]]:
    folder = TINY / "evidence"
    return [json.loads(path.read_text("utf-8")) for path in sorted(folder.glob("[A-Z]*.json"))], json.loads((folder / "round.json").read_text("utf-8"))


def tiny_records() -> list[dict[str, t.Any]]:
    """The tiny fixture round's records as data (fresh copies), for tests that change them."""
    return copy.deepcopy(_tiny_evidence()[0])


def tiny_round_info(**changes: t.Any) -> RoundInfo:
    """The tiny fixture round's round.json, with some fields changed."""
    return round_info({**_tiny_evidence()[1], **changes})


def record(code: str, answers: dict[str, t.Any] | None = None, response: str = "replied", **extra: t.Any) -> dict[str, t.Any]:
    """An evidence record for the tiny rubric, as data; `answers` maps criterion id to a value, or
    to a dict (an answer entry as written in a file)."""
    entries = {
        cid: (value if isinstance(value, dict) else {"value": value, "source": "doc"})
        for cid, value in (answers or {}).items()
    }
    data: dict[str, t.Any] = {
        "organisation": code,
        "rubric": {"id": "tiny", "version": "1.2.0"},
        "round": "test-1",
        "kind": "desk-research",
        "response": response,
        "assessor": "Test assessor",
        "assessed_on": "2024-02-01",
        "sources": [{"id": "doc", "title": f"{code} document", "date": "2024-01-15"}],
        "answers": entries if response == "replied" else {},
    }
    data.update(extra)
    return data


def organisation(scorecard: Scorecard, code: str) -> t.Any:
    """One body's result in a scorecard."""
    return next(o for o in scorecard.organisations if o.code == code)


def criterion(scorecard: Scorecard, code: str, criterion_id: str) -> t.Any:
    """One body's result on one criterion."""
    return next(c for c in organisation(scorecard, code).criteria if c.id == criterion_id)


def rubric(data: dict[str, t.Any] | None = None) -> Rubric:
    """A Rubric from data (the tiny rubric if none), refused if its meaning checks fail."""
    model = Rubric.model_validate(data if data is not None else _tiny_rubric())
    problems = meaning_problems(model)
    assert not problems, f"the test's rubric would not load: {problems}"
    return model


def register(bodies: t.Iterable[tuple[str, str, str, str]] = TINY_BODIES, name: str = "register.csv") -> Register:
    """A Register of (code, name, short name, region) rows; the tiny one by default, named as the
    tiny rubric names it."""
    return Register(
        name=name,
        bodies={code: Body(code=code, name=full, short_name=short, region=region) for code, full, short, region in bodies},
    )


def register_of(codes: t.Iterable[str], name: str = "register.csv") -> Register:
    """A Register of the given codes, each named after its code."""
    return register(((code, f"Body {code}", code, "Region") for code in codes), name)


def records(data: t.Iterable[dict[str, t.Any]], model: Rubric | None = None) -> list[Record]:
    """Records from data, each checked against the evidence schema of `model` (the tiny rubric if
    none), in the order the loader gives them: by organisation code."""
    model = model or rubric()
    validator = strict_validator(evidence_schema(model))
    out = []
    for item in data:
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(item)]
        assert not errors, f"the test's record of {item.get('organisation')} would not load: {errors}"
        out.append(Record.model_validate(item))
    return sorted(out, key=lambda r: r.organisation)


def round_info(data: dict[str, t.Any]) -> RoundInfo:
    """The round's description (round.json) from data."""
    return RoundInfo.model_validate(data)


def score(
    data: t.Iterable[dict[str, t.Any]],
    rubric_data: dict[str, t.Any] | Rubric | None = None,
    bodies: Register | None = None,
    info: RoundInfo | None = None,
) -> Scorecard:
    """Score records (as data) on a rubric (data or a model; the tiny rubric if none) and a
    register (the tiny one if none), as `scorecard score` does once the files are read."""
    model = rubric_data if isinstance(rubric_data, Rubric) else rubric(rubric_data)
    return score_records(model, records(data, model), bodies or register(), Provenance(RUBRIC_SHA256, EVIDENCE_SHA256, info))


Model = t.TypeVar("Model", bound=t.Any)


def replace(model: Model, **changes: t.Any) -> Model:
    """A copy of a model with some fields changed, built and validated afresh (unlike
    model_copy, which keeps what the original worked out from its old fields)."""
    cls = type(model)
    fields = {(info.alias or name): getattr(model, name) for name, info in cls.model_fields.items()}
    fields.update({(cls.model_fields[name].alias or name): value for name, value in changes.items()})
    return t.cast(Model, cls.model_validate(fields))
