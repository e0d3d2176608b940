"""Each file of a round is read once (issue 17): loading and scoring a round opens every record,
round.json and the tracker once, though several steps need them (the first record says which
rubric the round answers, round.json which register was in force and on what day the round
closed), and a file that cannot be read is reported once, in the same words.

Counted where every reader opens a file: pathlib.Path.open (Path.read_bytes and read_text go
through it too).
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

import scorecard
from scorecard.rounds.tracker import TRACKER_FILE, new_tracker, tracker_bytes

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "evidence" / "foi-2023"  # records that name a bundled rubric, and a round.json with gathered_on


def _round_with_tracker(tmp_path: Path) -> Path:
    folder = tmp_path / "foi-2023"
    shutil.copytree(BUNDLED, folder, ignore=shutil.ignore_patterns("*.md"))
    register = scorecard.load_rubric(evidence=folder).register
    sent = [dataclasses.replace(r, sent=dt.date(2023, 6, 5)) for r in new_tracker(register)]
    (folder / TRACKER_FILE).write_bytes(tracker_bytes(sent))
    return folder


@pytest.fixture
def opened(monkeypatch) -> collections.Counter[str]:
    """How many times each file is opened for reading from now on, by name."""
    counts: collections.Counter[str] = collections.Counter()
    real_open = Path.open

    def counting_open(self: Path, mode: str = "r", *args, **kwargs):
        if "r" in mode and "+" not in mode:
            counts[str(self)] += 1
        return real_open(self, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "open", counting_open)
    return counts


def test_loading_and_scoring_a_round_reads_each_of_its_files_once(tmp_path, opened):
    folder = _round_with_tracker(tmp_path)
    opened.clear()
    card = scorecard.score(scorecard.load_round(folder))  # no rubric given: the records name it
    assert card.timeliness is not None and card.timeliness.as_of == "2023-07-31"  # round.json's gathered_on
    files = sorted(p.name for p in folder.iterdir())
    assert len(files) == 44 and "round.json" in files and TRACKER_FILE in files
    assert {name: opened[str(folder / name)] for name in files} == dict.fromkeys(files, 1)


def test_the_command_reads_each_file_of_the_round_once(tmp_path, opened, run_line):
    folder = _round_with_tracker(tmp_path)
    opened.clear()
    run_line(["score", folder, "--out", tmp_path / "out", "--format", "json", "-q"])
    files = sorted(p.name for p in folder.iterdir())
    assert {name: opened[str(folder / name)] for name in files} == dict.fromkeys(files, 1)


def test_a_record_that_cannot_be_read_is_read_and_reported_once(tmp_path, opened):
    folder = _round_with_tracker(tmp_path)
    first = sorted(p for p in folder.glob("*.json") if p.name != "round.json")[0]
    first.write_bytes(b"\xef\xbb\xbf" + first.read_bytes())  # the rubric is then named by the next record
    opened.clear()
    with pytest.raises(scorecard.InvalidInput) as caught:
        scorecard.load_round(folder)
    assert [(p.file, p.code) for p in caught.value.problems] == [(str(first), "byte-order-mark")]
    assert opened[str(first)] == 1 and opened[str(folder / "round.json")] == 1


def test_round_json_that_cannot_be_parsed_is_read_and_reported_once(tmp_path, opened):
    folder = _round_with_tracker(tmp_path)
    round_file = folder / "round.json"
    round_file.write_text(json.dumps({"round": "foi-2023", "gathered_on": "2023-07-31"})[:-1], "utf-8")
    opened.clear()
    with pytest.raises(scorecard.InvalidInput) as caught:
        scorecard.load_round(folder)
    assert [(p.file, p.code) for p in caught.value.problems] == [(str(round_file), "not-json")]
    assert opened[str(round_file)] == 1


def test_with_several_round_folders_the_register_is_picked_by_the_round_json_that_is_checked(tmp_path):
    # round.json is read once, so the register in force and the round's details come from one
    # file: the last folder's, the one load_round checks and LoadedRound.info holds.
    folders = []
    for name, gathered_on in (("early", "2023-07-31"), ("late", "2026-05-01")):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "round.json").write_text(json.dumps({"round": "foi-2023", "gathered_on": gathered_on}), "utf-8")
        shutil.copy(BUNDLED / "QHG.json", folder / "QHG.json")
        folders.append(folder)
    assert scorecard.load_rubric("nhse-dfm-2023", evidence=folders[:1]).register.name == "icbs-2022"
    assert scorecard.load_rubric("nhse-dfm-2023", evidence=folders).register.name == "icbs-2026"


def test_loading_a_round_lists_its_folder_once(tmp_path, monkeypatch):
    # The records, round.json and the files that only look like records (reported, never read)
    # all come from one listing of the folder. Counted at the system's two ways of listing one
    # (pathlib's iterdir goes through them).
    import os

    folder = tmp_path / "foi-2023"
    shutil.copytree(BUNDLED, folder, ignore=shutil.ignore_patterns("*.md"))
    listed: collections.Counter[str] = collections.Counter()
    real_listdir, real_scandir = os.listdir, os.scandir

    def listdir(path=".", *args):
        listed[str(path)] += 1
        return real_listdir(path, *args)

    def scandir(path=".", *args):
        listed[str(path)] += 1
        return real_scandir(path, *args)

    monkeypatch.setattr(os, "listdir", listdir)
    monkeypatch.setattr(os, "scandir", scandir)
    scorecard.score(scorecard.load_round(folder))
    assert listed[str(folder)] == 1, listed
