"""`scorecard round new | requests | record | status` on the 36 bodies of 2026."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from conftest import TINY

RUBRIC, REGISTER = "nhse-dfm-2023", "icbs-2026"


@pytest.fixture
def round_dir(tmp_path, run_line) -> Path:
    folder = tmp_path / "foi-2026"
    run_line(["round", "new", folder, "--rubric", RUBRIC, "--register", REGISTER, "--title", "FOI survey 2026"])
    return folder


def rows(folder: Path) -> list[dict[str, str]]:
    with (folder / "requests.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_new_round_has_round_json_readme_and_one_tracker_row_per_body(round_dir):
    info = json.loads((round_dir / "round.json").read_text("utf-8"))
    assert info == {"round": "foi-2026", "title": "FOI survey 2026", "rubric": RUBRIC, "register": REGISTER, "kind": "foi-response"}
    assert "requests.csv" in (round_dir / "README.md").read_text("utf-8")
    tracker = rows(round_dir)
    assert len(tracker) == 36 and tracker[0]["code"] == "D7T5G"
    assert {r["state"] for r in tracker} == {"not-sent"}
    assert "QKK" in {r["code"] for r in tracker} and "QMJ" not in {r["code"] for r in tracker}  # merged in 2026


def test_new_round_refuses_a_folder_in_use_and_a_register_outside_the_series(tmp_path, run_line, round_dir):
    result = run_line(["round", "new", round_dir, "--rubric", RUBRIC, "--register", REGISTER], expect=2)
    assert "not an empty folder" in result.stderr
    other = tmp_path / "other"
    result = run_line(["round", "new", other, "--rubric", RUBRIC, "--register", "nhs-scotland-health-boards"], expect=1)
    assert "round.json: /register: register 'nhs-scotland-health-boards' is not in the series" in result.stderr
    assert not other.exists() or not any(other.iterdir())
    result = run_line(["round", "new", tmp_path / "x", "--rubric", "no-such-rubric", "--register", REGISTER], expect=2)
    assert "neither a file nor a bundled rubric" in result.stderr


def test_requests_are_written_from_the_rubric_and_the_sent_date_recorded(round_dir, run_line):
    result = run_line(["round", "requests", round_dir, "--sent", "2026-09-01"])
    assert "Wrote 36 requests" in result.stdout and "due by 2026-09-29" in result.stdout
    letters = sorted((round_dir / "requests").glob("*.txt"))
    assert len(letters) == 36
    text = (round_dir / "requests" / "QKK.txt").read_text("utf-8")
    assert "NHS South East London Integrated Care Board" in text
    assert "section 1 of the Freedom of Information Act 2000" in text and "recorded information" in text
    assert "1. Withdrawal and support services" in text  # sections, numbered, then their questions
    assert "What helps: which of these it covers: Benzodiazepines; Z-drugs" in text
    assert "a reply is due by Tuesday 29 September 2026" in text
    assert {r["sent"] for r in rows(round_dir)} == {"2026-09-01"}
    assert {r["state"] for r in rows(round_dir)} == {"sent"}
    # Nothing is sent twice by accident.
    result = run_line(["round", "requests", round_dir, "--sent", "2026-09-02"], expect=2)
    assert "every body has been sent a request already" in result.stderr
    result = run_line(["round", "requests", round_dir, "--sent", "2026-09-02", "--org", "QKK"], expect=1)
    assert "requests.csv: QKK: already sent on 2026-09-01; give --force" in result.stderr
    run_line(["round", "requests", round_dir, "--sent", "2026-09-05", "--org", "QKK", "--force", "--out", round_dir / "again"])
    assert [r["sent"] for r in rows(round_dir) if r["code"] == "QKK"] == ["2026-09-05"]
    assert "a reply is due by Friday 2 October 2026" in (round_dir / "again" / "QKK.txt").read_text("utf-8")


def test_requests_refuse_a_date_that_is_not_iso(round_dir, run_line):
    result = run_line(["round", "requests", round_dir, "--sent", "01/09/2026"], expect=2)
    assert "'01/09/2026' is not a date; write it as YYYY-MM-DD" in result.stderr
    result = run_line(["round", "requests", round_dir, "--sent", "2026-02-30"], expect=2)
    assert "not a real date" in result.stderr


def test_a_rubric_can_carry_its_own_request_wording(tmp_path, run_line):
    import yaml

    rubric = yaml.safe_load((TINY / "rubric.yaml").read_text("utf-8"))
    rubric["request"] = {"subject": "Questions for {body}", "introduction": "We study {rubric}; reply by {due}."}
    shutil.copy(TINY / "register.csv", tmp_path / "register.csv")
    path = tmp_path / "rubric.yaml"
    path.write_text(json.dumps(rubric, default=str), "utf-8")
    folder = tmp_path / "tiny-round"
    run_line(["round", "new", folder, "--rubric", path, "--register", "register.csv"])
    run_line(["round", "requests", folder, "--sent", "2026-09-01", "--rubric", path])
    text = (folder / "requests" / "AAA.txt").read_text("utf-8")
    assert "Subject: Questions for " in text and "reply by Tuesday 29 September 2026." in text
    assert "I am writing to ask" not in text  # the generic introduction is replaced


def test_record_follows_the_story_of_a_request(round_dir, run_line):
    before = (round_dir / "requests.csv").read_bytes()
    result = run_line(["round", "record", round_dir, "QKK", "--replied", "2026-09-24"], expect=1)
    assert "QKK: no request has been sent, so it cannot be replied yet" in result.stderr
    assert (round_dir / "requests.csv").read_bytes() == before
    run_line(["round", "requests", round_dir, "--sent", "2026-09-01"])
    result = run_line(["round", "record", round_dir, "QKK", "--replied", "2026-08-31"], expect=1)
    assert "replied 2026-08-31 is dated before the request was received (2026-09-01)" in result.stderr
    run_line(["round", "record", round_dir, "QKK", "--replied", "2026-09-24"])
    result = run_line(["round", "record", round_dir, "QKK", "--refused", "2026-09-25"], expect=1)
    assert "already recorded as replied on 2026-09-24" in result.stderr
    result = run_line(["round", "record", round_dir, "QWE", "--review-requested", "2026-09-20"], expect=1)
    assert "with no answer yet and before the reply was due (2026-09-29)" in result.stderr
    result = run_line(["round", "record", round_dir, "QWE", "--complained", "2026-09-10"], expect=1)
    assert "complaint dated 2026-09-10, before any answer and before the reply was due (2026-09-29)" in result.stderr
    run_line(["round", "record", round_dir, "QWE", "--refused", "2026-09-20", "--exemption", "section 12 (cost limit)"])
    result = run_line(["round", "record", round_dir, "QWE", "--complained", "2026-08-10"], expect=1)
    assert "complaint dated 2026-08-10, before the request was received (2026-09-01)" in result.stderr
    run_line(["round", "record", round_dir, "QWE", "--review-requested", "2026-09-25"])
    result = run_line(["round", "record", round_dir, "QWE", "--complained", "2026-09-24"], expect=1)
    assert "before the internal review it follows (2026-09-25)" in result.stderr
    # An internal review of a missed deadline, then a late reply: both can happen, in that order.
    run_line(["round", "record", round_dir, "QHL", "--review-requested", "2026-10-01"])
    run_line(["round", "record", round_dir, "QHL", "--replied", "2026-10-05"])
    run_line(["round", "record", round_dir, "QGH", "--withdrawn"])
    by_code = {r["code"]: r for r in rows(round_dir)}
    assert by_code["QKK"]["state"] == "replied" and by_code["QWE"]["state"] == "review-requested"
    assert by_code["QWE"]["exemption"] == "section 12 (cost limit)" and by_code["QGH"]["state"] == "withdrawn"
    assert by_code["QHL"]["state"] == "replied" and by_code["QHL"]["review_requested"] == "2026-10-01"
    result = run_line(["round", "record", round_dir, "QKK", "--replied", "2026-09-24", "--complained", "2026-09-30"], expect=2)
    assert "exactly one of" in result.stderr
    result = run_line(["round", "record", round_dir, "QMJ", "--replied", "2026-09-24"], expect=2)
    assert "'QMJ' is not in the register 'icbs-2026'" in result.stderr


def test_status_lists_the_most_overdue_first_in_working_days(round_dir, run_line):
    run_line(["round", "requests", round_dir, "--sent", "2026-09-01"])
    run_line(["round", "requests", round_dir, "--sent", "2026-09-08", "--org", "QKK", "--force"])  # due 6 October
    run_line(["round", "record", round_dir, "QWE", "--replied", "2026-09-28"])  # in time
    run_line(["round", "record", round_dir, "QGH", "--refused", "2026-10-02"])  # 3 working days late
    result = run_line(["round", "status", round_dir, "--on", "2026-10-15", "--json"])
    data = json.loads(result.stdout)
    assert len(data) == 36 and {"code", "state", "due", "overdue"} <= set(data[0])
    by_code = {row["code"]: row for row in data}
    assert by_code["D7T5G"] == {**by_code["D7T5G"], "state": "sent", "due": "2026-09-29", "overdue": True, "overdue_working_days": 12}
    assert by_code["QKK"]["due"] == "2026-10-06" and by_code["QKK"]["overdue_working_days"] == 7
    assert by_code["QWE"]["overdue"] is False and by_code["QWE"]["late_working_days"] == 0
    assert by_code["QGH"]["overdue"] is False and by_code["QGH"]["late_working_days"] == 3
    days = [row["overdue_working_days"] for row in data]
    assert days == sorted(days, reverse=True)
    assert data.index(by_code["QKK"]) == 33  # after the 33 overdue by 12, before the two answered
    text = run_line(["round", "status", round_dir, "--on", "2026-10-15"]).stdout
    assert "no reply; due 2026-09-29, overdue by 12 working days" in text
    assert "refused 2026-10-02 (3 working days late; due 2026-09-29)" in text
    assert "36 bodies: 2 answered, refusals included (1 in time, 1 late), 34 overdue" in text
    # Before the deadline nobody is overdue.
    early = json.loads(run_line(["round", "status", round_dir, "--on", "2026-09-29", "--json"]).stdout)
    assert not any(row["overdue"] for row in early)


def test_status_writes_internal_review_requests_for_overdue_and_refused_bodies(round_dir, run_line, tmp_path):
    run_line(["round", "requests", round_dir, "--sent", "2026-09-01", "--org", "QKK", "--org", "QWE", "--org", "QGH"])
    run_line(["round", "record", round_dir, "QWE", "--refused", "2026-09-20", "--exemption", "section 12 (cost limit)"])
    run_line(["round", "record", round_dir, "QGH", "--replied", "2026-09-21"])
    run_line(["round", "status", round_dir, "--on", "2026-10-01", "--reviews", tmp_path / "reviews"])
    written = sorted(p.name for p in (tmp_path / "reviews").iterdir())
    assert written == ["QKK-review.txt", "QWE-review.txt"]
    overdue = (tmp_path / "reviews" / "QKK-review.txt").read_text("utf-8")
    assert "A reply was due by Tuesday 29 September 2026" in overdue and "As of Thursday 1 October 2026 I have had none" in overdue
    refused = (tmp_path / "reviews" / "QWE-review.txt").read_text("utf-8")
    assert "you refused it, relying on section 12 (cost limit)" in refused and "Information Commissioner" in refused


def test_a_tracker_edited_by_hand_with_mistakes_is_reported_line_by_line(round_dir, run_line):
    run_line(["round", "requests", round_dir, "--sent", "2026-09-01"])
    tracker = round_dir / "requests.csv"
    lines = tracker.read_text("utf-8").splitlines()
    header = lines[0].split(",")

    def edit(number: int, **cells: str) -> None:
        values = next(csv.reader([lines[number]]))
        for name, value in cells.items():
            values[header.index(name)] = value
        out = __import__("io").StringIO()
        csv.writer(out, lineterminator="").writerow(values)
        lines[number] = out.getvalue()

    edit(1, replied="24/09/2026")  # not ISO
    edit(2, replied="2026-08-30")  # before the request
    edit(3, refused="2026-02-30")  # not a date at all
    edit(4, state="replied")  # the dates say sent
    edit(5, code="QMJ")  # a 2022 code: not in the register (and so D7T5G's neighbour has no row)
    edit(6, review_requested="2026-09-10")  # no answer and not yet due
    edit(7, withdrawn="maybe")
    lines.append(lines[8])  # a body twice
    broken = "\n".join(lines) + "\n"
    tracker.write_text(broken, "utf-8")
    result = run_line(["round", "status", round_dir, "--on", "2026-10-01"], expect=1)
    err = result.stderr
    name = str(tracker)
    assert f"{name}:2: column F (replied): '24/09/2026' is not a date; write it as YYYY-MM-DD" in err
    assert f"{name}:3: column F (replied): replied 2026-08-30 is dated before the request was received (2026-09-01)" in err
    assert f"{name}:4: column G (refused): '2026-02-30' is not a real date" in err
    assert f"{name}:5: column C (state): says 'replied' but the dates say 'sent'" in err
    assert f"{name}:6: column A (code): 'QMJ' is not in the register 'icbs-2026'" in err
    assert f"{name}:7: column I (review_requested): internal review asked for on 2026-09-10 with no answer yet" in err
    assert f"{name}:8: column K (withdrawn): 'maybe': write yes, or leave it blank" in err
    assert f"{name}:38: column A (code):" in err and "has a row already; one row per body" in err
    assert "no row for" in err and "every body of the register has one" in err
    assert "problems in 1 file; nothing was written." in err
    assert tracker.read_text("utf-8") == broken  # never changed by a command that failed
    # record refuses to work on a broken tracker too, and changes nothing.
    run_line(["round", "record", round_dir, "QKK", "--replied", "2026-09-24"], expect=1)
    assert tracker.read_text("utf-8") == broken


def test_a_tracker_with_a_wrong_header_says_which_columns(round_dir, run_line):
    tracker = round_dir / "requests.csv"
    text = tracker.read_text("utf-8").replace("review_requested", "review", 1)
    tracker.write_text(text.replace("note\n", "note,extra\n", 1), "utf-8")
    result = run_line(["round", "status", round_dir], expect=1)
    assert f"{tracker}:1: /: missing column review_requested; unknown columns 'review', 'extra'" in result.stderr


def test_a_later_receipt_in_the_tracker_moves_the_deadline(round_dir, run_line):
    run_line(["round", "requests", round_dir, "--sent", "2026-09-04"])  # a Friday
    tracker = round_dir / "requests.csv"
    text = tracker.read_text("utf-8").replace("QKK,NHS South East London Integrated Care Board,sent,2026-09-04,",
                                              "QKK,NHS South East London Integrated Care Board,sent,2026-09-04,2026-09-05", 1)
    tracker.write_text(text, "utf-8")
    data = {r["code"]: r for r in json.loads(run_line(["round", "status", round_dir, "--on", "2026-10-02", "--json"]).stdout)}
    # Received on Saturday: day one is Monday 7 September either way, so the same due date...
    assert data["QKK"]["due"] == data["QWE"]["due"] == "2026-10-02"
    text = tracker.read_text("utf-8").replace(",2026-09-04,2026-09-05", ",2026-09-04,2026-09-07", 1)
    tracker.write_text(text, "utf-8")
    data = {r["code"]: r for r in json.loads(run_line(["round", "status", round_dir, "--on", "2026-10-02", "--json"]).stdout)}
    assert data["QKK"]["due"] == "2026-10-05" and data["QKK"]["received"] == "2026-09-07"  # ...but a Monday receipt is a day later


def test_close_writes_refused_and_no_reply_records_from_the_tracker(round_dir, run_line):
    run_line(["round", "requests", round_dir, "--sent", "2026-09-01"])
    run_line(["round", "record", round_dir, "QKK", "--replied", "2026-09-24"])
    run_line(["round", "record", round_dir, "QWE", "--refused", "2026-09-20", "--exemption", "section 12 (cost limit)"])
    early = run_line(["round", "close", round_dir, "--on", "2026-09-29", "--assessor", "Survey team"], expect=1)
    assert "D7T5G: no reply yet, but not overdue on 2026-09-29 (due 2026-09-29)" in early.stderr
    assert "QKK: replied on 2026-09-24 but has no record yet: import its form first" in early.stderr
    assert sorted(p.name for p in round_dir.glob("*.json")) == ["round.json"]
    record = {"organisation": "QKK", "rubric": {"id": "nhse-dfm-2023", "version": "1.0.0"}, "round": "foi-2026",
              "kind": "foi-response", "response": "replied", "assessor": "A", "assessed_on": "2026-10-01", "sources": [], "answers": {}}
    (round_dir / "QKK.json").write_text(json.dumps(record), "utf-8")
    result = run_line(["round", "close", round_dir, "--on", "2026-10-15", "--assessor", "Survey team"])
    assert "Wrote 35 records" in result.stdout and "1 refused, 34 did not reply" in result.stdout
    refused = json.loads((round_dir / "QWE.json").read_text("utf-8"))
    assert refused["response"] == "refused" and refused["answers"] == {}
    assert refused["sources"][0]["title"] == "Request of 2026-09-01, refused on 2026-09-20 (section 12 (cost limit))"
    silent = json.loads((round_dir / "QGH.json").read_text("utf-8"))
    assert silent["response"] == "no-reply"
    assert "no reply by 2026-10-15, 12 working days after it was due (2026-09-29)" in silent["sources"][0]["title"]
    assert "36 records valid" in run_line(["validate", round_dir]).stdout


def test_a_tracker_saved_by_a_spreadsheet_is_read(round_dir, run_line):
    # "CSV UTF-8" from a spreadsheet: a byte-order mark and CRLF line ends.
    tracker = round_dir / "requests.csv"
    tracker.write_bytes(b"\xef\xbb\xbf" + tracker.read_bytes().replace(b"\n", b"\r\n"))
    run_line(["round", "requests", round_dir, "--sent", "2026-09-01"])
    assert tracker.read_bytes().startswith(b"code,name,state,")  # written back plainly
    assert {r["sent"] for r in rows(round_dir)} == {"2026-09-01"}
