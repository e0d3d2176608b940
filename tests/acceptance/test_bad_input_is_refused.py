"""Broken and hostile input: exit 1 (or 2 for usage), a message naming file, place and problem, no
traceback, nothing written, no input changed.

The corpus lives in tests/corpus/: one file per bad input, with the words its message must contain
in tests/corpus/*-expected.json. Add a file and a line there for every new bug.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import TINY, assert_loader_follows_schema

CORPUS = Path(__file__).parents[1] / "corpus"
EVIDENCE_CASES = json.loads((CORPUS / "evidence-expected.json").read_text("utf-8"))
RUBRIC_CASES = json.loads((CORPUS / "rubrics-expected.json").read_text("utf-8"))
TINY_RUBRIC = TINY / "rubric.yaml"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_every_corpus_file_has_an_expectation_and_back():
    assert sorted(p.name for p in (CORPUS / "evidence").iterdir()) == sorted(EVIDENCE_CASES)
    assert sorted(p.name for p in (CORPUS / "rubrics").glob("*.yaml")) == sorted(RUBRIC_CASES)


@pytest.mark.parametrize("name", sorted(EVIDENCE_CASES))
def test_bad_evidence_is_named_and_nothing_is_written(run_line, tmp_path, name):
    path = CORPUS / "evidence" / name
    before = path.read_bytes()
    out = tmp_path / "out"
    result = run_line(["score", path.parent, "--rubric", TINY_RUBRIC, "--out", out], expect=1)
    lines = [line for line in result.stderr.splitlines() if line.startswith(f"{path}")]
    assert any(EVIDENCE_CASES[name] in line for line in lines), result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()
    assert path.read_bytes() == before


def _parses(name: str) -> bool:
    from scorecard.loaders import parse_json
    from scorecard.problems import InvalidInput

    try:
        parse_json((CORPUS / "evidence" / name).read_bytes(), name)
    except InvalidInput:
        return False
    return True


@pytest.mark.parametrize("name", [n for n in sorted(EVIDENCE_CASES) if _parses(n)])
def test_the_loader_refuses_what_the_published_schema_refuses(name):
    """Whatever the loader does to be fast, its verdict on each corpus record is the schema's."""
    from scorecard.loaders import parse_json
    from scorecard.rubric import load_rubric

    path = CORPUS / "evidence" / name
    assert_loader_follows_schema(parse_json(path.read_bytes(), name), [path], load_rubric(TINY_RUBRIC))


@pytest.mark.parametrize("name", sorted(RUBRIC_CASES))
def test_bad_rubrics_are_named_with_a_line(run_line, name):
    path = CORPUS / "rubrics" / name
    result = run_line(["rubric", "lint", path], expect=1)
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{path}"), first
    assert RUBRIC_CASES[name] in first, first
    assert "Traceback" not in result.output
    # where the file has content, the line is given
    if path.stat().st_size and name not in {"latin-1.yaml"}:
        assert first[len(str(path)) :].split(":")[1].isdigit(), first


def test_a_file_of_hundreds_of_megabytes_is_refused_unread(run_line, tmp_path):
    big = tmp_path / "AAA.json"
    with big.open("wb") as handle:
        handle.truncate(300 * 1024 * 1024)  # sparse: no disk used, no time spent
    result = run_line(["validate", big, "--rubric", TINY_RUBRIC], expect=1)
    assert f"{big}: /: evidence file is 314,572,800 bytes; the limit is 5,242,880 bytes" in result.stderr


def test_a_huge_rubric_is_refused(run_line, tmp_path):
    big = tmp_path / "rubric.yaml"
    big.write_bytes(b"# padding\n" * 300_000)
    result = run_line(["rubric", "lint", big], expect=1)
    assert "the limit is 2,097,152 bytes" in result.stderr


# ---------------------------------------------------------------- paths


def test_an_empty_folder(run_line, tmp_path):
    result = run_line(["validate", tmp_path, "--rubric", TINY_RUBRIC], expect=1)
    assert f"{tmp_path}: /: holds no evidence records" in result.stderr


def test_a_folder_of_non_json_files(run_line, tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "reply.pdf").write_bytes(b"%PDF-1.4")
    result = run_line(["score", tmp_path, "--rubric", TINY_RUBRIC, "--out", tmp_path / "out"], expect=1)
    assert "holds no evidence records (*.json files)" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_symlink_loop(run_line, tmp_path):
    (tmp_path / "AAA.json").symlink_to(tmp_path / "BBB.json")
    (tmp_path / "BBB.json").symlink_to(tmp_path / "AAA.json")
    result = run_line(["validate", tmp_path, "--rubric", TINY_RUBRIC], expect=1)
    assert f"{tmp_path / 'AAA.json'}: /: cannot be read: Too many levels of symbolic links" in result.stderr


def test_an_unreadable_file(run_line, tmp_path, monkeypatch):
    target = tmp_path / "AAA.json"
    target.write_bytes((TINY / "evidence" / "AAA.json").read_bytes())
    target.chmod(0)
    if os.geteuid() == 0:
        # root reads any file whatever its mode, so make the read itself fail as it would for a user
        real_open = Path.open

        def refuse(self, *args, **kwargs):
            if self == target:
                raise PermissionError(errno.EACCES, "Permission denied", str(self))
            return real_open(self, *args, **kwargs)

        monkeypatch.setattr(Path, "open", refuse)
    result = run_line(["validate", target, "--rubric", TINY_RUBRIC], expect=1)
    assert f"{target}: /: cannot be read: Permission denied" in result.stderr
    assert "Traceback" not in result.output


def _fill_the_disk(monkeypatch, tmp_path: Path) -> Path:
    """An output folder with room for the first file only: a real 64 KiB tmpfs, almost full, where
    this machine lets us mount one (root); otherwise writes that fail after the first file."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True)
    if made.returncode == 0:
        _mounted.append(mount)
        return mount / "out"
    import scorecard.output as output

    real = output.os.fdopen
    calls = {"n": 0}

    class FullDisk:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            calls["n"] += 1
            if calls["n"] >= 2:
                raise OSError(errno.ENOSPC, "No space left on device")
            return self.handle.write(data)

        def flush(self):
            self.handle.flush()

        def fileno(self):
            return self.handle.fileno()

    monkeypatch.setattr(output.os, "fdopen", lambda fd, mode: FullDisk(real(fd, mode)))
    return mount / "out"


_mounted: list[Path] = []


@pytest.fixture
def full_disk(monkeypatch, tmp_path):
    yield lambda: _fill_the_disk(monkeypatch, tmp_path)
    while _mounted:
        subprocess.run(["umount", str(_mounted.pop())], check=True)


def test_a_full_disk_leaves_the_previous_scorecard_whole(run_line, full_disk):
    out = full_disk()
    # a previous scorecard that fits
    run_line(["score", TINY / "evidence", "--rubric", TINY_RUBRIC, "--out", out, "--format", "json"])
    before = _snapshot(out)
    if _mounted:  # leave less room than a full set of outputs needs
        free = os.statvfs(out).f_bavail * os.statvfs(out).f_frsize
        (out.parent / "filler").write_bytes(b"\0" * max(0, free - 8 * 1024))
    result = run_line(["score", TINY / "evidence", "--rubric", TINY_RUBRIC, "--out", out], expect=1)
    assert "cannot be written: No space left on device" in result.stderr
    assert _snapshot(out) == before  # nothing replaced, no temporary file left behind


def test_an_output_path_that_is_a_file_is_a_usage_error(run_line, tmp_path):
    target = tmp_path / "out"
    target.write_text("precious")
    result = run_line(["score", TINY / "evidence", "--rubric", TINY_RUBRIC, "--out", target], expect=2)
    assert "is a file" in result.stderr and target.read_text() == "precious"


def test_inputs_are_never_modified(run_line, tmp_path):
    before = _snapshot(TINY)
    run_line(["score", TINY / "evidence", "--rubric", TINY_RUBRIC, "--out", tmp_path])
    run_line(["validate", TINY / "evidence", "--rubric", TINY_RUBRIC])
    assert _snapshot(TINY) == before
