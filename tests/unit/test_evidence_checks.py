"""Evidence records: validated against the schema the rubric implies, the register and each other.
Every problem of every file is reported in one run, one line each: FILE: /pointer: message."""

from __future__ import annotations

import json

import pytest
from conftest import TINY, record, tiny_rubric, write_round

from scorecard.evidence import evidence_schema, load_round
from scorecard.problems import InvalidInput
from scorecard.rubric import load_rubric


def problems_for(tmp_path, records):
    rubric_path, evidence = write_round(tmp_path, tiny_rubric(), records)
    with pytest.raises(InvalidInput) as caught:
        load_round([evidence], load_rubric(rubric_path))
    return [str(p).removeprefix(f"{evidence}/") for p in caught.value.problems]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"answers": {"S1": {"value": "Maybe", "source": "doc"}}}, '/answers/S1/value: "Maybe" is not one of: "none", "considering", "service"'),
        ({"answers": {"Z9": {"value": 1, "source": "doc"}}}, "/answers: unknown criterion 'Z9'"),
        ({"answers": {"S2": {"value": ["red", "pink"], "source": "doc"}}}, '/answers/S2/value/1: "pink" is not one of'),
        ({"answers": {"S2": {"value": ["red", "red"], "source": "doc"}}}, "/answers/S2/value"),
        ({"answers": {"P1": {"value": "yes", "source": "doc"}}}, "/answers/P1/value"),
        ({"answers": {"P2": {"value": -1, "source": "doc"}}}, "/answers/P2/value"),
        ({"answers": {"P3": {"value": 101, "source": "doc"}}}, "/answers/P3/value"),
        ({"answers": {"S1": {"value": "none"}}}, "/answers/S1"),  # an answer needs its source
        ({"answers": {"S1": {"outcome": "not-applicable"}}}, "/answers/S1"),  # not applicable needs a reason
        ({"answers": {"S1": {"outcome": "perhaps", "note": "x"}}}, "/answers/S1"),
        ({"answers": {"S1": {"value": "none", "source": "nosuch"}}}, "/answers/S1/source: source 'nosuch' is not listed in sources (listed: doc)"),
        ({"assessed_on": "2024-13-45"}, "/assessed_on: '2024-13-45' is not a date (YYYY-MM-DD)"),
        ({"kind": "gossip"}, "/kind"),
        ({"rubric": {"id": "other", "version": "1.2.0"}}, "/rubric/id: record is for rubric 'other', but this is rubric 'tiny'"),
        ({"rubric": {"id": "tiny", "version": "2.0.0"}}, "/rubric/version: record is for version 2.0.0, but this rubric is version 1.2.0"),
        ({"organisation": "ZZZ"}, "/organisation: 'ZZZ' is not in the register"),
        ({"sources": [{"id": "doc", "title": "a", "date": "2024-01-01"}, {"id": "doc", "title": "b", "date": "2024-01-01"}]},
         "/sources/1/id: source id 'doc' is listed twice"),
        ({"response": "refused", "answers": {"S1": {"value": "none", "source": "doc"}}}, "/answers"),
        ({"surprise": 1}, "/: unknown key"),
    ],
)
def test_each_problem_names_the_file_and_place(tmp_path, change, expected):
    data = record("AAA", {})
    data.update(change)
    problems = problems_for(tmp_path, [data])
    assert any(p.startswith(f"{data['organisation']}.json: ") and expected in p for p in problems), problems


def test_a_minor_version_difference_is_accepted(tmp_path):
    rubric_path, evidence = write_round(tmp_path, tiny_rubric(), [record("AAA", {"S1": "none"}, rubric={"id": "tiny", "version": "1.0.7"})])
    assert len(load_round([evidence], load_rubric(rubric_path)).records) == 1


def test_every_file_every_problem_in_one_run(tmp_path):
    broken = record("BBB", {"P1": {"value": True, "source": "nosuch"}})
    broken["organisation"] = "CCC"  # BBB.json claims to be CCC ...
    other = record("EEE", {})
    other["organisation"] = "ZZZ"
    other["rubric"] = {"id": "other", "version": "1.0.0"}
    rubric_path, evidence = write_round(tmp_path, tiny_rubric(), [record("AAA", {"S1": "Maybe"}), record("CCC", {})])
    (evidence / "BBB.json").write_text(json.dumps(broken), "utf-8")
    (evidence / "EEE.json").write_text(json.dumps(other), "utf-8")
    (evidence / "TRUNC.json").write_text('{"organisation": ', "utf-8")
    with pytest.raises(InvalidInput) as caught:
        load_round([evidence], load_rubric(rubric_path))
    lines = [str(p).removeprefix(f"{evidence}/") for p in caught.value.problems]
    assert lines == [
        'AAA.json: /answers/S1/value: "Maybe" is not one of: "none", "considering", "service"',
        "BBB.json: /answers/P1/source: source 'nosuch' is not listed in sources (listed: doc)",
        "BBB.json: /organisation: the record of 'CCC' must be named CCC.json, not BBB.json",
        f"CCC.json: /organisation: CCC already has a record in this round ({evidence}/BBB.json)",
        "EEE.json: /organisation: 'ZZZ' is not in the register 'register.csv'",
        "EEE.json: /rubric/id: record is for rubric 'other', but this is rubric 'tiny'",
        "TRUNC.json:1: /: is not valid JSON: Expecting value (column 18)",
    ]


def test_records_from_two_rounds_are_refused(tmp_path):
    problems = problems_for(tmp_path, [record("AAA", {}), record("BBB", {}, round="test-2")])
    assert any("records from more than one round" in p for p in problems), problems


def test_the_derived_schema_lists_each_criterion_and_its_values():
    schema = evidence_schema(load_rubric(TINY / "rubric.yaml").rubric)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert set(schema["$defs"]) >= {f"criterion-{c}" for c in ("S1", "S2", "P1", "P2", "P3")}
    def value_schema(criterion_id):
        return schema["$defs"][f"criterion-{criterion_id}"]["then"]["allOf"][1]["properties"]["value"]

    assert value_schema("S1") == {"enum": ["none", "considering", "service"]}
    assert value_schema("P3") == {"type": "number", "minimum": 0, "maximum": 100}
    assert value_schema("P1") == {"type": "boolean"}
    assert schema["properties"]["rubric"]["properties"]["id"] == {"const": "tiny"}
