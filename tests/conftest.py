from __future__ import annotations

import typing as t
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from scorecard.cli import cli

FIXTURES = Path(__file__).parent / "fixtures"
TINY = FIXTURES / "tiny"


@pytest.fixture
def run_line() -> t.Callable[..., Result]:
    """Run the CLI in-process; on an unexpected exit code, show stdout and stderr."""

    def run(args: list[str], expect: int | None = 0) -> Result:
        result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
        if expect is not None:
            assert result.exit_code == expect, (
                f"exit {result.exit_code}, expected {expect}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
            )
        return result

    return run


# ---------------------------------------------------------------- building rounds in tests

def tiny_rubric() -> dict[str, t.Any]:
    """The tiny fixture rubric as data, for tests that change one thing in it."""
    from scorecard.loaders import parse_yaml

    return parse_yaml((TINY / "rubric.yaml").read_bytes(), "rubric.yaml").data


def record(code: str, answers: dict[str, t.Any] | None = None, response: str = "replied", **extra: t.Any) -> dict[str, t.Any]:
    """An evidence record for the tiny rubric; `answers` maps criterion id to a value, or to a
    dict (an answer entry as written in a file)."""
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


def write_round(folder: Path, rubric: dict[str, t.Any], records: list[dict[str, t.Any]]) -> tuple[Path, Path]:
    """Write a rubric (JSON is YAML) and records into `folder`; return (rubric path, evidence dir)."""
    import json
    import shutil

    folder.mkdir(parents=True, exist_ok=True)
    if rubric.get("register") == "register.csv":  # the tiny fixture's register, beside its rubric
        shutil.copy(TINY / "register.csv", folder / "register.csv")
    rubric_path = folder / "rubric.yaml"
    rubric_path.write_text(json.dumps(rubric, indent=1), "utf-8")
    evidence = folder / "evidence"
    evidence.mkdir(exist_ok=True)
    for data in records:
        (evidence / f"{data['organisation']}.json").write_text(json.dumps(data, indent=1), "utf-8")
    return rubric_path, evidence


def score_round(rubric_path: Path, evidence: Path):  # -> Scorecard
    """Load, validate and score as `scorecard score` does, without writing anything."""
    from scorecard.engine import Provenance, score
    from scorecard.evidence import load_round
    from scorecard.rubric import load_rubric

    loaded = load_rubric(rubric_path)
    round_ = load_round([evidence], loaded)
    return score(loaded.rubric, round_.records, loaded.register, Provenance(loaded.sha256, round_.sha256, round_.info))


@pytest.fixture
def scored(tmp_path: Path) -> t.Callable[..., t.Any]:
    """scored(records, rubric=None) -> Scorecard for the tiny rubric (or a changed copy of it)."""
    counter = iter(range(10_000))

    def run(records: list[dict[str, t.Any]], rubric: dict[str, t.Any] | None = None):
        paths = write_round(tmp_path / f"round-{next(counter)}", rubric or tiny_rubric(), records)
        return score_round(*paths)

    return run


def organisation(scorecard: t.Any, code: str) -> t.Any:
    return next(o for o in scorecard.organisations if o.code == code)


def criterion(scorecard: t.Any, code: str, criterion_id: str) -> t.Any:
    return next(c for c in organisation(scorecard, code).criteria if c.id == criterion_id)
