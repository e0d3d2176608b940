"""The engine, answer type by answer type, on the tiny fixture rubric, built in memory
(tests/in_memory.py): no files are written or read but the rubric's.

Expected values are worked out by hand from the rubric's points and weights (see the comments),
never by running the engine a second time.
"""

from __future__ import annotations

import json
import random
from fractions import Fraction

import pytest
from in_memory import (
    EVIDENCE_SHA256,
    RUBRIC_SHA256,
    criterion,
    organisation,
    record,
    records,
    register,
    rubric as rubric_model,
    score,
    tiny_rubric,
)

from scorecard.render.json_ import dumps

# ---------------------------------------------------------------- one answer type at a time


@pytest.mark.parametrize(
    ("value", "points", "descriptor"),
    [("none", 0, "No service."), ("considering", 1, "Thinking about one."), ("service", 4, "A service exists.")],
)
def test_choice_earns_the_options_points(value, points, descriptor):
    result = criterion(score([record("AAA", {"S1": value})]), "AAA", "S1")
    assert (result.points, result.max_points, result.descriptor) == (points, 4, descriptor)


@pytest.mark.parametrize(
    ("chosen", "points", "descriptor"),
    [
        ([], 0, "No kinds. (0 of 4)"),
        (["red"], 0.5, "Some kinds. (1 of 4: Red)"),
        (["blue", "red"], 1.0, "Some kinds. (2 of 4: Red, Blue)"),  # labels in the rubric's order
        (["black", "blue", "green", "red"], 2.0, "All kinds. (4 of 4: Red, Green, Blue, Black)"),
    ],
)
def test_multi_scores_by_coverage(chosen, points, descriptor):
    # max_points 2 x chosen / 4 offered
    result = criterion(score([record("AAA", {"S2": chosen})]), "AAA", "S2")
    assert (result.points, result.descriptor) == (points, descriptor)


@pytest.mark.parametrize(("value", "points"), [(True, 1), (False, 0)])
def test_boolean_earns_the_levels_points(value, points):
    result = criterion(score([record("AAA", {"P1": value})]), "AAA", "P1")
    assert result.points == points
    assert result.value is value


@pytest.mark.parametrize(
    ("value", "points", "descriptor"),
    [
        (0, 2, "Low."),
        (5, 2, "Low."),  # a band's upper bound belongs to it
        (5.01, 1, "Middling."),
        (10, 1, "Middling."),
        (10.5, 0, "High."),
    ],
)
def test_number_in_bands(value, points, descriptor):
    result = criterion(score([record("AAA", {"P2": value})]), "AAA", "P2")
    assert (result.points, result.descriptor) == (points, descriptor)


def test_number_by_rank_shares_credit_between_ties():
    # P3 is higher-is-better, max 1 point:
    # points = (worse bodies + half the other bodies with the same value) / (bodies with a value - 1).
    card = score([record("AAA", {"P3": 10}), record("BBB", {"P3": 50}), record("CCC", {"P3": 50}), record("DDD", {"P3": 70})])
    points = {code: criterion(card, code, "P3").points for code in ("AAA", "BBB", "CCC", "DDD")}
    assert points == {"AAA": 0.0, "BBB": 0.5, "CCC": 0.5, "DDD": 1.0}  # (1 + 1/2) / 3 for the tie
    assert criterion(card, "BBB", "P3").descriptor == "Ranked 2 of 4 (1 is best, tied)"
    assert criterion(card, "AAA", "P3").descriptor == "Ranked 4 of 4 (1 is best)"


def test_rank_direction_lower_is_better():
    rubric = tiny_rubric()
    rubric["sections"][1]["criteria"][2]["answer"]["direction"] = "lower-is-better"
    card = score([record("AAA", {"P3": 10}), record("BBB", {"P3": 70})], rubric)
    assert (criterion(card, "AAA", "P3").points, criterion(card, "BBB", "P3").points) == (1.0, 0.0)


def test_a_lone_value_ranks_first_with_full_credit():
    card = score([record("AAA", {"P3": 10}), record("BBB", {"P1": True})])
    assert criterion(card, "AAA", "P3").points == 1.0
    assert criterion(card, "BBB", "P3").outcome == "not-answered"


# ---------------------------------------------------------------- non-answers and sections


def test_not_applicable_leaves_the_maximum_and_other_outcomes_earn_nothing():
    # services: S1 'considering' = 1/4 at weight 3; S2 not applicable -> services = 25%.
    # practice: P1 true = 1/1; P2 not held = 0/2; P3 not answered (no entry) = 0/1 -> 100/3 %.
    card = score(
        [
            record(
                "AAA",
                {
                    "S1": "considering",
                    "S2": {"outcome": "not-applicable", "note": "No kinds here."},
                    "P1": True,
                    "P2": {"outcome": "not-held", "note": "Not published."},
                },
            )
        ]
    )
    body = organisation(card, "AAA")
    sections = {s.id: s.percent for s in body.sections}
    assert sections == {"services": 25.0, "practice": pytest.approx(100 / 3)}
    outcomes = {c.id: (c.outcome, c.points) for c in body.criteria}
    assert outcomes == {
        "S1": ("answered", 1.0),
        "S2": ("not-applicable", None),
        "P1": ("answered", 1.0),
        "P2": ("not-held", 0.0),
        "P3": ("not-answered", 0.0),
    }
    # overall = (2 x 25 + 1 x 100/3) / 3
    assert body.percent == pytest.approx(float((2 * Fraction(25) + Fraction(100, 3)) / 3))


def test_a_section_where_nothing_applies_is_left_out_of_the_overall():
    na = {"outcome": "not-applicable", "note": "n/a"}
    card = score([record("AAA", {"S1": "service", "S2": ["red", "green", "blue", "black"], "P1": na, "P2": na, "P3": na})])
    body = organisation(card, "AAA")
    assert [s.percent for s in body.sections] == [100.0, None]
    assert body.percent == 100.0


def test_a_flag_cap_lowers_a_section_and_says_which_flag():
    # S1 service + P1 false raises no-policy-but-service, capping services at 50.
    card = score([record("AAA", {"S1": "service", "S2": ["red", "green", "blue", "black"], "P1": False})])
    body = organisation(card, "AAA")
    services = body.sections[0]
    assert (services.percent, services.uncapped_percent, services.capped_by) == (50.0, 100.0, "no-policy-but-service")
    assert [f.id for f in body.flags] == ["no-policy-but-service"]
    assert body.flags[0].caps == "services"


def test_a_cap_never_raises_a_lower_percent():
    # S1 service (4/4, w3) + S2 nothing (0/2, w1) = 75%, capped to 50; with S2 N/A and S1 'none'... the
    # flag needs S1 service, so lower the section another way: S2 answered with nothing at weight 3.
    rubric = tiny_rubric()
    rubric["sections"][0]["criteria"][1]["weight"] = 9  # services = (3 x 1 + 9 x 0) / 12 = 25%
    card = score([record("AAA", {"S1": "service", "S2": [], "P1": False})], rubric)
    services = organisation(card, "AAA").sections[0]
    assert (services.percent, services.capped_by) == (25.0, None)


def test_flag_conditions_with_not_and_contains_any():
    card = score([record("AAA", {"S2": ["red"]}), record("BBB", {"S2": ["red", "blue"]})])
    assert [f.id for f in organisation(card, "AAA").flags] == ["red-only"]
    assert organisation(card, "BBB").flags == []


# ---------------------------------------------------------------- bands and ranks


def _fifty_percent(code):
    # services: S1 considering = 25% (S2 n/a); practice: P1 true = 100% (P2, P3 n/a).
    # overall = (2 x 25 + 100) / 3 = 50 exactly.
    na = {"outcome": "not-applicable", "note": "n/a"}
    return record(code, {"S1": "considering", "S2": na, "P1": True, "P2": na, "P3": na})


@pytest.mark.parametrize(("bound", "band"), [(50, "upper"), (50.000001, "lower")])
def test_band_boundary_is_inclusive(bound, band):
    rubric = tiny_rubric()
    rubric["bands"] = [
        {"id": "lower", "label": "Lower", "min_percent": 0, "colour": "#FFFFFF"},
        {"id": "upper", "label": "Upper", "min_percent": bound, "colour": "#000000"},
    ]
    body = organisation(score([_fifty_percent("AAA")], rubric), "AAA")
    assert body.percent == 50.0
    assert body.band == band


def test_band_comparison_is_exact_not_floating_point():
    rubric = rubric_model({**tiny_rubric(), "bands": [
        {"id": "lower", "label": "Lower", "min_percent": 0, "colour": "#FFFFFF"},
        {"id": "upper", "label": "Upper", "min_percent": 66.67, "colour": "#000000"},
    ]})
    assert rubric.band_for(Fraction(200, 3)).id == "lower"  # 66.666...
    assert rubric.band_for(Fraction(6667, 100)).id == "upper"


def test_equal_percents_share_a_rank_and_the_next_is_skipped():
    card = score([_fifty_percent("AAA"), _fifty_percent("BBB"), record("CCC", {"S1": "service"}), record("DDD", {"S1": "none"})])
    ranks = {o.code: o.rank for o in card.organisations}
    # CCC: services = 4/4 x 3 / 4 = 75%, practice 0 -> 50%: a three-way tie at 50.
    assert ranks == {"AAA": 1, "BBB": 1, "CCC": 1, "DDD": 4}
    card = score([_fifty_percent("AAA"), _fifty_percent("BBB"), record("CCC", {"S1": "service", "P1": True}), record("DDD", {"S1": "none"})])
    ranks = {o.code: o.rank for o in card.organisations}
    assert ranks == {"CCC": 1, "AAA": 2, "BBB": 2, "DDD": 4}
    assert [o.code for o in card.organisations] == ["CCC", "AAA", "BBB", "DDD"]


# ---------------------------------------------------------------- bodies that did not reply


def test_refusals_and_silence_are_reported_never_scored_as_zero():
    card = score([record("AAA", {"S1": "none"}), record("BBB", response="refused"), record("CCC", response="no-reply")])
    refused, silent = organisation(card, "BBB"), organisation(card, "CCC")
    for body in (refused, silent):
        assert (body.percent, body.band, body.rank, body.criteria, body.categories) == (None, None, None, [], [])
    assert organisation(card, "AAA").percent == 0.0
    summary = card.summary
    assert (summary.replied, summary.refused, summary.no_reply) == (1, 1, 1)
    assert summary.not_assessed == ["DDD", "EEE"]
    assert sum(summary.bands.values()) == 1
    # categories count only among bodies that replied
    assert {c.id: (c.count, c.of) for c in summary.categories}["has-service"] == (0, 1)


def test_summary_counts_overlapping_categories_and_the_median():
    card = score(
        [
            record("AAA", {"S1": "service", "P2": 12}),  # has-service, high-rate
            record("BBB", {"S1": "considering", "P2": {"outcome": "not-held", "note": "x"}}),  # considering, no-data
            record("CCC", {"S1": "service"}),  # has-service
        ]
    )
    counts = {c.id: (c.count, c.of) for c in card.summary.categories}
    assert counts == {"has-service": (2, 3), "considering": (1, 3), "high-rate": (1, 3), "no-data": (1, 3)}
    assert organisation(card, "AAA").categories == ["has-service", "high-rate"]
    percents = sorted(o.percent for o in card.organisations)
    assert card.summary.median_percent == pytest.approx(percents[1])


def test_the_order_of_records_changes_no_byte():
    from scorecard.engine import Provenance, score as score_records

    model = rubric_model()
    loaded = records(
        [
            record("AAA", {"S1": "service", "P3": 20}),
            record("BBB", {"S2": ["red"], "P3": 40}),
            record("CCC", {"P1": True, "P3": 40}),
            record("DDD", response="refused"),
        ],
        model,
    )
    provenance = Provenance(RUBRIC_SHA256, EVIDENCE_SHA256)
    first = dumps(score_records(model, loaded, register(), provenance))
    for seed in range(5):
        shuffled = loaded[:]
        random.Random(seed).shuffle(shuffled)
        assert dumps(score_records(model, shuffled, register(), provenance)) == first
    assert json.loads(first)["organisations"][0]["code"] == "AAA"
