"""What scorecard reads and writes, under attack (issue 14): it reads only what the user named,
never writes into an input, and refuses what is not a record as well as what is a bad one. (Input
echoed back escaped and short: test_input_echoed_safely.py.)

Each test here failed on the code before the fix it names.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from conftest import TINY, record, tiny_rubric, write_round

TINY_RUBRIC = TINY / "rubric.yaml"
ROOT = Path(__file__).resolve().parents[2]


def _round(folder: Path, records: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for data in records:
        (folder / f"{data['organisation']}.json").write_text(json.dumps(data), "utf-8")
    return folder


def _secret(tmp_path: Path) -> Path:
    """A file no record should be able to make scorecard read: it is not a rubric, and its first
    line would be echoed if it were read as one."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-LINE: do not print\n", "utf-8")
    return secret


# ---------------------------------------------------------------- 1. ids from data never name a file


@pytest.mark.parametrize("kind", ["absolute", "relative-to-a-rubric", "secret"])
def test_a_rubric_id_in_a_record_never_names_a_file(run_line, tmp_path, monkeypatch, kind):
    secret = _secret(tmp_path)
    monkeypatch.chdir(tmp_path)
    shutil.copy(TINY_RUBRIC, tmp_path / "rubric.yaml")
    shutil.copy(TINY / "register.csv", tmp_path / "register.csv")
    rubric_id = {"absolute": str(secret), "relative-to-a-rubric": "rubric.yaml", "secret": "secret.txt"}[kind]
    evidence = _round(tmp_path / "round", [record("AAA", rubric={"id": rubric_id, "version": "1.2.0"})])
    for command in (["validate", evidence], ["score", evidence, "--out", tmp_path / "out"]):
        result = run_line(command, expect=2)
        assert "not bundled" in result.stderr and "give --rubric PATH" in result.stderr, result.stderr
        assert "TOP-SECRET" not in result.output and "TOP-SECRET" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_the_earlier_round_of_a_comparison_cannot_name_a_file(run_line, tmp_path):
    secret = _secret(tmp_path)
    old = _round(tmp_path / "old", [record("AAA", rubric={"id": str(secret), "version": "1.2.0"})])
    new = _round(tmp_path / "new", [record("AAA")])
    result = run_line(["score", new, "--rubric", TINY_RUBRIC, "--compare", old, "--out", tmp_path / "out"], expect=2)
    assert "not bundled" in result.stderr and "TOP-SECRET" not in result.stderr
    result = run_line(["compare", old, new, "--rubric", TINY_RUBRIC, "--out", tmp_path / "out"], expect=2)
    assert "not bundled" in result.stderr and "TOP-SECRET" not in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("cell", ["secret", "tiny-rubric-path"])
def test_the_rubric_cell_of_an_imported_workbook_cannot_name_a_file(run_line, tmp_path, cell):
    secret = _secret(tmp_path)
    workbook = tmp_path / "AAA.xlsx"
    run_line(["template", "--org", "AAA", "--rubric", TINY_RUBRIC, "--round", "test-1", "-o", workbook])
    book = openpyxl.load_workbook(workbook)
    book["Lists"]["B3"] = str(secret) if cell == "secret" else str(TINY_RUBRIC)
    book.save(workbook)
    result = run_line(["import", workbook, "-o", tmp_path / "AAA.json"], expect=2)
    assert "named by the workbook" in result.stderr and "TOP-SECRET" not in result.stderr, result.stderr
    assert not (tmp_path / "AAA.json").exists()
    # given on the command line, a path is still a path
    book["Lists"]["B3"] = "tiny"
    book.save(workbook)
    run_line(["import", workbook, "--rubric", TINY_RUBRIC, "-o", tmp_path / "AAA.json"], expect=None)


def test_a_bundled_rubric_is_still_found_by_its_id():
    from scorecard.rubric import find_rubric, find_rubric_option

    assert find_rubric("nhse-dfm-2023") is not None
    for hostile in ("/etc/passwd", "../rubrics/nhse-dfm-2023", "nhse-dfm-2023\n", "", "rubrics/nhse-dfm-2023.yaml", None, 7):
        assert find_rubric(hostile) is None, hostile  # type: ignore[arg-type]
    assert find_rubric_option(str(TINY_RUBRIC)) == TINY_RUBRIC


# ---------------------------------------------------------------- 3. never write into an input


@pytest.mark.parametrize("where", ["the-round", "inside-the-round", "holding-the-round", "rubric-folder", "compare"])
def test_out_may_not_be_or_hold_or_lie_inside_an_input(run_line, tmp_path, where):
    rubric_path, evidence = write_round(tmp_path / "project", tiny_rubric(), [record("AAA"), record("BBB")])
    earlier = _round(tmp_path / "earlier", [record("AAA")])
    out = {
        "the-round": evidence,
        "inside-the-round": evidence / "out",
        "holding-the-round": tmp_path / "project",
        "rubric-folder": rubric_path.parent / "results",
        "compare": earlier / "x",
    }[where]
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    extra = ["--compare", earlier] if where == "compare" else []
    result = run_line(["score", evidence, "--rubric", rubric_path, "--out", out, *extra], expect=2)
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "write the scorecard to a folder of its own" in result.stderr
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before
    assert where in ("the-round", "holding-the-round") or not out.exists()


def test_out_given_by_a_symlink_into_the_round_is_refused(run_line, tmp_path):
    link = tmp_path / "link"
    link.symlink_to(TINY / "evidence")
    result = run_line(["score", TINY / "evidence", "--rubric", TINY_RUBRIC, "--out", link / "out"], expect=2)
    assert "lies inside the input" in result.stderr
    assert not (TINY / "evidence" / "out").exists()


# ---------------------------------------------------------------- 12. what a round's records are


@pytest.mark.parametrize("name,why", [
    (".QJK.json", "is a hidden file"),
    ("QJK.JSON", "ends in '.JSON'"),
    ("notes.schema.json", "is named as a schema"),
])
def test_a_file_that_looks_like_a_record_but_is_not_read_is_reported(run_line, tmp_path, name, why):
    evidence = shutil.copytree(TINY / "evidence", tmp_path / "round")
    (evidence / name).write_text(json.dumps(record("AAA")), "utf-8")
    result = run_line(["validate", evidence, "--rubric", TINY_RUBRIC], expect=1)
    assert f"{evidence / name}: /: {why}" in result.stderr, result.stderr


def test_the_documented_hash_recipe_gives_the_round_fingerprint(run_line, tmp_path):
    evidence = shutil.copytree(TINY / "evidence", tmp_path / "round")
    (evidence / "README.md").write_text("not part of the round", "utf-8")
    run_line(["score", evidence, "--rubric", TINY_RUBRIC, "--out", tmp_path / "out", "--format", "json"])
    fingerprint = json.loads((tmp_path / "out" / "scorecard.json").read_text("utf-8"))["evidence_sha256"]
    recipe = subprocess.run("LC_ALL=C sha256sum *.json | sha256sum", shell=True, cwd=evidence, capture_output=True, text=True, check=True)
    assert recipe.stdout.split()[0] == fingerprint


# ---------------------------------------------------------------- 13. only regular files


def _run(args: list[str], timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scorecard", *map(str, args)], capture_output=True, text=True, timeout=timeout,
                          cwd=Path(__file__).resolve().parent)


@pytest.mark.parametrize("command", ["validate", "score"])
def test_a_fifo_in_a_round_is_refused_at_once(tmp_path, command):
    evidence = shutil.copytree(TINY / "evidence", tmp_path / "round")
    os.mkfifo(evidence / "ZZZ.json")
    extra = ["--out", tmp_path / "out"] if command == "score" else []
    result = _run([command, evidence, "--rubric", TINY_RUBRIC, *extra])  # raises TimeoutExpired if it waits
    assert result.returncode == 1, result.stderr
    assert f"{evidence / 'ZZZ.json'}: /: is a FIFO (named pipe), not a regular file" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_fifo_given_as_a_record_or_rubric_is_refused_at_once(tmp_path):
    fifo = tmp_path / "AAA.json"
    os.mkfifo(fifo)
    assert _run(["validate", fifo, "--rubric", TINY_RUBRIC]).returncode == 1
    rubric_fifo = tmp_path / "rubric.yaml"
    os.mkfifo(rubric_fifo)
    result = _run(["rubric", "lint", rubric_fifo])
    assert result.returncode == 1 and "is a FIFO" in result.stderr, result.stderr


def test_a_folder_named_like_a_record_is_refused(run_line, tmp_path):
    evidence = shutil.copytree(TINY / "evidence", tmp_path / "round")
    (evidence / "ZZZ.json").mkdir()
    result = run_line(["validate", evidence, "--rubric", TINY_RUBRIC], expect=1)
    assert f"{evidence / 'ZZZ.json'}: /: is a folder" in result.stderr


# ---------------------------------------------------------------- 16. links and file names


@pytest.mark.parametrize("url", [
    "https://www.example.org:login@evil.example/",
    "https://www.example.org@evil.example/path",
    "http://user:pass@evil.example",
    "https://evil.example\\@www.example.org/",
])
def test_a_url_with_user_information_is_refused(run_line, tmp_path, url):
    data = record("AAA")
    data["sources"][0]["url"] = url
    evidence = _round(tmp_path / "round", [data])
    result = run_line(["validate", evidence, "--rubric", TINY_RUBRIC], expect=1)
    assert "/sources/0/url" in result.stderr, result.stderr
    from scorecard.render.html_view import http_url

    assert http_url(url) is None  # nor would the site link it, if handed one


def test_a_record_must_be_named_after_its_body(run_line, tmp_path):
    evidence = tmp_path / "round"
    evidence.mkdir()
    (evidence / "Alpha.json").write_text(json.dumps(record("AAA")), "utf-8")
    result = run_line(["validate", evidence, "--rubric", TINY_RUBRIC], expect=1)
    assert f"{evidence / 'Alpha.json'}: /organisation: the record of 'AAA' must be named AAA.json, not Alpha.json" in result.stderr


def test_a_round_folder_names_its_rubric_by_id_never_by_path(run_line, tmp_path):
    """round.json is data: a path in its "rubric" is never read (cause 1), and a rubric that is not
    bundled is read only when named with --rubric, and only if it is the rubric the round names."""
    import json

    folder = tmp_path / "test-1"
    run_line(["round", "new", folder, "--rubric", TINY_RUBRIC, "--register", "register.csv"])
    info = json.loads((folder / "round.json").read_text("utf-8"))
    assert info["rubric"] == "tiny"  # the id, not the file's path
    result = run_line(["round", "status", folder], expect=1)
    assert "not a bundled rubric; give its file with --rubric PATH" in result.stderr
    run_line(["round", "status", folder, "--rubric", TINY_RUBRIC])
    secret = tmp_path / "secret.yaml"
    secret.write_text("top-secret-line: 1\n", "utf-8")
    info["rubric"] = str(secret)
    (folder / "round.json").write_text(json.dumps(info), "utf-8")
    result = run_line(["round", "status", folder], expect=1)
    assert "top-secret-line" not in result.stdout + result.stderr
    assert "round.json: /rubric:" in result.stderr  # refused by the round schema, unread
    info["rubric"] = "tiny"
    (folder / "round.json").write_text(json.dumps(info), "utf-8")
    result = run_line(["round", "status", folder, "--rubric", "nhse-dfm-2023"], expect=1)
    assert "but --rubric is 'nhse-dfm-2023'" in result.stderr
