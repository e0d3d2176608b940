"""What the engine's and the JSON writer's quick ways must keep, checked on a few bodies:
scorecard.json written body by body is the whole dump byte for byte, results are immutable,
answers scored once still score each body, and ranks and the median follow the exact percents.

How small and quick they make `scorecard score` at 10,000 bodies is measured by bench/ (its
stages' time and peak memory), never asserted here.
"""

from __future__ import annotations

import dataclasses
import random
import statistics
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import TINY, criterion, organisation, record, score_round, tiny_rubric

from scorecard import engine
from scorecard.compare import compare, with_changes
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


# ---------------------------------------------------------------- immutable results


def test_results_are_immutable(tiny_card):
    body = organisation(tiny_card, "CCC")  # the body with a flag
    for result, field in ((body.criteria[0], "points"), (body.sections[0], "percent"), (body.flags[0], "caps")):
        assert isinstance(result, (CriterionResult, SectionResult, FlagResult))
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(result, field, None)
    with pytest.raises(ValueError):  # the pydantic models around them stay frozen too
        body.percent = 0  # type: ignore[misc]


def test_bodies_with_the_same_answers_get_the_same_results(scored):
    # The engine shares what is equal between bodies; each body's results must still be its own.
    answers = {"S1": "service", "P1": False, "P2": {"outcome": "not-held", "source": "doc"}}
    card = scored([record("AAA", answers), record("BBB", answers), record("CCC", response="no-reply"), record("DDD", response="refused")])
    a, b = organisation(card, "AAA"), organisation(card, "BBB")
    assert [(c.id, c.value, c.outcome, c.source, c.points) for c in a.criteria] == [(c.id, c.value, c.outcome, c.source, c.points) for c in b.criteria]
    assert criterion(card, "AAA", "S1").value == "service" and criterion(card, "AAA", "P2").outcome == "not-held"
    assert a.assessor == b.assessor == "Test assessor"
    assert [f.id for f in a.flags] == [f.id for f in b.flags] and a.flags == b.flags
    assert organisation(card, "CCC").sections == organisation(card, "DDD").sections
    assert all(s.percent is None for s in organisation(card, "CCC").sections)


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
    assert engine.competition_ranks({"AAA": third, "BBB": above, "CCC": third}) == {"BBB": 1, "AAA": 2, "CCC": 2}
    rng = random.Random(7)
    values = [Fraction(rng.randint(0, 300), rng.randint(1, 7)) + Fraction(rng.choice([0, 1]), 10**40) for _ in range(300)]
    ranks = engine.competition_ranks({f"B{i:03}": v for i, v in enumerate(values)})
    for i, v in enumerate(values):  # 1 + the number of bodies with a higher percent
        assert ranks[f"B{i:03}"] == 1 + sum(w > v for w in values)


def test_ranks_and_the_median_follow_the_exact_percents(scored):
    # Equal percents share a rank, the next rank is skipped, and a body without a score has none.
    card = scored(
        [
            record("AAA", {"S1": "service", "P1": True, "P2": 5, "P3": 40}),
            record("BBB", {"S1": "service", "P1": True, "P2": 5, "P3": 40}),
            record("CCC", {"S1": "none", "P1": False, "P2": 5, "P3": 40}),
            record("DDD", {"S1": "considering", "P1": True, "P2": 5, "P3": 40}),
            record("EEE", response="refused"),
        ]
    )
    percents = {o.code: o.percent for o in card.organisations if o.percent is not None}
    ranks = {o.code: o.rank for o in card.organisations}
    order = sorted(percents, key=lambda code: -percents[code])
    assert ranks["AAA"] == ranks["BBB"] == 1 and percents["AAA"] == percents["BBB"]
    assert [ranks[code] for code in order] == [1, 1, 3, 4]
    assert ranks["EEE"] is None
    # The median of the exact percents (here the mean of the middle two), rounded once: 59.02777777777778,
    # where the median of the rounded percents would be 59.02777777777777.
    exact = [Fraction(p).limit_denominator(1000) for p in percents.values()]
    assert card.summary.median_percent == float(statistics.median(exact)) != statistics.median(percents.values())


def test_a_section_percent_is_the_exact_weighted_mean(scored):
    # Weights of 0.1 and 0.2 are not a tenth and a fifth in binary; the percent must be the exact
    # mean of the numbers as written, rounded once.
    rubric = tiny_rubric()
    services = rubric["sections"][0]["criteria"]
    services[0]["weight"], services[1]["weight"] = 0.1, 0.2
    card = scored([record("AAA", {"S1": "considering", "S2": {"outcome": "not-held", "source": "doc"}})], rubric)
    w1, w2 = Fraction(0.1), Fraction(0.2)
    exact = 100 * (w1 * Fraction(1, 4) + w2 * 0) / (w1 + w2)
    assert organisation(card, "AAA").sections[0].percent == float(exact)


# ---------------------------------------------------------------- the command


def test_score_writes_the_whole_dump_as_scorecard_json(run_line, tmp_path: Path):
    run_line(["score", TINY / "evidence", "--rubric", TINY / "rubric.yaml", "--out", tmp_path, "--format", "json", "--format", "html", "-q"])
    assert (tmp_path / "scorecard.json").read_bytes() == whole_dump(score_round(TINY / "rubric.yaml", TINY / "evidence"))
