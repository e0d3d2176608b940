"""What a round says about itself (round.json): its gathering period, its own words for no reply,
and the criteria it did not ask about, which are left out of every body's maximum, exactly."""

from __future__ import annotations

import json
import shutil
from fractions import Fraction
from pathlib import Path

import in_memory
import jsonschema
import pytest
from hypothesis import given, settings, strategies as st

from scorecard.evidence import load_round
from scorecard.models.record import RoundInfo
from scorecard.problems import InvalidInput
from scorecard.round_words import coverage_in_words, dates_in_words, no_reply_words, period_in_words
from scorecard.rubric import load_rubric

ROOT = Path(__file__).resolve().parents[2]
TINY = Path(__file__).resolve().parents[1] / "fixtures" / "tiny"
LOADED = load_rubric(TINY / "rubric.yaml")
SCHEMA = json.loads((ROOT / "evidence" / "round.schema.json").read_text("utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def _round(tmp_path: Path, extra: dict, drop: str | None = None) -> Path:
    """The tiny round, with round.json extended by `extra` and criterion `drop` removed from every record."""
    folder = tmp_path / "round"
    shutil.copytree(TINY / "evidence", folder)
    info = json.loads((folder / "round.json").read_text("utf-8"))
    (folder / "round.json").write_text(json.dumps({**info, **extra}), "utf-8")
    if drop:
        for path in folder.glob("[A-Z]*.json"):
            record = json.loads(path.read_text("utf-8"))
            record["answers"].pop(drop, None)
            path.write_text(json.dumps(record), "utf-8")
    return folder


def _scored(extra: dict, drop: str | None = None):
    """The tiny round scored in memory, its round.json extended by `extra` and criterion `drop`
    removed from every record; returns the scorecard and its bodies by code."""
    records = in_memory.tiny_records()
    for record in records:
        record["answers"].pop(drop, None)
    card = in_memory.score(records, info=in_memory.tiny_round_info(**extra))
    return card, {o.code: o for o in card.organisations}


NOT_ASKED = {"not_assessed": [{"criterion": "P2", "reason": "The request asked for no figures."}]}


def test_a_criterion_not_asked_about_is_left_out_of_every_maximum_exactly():
    card, bodies = _scored(NOT_ASKED, drop="P2")
    _, unanswered = _scored({}, drop="P2")
    for code, body in bodies.items():
        if body.response != "replied":
            continue
        p2 = next(c for c in body.criteria if c.id == "P2")
        assert (p2.outcome, p2.points, p2.descriptor) == ("not-assessed", None, "Not assessed in this round")
        assert p2.note == "The request asked for no figures."  # the round's reason, in every output
        # The practice section is P1, P2, P3 at weight 1 each; without P2 its maximum is P1 + P3.
        points = {c.id: Fraction(c.points) / Fraction(c.max_points) for c in body.criteria if c.section == "practice" and c.points is not None}
        practice = next(s for s in body.sections if s.id == "practice")
        # Stored as the float nearest the exact fraction, so equal to it exactly.
        assert practice.percent == float(100 * (points["P1"] + points["P3"]) / 2)
        # Not asked is not the same as not answered: an unanswered P2 still counts in the maximum.
        before = next(s for s in unanswered[code].sections if s.id == "practice")
        assert before.percent == float(100 * (points["P1"] + points["P3"]) / 3)
    assert (card.round_info.criteria, card.round_info.criteria_scored) == (5, 4)
    assert [c.id for c in card.round_info.not_assessed] == ["P2"]
    assert coverage_in_words(card.round_info) == "Scored on 4 of 5 criteria (not assessed in this round: P2)"


def test_a_round_cannot_answer_a_criterion_it_says_it_did_not_ask(tmp_path, run_line):
    folder = _round(tmp_path, NOT_ASKED)  # the records still answer P2
    with pytest.raises(InvalidInput) as raised:
        load_round([folder], LOADED)
    (problem,) = [p for p in raised.value.problems if p.pointer == "/not_assessed/0/criterion"]
    assert problem.file.endswith("round.json") and "not assessed, but AAA, BBB, CCC answer it" in problem.message
    result = run_line(["validate", folder, "--rubric", TINY / "rubric.yaml"], expect=1)
    assert "/not_assessed/0/criterion" in result.output


@pytest.mark.parametrize(
    ("extra", "pointer", "words"),
    [
        ({"not_assessed": [{"criterion": "Q9", "reason": "x"}]}, "/not_assessed/0/criterion", "the rubric has no criterion 'Q9'"),
        ({"gathered_from": "2024-02-01"}, "/gathered_from", "needs gathered_on"),
        ({"gathered_from": "2024-03-01", "gathered_on": "2024-02-01"}, "/gathered_from", "starts (2024-03-01) after it ends (2024-02-01)"),
    ],
)
def test_round_terms_that_make_no_sense_are_named(tmp_path, extra, pointer, words):
    with pytest.raises(InvalidInput) as raised:
        load_round([_round(tmp_path, extra, drop="P2")], LOADED)
    assert any(p.pointer == pointer and words in p.message for p in raised.value.problems), raised.value.problems


def test_the_gathering_period_is_the_evidence_date_and_the_encoding_date_is_named_as_such():
    card, _ = _scored({"gathered_from": "2023-06-05", "gathered_on": "2023-07-31"})
    assert card.evidence_as_of == "2023-07-31"
    assert card.round_info.encoded_on == "2024-02-05"  # the records' latest assessed_on
    assert dates_in_words(card.round_info, card.evidence_as_of) == "Evidence gathered June-July 2023; encoded 2024-02-05"
    plain, _ = _scored({})
    assert dates_in_words(plain.round_info, plain.evidence_as_of) == "Evidence as recorded on 2024-02-05"


@pytest.mark.parametrize(
    ("start", "end", "words"),
    [
        ("2023-06-05", "2023-07-31", "June-July 2023"),
        ("2023-06-01", "2023-06-30", "June 2023"),
        ("2022-12-01", "2023-01-31", "December 2022-January 2023"),
        ("2026-06-30", "2026-06-30", "30 June 2026"),
    ],
)
def test_periods_in_words(start, end, words):
    assert period_in_words(start, end) == words


def test_the_round_words_no_reply_itself():
    card, _ = _scored({"no_reply_wording": "had not replied by the time of the survey"})
    assert no_reply_words(card.round_info) == "had not replied by the time of the survey"
    assert no_reply_words(card.round_info, capital=True) == "Had not replied by the time of the survey"
    plain, _ = _scored({})
    assert no_reply_words(plain.round_info) == "did not reply"


# ---------------------------------------------------------------- schema and model agree

_TEXT = st.one_of(st.text(max_size=3), st.sampled_from(["2023-06-05", "2023-02-30", "2023-6-5", "MD2", "a b", "x" * 201]))
_VALUE = st.one_of(st.none(), st.integers(-1, 3), st.booleans(), _TEXT)
_ITEM = st.one_of(
    _VALUE,
    st.dictionaries(st.sampled_from(["criterion", "reason", "other"]), _VALUE, max_size=3),
    st.fixed_dictionaries({"criterion": _TEXT, "reason": _TEXT}),
)
_NEW_FIELDS = st.dictionaries(
    st.sampled_from(["gathered_from", "no_reply_wording", "not_assessed"]),
    st.one_of(_VALUE, st.lists(_ITEM, max_size=3)),
    max_size=3,
)


@settings(max_examples=300, deadline=None)
@given(_NEW_FIELDS)
def test_schema_and_model_accept_the_same_new_round_fields(fields):
    document = {"round": "r", "title": "t", **fields}
    by_schema = VALIDATOR.is_valid(document)
    try:
        RoundInfo.model_validate(document)
        by_model = True
    except ValueError:
        by_model = False
    assert by_schema == by_model, document
