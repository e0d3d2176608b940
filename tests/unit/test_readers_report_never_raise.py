"""The readers report, and never raise, for any invalid input (hypothesis): random records through
the round loader, whose verdict is the published schema's, and random bytes through the JSON and
YAML readers. (The engine's properties on valid input: test_scoring_properties.py.)"""

from __future__ import annotations

import json
import typing as t

import hypothesis.strategies as st
from conftest import assert_loader_follows_schema
from hypothesis import given, settings
from test_scoring_properties import REGISTER, record_data, run

from scorecard.loaders import parse_json, parse_yaml
from scorecard.models.rubric import Rubric
from scorecard.problems import InvalidInput

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=25,
)
record_keys = ["organisation", "rubric", "round", "kind", "response", "assessor", "assessed_on", "sources", "answers"]


@st.composite
def mangled_records(draw) -> t.Any:
    """A valid-looking record with random parts replaced, or any JSON value at all."""
    if draw(st.booleans()):
        return draw(json_values)
    data = record_data("B00", {"C0": {"value": "o0", "source": "doc"}})
    for key in draw(st.lists(st.sampled_from(record_keys), max_size=3)):
        if draw(st.booleans()):
            data.pop(key, None)
        else:
            data[key] = draw(json_values)
    return data


@settings(max_examples=200, deadline=None)
@given(mangled_records())
def test_random_records_are_reported_not_raised(tmp_path_factory, document):
    from scorecard.evidence import load_round
    from scorecard.rubric import LoadedRubric

    rubric = Rubric.model_validate(
        {
            "id": "random",
            "version": "1.0.0",
            "title": "R",
            "register": "test",
            "sections": [{"id": "s", "title": "S", "weight": 1, "criteria": [
                {"id": "C0", "question": "Q", "guidance": "G", "clause": "C", "weight": 1,
                 "answer": {"type": "choice", "options": [{"value": "o0", "points": 1, "descriptor": "D"}]}},
            ]}],
            "bands": [{"id": "b", "label": "B", "min_percent": 0, "colour": "#FFFFFF"}],
        }
    )
    folder = tmp_path_factory.mktemp("random")
    (folder / "B00.json").write_text(json.dumps(document), "utf-8")
    loaded = LoadedRubric(rubric, folder / "rubric.yaml", "0" * 64, REGISTER)
    try:
        round_ = load_round([folder], loaded)
    except InvalidInput as error:
        assert error.problems and all(str(folder) in str(p) for p in error.problems)
    else:
        run(rubric, [r.model_dump() for r in round_.records])
    assert_loader_follows_schema(document, [folder], loaded)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_never_crash_the_json_reader(data):
    try:
        parse_json(data, "x.json")
    except InvalidInput as error:
        assert all(p.file == "x.json" for p in error.problems)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300) | st.text(alphabet="{}[]:,-!&*|>'\"#\n abc01?%@`", max_size=120).map(str.encode))
def test_random_bytes_never_crash_the_yaml_reader(data):
    try:
        parse_yaml(data, "x.yaml")
    except InvalidInput as error:
        assert all(p.file == "x.yaml" for p in error.problems)
