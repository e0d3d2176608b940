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
