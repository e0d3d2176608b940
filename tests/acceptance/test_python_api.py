"""The Python API (scorecard.api, exported by the package): values returned, nothing printed, every
problem in one documented error, the same files as the command line; and the README's example
runs as written."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TINY

import scorecard
from scorecard.publish import LOCK

ROOT = Path(__file__).resolve().parents[2]
TINY_RUBRIC = TINY / "rubric.yaml"


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_package_exports_the_api():
    import importlib
    import pkgutil
    import types

    assert set(scorecard.__all__) >= {"load_rubric", "load_round", "score", "compare_rounds", "write", "InvalidInput", "Problem", "Scorecard"}
    # Importing a submodule sets it as an attribute of the package: none may share an API name.
    for module in pkgutil.walk_packages(scorecard.__path__, "scorecard."):
        if not module.name.endswith("__main__"):  # that one runs the command line
            importlib.import_module(module.name)
    for name in scorecard.__all__:
        assert not isinstance(getattr(scorecard, name), types.ModuleType), name


def test_load_score_and_read_results_of_the_tiny_round(capsys):
    round_ = scorecard.load_round(TINY / "evidence", TINY_RUBRIC)
    assert round_.rubric.rubric.id == "tiny" and [r.organisation for r in round_.records] == ["AAA", "BBB", "CCC", "DDD", "EEE"]
    card = scorecard.score(round_)
    assert isinstance(card, scorecard.Scorecard)
    by_code = {o.code: o for o in card.organisations}
    # the README's worked example: CCC 41.7%, its services capped by the flag no-policy-but-service
    assert round(by_code["CCC"].percent, 1) == 41.7
    assert by_code["CCC"].sections[0].capped_by == "no-policy-but-service"
    assert capsys.readouterr() == ("", "")  # the API prints nothing


def test_a_folder_and_its_files_are_the_same_round():
    files = sorted(p for p in (TINY / "evidence").glob("*.json") if p.name != "round.json")
    loaded = scorecard.load_rubric(TINY_RUBRIC)
    from_files = scorecard.load_round(files, loaded)
    from_folder = scorecard.load_round(TINY / "evidence", loaded)
    assert from_files.records == from_folder.records
    assert from_folder.info is not None and from_files.info is None  # round.json is read from a folder only


def test_written_files_are_the_command_lines_byte_for_byte(run_line, tmp_path):
    run_line(["score", TINY / "evidence", "--rubric", TINY_RUBRIC, "--out", tmp_path / "cli", "-q"])
    round_ = scorecard.load_round(TINY / "evidence", TINY_RUBRIC)
    written = scorecard.write(scorecard.score(round_), round_.rubric, tmp_path / "api")
    assert written and all(p.is_file() and p.is_relative_to(tmp_path / "api") for p in written)
    assert _tree(tmp_path / "api") == _tree(tmp_path / "cli")


def test_compare_is_what_the_compare_command_writes(run_line, tmp_path):
    old_dir, new_dir = ROOT / "evidence" / "foi-2023", ROOT / "evidence" / "illustrative-2026"
    run_line(["compare", old_dir, new_dir, "--out", tmp_path / "cli", "--format", "json", "-q"])
    new = scorecard.load_round(new_dir)
    card = scorecard.compare_rounds(scorecard.load_round(old_dir), scorecard.score(new), new.rubric)
    assert card.changes is not None and card.changes.before.round == "foi-2023"
    scorecard.write(card, new.rubric, tmp_path / "api", ["json"])
    assert _tree(tmp_path / "api") == _tree(tmp_path / "cli")


def test_every_problem_of_every_file_is_in_one_error(tmp_path, capsys):
    for code, answer in (("AAA", "sometimes"), ("BBB", "maybe")):
        record = json.loads((TINY / "evidence" / f"{code}.json").read_text("utf-8"))
        record["answers"]["S1"]["value"] = answer
        (tmp_path / f"{code}.json").write_text(json.dumps(record), "utf-8")
    with pytest.raises(scorecard.InvalidInput) as caught:
        scorecard.load_round(tmp_path, TINY_RUBRIC)
    problems = caught.value.problems
    assert [Path(p.file).name for p in problems] == ["AAA.json", "BBB.json"]
    assert all(p.pointer == "/answers/S1/value" for p in problems)
    assert str(caught.value).splitlines() == [str(p) for p in problems]
    assert capsys.readouterr() == ("", "")


def test_a_rubric_that_cannot_be_found(tmp_path):
    with pytest.raises(scorecard.RubricNotFound) as caught:
        scorecard.load_rubric(tmp_path / "no-such-rubric.yaml")
    assert caught.value.reference == str(tmp_path / "no-such-rubric.yaml") and caught.value.problems
    # The tiny round's records name rubric "tiny", which is not bundled: data never names a file.
    with pytest.raises(scorecard.RubricNotFound) as caught:
        scorecard.load_round(TINY / "evidence")
    assert caught.value.named == "tiny" and caught.value.reference is None
    assert isinstance(caught.value, scorecard.InvalidInput)


def test_rounds_of_two_rubrics_are_not_compared(tmp_path):
    tiny = scorecard.load_round(TINY / "evidence", TINY_RUBRIC)
    bundled = scorecard.load_round(scorecard.bundled_round())
    with pytest.raises(scorecard.NotComparable) as caught:
        scorecard.compare_rounds(tiny, scorecard.score(bundled), bundled.rubric)
    assert (caught.value.before, caught.value.after) == ("tiny", bundled.rubric.rubric.id)


def test_an_unknown_format_or_none_is_a_value_error(tmp_path):
    round_ = scorecard.load_round(TINY / "evidence", TINY_RUBRIC)
    with pytest.raises(ValueError, match="unknown format pdf"):
        scorecard.write(scorecard.score(round_), round_.rubric, tmp_path / "out", ["json", "pdf"])
    with pytest.raises(ValueError, match="no format to write"):
        scorecard.write(scorecard.score(round_), round_.rubric, tmp_path / "out", [])
    assert not (tmp_path / "out").exists()


def test_a_folder_another_run_is_writing_into_is_refused(tmp_path):
    from scorecard.output import try_lock

    round_ = scorecard.load_round(TINY / "evidence", TINY_RUBRIC)
    out = tmp_path / "out"
    out.mkdir()
    fd = os.open(out / LOCK, os.O_RDWR | os.O_CREAT)
    try:
        assert try_lock(fd)
        with pytest.raises(scorecard.OutputBusy) as caught:
            scorecard.write(scorecard.score(round_), round_.rubric, out, ["json"])
    finally:
        os.close(fd)
    assert caught.value.out == out and not (out / "scorecard.json").exists()


def test_notes_tell_what_of_the_previous_scorecard_is_gone(tmp_path):
    round_ = scorecard.load_round(TINY / "evidence", TINY_RUBRIC)
    card = scorecard.score(round_)
    scorecard.write(card, round_.rubric, tmp_path, ["json", "xlsx"])
    heard: list[str] = []
    scorecard.write(card, round_.rubric, tmp_path, ["json"], notes=heard.append)
    assert heard == [f"removed scorecard.csv, scorecard.xlsx of the previous scorecard in {tmp_path}, which this run does not write"]
    assert not (tmp_path / "scorecard.xlsx").exists()


def test_the_api_leaves_the_garbage_collector_as_it_found_it(tmp_path):
    import gc

    frozen = gc.get_freeze_count()
    round_ = scorecard.load_round(TINY / "evidence", TINY_RUBRIC)
    scorecard.write(scorecard.score(round_), round_.rubric, tmp_path, ["json"])
    assert gc.isenabled() and gc.get_freeze_count() == frozen


def _readme_example() -> str:
    text = (ROOT / "README.md").read_text("utf-8")
    section = text[text.index("\n## Python API\n"):]
    section = section[: section.index("\n## ", 1)]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 1, "the Python API section has one example"
    return blocks[0]


def test_the_readme_example_runs_as_written(tmp_path):
    # In a fresh interpreter in an empty folder, as a reader would paste it.
    result = subprocess.run([sys.executable, "-c", _readme_example()], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert re.fullmatch(r".+, round foi-2023: 42 bodies", lines[0])
    assert len(lines) == 5 and all(re.fullmatch(r"  Q\w\w .+: \d+\.\d% \([a-z-]+\), rank \d+", line) for line in lines[1:4])
    assert lines[4].startswith("wrote ") and "scorecard.json" in lines[4] and "scorecard.xlsx" in lines[4]
    assert list(tmp_path.iterdir()) == []  # written to a temporary folder, gone after


def test_an_empty_folder_says_why_no_rubric_was_found(tmp_path):
    with pytest.raises(scorecard.RubricNotFound) as caught:
        scorecard.load_round(tmp_path)
    assert caught.value.named is None
    assert [str(p) for p in caught.value.problems] == [f"{tmp_path}: /: holds no evidence records (*.json files)"]


def test_the_registers_area_overlay_comes_with_the_round_and_its_csv_with_xlsx(tmp_path):
    round_ = scorecard.load_round(scorecard.bundled_round())
    assert round_.areas is not None and scorecard.load_round(scorecard.bundled_round(), areas=False).areas is None
    card = scorecard.score(round_)
    assert card.areas == round_.areas
    names = {p.name for p in scorecard.write(card, round_.rubric, tmp_path, ["xlsx"])}
    assert names == {"scorecard.xlsx", "scorecard.csv", f"{round_.areas.csv}.csv"}
