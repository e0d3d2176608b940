"""What keeps `scorecard score` small and quick at 10,000 bodies, checked on a few bodies: light
immutable results, equal strings kept once, exact shortcuts in the arithmetic, scorecard.json
written body by body, and the order the command renders in.

Sizes and times themselves are measured by bench/, never asserted here.
"""

from __future__ import annotations

import dataclasses
import gc
import random
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import TINY, criterion, organisation, record, score_round, tiny_rubric

from scorecard import engine
from scorecard.compare import compare, with_changes
from scorecard.evidence import load_round
from scorecard.models.rubric import Rubric
from scorecard.render.json_ import dumps
from scorecard.result import CriterionResult, FlagResult, SectionResult
from scorecard.rubric import load_rubric


def whole_dump(card) -> bytes:
    """scorecard.json as one call of pydantic's serialiser writes it (the contract's bytes)."""
    return card.__pydantic_serializer__.to_json(card, indent=2) + b"\n"


@pytest.fixture
def tiny_card():
    return score_round(TINY / "rubric.yaml", TINY / "evidence")


# ---------------------------------------------------------------- scorecard.json, body by body


def test_json_body_by_body_is_the_whole_dump(tiny_card):
    written = dumps(tiny_card)
    assert type(written) is bytes
    assert written == whole_dump(tiny_card)
    assert written.count(b'\n    {\n      "code": ') == len(tiny_card.organisations) == 5


def test_json_of_a_round_with_no_records():
    loaded = load_rubric(TINY / "rubric.yaml")
    card = engine.score(loaded.rubric, [], loaded.register, engine.Provenance("a", "b"))
    assert card.organisations == []
    assert b'\n  "organisations": [],\n' in dumps(card)
    assert dumps(card) == whole_dump(card)


def test_json_with_replies_hostile_notes_and_changes(scored):
    # Notes that spell out the text the dump is spliced at, and a reply (left out of the dump when
    # absent), must come out exactly as one serialiser call writes them.
    trap = 'x\n  "organisations": []\n  ],\n    {"code": "ZZZ"}'
    records = [
        record("AAA", {"S1": {"value": "service", "source": "doc", "note": trap}}, reply={"date": "2024-03-02", "text": trap, "revised": False}),
        record("BBB", {"S1": "none", "P3": 40}),
        record("CCC", response="refused"),
    ]
    card = scored(records)
    assert dumps(card) == whole_dump(card)
    model = Rubric.model_validate(tiny_rubric())
    compared = with_changes(card, compare(scored(records[1:]), card, model, model))
    assert compared.changes is not None
    assert dumps(compared) == whole_dump(compared)


# ---------------------------------------------------------------- light, immutable results


def test_results_are_frozen_and_have_no_instance_dict(tiny_card):
    body = organisation(tiny_card, "CCC")  # the body with a flag
    for result, field in ((body.criteria[0], "points"), (body.sections[0], "percent"), (body.flags[0], "caps")):
        assert isinstance(result, (CriterionResult, SectionResult, FlagResult))
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(result, field, None)
        assert not hasattr(result, "__dict__")  # slotted: what makes 220,000 of them small
    with pytest.raises(ValueError):  # the pydantic models around them stay frozen too
        body.percent = 0  # type: ignore[misc]


def test_equal_strings_and_results_are_kept_once(scored):
    # Each record is read from its own file, so without sharing every string is a separate copy.
    answers = {"S1": "service", "P1": False, "P2": {"outcome": "not-held", "source": "doc"}}
    card = scored([record("AAA", answers), record("BBB", answers), record("CCC", response="no-reply"), record("DDD", response="refused")])
    a, b = organisation(card, "AAA"), organisation(card, "BBB")
    assert criterion(card, "AAA", "S1").value is criterion(card, "BBB", "S1").value == "service"
    assert criterion(card, "AAA", "P2").outcome is criterion(card, "BBB", "P2").outcome == "not-held"
    assert criterion(card, "AAA", "S1").source is criterion(card, "BBB", "S1").source == "doc"
    assert a.assessor is b.assessor
    # The same flag raised for both is one object; so are the empty sections of unscored bodies.
    assert [f.id for f in a.flags] == [f.id for f in b.flags] and a.flags[0] is b.flags[0]
    assert all(x is y for x, y in zip(organisation(card, "CCC").sections, organisation(card, "DDD").sections, strict=True))
    assert organisation(card, "CCC").sections[0].percent is None


def test_answers_scored_once_still_score_each_body(scored):
    # Scoring each distinct answer once must not carry one body's answer over to another's.
    card = scored([record("AAA", {"S2": ["red"], "P2": 5}), record("BBB", {"S2": ["red", "blue"], "P2": 5.01}), record("CCC", {"S2": ["red"], "P2": 5})])
    assert [criterion(card, c, "S2").points for c in ("AAA", "BBB", "CCC")] == [0.5, 1.0, 0.5]
    assert [criterion(card, c, "P2").descriptor for c in ("AAA", "BBB", "CCC")] == ["Low.", "Middling.", "Low."]
    assert criterion(card, "BBB", "S2").value == ["red", "blue"]  # as recorded, in its order


# ---------------------------------------------------------------- exact shortcuts


def test_ranks_compare_recorded_numbers_exactly(scored):
    # 0.1 + 0.2 is a different number from 0.3, so no tie; 50 and 50.0 are the same number.
    card = scored([record("AAA", {"P3": 0.1 + 0.2}), record("BBB", {"P3": 0.3}), record("CCC", {"P3": 50}), record("DDD", {"P3": 50.0})])
    assert criterion(card, "AAA", "P3").descriptor == "Ranked 3 of 4 (1 is best)"
    assert criterion(card, "BBB", "P3").descriptor == "Ranked 4 of 4 (1 is best)"
    assert criterion(card, "CCC", "P3").descriptor == criterion(card, "DDD", "P3").descriptor == "Ranked 1 of 4 (1 is best, tied)"
    assert criterion(card, "CCC", "P3").points == 5 / 6  # (2 worse + 1/2 tied) / 3


def test_ranks_of_percents_closer_than_a_float_can_tell():
    third = Fraction(1, 3)
    above = third + Fraction(1, 10**30)
    assert float(above) == float(third)  # the float alone would call these a tie
    assert engine._competition_ranks({"AAA": third, "BBB": above, "CCC": third}) == {"BBB": 1, "AAA": 2, "CCC": 2}


def test_exact_order_is_the_order_of_the_fractions():
    rng = random.Random(7)
    values = [Fraction(rng.randint(0, 300), rng.randint(1, 7)) + Fraction(rng.choice([0, 1]), 10**40) for _ in range(500)]
    assert sorted(values, key=engine._exact_order) == sorted(values)


def test_weighted_mean_is_exact():
    rng = random.Random(11)
    for _ in range(200):
        weights = [Fraction(rng.randint(1, 9), rng.choice([1, 2, 4, 3])) for _ in range(rng.randint(1, 6))]
        percents = [Fraction(rng.randint(0, 1000), rng.randint(1, 97)) for _ in weights]
        expected = sum((w * p for w, p in zip(weights, percents, strict=True)), Fraction(0)) / sum(weights, Fraction(0))
        assert engine._mean([(w, w * p) for w, p in zip(weights, percents, strict=True)]) == expected
    assert engine._mean([]) is None


# ---------------------------------------------------------------- the cyclic collector


def test_scoring_leaves_the_cyclic_collector_as_it_found_it(monkeypatch):
    paused = []

    def failing(*args):
        paused.append(not gc.isenabled())
        raise RuntimeError("stop")

    assert gc.isenabled()
    loaded = load_rubric(TINY / "rubric.yaml")
    records = load_round([TINY / "evidence"], loaded).records
    engine.score(loaded.rubric, records, loaded.register, engine.Provenance("a", "b"))
    assert gc.isenabled()
    gc.disable()
    try:
        engine.score(loaded.rubric, records, loaded.register, engine.Provenance("a", "b"))
        assert not gc.isenabled()  # a caller's choice is kept
    finally:
        gc.enable()
    monkeypatch.setattr(engine, "_score", failing)
    with pytest.raises(RuntimeError):
        engine.score(loaded.rubric, records, loaded.register, engine.Provenance("a", "b"))
    assert paused == [True] and gc.isenabled()  # paused while scoring, restored after a failure


# ---------------------------------------------------------------- the command


def test_score_renders_scorecard_json_last(run_line, tmp_path: Path, monkeypatch):
    # The largest single file is held until the next is staged: last, it is held alone.
    import scorecard.render

    order: list[str] = []
    real = scorecard.render.render_files

    def spy(name, card, rubric):
        order.append(name)
        return real(name, card, rubric)

    monkeypatch.setattr(scorecard.render, "render_files", spy)
    run_line(["score", TINY / "evidence", "--rubric", TINY / "rubric.yaml", "--out", tmp_path, "--format", "json", "--format", "html", "-q"])
    assert order == ["html", "json"]
    assert (tmp_path / "scorecard.json").read_bytes() == whole_dump(score_round(TINY / "rubric.yaml", TINY / "evidence"))
