"""Properties the engine keeps for any valid rubric and evidence (hypothesis), scored in memory.
(The loaders' side, any invalid input reported and never raised: test_readers_report_never_raise.py.)"""

from __future__ import annotations

import json
import typing as t

import hypothesis.strategies as st
import jsonschema
from hypothesis import HealthCheck, assume, given, settings
from in_memory import replace

from scorecard.engine import Provenance, score
from scorecard.evidence import evidence_schema
from scorecard.models.record import Record
from scorecard.models.rubric import Rubric
from scorecard.register import Body, Register
from scorecard.render.json_ import dumps
from scorecard.rubric import meaning_problems, rubric_schema

CODES = [f"B{i:02d}" for i in range(8)]
REGISTER = Register(name="test", bodies={c: Body(code=c, name=f"Body {c}", short_name=c, region="R") for c in CODES})
PROVENANCE = Provenance("0" * 64, "1" * 64)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---------------------------------------------------------------- random valid rubrics

points = st.integers(min_value=0, max_value=5)


@st.composite
def answer_definitions(draw, allow_rank: bool = True) -> dict[str, t.Any]:
    kinds = ["choice", "multi", "boolean", "bands"] + (["rank"] if allow_rank else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "choice":
        values = draw(st.lists(points, min_size=2, max_size=4))
        assume(max(values) > 0)
        return {"type": "choice", "options": [{"value": f"o{i}", "points": p, "descriptor": f"Option {i}"} for i, p in enumerate(values)]}
    if kind == "multi":
        n = draw(st.integers(2, 4))
        return {
            "type": "multi",
            "max_points": draw(st.integers(1, 4)),
            "options": [{"value": f"m{i}", "label": f"M{i}"} for i in range(n)],
            "levels": [{"min_count": 0, "descriptor": "None"}, {"min_count": n, "descriptor": "All"}],
        }
    if kind == "boolean":
        return {"type": "boolean", "when_true": {"points": draw(st.integers(1, 4)), "descriptor": "Yes"}, "when_false": {"points": 0, "descriptor": "No"}}
    if kind == "bands":
        # lower is better: points fall as the bound rises
        top = draw(st.integers(1, 4))
        return {
            "type": "number",
            "unit": "per 1,000",
            "direction": "lower-is-better",
            "minimum": 0,
            "max_points": top,
            "scoring": "bands",
            "bands": [{"upto": 10, "points": top, "descriptor": "Low"}, {"upto": 20, "points": top / 2, "descriptor": "Mid"},
                      {"points": 0, "descriptor": "High"}],
        }
    return {"type": "number", "unit": "%", "direction": draw(st.sampled_from(["lower-is-better", "higher-is-better"])), "minimum": 0,
            "max_points": draw(st.integers(1, 3)), "scoring": "rank"}


@st.composite
def rubrics(draw, allow_rank: bool = True) -> Rubric:
    sections = []
    n = 0
    for s in range(draw(st.integers(1, 3))):
        criteria = []
        for _ in range(draw(st.integers(1, 3))):
            criteria.append({"id": f"C{n}", "question": "Q?", "guidance": "G.", "clause": "Clause", "weight": draw(st.integers(1, 3)),
                             "answer": draw(answer_definitions(allow_rank))})
            n += 1
        sections.append({"id": f"s{s}", "title": f"Section {s}", "weight": draw(st.integers(1, 3)), "criteria": criteria})
    flags = []
    all_criteria = [c for s in sections for c in s["criteria"]]
    for i, criterion in enumerate(draw(st.lists(st.sampled_from(all_criteria), max_size=2, unique_by=lambda c: c["id"]))):
        answer = criterion["answer"]
        if answer["type"] == "choice":
            when = {"criterion": criterion["id"], "equals": answer["options"][0]["value"]}
        elif answer["type"] == "multi":
            when = {"criterion": criterion["id"], "contains": answer["options"][0]["value"]}
        elif answer["type"] == "boolean":
            when = {"criterion": criterion["id"], "equals": True}
        else:
            when = {"criterion": criterion["id"], "gte": 15}
        flag = {"id": f"f{i}", "severity": "caveat", "message": "A flag.", "when": when}
        if draw(st.booleans()):
            flag["cap"] = {"section": draw(st.sampled_from([s["id"] for s in sections])), "percent": draw(st.integers(0, 100))}
        flags.append(flag)
    data = {
        "id": "random",
        "version": "1.0.0",
        "title": "Random rubric",
        "register": "test",
        "sections": sections,
        "flags": flags,
        "categories": [{"id": "any-flag", "title": "Any", "when": flags[0]["when"]}] if flags else [],
        "bands": [
            {"id": "low", "label": "Low", "min_percent": 0, "colour": "#FFFFFF"},
            {"id": "mid", "label": "Mid", "min_percent": draw(st.integers(1, 60)), "colour": "#FFFFFF"},
            {"id": "high", "label": "High", "min_percent": draw(st.integers(61, 100)), "colour": "#FFFFFF"},
        ],
    }
    assert not list(jsonschema.Draft202012Validator(rubric_schema()).iter_errors(data)), data
    rubric = Rubric.model_validate(data)
    assert not meaning_problems(rubric), meaning_problems(rubric)
    return rubric


@st.composite
def answers(draw, rubric: Rubric, criterion_id: str) -> dict[str, t.Any] | None:
    """One answer entry valid for the criterion, or None for no entry."""
    _, criterion = rubric.criteria[criterion_id]
    outcome = draw(st.sampled_from(["answered", "answered", "answered", "not-held", "not-applicable", "missing"]))
    if outcome == "missing":
        return None
    if outcome != "answered":
        return {"outcome": outcome, "note": "n"}
    answer = criterion.answer
    if answer.type == "choice":
        value = draw(st.sampled_from([o.value for o in answer.options]))
    elif answer.type == "multi":
        value = draw(st.lists(st.sampled_from([o.value for o in answer.options]), unique=True))
    elif answer.type == "boolean":
        value = draw(st.booleans())
    else:
        value = draw(st.integers(0, 30))
    return {"value": value, "source": "doc"}


def record_data(code: str, entries: dict[str, t.Any], response: str = "replied") -> dict[str, t.Any]:
    return {
        "organisation": code,
        "rubric": {"id": "random", "version": "1.0.0"},
        "round": "r",
        "kind": "desk-research",
        "response": response,
        "assessor": "A",
        "assessed_on": "2024-01-01",
        "sources": [{"id": "doc", "title": "Doc", "date": "2024-01-01"}],
        "answers": {k: v for k, v in entries.items() if v is not None} if response == "replied" else {},
    }


@st.composite
def rounds(draw, allow_rank: bool = True) -> tuple[Rubric, list[dict[str, t.Any]]]:
    rubric = draw(rubrics(allow_rank))
    bodies = draw(st.lists(st.sampled_from(CODES), min_size=1, max_size=6, unique=True))
    records = []
    for code in bodies:
        response = draw(st.sampled_from(["replied", "replied", "replied", "refused", "no-reply"]))
        entries = {cid: draw(answers(rubric, cid)) for cid in rubric.criteria}
        records.append(record_data(code, entries, response))
    # every generated record must pass the schema the rubric implies
    validator = jsonschema.Draft202012Validator(evidence_schema(rubric), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    for data in records:
        assert not list(validator.iter_errors(data)), data
    return rubric, records


def run(rubric: Rubric, records: list[dict[str, t.Any]]):
    return score(rubric, [Record.model_validate(r) for r in records], REGISTER, PROVENANCE)


# ---------------------------------------------------------------- properties


@SETTINGS
@given(rounds())
def test_percents_stay_within_0_and_100(case):
    rubric, records = case
    for body in run(rubric, records).organisations:
        for value in [body.percent, *(s.percent for s in body.sections), *(s.uncapped_percent for s in body.sections)]:
            assert value is None or 0 <= value <= 100
        for criterion in body.criteria:
            assert criterion.points is None or 0 <= criterion.points <= criterion.max_points


@SETTINGS
@given(rounds(), st.randoms(use_true_random=False))
def test_the_order_of_records_changes_no_byte(case, rng):
    rubric, records = case
    shuffled = records[:]
    rng.shuffle(shuffled)
    assert dumps(run(rubric, shuffled)) == dumps(run(rubric, records))


def _points(rubric: Rubric, criterion_id: str, entry: dict[str, t.Any] | None) -> float | None:
    """Points an entry earns on a non-rank criterion (None: not applicable), as the engine scores
    it for a body that gave only that answer (a non-rank criterion's points are the body's own)."""
    card = run(rubric, [record_data(CODES[0], {criterion_id: entry})])
    (result,) = [c for c in card.organisations[0].criteria if c.id == criterion_id]
    return result.points


def _best_value(rubric: Rubric, criterion_id: str) -> t.Any:
    answer = rubric.criteria[criterion_id][1].answer
    if answer.type == "choice":
        return max(answer.options, key=lambda o: o.points).value
    if answer.type == "multi":
        return [o.value for o in answer.options]
    if answer.type == "boolean":
        return True
    return 0  # lower is better in the generated bands


@SETTINGS
@given(rounds(allow_rank=False), st.data())
def test_improving_an_answer_never_lowers_the_percent_unless_a_cap_applies(case, data):
    rubric, records = case
    replied = [r for r in records if r["response"] == "replied"]
    assume(replied)
    target = data.draw(st.sampled_from(replied))
    criterion_id = data.draw(st.sampled_from(list(rubric.criteria)))
    before_entry = target["answers"].get(criterion_id)
    after_entry = {"value": _best_value(rubric, criterion_id), "source": "doc"}
    before_points, after_points = _points(rubric, criterion_id, before_entry), _points(rubric, criterion_id, after_entry)
    # an improvement: more points on a criterion that counted, and still counts
    assume(before_points is not None and after_points > before_points)
    improved = json.loads(json.dumps(records))
    changed = next(r for r in improved if r["organisation"] == target["organisation"])
    changed["answers"][criterion_id] = after_entry
    old = next(o for o in run(rubric, records).organisations if o.code == target["organisation"])
    new = next(o for o in run(rubric, improved).organisations if o.code == target["organisation"])
    capped = any(s.capped_by for s in new.sections) or any(s.capped_by for s in old.sections)
    if not capped:
        assert new.percent >= old.percent
        for n, o in zip(new.sections, old.sections, strict=True):
            assert n.percent is None or o.percent is None or n.percent >= o.percent


@SETTINGS
@given(rounds(allow_rank=False), st.data())
def test_a_body_does_not_depend_on_other_bodies_answers(case, data):
    rubric, records = case
    assume(len(records) >= 2)
    me = records[0]["organisation"]
    others = json.loads(json.dumps(records))
    for record in others[1:]:
        if record["response"] == "replied":
            record["answers"] = {cid: e for cid in rubric.criteria if (e := data.draw(answers(rubric, cid))) is not None}
    mine = next(o for o in run(rubric, records).organisations if o.code == me)
    again = next(o for o in run(rubric, others).organisations if o.code == me)
    assert mine.model_dump(exclude={"rank"}) == again.model_dump(exclude={"rank"})


def _mentions(condition: t.Any, criterion_id: str) -> bool:
    return criterion_id in json.dumps(condition, default=lambda o: o.__dict__ if hasattr(o, "__dict__") else str(o))


@SETTINGS
@given(rounds(), st.data())
def test_a_criterion_not_assessed_scores_as_if_the_rubric_had_no_such_criterion(case, data):
    """Declaring a criterion not assessed in the round (round.json) leaves it out of every body's
    maximum: every percent equals, exactly, the one from the rubric without that criterion."""
    from scorecard.models.record import RoundInfo

    rubric, records = case
    dropped = data.draw(st.sampled_from(list(rubric.criteria)))
    assume(not any(_mentions(f.when, dropped) for f in rubric.flags) and not any(_mentions(c.when, dropped) for c in rubric.categories))
    unanswered = json.loads(json.dumps(records))
    for record in unanswered:
        record["answers"].pop(dropped, None)
    info = RoundInfo.model_validate({"round": "r", "title": "t", "not_assessed": [{"criterion": dropped, "reason": "Not asked."}]})
    declared = score(rubric, [Record.model_validate(r) for r in unanswered], REGISTER, Provenance("0" * 64, "1" * 64, info))
    sections = tuple(replace(s, criteria=tuple(c for c in s.criteria if c.id != dropped)) for s in rubric.sections)
    smaller = replace(rubric, sections=tuple(s for s in sections if s.criteria))
    without = {o.code: o for o in run(smaller, unanswered).organisations}
    assert declared.round_info.criteria_scored == len(rubric.criteria) - 1
    for body in declared.organisations:
        other = without[body.code]
        assert (body.percent, body.band, body.rank) == (other.percent, other.band, other.rank)
        kept = {s.id: s.percent for s in other.sections}
        for section in body.sections:
            assert section.percent == kept.get(section.id), section.id  # a section left empty has no percent
        if body.response == "replied":
            (result,) = [c for c in body.criteria if c.id == dropped]
            assert (result.outcome, result.points) == ("not-assessed", None)
