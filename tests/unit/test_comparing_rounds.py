"""Comparing rounds: changes worked out by hand on the tiny rubric (scored in memory), a merger of
whole predecessors, a split body, successions read from the registers' data and a rubric-version
difference. (The command end to end, and registers in force by date: acceptance/test_compare_command.py.)

Hand arithmetic for the tiny rubric with only S1 and P1 answered (everything else not answered,
so it earns nothing but stays in the maximum): services = 100 x 3 x S1/4 / 4, practice =
100 x P1 / 3, overall = (2 x services + practice) / 3.
  S1 considering, P1 false: services 18.75, practice 0      -> 12.5      (band low)
  S1 service,     P1 true:  services 75,    practice 33.33  -> 61.11     (band some)
  S1 service,     P1 false: services 75 capped to 50 by the flag, practice 0 -> 33.33
  S1 none,        P1 false: 0
"""

from __future__ import annotations

import typing as t
from pathlib import Path

import in_memory
import pytest
from conftest import FIXTURES
from in_memory import record, tiny_rubric

from scorecard.compare import compare
from scorecard.problems import InvalidInput
from scorecard.succession import between, load_changes

ROOT = Path(__file__).resolve().parents[2]
REGISTERS = FIXTURES / "compare" / "registers"

LOW = {"S1": "considering", "P1": False}  # 12.5
HIGH = {"S1": "service", "P1": True}  # 61.11
CAPPED = {"S1": "service", "P1": False}  # 33.33, flag no-policy-but-service
NONE = {"S1": "none", "P1": False}  # 0


# The register after the reorganisation (tests/fixtures/compare/registers/after.csv), as data.
AFTER = (("MMM", "Mu Board", "Mu", "North"), ("SSS", "Sigma Board", "Sigma", "South"),
         ("TTT", "Tau Board", "Tau", "South"), ("EEE", "Epsilon Board", "Epsilon", "South"))


def _round(records: list[dict[str, t.Any]], after: bool = False, rubric: dict[str, t.Any] | None = None):
    """A round scored in memory on the tiny rubric (or a changed copy), against the tiny register
    or, `after` the reorganisation, the register of its successors; returns (scorecard, rubric)."""
    data = rubric or tiny_rubric()
    bodies = None
    if after:
        data["register"] = "after.csv"
        bodies = in_memory.register(AFTER, "after.csv")
    model = in_memory.rubric(data)
    return in_memory.score(records, model, bodies), model


def _body(changes: t.Any, code: str) -> t.Any:
    return next(b for b in changes.bodies if b.code == code)


# ---------------------------------------------------------------- one register


def test_changes_for_the_same_bodies_are_worked_out_by_hand() -> None:
    before, rubric = _round([record("AAA", LOW), record("BBB", response="no-reply"), record("CCC", HIGH)])
    after, _ = _round([record("AAA", HIGH), record("BBB", LOW), record("CCC", CAPPED)])
    changes = compare(before, after, rubric, rubric)

    aaa = _body(changes, "AAA")
    assert aaa.relation == "same"
    assert aaa.percent_before == pytest.approx(12.5)
    assert aaa.percent_after == pytest.approx(55 / 0.9)  # 61.11
    assert aaa.change == pytest.approx(61.1111111 - 12.5)
    assert (aaa.direction, aaa.words) == ("up", "up 48.6 points")
    assert (aaa.band_before, aaa.band_after) == ("low", "some")
    assert [(c.id, c.before, c.after) for c in aaa.criteria] == [("S1", 1.0, 4.0), ("P1", 0.0, 1.0)]
    assert {s.id: round(s.change, 4) for s in aaa.sections} == {"services": 56.25, "practice": 33.3333}

    bbb = _body(changes, "BBB")
    assert bbb.replied_now_not_before and not bbb.replied_before_not_now
    assert (bbb.response_before, bbb.percent_before, bbb.direction) == ("no-reply", None, None)
    assert bbb.words == "no earlier score to compare with"

    ccc = _body(changes, "CCC")
    assert (ccc.direction, ccc.words) == ("down", "down 27.8 points")
    assert ccc.flags_raised == ["no-policy-but-service"] and ccc.flags_cleared == []
    assert [(c.id, c.before, c.after) for c in ccc.criteria] == [("P1", 1.0, 0.0)]
    services = next(s for s in ccc.sections if s.id == "services")
    assert (services.before, services.after, services.change) == (75.0, 50.0, -25.0)  # the cap
    assert changes.split == [] and changes.criteria_left_out == []


def test_a_flag_cleared_and_a_body_that_stopped_replying() -> None:
    before, rubric = _round([record("AAA", CAPPED), record("BBB", HIGH)])
    after, _ = _round([record("AAA", HIGH), record("BBB", response="refused")])
    changes = compare(before, after, rubric, rubric)
    assert _body(changes, "AAA").flags_cleared == ["no-policy-but-service"]
    bbb = _body(changes, "BBB")
    assert bbb.replied_before_not_now and bbb.criteria == []
    assert bbb.words == "no score this round (refused); 61.1% before"


# ---------------------------------------------------------------- a reorganisation


def test_succession_is_read_from_the_registers_data() -> None:
    succession = between("before", "after", folder=REGISTERS)
    assert [(p.code, p.whole) for p in succession.predecessors["MMM"]] == [("AAA", True), ("BBB", True)]
    assert succession.split() == {"CCC": ["SSS", "TTT"]}
    assert between("after", "after", folder=REGISTERS).predecessors == {}
    with pytest.raises(InvalidInput, match="does not follow"):
        between("after", "before", folder=REGISTERS)


def test_merger_of_two_whole_bodies_uses_the_simple_mean_and_a_split_body_is_never_attributed() -> None:
    before, rubric = _round(
        [record("AAA", LOW), record("BBB", HIGH), record("CCC", HIGH), record("DDD", response="no-reply"), record("EEE", NONE)]
    )
    after, after_rubric = _round([record(c, HIGH) for c in ("MMM", "SSS", "TTT")] + [record("EEE", NONE)], after=True)
    changes = compare(before, after, rubric, after_rubric, between("before", "after", folder=REGISTERS))

    mmm = _body(changes, "MMM")
    assert mmm.relation == "successor"
    assert [p.code for p in mmm.predecessors] == ["AAA", "BBB"]
    mean = (12.5 + 55 / 0.9) / 2  # 36.81: the simple mean of the two
    assert mmm.percent_before == pytest.approx(mean)
    assert mmm.band_before == "low"  # the band of the mean, not of either predecessor
    assert mmm.words == "up 24.3 points"
    assert [(c.id, c.before, c.after) for c in mmm.criteria] == [("S1", 2.5, 4.0), ("P1", 0.5, 1.0)]
    assert "simple mean" in mmm.basis and "simple (unweighted) mean" in changes.method

    sss = _body(changes, "SSS")
    assert [p.code for p in sss.predecessors] == ["DDD"]
    assert [(p.code, p.whole) for p in sss.parts_not_counted] == [("CCC", False)]
    assert sss.percent_before is None  # DDD did not reply; CCC's 61.1 is not borrowed
    assert "part of CCC" in sss.basis and "not counted" in sss.basis

    ttt = _body(changes, "TTT")
    assert (ttt.relation, ttt.percent_before, ttt.words) == ("new", None, "new: nothing earlier to compare with")

    assert [(s.code, s.successors) for s in changes.split] == [("CCC", ["SSS", "TTT"])]
    assert changes.split[0].percent == pytest.approx(55 / 0.9)
    assert _body(changes, "EEE").words == "no change"
    assert changes.unmatched_before == []
    assert (changes.before.register_name, changes.after.register_name) == ("before", "after")


def test_changes_file_problems_name_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "changes.csv"
    bad.write_text("code,predecessors,effective\nXXX,AAA;BB B,2025-04-01\nYYY,AAA,2025-04-01\n", "utf-8")
    with pytest.raises(InvalidInput) as caught:
        load_changes(bad, "before", "after")
    text = str(caught.value)
    assert f"{bad}:2: /: predecessor 'BB B' of XXX" in text
    assert "AAA went whole into both XXX and YYY" in text


# ---------------------------------------------------------------- rubric versions


def test_a_criterion_whose_answer_changed_is_left_out() -> None:
    before, rubric = _round([record("AAA", {**LOW, "S2": ["red"]})])
    newer = tiny_rubric()
    newer["version"] = "1.3.0"
    s2 = newer["sections"][0]["criteria"][1]
    s2["answer"]["max_points"] = 3  # the same id, a different answer definition
    after, after_rubric = _round([record("AAA", {**LOW, "S2": ["red", "green"]})], rubric=newer)
    changes = compare(before, after, rubric, after_rubric)
    assert [c.id for c in changes.criteria_left_out] == ["S2"]
    assert "answer definition changed between versions 1.2.0 and 1.3.0" in changes.criteria_left_out[0].reason
    assert "S2" not in changes.criteria_compared and "S1" in changes.criteria_compared
    assert _body(changes, "AAA").criteria == []  # S2 moved, but it is not compared
    assert _body(changes, "AAA").change != 0  # the percents are each round's own


def test_successions_chain_across_two_reorganisations(tmp_path: Path) -> None:
    (tmp_path / "in-force.csv").write_text(
        "register,series,in_force_from,in_force_until,changes\n"
        "r1,s,2020-01-01,2020-12-31,\nr2,s,2021-01-01,2021-12-31,c2.csv\nr3,s,2022-01-01,,c3.csv\n",
        "utf-8",
    )
    # r1 -> r2: XY from the whole of X and Y; Z split into Z2 and W. r2 -> r3: XY and Q merge.
    (tmp_path / "c2.csv").write_text("code,predecessors,effective\nXY,X;Y,2021-01-01\nZ2,Z(part),2021-01-01\nW,Z(part),2021-01-01\n", "utf-8")
    (tmp_path / "c3.csv").write_text("code,predecessors,effective\nBIG,XY;Q,2022-01-01\n", "utf-8")
    chained = between("r1", "r3", folder=tmp_path)
    assert [(p.code, p.whole) for p in chained.predecessors["BIG"]] == [("X", True), ("Y", True), ("Q", True)]
    assert "XY" not in chained.predecessors  # absorbed into BIG in r3
    assert chained.split() == {"Z": ["W", "Z2"]}


def test_rewording_labels_and_descriptors_does_not_stop_a_criterion_being_compared() -> None:
    from scorecard.compare import comparable
    from scorecard.rubric import load_rubric

    rubric = load_rubric(ROOT / "rubrics" / "nhse-dfm-2023.yaml").rubric
    section, criterion = rubric.criteria["PP4"]
    options = tuple(o.model_copy(update={"label": f"Level {i}", "descriptor": "Reworded."}) for i, o in enumerate(criterion.answer.options))
    reworded = criterion.model_copy(update={"answer": criterion.answer.model_copy(update={"options": options})})
    rescored_options = (options[0].model_copy(update={"points": 9}), *options[1:])
    rescored = criterion.model_copy(update={"answer": criterion.answer.model_copy(update={"options": rescored_options})})
    for changed, compared in ((reworded, True), (rescored, False)):
        sections = tuple(
            s.model_copy(update={"criteria": tuple(changed if c.id == "PP4" else c for c in s.criteria)}) if s.id == section.id else s
            for s in rubric.sections
        )
        later = in_memory.replace(rubric, version="1.2.0", sections=sections)
        criteria, left, _, _ = comparable(rubric, later)
        assert ("PP4" in criteria) is compared, left
