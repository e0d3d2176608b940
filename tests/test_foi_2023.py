"""The bundled 2023 FOI round (evidence/foi-2023): every record validates, the category counts
come from the rules, one changed answer moves a score by exactly what the weights say, and
`scorecard score` with no arguments scores this round."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

from scorecard.engine import Provenance, score
from scorecard.evidence import AnswerEntry, load_round
from scorecard.rubric import ChoiceAnswer, load_rubric

ROOT = Path(__file__).resolve().parent.parent
ROUND_DIR = ROOT / "evidence" / "foi-2023"
LOADED = load_rubric(ROOT / "rubrics" / "nhse-dfm-2023.yaml")
RUBRIC = LOADED.rubric
ROUND = load_round([ROUND_DIR], LOADED)

NO_REPLY = {"QHL", "QGH", "QK1", "QOC", "QOP", "QRL", "QKK"}
REFUSED = {"QWE"}

# What the category rules give on these records, body by body. The README's table of
# differences from the published counts explains every gap; change both together.
EXPECTED = {
    "specialist-service": {"QMJ", "QUY"},
    "considering": {"QVV", "QWU", "QT6", "QOQ", "QWO", "QSL", "QUA", "QXU", "QNQ", "QMF", "QPM"},
    "some-action-planned": {"QNX"},
    "no-action-planned": {"QJK", "QNC", "QHM", "QU9", "QMM", "QOX", "QHG"},
    "substance-misuse-services": {"QUY", "QMJ", "QU9", "QUE", "QHG"},
    "mainly-opioids": {"QF7", "QJM", "QR1", "QSL", "QJ2", "QYG", "QRV", "QPM", "QH8", "QUE"},
}
PUBLISHED = {
    "specialist-service": 2,
    "considering": 10,
    "some-action-planned": 2,
    "no-action-planned": 9,
    "substance-misuse-services": 4,
    "mainly-opioids": 18,
}


def scorecard_for(records):
    return score(RUBRIC, records, LOADED.register, Provenance(LOADED.sha256, ROUND.sha256, ROUND.info))


CARD = scorecard_for(ROUND.records)


def test_all_42_records_validate(run_line):
    result = run_line(["validate", ROUND_DIR])
    assert "42 records valid against nhse-dfm-2023" in result.output
    assert sorted(r.organisation for r in ROUND.records) == sorted(LOADED.register.bodies)
    assert {p.stem for p in ROUND_DIR.glob("*.json")} - {"round"} == set(LOADED.register.bodies)


def test_file_names_are_the_ods_codes():
    for code, path in ROUND.files.items():
        assert Path(path).name == f"{code}.json"


def test_responses_follow_the_survey():
    by_response = {r.organisation: r.response for r in ROUND.records}
    assert {c for c, r in by_response.items() if r == "no-reply"} == NO_REPLY
    assert {c for c, r in by_response.items() if r == "refused"} == REFUSED
    assert sum(r == "replied" for r in by_response.values()) == 34


def test_replied_answers_carry_a_source_and_a_note():
    for record in ROUND.records:
        if record.response != "replied":
            assert record.answers == {}
            continue
        assert "PL1" in record.answers, f"{record.organisation}: every reply says how far the ICB has got"
        ids = {s.id for s in record.sources}
        assert "foi-reply" in ids
        for criterion_id, entry in record.answers.items():
            assert entry.source in ids and entry.note, (record.organisation, criterion_id)
            assert entry.outcome in (None, "not-held"), (record.organisation, criterion_id)


def test_number_indicators_are_left_unanswered_by_foi_replies():
    numbers = [cid for cid, (_, c) in RUBRIC.criteria.items() if c.answer.type == "number"]
    assert numbers
    for record in ROUND.records:
        assert not set(numbers) & set(record.answers), record.organisation


def test_category_counts_come_from_the_rules():
    counts = {c.id: c for c in CARD.summary.categories}
    assert set(counts) == set(EXPECTED)
    for category_id, members in EXPECTED.items():
        found = {o.code for o in CARD.organisations if category_id in o.categories}
        assert found == members, category_id
        assert counts[category_id].count == len(members)
        assert counts[category_id].of == 34
        published = counts[category_id].published
        assert published is not None and (published.count, published.of) == (PUBLISHED[category_id], 34)


def test_round_carries_the_2011_baseline():
    (baseline,) = CARD.round_info.baselines
    assert baseline.year == 2011
    assert [f.percent for f in baseline.figures] == [83, 11, 6]


def test_refused_and_silent_bodies_get_no_score():
    for organisation in CARD.organisations:
        if organisation.response == "replied":
            assert organisation.percent is not None and organisation.band is not None
        else:
            assert organisation.percent is None and organisation.band is None and organisation.rank is None


def _with_answer(code: str, criterion_id: str, value):
    records = []
    for record in ROUND.records:
        if record.organisation == code:
            answers = dict(record.answers)
            answers[criterion_id] = AnswerEntry(value=value, source="foi-reply", note="changed by the test")
            record = record.model_copy(update={"answers": answers})
        records.append(record)
    return records


@pytest.mark.parametrize(
    ("code", "criterion_id", "new_value"),
    [("QWU", "PL1", "action-under-way"), ("QNX", "SV1", "in-development"), ("QKS", "PP3", "individualised")],
)
def test_one_changed_answer_moves_the_score_by_the_weights(code, criterion_id, new_value):
    """Expected change = 100 x (section weight / all section weights)
    x (criterion weight / criterion weights in its section) x (points gained / criterion maximum),
    computed from the rubric, for bodies where no cap is involved before or after."""
    section, criterion = RUBRIC.criteria[criterion_id]
    assert isinstance(criterion.answer, ChoiceAnswer)
    points = {o.value: Fraction(o.points) for o in criterion.answer.options}
    before_record = next(r for r in ROUND.records if r.organisation == code)
    old_entry = before_record.answers.get(criterion_id)
    old_points = points[old_entry.value] if old_entry and old_entry.value is not None else Fraction(0)
    expected = (
        100
        * Fraction(section.weight) / sum(Fraction(s.weight) for s in RUBRIC.sections)
        * Fraction(criterion.weight) / sum(Fraction(c.weight) for c in section.criteria)
        * (points[new_value] - old_points) / Fraction(criterion.max_points)
    )
    assert expected != 0

    before = next(o for o in CARD.organisations if o.code == code)
    after = next(o for o in scorecard_for(_with_answer(code, criterion_id, new_value)).organisations if o.code == code)
    for result in (before, after):
        assert all(s.capped_by is None for s in result.sections), "pick a body and answer no cap touches"
    assert after.percent - before.percent == pytest.approx(float(expected), abs=1e-9)


def test_score_with_no_arguments_scores_this_round(run_line, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run_line(["score"])
    data = json.loads((tmp_path / "scorecard-out" / "scorecard.json").read_text("utf-8"))
    assert data["rubric"]["id"] == "nhse-dfm-2023" and data["round"] == "foi-2023"
    assert data["summary"]["replied"] == 34 and data["summary"]["refused"] == 1 and data["summary"]["no_reply"] == 7
    categories = {c["id"]: c for c in data["summary"]["categories"]}
    for category_id, members in EXPECTED.items():
        assert (categories[category_id]["count"], categories[category_id]["of"]) == (len(members), 34)
        assert f"{category_id}: {len(members)} of 34  (published: {PUBLISHED[category_id]} of 34)" in result.output


def test_readme_maps_every_body():
    readme = (ROUND_DIR / "README.md").read_text("utf-8")
    for code in LOADED.register.bodies:
        assert f"| {code} |" in readme, code
