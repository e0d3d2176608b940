"""Trust under attack (issue 14): read only what the user named, echo input escaped and short,
never write into an input, and refuse what is not a record as well as what is a bad one.

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
ROOT = Path(__file__).resolve().parent.parent


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


# ---------------------------------------------------------------- 2. input shown escaped, one line


def test_terminal_escapes_in_a_code_never_reach_the_terminal(run_line, tmp_path):
    code = "\x1b]0;pwned\x07"
    evidence = tmp_path / "round"
    evidence.mkdir()
    for name in ("one.json", "two.json"):
        (evidence / name).write_text(json.dumps(record(code)), "utf-8")
    result = run_line(["validate", evidence, "--rubric", TINY_RUBRIC], expect=1)
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "\\x1b]0;pwned\\x07 already has a record in this round" in result.stderr
    assert all(line.startswith(str(evidence)) for line in result.stderr.splitlines()[:-1]), result.stderr


def test_a_file_name_with_a_newline_stays_on_one_line(run_line, tmp_path):
    evidence = tmp_path / "round"
    evidence.mkdir()
    (evidence / "bad\nname.json").write_text("{", "utf-8")
    result = run_line(["validate", evidence, "--rubric", TINY_RUBRIC], expect=1)
    lines = result.stderr.splitlines()
    assert len(lines) == 2, lines  # the problem and the count
    assert lines[0].startswith(f"{evidence}/bad\\nname.json:1: /: is not valid JSON"), lines


@pytest.mark.parametrize("value", ["\x1b[2J\x1b[31mred", "two\nlines", "\u202eevil", "\x9b31m"])
def test_every_quoted_value_is_escaped(value):
    from scorecard.quoting import quote, shown

    for text in (quote(value), shown(value)):
        assert text.isprintable() and "\n" not in text, text


def test_usage_errors_show_options_escaped(run_line, tmp_path):
    result = run_line(["validate", TINY / "evidence", "--rubric", "\x1b[31mnope\nsecond"], expect=2)
    assert "\x1b" not in result.stderr and "\\x1b[31mnope\\nsecond" in result.stderr


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


# ---------------------------------------------------------------- 14. huge values quoted short


def test_a_huge_note_is_quoted_short_with_the_limit(run_line, tmp_path):
    data = record("AAA", {"S1": {"value": "service", "source": "doc", "note": "N" * 1_000_000}})
    evidence = _round(tmp_path / "round", [data])
    result = run_line(["validate", evidence, "--rubric", TINY_RUBRIC], expect=1)
    (line,) = [line for line in result.stderr.splitlines() if "/answers/S1/note" in line]
    assert len(line) < 400, len(line)
    assert "... (1,000,000 characters) is too long: the limit is 20,000 characters" in line


def test_a_huge_rubric_title_is_quoted_short(run_line, tmp_path):
    text = TINY_RUBRIC.read_text("utf-8").replace("title: Tiny test rubric", "title: " + "T" * 1_500_000, 1)
    shutil.copy(TINY / "register.csv", tmp_path / "register.csv")
    (tmp_path / "rubric.yaml").write_text(text, "utf-8")
    result = run_line(["rubric", "lint", tmp_path / "rubric.yaml"], expect=1)
    assert max(len(line) for line in result.stderr.splitlines()) < 400
    assert "the limit is 20,000" in result.stderr


def test_a_huge_unknown_key_is_quoted_short(run_line, tmp_path):
    data = record("AAA")
    data["K" * 100_000] = 1
    evidence = _round(tmp_path / "round", [data])
    result = run_line(["validate", evidence, "--rubric", TINY_RUBRIC], expect=1)
    assert max(len(line) for line in result.stderr.splitlines()) < 1_300
    assert "(100,000 characters)" in result.stderr


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


def test_problems_as_json_stay_inert_on_a_terminal(run_line, tmp_path):
    code = "\x9b31m\u202eAAA"  # a C1 control and a bidirectional override, which JSON leaves raw
    evidence = _round(tmp_path / "round", [])
    (evidence / f"{code}.json").write_text(json.dumps(record(code)), "utf-8")
    result = run_line(["--output-format", "json", "validate", evidence, "--rubric", TINY_RUBRIC], expect=1)
    assert "\x9b" not in result.stdout and "\u202e" not in result.stdout
    problems = json.loads(result.stdout)["problems"]
    assert {p["file"] for p in problems} == {str(evidence / f"{code}.json")}  # the same data to a JSON reader
    assert any("\\x9b31m\\u202eAAA" in p["message"] for p in problems), problems


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
