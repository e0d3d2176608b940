"""The bundled 2023 FOI round (evidence/foi-2023): every record validates, the category counts
come from the rules, one changed answer moves a score by exactly what the weights say, and
`scorecard score` with no arguments scores this round."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

from scorecard.engine import Provenance, score
from scorecard.evidence import load_round
from scorecard.models.record import AnswerEntry
from scorecard.models.rubric import ChoiceAnswer
from scorecard.rubric import load_rubric

ROOT = Path(__file__).resolve().parents[2]
ROUND_DIR = ROOT / "evidence" / "foi-2023"
LOADED = load_rubric(ROOT / "rubrics" / "nhse-dfm-2023.yaml")
RUBRIC = LOADED.rubric
ROUND = load_round([ROUND_DIR], LOADED)

NO_REPLY = {"QHL", "QGH", "QK1", "QOC", "QOP", "QRL", "QKK"}
REFUSED = {"QWE"}

# What the category rules of rubric 1.1.0 give on these records, body by body: 2, 13, 1, 7, 4
# and 16 of 34. The README's table of differences from the published counts (2, 10, 2, 9, 4, 18)
# explains every gap; change both together.
EXPECTED = {
    "specialist-service": {"QMJ", "QUY"},
    "considering": {"QVV", "QWU", "QT6", "QOQ", "QWO", "QSL", "QUA", "QXU", "QNQ", "QMF", "QPM", "QKS", "QHM"},
    "some-action-planned": {"QNX"},
    "no-action-planned": {"QJK", "QNC", "QU9", "QMM", "QOX", "QHG", "QR1"},
    "substance-misuse-services": {"QUY", "QMJ", "QUE", "QHG"},
    "mainly-opioids": {
        # MC2 opioids: the ICB's own work is mainly on opioids
        "QM7", "QF7", "QKS", "QJM", "QMJ", "QJ2", "QYG", "QRV", "QPM", "QH8", "QT1",
        # MC2 pain-management, read as opioids by the category (as the survey's summaries read it)
        "QE1", "QHM", "QR1", "QSL", "QUE",
    },
}
COUNTS = {"specialist-service": 2, "considering": 13, "some-action-planned": 1, "no-action-planned": 7, "substance-misuse-services": 4, "mainly-opioids": 16}
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


def test_the_figure_indicators_are_not_assessed_in_this_round_and_nothing_else_is():
    # The request asked for no prescribing figures: MD2 and MD3 are left out of every maximum.
    assert ROUND.info is not None and [n.criterion for n in ROUND.info.not_assessed] == ["MD2", "MD3"]
    assert (CARD.round_info.criteria, CARD.round_info.criteria_scored) == (24, 22)
    for organisation in CARD.organisations:
        if organisation.response != "replied":
            continue
        for result in organisation.criteria:
            if result.id in ("MD2", "MD3"):
                assert (result.outcome, result.points) == ("not-assessed", None), organisation.code
            else:
                # Every criterion the request did ask about counts: unanswered earns 0 of its maximum.
                assert result.outcome != "not-assessed" and result.points is not None, (organisation.code, result.id)


def test_monitoring_is_scored_on_the_criteria_the_request_asked_about_exactly():
    # Hertfordshire and West Essex answers MD1 only (regular-with-targets, 3 of 3,
    # weight 2); MD4 (weight 1) is unanswered; MD2 and MD3 are not assessed. Monitoring is then
    # 100 x (2 x 3/3 + 1 x 0) / 3, capped by no flag (it has individual review).
    qm7 = next(o for o in CARD.organisations if o.code == "QM7")
    monitoring = next(s for s in qm7.sections if s.id == "monitoring")
    assert monitoring.percent == float(Fraction(200, 3)) and monitoring.capped_by is None


def test_the_evidence_date_is_the_gathering_period_not_the_encoding_date():
    assert CARD.evidence_as_of == "2023-07-31"
    assert (CARD.round_info.gathered_from, CARD.round_info.gathered_to, CARD.round_info.encoded_on) == ("2023-06-05", "2023-07-31", "2026-11-24")
    assert CARD.round_info.no_reply_wording == "had not replied by the time of the survey"


def test_every_output_gives_the_gathering_period_and_coverage(run_line, tmp_path):
    import openpyxl

    run_line(["score", ROUND_DIR, "--out", tmp_path])
    dates = "Evidence gathered June-July 2023; encoded 2026-11-24"
    coverage = "Scored on 22 of 24 criteria (not assessed in this round: MD2, MD3)"
    data = json.loads((tmp_path / "scorecard.json").read_text("utf-8"))
    assert (data["round_info"]["dates_in_words"], data["round_info"]["coverage_in_words"]) == (dates, coverage)
    for page in ["index.html", "methodology.html", *(p.name for p in (tmp_path / "site").glob("*.html"))][:5]:
        text = (tmp_path / "site" / page).read_text("utf-8")
        assert f"{dates}. {coverage}." in text, page
        assert "as of 2026-11-24" not in text.lower(), f"{page}: the encoding date shown as the evidence date"
    methodology = (tmp_path / "site" / "methodology.html").read_text("utf-8")
    assert "MD2 (People on high-dose opioids) is not assessed in this round" in methodology
    index = (tmp_path / "site" / "index.html").read_text("utf-8")
    assert "7 had not replied by the time of the survey" in index
    book = openpyxl.load_workbook(tmp_path / "scorecard.xlsx", read_only=True)
    for sheet in book.worksheets[:3]:
        cells = [str(c) for row in sheet.iter_rows(max_row=6, values_only=True) for c in row if c]
        assert any(f"{dates}. {coverage}." in c for c in cells), sheet.title


# Each of the 25 points of the re-reading (issue 16) and the answer it leaves in the record:
# None = unanswered; a list for a set of classes. The README lists them all, numbered.
DECISIONS = {
    1: ("QM7", "PP4", "planned-or-signposted"),
    2: ("QE1", "MD1", None),
    3: ("QNQ", "MD1", None),
    4: ("QNQ", "PL3", "generic"),
    5: ("QT1", "PL2", "some-classes"),
    6: ("QPM", "MC1", None),
    7: ("QUE", "MC1", None),
    8: ("QUE", "SV1", "considering"),
    9: ("QSL", "MC1", None),
    10: ("QKS", "PL1", "considering"),
    11: ("QR1", "PL1", "existing-work-only"),
    12: ("QHM", "PL1", "considering"),
    13: ("QF7", "MC1", ["opioids", "gabapentin", "pregabalin"]),
    14: ("QKS", "MC1", ["benzodiazepines", "opioids"]),
    15: ("QUY", "MC1", ["benzodiazepines"]),
    16: ("QMJ", "MC1", ["benzodiazepines", "opioids", "gabapentin", "pregabalin"]),
    17: ("QNX", "FS2", "implicit"),
    18: ("QF7", "FS2", "implicit"),
    19: ("QHM", "MC1", None),
    20: ("QR1", "SV2", True),
    21: ("QOQ", "PL2", "in-development"),
    22: ("QJ2", "MD1", "one-off"),
    23: ("QU9", "PP3", "general"),
    24: ("QH8", "PL3", "dfm-cohort"),
    25: ("QR1", "FS5", "volume-only"),
}


@pytest.mark.parametrize("number", sorted(DECISIONS))
def test_each_point_of_the_re_reading_is_in_the_records_and_the_readme(number):
    code, criterion_id, value = DECISIONS[number]
    entry = next(r for r in ROUND.records if r.organisation == code).answers.get(criterion_id)
    assert (entry.value if entry else None) == value
    readme = (ROUND_DIR / "README.md").read_text("utf-8")
    row = next(line for line in readme.splitlines() if line.startswith(f"| {number} | {code} "))
    assert f"| {criterion_id} |" in row
    if isinstance(value, list):
        # A set of classes: kept as it was, or corrected to the classes now recorded.
        assert "**kept**" in row or f"to {', '.join(value)} |" in row, row
    else:
        words = {None: "unanswered", True: "true"}.get(value, value)  # type: ignore[arg-type]
        assert f" {words} |" in row or f" {words}" in row.split("|")[5], row


def test_scope_of_does_not_hold_and_survey_citations():
    records = {r.organisation: r for r in ROUND.records}
    for code in ("QJK", "QHG"):  # Devon; Bedfordshire, Luton and Milton Keynes
        for criterion_id in ("PL2", "PP1", "PP2", "PP3", "PP4"):
            assert records[code].answers[criterion_id].outcome == "not-held", (code, criterion_id)
    for code in ("QNX", "QMM", "QU9"):  # PL1 decided partly from the survey's one-line summary
        assert records[code].answers["PL1"].source == "survey", code
    assert all("MC1" not in r.answers or r.answers["MC1"].source == "foi-reply" for r in ROUND.records)
    # Every answer whose note leans on the summary cites the survey.
    for record in ROUND.records:
        for criterion_id, entry in record.answers.items():
            if "survey's summary" in (entry.note or "") or "survey\'s summary" in (entry.note or ""):
                assert entry.source == "survey", (record.organisation, criterion_id)


def test_the_readme_table_is_the_one_made_from_the_records():
    import importlib.util

    spec = importlib.util.spec_from_file_location("foi_2023_table", ROOT / "tests" / "foi_2023_table.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    readme = (ROUND_DIR / "README.md").read_text("utf-8")
    made = module.table()
    assert readme.count(module.START) == 1 and readme.count(module.END) == 1
    assert readme[readme.index(module.START) + len(module.START):readme.index(module.END)] == "\n" + made
    assert len(made.splitlines()) == 2 + 42


def test_category_counts_come_from_the_rules():
    counts = {c.id: c for c in CARD.summary.categories}
    assert set(counts) == set(EXPECTED)
    assert {k: len(v) for k, v in EXPECTED.items()} == COUNTS
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
