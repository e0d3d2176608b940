"""A scored round whose folder holds requests.csv shows how promptly the bodies replied, in
scorecard.json and on the national page; without a tracker nothing changes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import TINY


def tiny_round_with_tracker(tmp_path: Path, run_line) -> Path:
    rubric = tmp_path / "rubric"
    shutil.copytree(TINY, rubric)
    folder = tmp_path / "test-1"
    run_line(["round", "new", folder, "--rubric", rubric / "rubric.yaml", "--register", "register.csv"])
    for record in (rubric / "evidence").glob("*.json"):
        if record.name != "round.json":
            shutil.copy(record, folder / record.name)
    run_line(["round", "requests", folder, "--sent", "2022-12-16", "--rubric", rubric / "rubric.yaml"])  # due 19 January 2023
    run_line(["round", "record", folder, "AAA", "--replied", "2023-01-19", "--rubric", rubric / "rubric.yaml"])  # the last day: in time
    run_line(["round", "record", folder, "BBB", "--replied", "2023-01-20", "--rubric", rubric / "rubric.yaml"])  # a working day late
    run_line(["round", "record", folder, "CCC", "--refused", "2023-01-05", "--rubric", rubric / "rubric.yaml"])  # a refusal in time
    run_line(["round", "record", folder, "DDD", "--review-requested", "2023-02-01", "--rubric", rubric / "rubric.yaml"])  # never replied
    return folder


def test_timeliness_is_in_scorecard_json_and_on_the_national_page(tmp_path, run_line):
    folder = tiny_round_with_tracker(tmp_path, run_line)
    out = tmp_path / "out"
    run_line(["score", folder, "--rubric", tmp_path / "rubric" / "rubric.yaml", "--out", out, "--format", "json", "--format", "html"])
    data = json.loads((out / "scorecard.json").read_text("utf-8"))
    assert data["timeliness"] == {
        "working_days": 20, "as_of": "2023-02-01", "sent": 5, "in_time": 2,
        "late": ["BBB"], "no_reply": ["DDD", "EEE"], "pending": [], "not_in_time": 3,
    }
    page = (out / "site" / "index.html").read_text("utf-8")
    assert ("3 of the 5 boards asked did not answer within 20 working days, the legal limit: 1 answered late "
            "and 2 had not answered by 2023-02-01. 2 answered in time (a refusal counts as an answer).") in page.replace("\n", " ")


def test_without_a_tracker_the_key_and_the_sentence_are_absent(tmp_path, run_line):
    out = tmp_path / "out"
    run_line(["score", TINY / "evidence", "--rubric", TINY / "rubric.yaml", "--out", out, "--format", "json", "--format", "html"])
    assert "timeliness" not in json.loads((out / "scorecard.json").read_text("utf-8"))
    assert 'id="timeliness"' not in (out / "site" / "index.html").read_text("utf-8")


def test_a_broken_tracker_stops_the_score_with_its_line(tmp_path, run_line):
    folder = tiny_round_with_tracker(tmp_path, run_line)
    tracker = folder / "requests.csv"
    tracker.write_text(tracker.read_text("utf-8").replace("2023-01-20", "20/01/2023"), "utf-8")
    result = run_line(["score", folder, "--rubric", tmp_path / "rubric" / "rubric.yaml", "--out", tmp_path / "out"], expect=1)
    assert f"{tracker}:3: column F (replied): '20/01/2023' is not a date" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_closed_round_is_reckoned_on_the_day_it_closed(tmp_path, run_line):
    folder = tiny_round_with_tracker(tmp_path, run_line)
    for code in ("DDD", "EEE"):  # close writes records only for bodies without one
        (folder / f"{code}.json").unlink()
    run_line(["round", "close", folder, "--on", "2023-02-10", "--assessor", "Survey team", "--rubric", tmp_path / "rubric" / "rubric.yaml"])
    assert json.loads((folder / "round.json").read_text("utf-8"))["gathered_on"] == "2023-02-10"
    out = tmp_path / "out"
    run_line(["score", folder, "--rubric", tmp_path / "rubric" / "rubric.yaml", "--out", out, "--format", "json"])
    timeliness = json.loads((out / "scorecard.json").read_text("utf-8"))["timeliness"]
    assert timeliness["as_of"] == "2023-02-10" and timeliness["no_reply"] == ["DDD", "EEE"]
