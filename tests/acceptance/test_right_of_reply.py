"""Right of reply: a record may carry the body's reply and the answers before a revision; both are
validated like answers and shown on the body's page and in the workbook."""

from __future__ import annotations

import json
import typing as t
from pathlib import Path

import openpyxl
import pytest
from conftest import TINY, record, tiny_rubric, write_round

REVISED = {
    "date": "2024-03-01",
    "text": "We have had a service since January.",
    "revised": True,
    "note": "The reply pointed to the contract; S1 raised from considering to service.",
    "source": "doc",
    "previous_answers": {"S1": {"value": "considering", "source": "doc", "note": "As first assessed."}},
}


def _validate(run_line: t.Callable[..., t.Any], tmp_path: Path, reply: dict[str, t.Any], expect: int) -> t.Any:
    rubric, evidence = write_round(tmp_path, tiny_rubric(), [record("AAA", {"S1": "service", "P1": True}, reply=reply)])
    return run_line(["validate", evidence, "--rubric", rubric], expect=expect)


def test_a_revised_reply_validates(run_line, tmp_path: Path) -> None:
    assert "1 records valid" in _validate(run_line, tmp_path, REVISED, 0).stdout


@pytest.mark.parametrize(
    "change,message",
    [
        ({"previous_answers": {"S1": {"value": "maybe", "source": "doc"}}}, "/reply/previous_answers/S1/value: \"maybe\" is not"),
        ({"previous_answers": {"ZZ9": {"value": 1, "source": "doc"}}}, "/reply/previous_answers: unknown criterion 'ZZ9'"),
        ({"previous_answers": {"S1": {"value": "service", "source": "doc"}}}, "the answer to S1 before the revision is the same as now"),
        ({"previous_answers": {"S1": {"value": "none", "source": "gone"}}}, "/reply/previous_answers/S1/source: source 'gone' is not listed"),
        ({"note": None}, "/reply: 'note' is required here"),
        ({"revised": False, "note": "n"}, "/reply/previous_answers: previous answers are kept only when the assessor revised"),
        ({"date": "1 March"}, "/reply/date: '1 March' is not a date"),
    ],
)
def test_bad_replies_are_reported_in_place(run_line, tmp_path: Path, change: dict[str, t.Any], message: str) -> None:
    reply = {k: v for k, v in {**REVISED, **change}.items() if v is not None}
    result = _validate(run_line, tmp_path, reply, 1)
    assert message in result.stderr


@pytest.fixture
def scored_out(run_line, tmp_path: Path) -> Path:
    records = [
        record("AAA", {"S1": "service", "P1": True}, reply=REVISED),
        record("BBB", {"S1": "none"}, reply={"date": "2024-03-02", "text": "<b>We disagree</b>", "revised": False}),
        record("CCC", {"S1": "considering"}),
    ]
    rubric, evidence = write_round(tmp_path / "in", tiny_rubric(), records)
    run_line(["score", evidence, "--rubric", rubric, "--out", tmp_path / "out", "-q"])
    return tmp_path / "out"


def test_reply_passes_through_to_scorecard_json(scored_out: Path) -> None:
    organisations = {o["code"]: o for o in json.loads((scored_out / "scorecard.json").read_text("utf-8"))["organisations"]}
    assert organisations["AAA"]["reply"]["previous_answers"]["S1"]["value"] == "considering"
    assert organisations["BBB"]["reply"]["revised"] is False
    assert "reply" not in organisations["CCC"]  # absent, not null


def test_body_page_shows_what_changed_and_why(scored_out: Path) -> None:
    page = (scored_out / "site" / "AAA.html").read_text("utf-8")
    assert "We have had a service since January." in page
    assert "The assessor revised answers because of this reply." in page
    assert "<dt>Before the reply</dt><dd>Considering (revised after the board's reply: see above)</dd>" in page
    other = (scored_out / "site" / "BBB.html").read_text("utf-8")
    assert "&lt;b&gt;We disagree&lt;/b&gt;" in other and "<b>We disagree" not in other
    assert "The assessor did not change any answer." in other
    assert "reply" not in (scored_out / "site" / "CCC.html").read_text("utf-8").lower().split("<main")[1].split("sources")[0]


def test_workbook_has_a_replies_sheet(scored_out: Path) -> None:
    book = openpyxl.load_workbook(scored_out / "scorecard.xlsx")
    assert "Replies" in book.sheetnames and "Change" not in book.sheetnames
    rows = list(book["Replies"].iter_rows(values_only=True))
    header = next(r for r in rows if r and r[0] == "Code")
    aaa = next(r for r in rows if r and r[0] == "AAA")
    assert aaa[header.index("Criterion")] == "S1"
    assert (aaa[header.index("Answer before the revision")], aaa[header.index("Answer now")]) == ("Considering", "Service")  # words, not ids
    assert aaa[header.index("Answers revised")] == "Yes"


def test_no_replies_no_sheet() -> None:
    import io

    from conftest import score_round

    from scorecard.render.excel import scorecard_workbook
    from scorecard.rubric import load_rubric

    scorecard = score_round(TINY / "rubric.yaml", TINY / "evidence")
    book = openpyxl.load_workbook(io.BytesIO(scorecard_workbook(scorecard, load_rubric(TINY / "rubric.yaml").rubric)))
    assert "Replies" not in book.sheetnames and "Change" not in book.sheetnames
