"""The command line: exit codes 0/1/2, nothing written on bad input, help that teaches, the golden
scorecard.json, and a second unrelated rubric scored with no code change."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import FIXTURES, TINY, write_round
from in_memory import record, tiny_rubric

from scorecard import __version__
from scorecard.cli import cli

LIBRARIES = FIXTURES / "libraries"
TINY_ARGS = [TINY / "evidence", "--rubric", TINY / "rubric.yaml"]


def _without_version(text: str) -> dict:
    data = json.loads(text)
    data["generator"]["version"] = "X"
    return data


def test_golden_scorecard_json(run_line, tmp_path):
    # The expected file was checked by hand against the rubric (see unit/test_scoring.py for the arithmetic):
    # AAA 97.2% good, CCC 41.7% some (services capped at 50 by a flag; see the README's worked
    # example), BBB 16.7% low.
    run_line(["score", *TINY_ARGS, "--out", tmp_path, "--format", "json"])
    produced = (tmp_path / "scorecard.json").read_text("utf-8")
    expected = (TINY / "expected-scorecard.json").read_text("utf-8")
    assert _without_version(produced) == _without_version(expected)


def test_same_inputs_same_bytes(run_line, tmp_path):
    run_line(["score", *TINY_ARGS, "--out", tmp_path / "a"])
    run_line(["score", *TINY_ARGS, "--out", tmp_path / "b"])
    names = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert names and names == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_score_prints_the_summary(run_line, tmp_path):
    out = run_line(["score", *TINY_ARGS, "--out", tmp_path]).stdout
    assert "5 bodies, 3 replied, 1 refused, 1 did not reply" in out
    assert "has-service: 2 of 3  (published: 2 of 3)" in out
    assert "Evidence as recorded on 2024-02-05. Scored on 5 of 5 criteria." in out


def test_score_speaks_of_the_round_in_its_own_words(run_line, tmp_path):
    out = run_line(["score", "--out", tmp_path / "out", "--format", "json"]).stdout  # the bundled round
    assert "42 bodies, 34 replied, 1 refused, 7 had not replied by the time of the survey." in out
    assert "Evidence gathered June-July 2023; encoded 2026-11-24. Scored on 22 of 24 criteria" in out


def test_the_evidence_hash_can_be_reproduced_with_sha256sum(run_line, tmp_path):
    import hashlib

    run_line(["score", *TINY_ARGS, "--out", tmp_path, "--format", "json"])
    data = json.loads((tmp_path / "scorecard.json").read_text("utf-8"))
    # cd DIR && LC_ALL=C sha256sum *.json | sha256sum
    files = sorted((TINY / "evidence").glob("*.json"), key=lambda p: p.name.encode())
    listing = "".join(f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}\n" for p in files)
    assert data["evidence_sha256"] == hashlib.sha256(listing.encode()).hexdigest()
    assert data["rubric"]["sha256"] == hashlib.sha256((TINY / "rubric.yaml").read_bytes()).hexdigest()
    assert data["evidence_as_of"] == "2024-02-05"


def test_a_second_unrelated_rubric_scores_with_no_code_change(run_line, tmp_path):
    run_line(["rubric", "lint", LIBRARIES / "rubric.yaml"])
    run_line(["score", LIBRARIES / "evidence", "--rubric", LIBRARIES / "rubric.yaml", "--out", tmp_path, "--format", "json"])
    data = json.loads((tmp_path / "scorecard.json").read_text("utf-8"))
    bodies = {o["code"]: o for o in data["organisations"]}
    # LIB-N: opening (3/3 + 1/1) / 2 = 100, formats 6/6 = 100.
    # LIB-S: opening 0 (20 hours is in the lowest band; no evenings), formats 1 of 3 = 33.3;
    #        overall (1 x 0 + 3 x 33.3) / 4 = 25.
    assert (bodies["LIB-N"]["percent"], bodies["LIB-N"]["band"]) == (100.0, "open")
    assert bodies["LIB-S"]["percent"] == pytest.approx(25.0)
    assert [f["id"] for f in bodies["LIB-S"]["flags"]] == ["no-audio"]
    assert bodies["LIB-W"]["response"] == "no-reply" and bodies["LIB-W"]["percent"] is None
    assert data["summary"]["categories"] == [
        {"id": "evening-opening", "title": "Open in the evening", "count": 1, "of": 2, "published": None}
    ]


def test_validate_ok(run_line):
    assert "5 records valid against tiny 1.2.0" in run_line(["validate", *TINY_ARGS]).stdout


def test_the_rubric_is_found_from_the_records(run_line, tmp_path, monkeypatch):
    # Not bundled, so the records' rubric id alone cannot find it: a usage error that says what to do.
    result = run_line(["validate", TINY / "evidence"], expect=2)
    assert "rubric 'tiny', which is not bundled" in result.stderr


# ---------------------------------------------------------------- exit 1: invalid input, nothing written


def test_invalid_evidence_exits_1_and_writes_nothing(run_line, tmp_path):
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    for path in (TINY / "evidence").iterdir():
        (evidence / path.name).write_bytes(path.read_bytes())
    before = {p.name: p.read_bytes() for p in evidence.iterdir()}
    (evidence / "AAA.json").write_text((TINY / "evidence" / "AAA.json").read_text().replace('"service"', '"Maybe"', 1))
    out = tmp_path / "out"
    result = run_line(["score", evidence, "--rubric", TINY / "rubric.yaml", "--out", out], expect=1)
    assert f'{evidence}/AAA.json: /answers/S1/value: "Maybe" is not one of' in result.stderr
    assert "nothing was written" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()
    assert {p.name for p in evidence.iterdir()} == set(before)
    assert all((evidence / name).read_bytes() == data for name, data in before.items() if name != "AAA.json")


def test_a_failed_run_leaves_the_previous_scorecard_intact(run_line, tmp_path):
    out = tmp_path / "out"
    run_line(["score", *TINY_ARGS, "--out", out, "--format", "json"])
    previous = (out / "scorecard.json").read_bytes()
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "AAA.json").write_text("{}")
    run_line(["score", bad, "--rubric", TINY / "rubric.yaml", "--out", out], expect=1)
    assert (out / "scorecard.json").read_bytes() == previous
    assert sorted(p.name for p in out.iterdir()) == ["scorecard.json"]


def test_problems_as_json_for_ci(run_line, tmp_path):
    (tmp_path / "AAA.json").write_text("[1, 2")
    result = run_line(["--output-format", "json", "validate", tmp_path, "--rubric", TINY / "rubric.yaml"], expect=1)
    payload = json.loads(result.stdout)
    assert payload["status"] == "fail"
    assert payload["problems"][0]["file"] == str(tmp_path / "AAA.json")
    assert payload["problems"][0]["line"] == 1


def test_a_broken_rubric_exits_1(run_line, tmp_path):
    (tmp_path / "rubric.yaml").write_text("id: [\n")
    result = run_line(["rubric", "lint", tmp_path / "rubric.yaml"], expect=1)
    assert f"{tmp_path / 'rubric.yaml'}:2: /: is not valid YAML" in result.stderr


# ---------------------------------------------------------------- exit 2: usage errors


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["score", "--bogus"], "No such option"),
        (["score", "/no/such/folder"], "does not exist"),
        (["validate", "/no/such/file.json"], "does not exist"),
        (["rubric", "lint", "/no/such/rubric.yaml"], "does not exist"),
        (["score", *TINY_ARGS[:1], "--rubric", "no-such-rubric"], "neither a file nor a bundled rubric"),
        (["score", *TINY_ARGS, "--format", "pdf"], "'pdf' is not one of"),
        (["nonsense"], "No such command"),
    ],
)
def test_usage_errors_exit_2(run_line, args, message):
    result = run_line(args, expect=2)
    assert message in result.stderr


def test_out_that_is_a_file_is_a_usage_error(run_line, tmp_path):
    target = tmp_path / "taken"
    target.write_text("keep me")
    result = run_line(["score", *TINY_ARGS, "--out", target], expect=2)
    assert "is a file" in result.stderr
    assert target.read_text() == "keep me"


# ---------------------------------------------------------------- help and version


def _commands(group, prefix=()):
    for name, command in sorted(group.commands.items()):
        yield (*prefix, name), command
        if hasattr(command, "commands"):
            yield from _commands(command, (*prefix, name))


@pytest.mark.parametrize("path", [p for p, _ in _commands(cli)], ids=" ".join)
def test_every_command_has_help_with_an_example(run_line, path):
    out = run_line([*path, "--help"]).stdout
    assert "Example" in out and "scorecard " in out.split("Example", 1)[1]


def test_version(run_line):
    assert run_line(["--version"]).stdout.strip() == f"scorecard, version {__version__}"


def test_debug_flag_exists_for_internal_errors(run_line):
    assert "--debug" in run_line(["--help"]).stdout


def test_no_traceback_for_an_unreadable_file(run_line, tmp_path):
    if os.geteuid() == 0:
        # root reads anything; make the file a folder named like a record instead
        (tmp_path / "AAA.json").mkdir()
    else:
        (tmp_path / "AAA.json").write_text("{}")
        (tmp_path / "AAA.json").chmod(0)
    result = run_line(["validate", tmp_path, "--rubric", TINY / "rubric.yaml"], expect=1)
    assert "AAA.json" in result.stderr and "Traceback" not in result.output


# ---------------------------------------------------------------- progress


# Seen as a person sees it: the command run with its stderr on a terminal (a pseudo-terminal), in a
# pipe, or quiet. A round of 300 records or more takes a second or more to score and write, and
# gets a bar; a smaller one does not.


def _bodies(folder: Path, count: int) -> tuple[Path, Path]:
    """A tiny-rubric round of `count` bodies (no answers), with a register that lists them."""
    codes = [f"B{i:03d}" for i in range(count)]
    rubric_path, evidence = write_round(folder, tiny_rubric(), [record(code) for code in codes])
    (folder / "register.csv").write_text("code,name,short_name,region\n" + "".join(f"{c},Board {c},{c},North\n" for c in codes), "utf-8")
    return rubric_path, evidence


def _stderr_of_score(args: list[str], terminal: bool) -> str:
    """What `scorecard score ARGS` writes to stderr, when stderr is a terminal or a pipe."""
    import select
    import subprocess
    import sys

    command = [sys.executable, "-m", "scorecard", "score", *map(str, args)]
    if not terminal:
        done = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120, check=True)
        return done.stderr.decode()
    master, slave = os.openpty()
    with subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave) as process:
        os.close(slave)
        chunks = []
        while select.select([master], [], [], 120)[0]:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the command has closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(master)
        assert process.wait(timeout=120) == 0
    return b"".join(chunks).decode(errors="replace")


@pytest.fixture(scope="module")
def large_round(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return _bodies(tmp_path_factory.mktemp("large"), 300)


@pytest.mark.parametrize(("terminal", "quiet", "shown"), [(True, False, True), (False, False, False), (True, True, False)])
def test_progress_bar_only_on_a_terminal(large_round, tmp_path, terminal, quiet, shown):
    rubric_path, evidence = large_round
    stderr = _stderr_of_score([evidence, "--rubric", rubric_path, "--out", tmp_path, "--format", "json", *(["-q"] if quiet else [])], terminal)
    # 300 records + 1 format + writing
    assert ("Scoring" in stderr and "302/302" in stderr) is shown, stderr
    assert (tmp_path / "scorecard.json").is_file()


def test_a_round_of_fewer_than_300_records_shows_no_progress_bar(tmp_path):
    rubric_path, evidence = _bodies(tmp_path / "round", 299)
    stderr = _stderr_of_score([evidence, "--rubric", rubric_path, "--out", tmp_path / "out", "--format", "json"], terminal=True)
    assert "Scoring" not in stderr and "/301" not in stderr, stderr
    assert (tmp_path / "out" / "scorecard.json").is_file()
