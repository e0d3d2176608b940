"""The default rubric (rubrics/nhse-dfm-2023.yaml): it lints, every level of every criterion can be
reached by some answer, and the 2023 survey's failure modes score distinctly."""

from __future__ import annotations

import typing as t
from fractions import Fraction
from pathlib import Path

import jsonschema
import pytest

from scorecard.engine import Provenance, score
from scorecard.evidence import evidence_schema
from scorecard.models.record import Record
from scorecard.models.rubric import BooleanAnswer, ChoiceAnswer, Criterion, MultiAnswer, NumberAnswer
from scorecard.result import OrganisationResult
from scorecard.rubric import load_rubric

RUBRIC_PATH = Path(__file__).resolve().parents[2] / "rubrics" / "nhse-dfm-2023.yaml"
LOADED = load_rubric(RUBRIC_PATH)
RUBRIC = LOADED.rubric
CRITERIA = [c for s in RUBRIC.sections for c in s.criteria]
SCHEMA_VALIDATOR = jsonschema.Draft202012Validator(evidence_schema(RUBRIC))
CATEGORY_IDS = {"specialist-service", "considering", "some-action-planned", "no-action-planned", "substance-misuse-services", "mainly-opioids"}
CLASSES = ["benzodiazepines", "z-drugs", "antidepressants", "opioids", "gabapentin", "pregabalin"]


def record(code: str, answers: dict[str, t.Any], response: str = "replied") -> Record:
    """A constructed record for a real register code; checked against the derived schema first,
    so every test answer is one a real record could give."""
    data = {
        "organisation": code,
        "rubric": {"id": RUBRIC.id, "version": RUBRIC.version},
        "round": "test",
        "kind": "desk-research",
        "response": response,
        "assessor": "test",
        "assessed_on": "2026-01-01",
        "sources": [{"id": "s", "title": "test source", "date": "2026-01-01"}],
        "answers": {k: {"value": v, "source": "s"} for k, v in answers.items()},
    }
    errors = list(SCHEMA_VALIDATOR.iter_errors(data))
    assert not errors, [e.message for e in errors]
    return Record.model_validate(data)


def run(*records: Record) -> dict[str, OrganisationResult]:
    card = score(RUBRIC, list(records), LOADED.register, Provenance("x", "y"))
    return {o.code: o for o in card.organisations}


def criterion_result(result: OrganisationResult, criterion_id: str):
    return next(c for c in result.criteria if c.id == criterion_id)


def section_percent(result: OrganisationResult, section_id: str) -> float | None:
    return next(s.percent for s in result.sections if s.id == section_id)


# ---------------------------------------------------------------- shape


def test_rubric_lints_clean(run_line):
    result = run_line(["rubric", "lint", RUBRIC_PATH])
    assert "ok: nhse-dfm-2023" in result.output


def test_register_is_the_bundled_icb_register():
    assert RUBRIC.register_name == "icbs-2022"
    assert len(LOADED.register.bodies) == 42


def test_contract_category_ids():
    assert {c.id for c in RUBRIC.categories} == CATEGORY_IDS


def test_sections_cover_the_survey_objectives_and_fpm_safeguards():
    assert [s.id for s in RUBRIC.sections] == ["services", "policies", "practice", "classes", "monitoring", "safeguards"]


def test_multi_answer_offers_the_six_classes():
    (classes,) = [c for c in CRITERIA if isinstance(c.answer, MultiAnswer)]
    assert [o.value for o in classes.answer.options] == CLASSES


def test_opioid_threshold_is_stated_with_the_2025_change():
    monitoring = next(s for s in RUBRIC.sections if s.id == "monitoring")
    assert "120 mg" in (monitoring.summary or "") and "90 mg in November 2025" in (monitoring.summary or "")
    numbers = [c for c in monitoring.criteria if isinstance(c.answer, NumberAnswer)]
    assert numbers, "the monitoring section needs number indicators"
    for criterion in numbers:
        assert "120 mg/day" in criterion.question


def test_governance_is_honest_about_checking():
    governance = RUBRIC.governance
    assert governance is not None
    assert governance.authors == ("scorecard maintainers",)
    assert governance.checked_by == ()  # nobody outside the authors has checked it yet
    assert governance.changes and governance.changes[-1].version == RUBRIC.version
    assert governance.reviewed_on and governance.next_review_due and governance.next_review_due > governance.reviewed_on


def test_every_criterion_names_its_source_and_guides_the_assessor():
    for criterion in CRITERIA:
        assert criterion.clause.strip() and criterion.guidance.strip() and criterion.title


# ---------------------------------------------------------------- every level is reachable


def levels(criterion: Criterion) -> list[tuple[t.Any, Fraction, str]]:
    """(an answer that reaches the level, the points it should earn, the level's descriptor)."""
    answer = criterion.answer
    if isinstance(answer, ChoiceAnswer):
        return [(o.value, Fraction(o.points), o.descriptor) for o in answer.options]
    if isinstance(answer, BooleanAnswer):
        return [
            (True, Fraction(answer.when_true.points), answer.when_true.descriptor),
            (False, Fraction(answer.when_false.points), answer.when_false.descriptor),
        ]
    if isinstance(answer, MultiAnswer):
        values = [o.value for o in answer.options]
        return [
            (values[: level.min_count], Fraction(answer.max_points) * level.min_count / len(values), level.descriptor)
            for level in answer.levels
        ]
    assert isinstance(answer, NumberAnswer) and answer.scoring == "bands"
    out = []
    previous = answer.minimum if answer.minimum is not None else -1000.0
    for band in answer.bands:
        value = band.upto if band.upto is not None else previous + 1
        out.append((value, Fraction(band.points), band.descriptor))
        previous = value
    return out


BANDED = [c for c in CRITERIA if not (isinstance(c.answer, NumberAnswer) and c.answer.scoring == "rank")]


@pytest.mark.parametrize("criterion", BANDED, ids=[c.id for c in BANDED])
def test_every_level_is_reachable(criterion: Criterion):
    reached = levels(criterion)
    assert len(reached) >= 2
    for value, points, descriptor in reached:
        result = criterion_result(run(record("QWU", {criterion.id: value}))["QWU"], criterion.id)
        assert result.outcome == "answered"
        assert Fraction(result.points) == points, (criterion.id, value)
        assert result.descriptor is not None and result.descriptor.startswith(descriptor), (criterion.id, value)
    # The best level earns the criterion's maximum, the worst earns nothing.
    assert max(p for _, p, _ in reached) == Fraction(criterion.max_points)
    assert min(p for _, p, _ in reached) == 0


@pytest.mark.parametrize("value", CLASSES)
def test_each_medicine_class_counts_alone(value):
    # max_points 6 over six classes: each class on its own is worth one point.
    result = criterion_result(run(record("QWU", {"MC1": [value]}))["QWU"], "MC1")
    assert Fraction(result.points) == 1


RANKED = [c for c in CRITERIA if isinstance(c.answer, NumberAnswer) and c.answer.scoring == "rank"]


@pytest.mark.parametrize("criterion", RANKED, ids=[c.id for c in RANKED])
def test_ranked_indicator_reaches_best_and_worst(criterion: Criterion):
    assert RANKED, "the rubric should hold a rank-scored indicator"
    answer = t.cast(NumberAnswer, criterion.answer)
    low, high = run(record("QWU", {criterion.id: 1.5}), record("QWO", {criterion.id: 4.0})).values()
    best, worst = (low, high) if answer.direction == "lower-is-better" else (high, low)
    assert criterion_result(best, criterion.id).points == answer.max_points
    assert criterion_result(worst, criterion.id).points == 0


# ---------------------------------------------------------------- the survey's failure modes


def test_substance_misuse_only_earns_nothing_for_objective_one():
    best_other = {"SV3": "across-pathways", "SV4": "co-produced"}
    result = run(record("QWU", {"SV1": "substance-misuse-only", "SV2": False, "SV5": "only-route", **best_other}))["QWU"]
    services = next(s for s in result.sections if s.id == "services")
    assert services.uncapped_percent and services.uncapped_percent > 0
    assert services.percent == 0 and services.capped_by == "substance-misuse-only"
    assert "substance-misuse-services" in result.categories


def test_specialist_service_alongside_substance_misuse_is_capped_at_half():
    answers = {"SV1": "specialist-wide", "SV2": False, "SV3": "across-pathways", "SV4": "co-produced", "SV5": "named-provider"}
    result = run(record("QWU", answers))["QWU"]
    assert section_percent(result, "services") == 50
    assert {"specialist-service", "substance-misuse-services"} <= set(result.categories)


@pytest.mark.parametrize(
    ("role", "counted"), [("none", False), ("mentioned", False), ("named-provider", True), ("only-route", True)]
)
def test_quoted_substance_misuse_services_follow_the_part_those_services_play(role, counted):
    # 1.1.0: a drug-and-alcohol service mentioned as one route beside other help is not "quoted
    # as the help"; SV1 and SV2 alone no longer decide the category.
    result = run(record("QWU", {"SV2": False, "SV5": role}))["QWU"]
    assert ("substance-misuse-services" in result.categories) is counted
    assert "substance-misuse-services" not in run(record("QWU", {"SV1": "substance-misuse-only", "SV2": False}))["QWU"].categories


def test_opioid_only_focus_earns_partial_coverage():
    opioid_only = run(record("QWU", {"MC1": ["opioids"]}))["QWU"]
    every_class = run(record("QWU", {"MC1": CLASSES, "MC2": "every-class"}))["QWU"]
    # The classes section: MC1 (1 of 6 classes) and MC2 (unanswered), weight 1 each.
    assert section_percent(opioid_only, "classes") == pytest.approx(100 * (1 / 6) / 2)
    assert section_percent(every_class, "classes") == 100
    assert "opioid-only-focus" in [f.id for f in opioid_only.flags]
    # The category follows the main focus (MC2), not the classes ticked (MC1).
    assert "mainly-opioids" not in opioid_only.categories


@pytest.mark.parametrize(
    ("focus", "counted"),
    [("opioids", True), ("pain-management", True), ("several-classes", False), ("every-class", False), ("none-stated", False)],
)
def test_focused_on_opioids_follows_the_main_focus(focus, counted):
    # Classes named in passing do not take an opioid-focused body out; "pain management" with no
    # medicine named is read as opioids, as the category's description says.
    result = run(record("QWU", {"MC1": ["benzodiazepines", "z-drugs", "opioids"], "MC2": focus}))["QWU"]
    assert ("mainly-opioids" in result.categories) is counted
    category = next(c for c in RUBRIC.categories if c.id == "mainly-opioids")
    assert "pain management" in (category.description or "") and "as opioids" in (category.description or "")


def test_a_focus_on_every_class_scores_highest():
    answer = t.cast(ChoiceAnswer, RUBRIC.criteria["MC2"][1].answer)
    points = {o.value: o.points for o in answer.options}
    assert points["every-class"] == answer.max_points
    assert points["every-class"] > points["several-classes"] > points["opioids"] > points["none-stated"]
    assert all(o.label for o in answer.options)
    assert all(o.label for o in t.cast(ChoiceAnswer, RUBRIC.criteria["SV5"][1].answer).options)


def test_considering_differs_from_action_and_from_no_action():
    stages = ["no-action", "considering", "action-planned", "action-under-way"]
    results = run(*(record(code, {"PL1": stage}) for code, stage in zip(["QWU", "QWO", "QUA", "QXU"], stages, strict=True)))
    percents = [results[code].percent for code in ["QWU", "QWO", "QUA", "QXU"]]
    assert percents == sorted(percents) and len(set(percents)) == 4
    assert results["QWU"].categories == ["no-action-planned"]
    assert results["QWO"].categories == ["considering"]
    assert results["QUA"].categories == ["some-action-planned"]
    assert results["QXU"].categories == []


def test_refused_is_not_a_reply():
    card = score(RUBRIC, [record("QWE", {}, "refused"), record("QWU", {"PL1": "considering"})], LOADED.register, Provenance("x", "y"))
    refused = next(o for o in card.organisations if o.code == "QWE")
    assert refused.percent is None and refused.band is None and refused.rank is None and refused.categories == []
    assert card.summary.refused == 1 and card.summary.replied == 1
    assert all(c.of == 1 for c in card.summary.categories)


def test_population_targets_without_individual_review_cap_monitoring():
    flagged = run(record("QWU", {"MD1": "regular-with-targets", "MD4": "targeted-action"}))["QWU"]
    safe = run(record("QWU", {"MD1": "regular-with-targets", "MD4": "targeted-action", "FS1": "individual-review"}))["QWU"]
    assert "targets-without-review" in [f.id for f in flagged.flags]
    assert section_percent(flagged, "monitoring") == 50
    assert "targets-without-review" not in [f.id for f in safe.flags]
    assert section_percent(safe, "monitoring") > 50


def test_reduction_only_and_abrupt_stopping_cap_practice():
    top = {"PP1": "audited", "PP2": "audited", "PP4": "ongoing-programme"}
    reduction_only = run(record("QWU", {**top, "PP3": "individualised", "FS2": "reduction-only"}))["QWU"]
    abrupt = run(record("QWU", {**top, "PP3": "abrupt-or-blanket", "FS2": "explicit"}))["QWU"]
    assert section_percent(reduction_only, "practice") == 50
    assert section_percent(abrupt, "practice") == 25


def test_falling_high_dose_numbers_note_needs_a_safeguard_to_clear():
    falling = run(record("QWU", {"MD3": -12.0}))["QWU"]
    falling_safe = run(record("QWU", {"MD3": -12.0, "FS2": "explicit-with-route"}))["QWU"]
    assert "falling-without-safeguard" in [f.id for f in falling.flags]
    assert "falling-without-safeguard" not in [f.id for f in falling_safe.flags]
