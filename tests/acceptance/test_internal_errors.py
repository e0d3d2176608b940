"""The command line's last line of defence: a failure in scorecard itself (not in the input) is one
line on stderr and exit 1, the traceback only with --debug."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import TINY

import scorecard.api
from scorecard.cli import cli

SCORE_TINY = ["score", str(TINY / "evidence"), "--rubric", str(TINY / "rubric.yaml"), "--format", "json"]


@pytest.fixture
def broken_scoring(monkeypatch):
    """Scoring fails as a bug would: the API function the command calls raises."""

    def fail(*args, **kwargs):
        raise RuntimeError("the engine tripped\nover a second line")

    monkeypatch.setattr(scorecard.api, "score", fail)


def test_an_internal_error_is_one_line_and_exit_1(broken_scoring, tmp_path):
    result = CliRunner().invoke(cli, [*SCORE_TINY, "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "scorecard: internal error: RuntimeError: the engine tripped\\nover a second line (rerun with --debug for details)"
    ]
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()  # nothing written


def test_debug_shows_the_traceback(broken_scoring, tmp_path):
    result = CliRunner().invoke(cli, ["--debug", *SCORE_TINY, "--out", str(tmp_path / "out")])
    # --debug lets the exception through: click's runner catches it as the interpreter would
    # print it, with its traceback.
    assert result.exit_code == 1
    assert isinstance(result.exception, RuntimeError) and str(result.exception).startswith("the engine tripped")
    assert result.exc_info is not None and result.exc_info[2] is not None
    assert "internal error" not in result.stderr


def test_the_command_as_installed_prints_the_traceback_only_with_debug(tmp_path):
    # A real process: the same failure, through the entry point, with and without --debug.
    import subprocess
    import sys

    code = (
        "import sys, scorecard.api\n"
        "def fail(*a, **k): raise RuntimeError('the engine tripped')\n"
        "scorecard.api.score = fail\n"
        "from scorecard.cli import main\n"
        "sys.argv = ['scorecard', *sys.argv[1:]]\n"
        "main()\n"
    )
    plain = subprocess.run([sys.executable, "-c", code, *SCORE_TINY, "--out", str(tmp_path / "a")], capture_output=True, text=True)
    assert plain.returncode == 1 and "Traceback" not in plain.stderr
    assert plain.stderr.strip() == "scorecard: internal error: RuntimeError: the engine tripped (rerun with --debug for details)"
    debug = subprocess.run([sys.executable, "-c", code, "--debug", *SCORE_TINY, "--out", str(tmp_path / "b")], capture_output=True, text=True)
    assert debug.returncode == 1
    assert "Traceback (most recent call last)" in debug.stderr and "RuntimeError: the engine tripped" in debug.stderr


def test_the_command_run_inside_another_program_leaves_the_collector_alone(run_line, tmp_path):
    # Only the process entry point (scorecard.cli.main) freezes what a run keeps; a test, a
    # notebook or any program calling the command in-process keeps its collector as it was.
    import gc

    frozen = gc.get_freeze_count()
    run_line([*SCORE_TINY, "--out", tmp_path / "out"])
    assert gc.isenabled() and gc.get_freeze_count() == frozen
