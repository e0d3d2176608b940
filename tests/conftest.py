from __future__ import annotations

import typing as t
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from in_memory import TINY, criterion, organisation, record, tiny_rubric  # noqa: F401 (re-exported to the tests)

from scorecard.cli import cli

FIXTURES = Path(__file__).parent / "fixtures"


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


# The loader's checks that the evidence schema cannot make: each refusal says one of these.
BEYOND_THE_SCHEMA = (
    "is not in the register",
    "already has a record",
    "must be named",
    "is not listed in sources",
    "previous answers are kept only when",
    "before the revision is the same as now",
)


def assert_loader_follows_schema(document: t.Any, paths: list[Path], loaded: t.Any) -> None:
    """The loader's verdict on a record is the published evidence schema's, read as JSON Schema
    means it (scorecard.schemas): a record the schema refuses is never loaded, and one it accepts
    is refused only for what the schema cannot see (BEYOND_THE_SCHEMA)."""
    from scorecard.evidence import evidence_schema, load_round
    from scorecard.problems import InvalidInput
    from scorecard.schemas import strict_validator

    try:
        load_round(paths, loaded)
        refused: list[str] = []
    except InvalidInput as error:
        refused = [str(p) for p in error.problems]
    if not strict_validator(evidence_schema(loaded.rubric)).is_valid(document):
        assert refused, "the loader took a record the schema refuses"
    else:
        assert all(any(words in p for words in BEYOND_THE_SCHEMA) for p in refused), refused


@pytest.fixture
def scored(tmp_path: Path) -> t.Callable[..., t.Any]:
    """scored(records, rubric=None) -> Scorecard for the tiny rubric (or a changed copy of it),
    through the files as `scorecard score` reads them (in_memory.score skips the files)."""
    counter = iter(range(10_000))

    def run(records: list[dict[str, t.Any]], rubric: dict[str, t.Any] | None = None):
        paths = write_round(tmp_path / f"round-{next(counter)}", rubric or tiny_rubric(), records)
        return score_round(*paths)

    return run
