"""Input echoed back safely (issue 14): every value a message quotes from a file, a file name or an
option is escaped, so no terminal escape or line break reaches the terminal and one problem stays
one line, whether as text or as JSON; and a huge value is quoted short, with the limit it broke.
(What scorecard reads and writes: test_files_read_and_written.py.)

Each test here failed on the code before the fix it names.
"""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import TINY, record
from test_files_read_and_written import _round

TINY_RUBRIC = TINY / "rubric.yaml"

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


def test_problems_as_json_stay_inert_on_a_terminal(run_line, tmp_path):
    code = "\x9b31m\u202eAAA"  # a C1 control and a bidirectional override, which JSON leaves raw
    evidence = _round(tmp_path / "round", [])
    (evidence / f"{code}.json").write_text(json.dumps(record(code)), "utf-8")
    result = run_line(["--output-format", "json", "validate", evidence, "--rubric", TINY_RUBRIC], expect=1)
    assert "\x9b" not in result.stdout and "\u202e" not in result.stdout
    problems = json.loads(result.stdout)["problems"]
    assert {p["file"] for p in problems} == {str(evidence / f"{code}.json")}  # the same data to a JSON reader
    assert any("\\x9b31m\\u202eAAA" in p["message"] for p in problems), problems


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
