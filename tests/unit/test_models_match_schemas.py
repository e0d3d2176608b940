"""Each published JSON Schema and its model accept the same documents.

The rubric schema and `Rubric`, the evidence schema and `Record`, the round schema and `RoundInfo`
are written twice: the schema for people and editors, the model for the code. The division of
work (scorecard/models/__init__.py): the model checks the shape, the keys at every level, which
are required, their JSON types and enumerations, with no unknown key; the schema also checks
values, which the loaders always run first. So for every document

    the schema accepts it  =>  the model accepts it  =>  the schema's shape rules accept it

(the first: a document that passed the schema never fails the model, which would be a traceback;
the second: no key is silently dropped, no required one missing, no "3" read as 3). The shape
rules are the schema with the value rules below taken out, reading a key whose value is null as
absent, as the models do (the schemas refuse null, so it never reaches a model from a file; a
model's own dump, which writes absent fields as null, reads back). Where the two ends agree, as
they do for every bundled document, an unknown key and a dropped key, the model's verdict is theirs.
"""

from __future__ import annotations

import copy
import functools
import json
import typing as t
from pathlib import Path

import jsonschema_rs
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from pydantic import ValidationError

from scorecard.evidence import _schema_file
from scorecard.loaders import parse_json, parse_yaml
from scorecard.models.record import Record, RoundInfo
from scorecard.models.rubric import Rubric
from scorecard.problems import InvalidInput
from scorecard.rubric import rubric_schema

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"

# Keywords about a value rather than a shape: the schema's alone.
VALUE_KEYWORDS = frozenset({
    "pattern", "format", "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties",
})
# Rules that depend on a value, also the schema's alone: not applicable must say why; an assessor
# who revised answers after a reply must say what changed. (The choice between an answer's two
# shapes, a value with its source or an outcome, and a number answer's bands or rank, the models
# make too.)
VALUE_RULES = {"record": ("/$defs/outcome/then", "/$defs/reply/then")}
# Keywords whose value is a schema, a list of schemas or a mapping of names to schemas.
_SCHEMA, _SCHEMAS, _NAMED = ("additionalProperties", "items", "not", "if", "then", "else"), ("allOf", "anyOf", "oneOf"), ("properties", "$defs")


def _without_value_rules(schema: t.Any) -> t.Any:
    if not isinstance(schema, dict):
        return schema
    out = {k: v for k, v in schema.items() if k not in VALUE_KEYWORDS}
    for key in _SCHEMA:
        if key in out:
            out[key] = _without_value_rules(out[key])
    for key in _SCHEMAS:
        if key in out:
            out[key] = [_without_value_rules(s) for s in out[key]]
    for key in _NAMED:
        if key in out:
            out[key] = {name: _without_value_rules(s) for name, s in out[key].items()}
    return out


def _shape_schema(kind: str, schema: dict[str, t.Any]) -> dict[str, t.Any]:
    shaped: dict[str, t.Any] = copy.deepcopy(schema)
    for rule in VALUE_RULES.get(kind, ()):
        *parents, last = rule.strip("/").split("/")
        node = shaped
        for part in parents:
            node = node[part]
        del node[last]
    out: dict[str, t.Any] = _without_value_rules(shaped)
    return out


def _rubric(document: t.Any) -> object:
    return Rubric.model_validate(document)


def _record(document: t.Any) -> object:
    return Record.model_validate_json(json.dumps(document))  # as the loader reads it: from the bytes


def _round(document: t.Any) -> object:
    return RoundInfo.model_validate(document)


class Kind(t.NamedTuple):
    schema: dict[str, t.Any]
    build: t.Callable[[t.Any], object]


KINDS = {
    "rubric": Kind(rubric_schema(), _rubric),
    "record": Kind(_schema_file("evidence.schema.json"), _record),  # the generic part: any rubric's records
    "round": Kind(_schema_file("round.schema.json"), _round),
}


@functools.cache
def _validators(kind: str) -> tuple[t.Any, t.Any]:
    schema = KINDS[kind].schema
    return jsonschema_rs.validator_for(schema, validate_formats=True), jsonschema_rs.validator_for(_shape_schema(kind, schema))


def _without_nulls(document: t.Any) -> t.Any:
    if isinstance(document, dict):
        return {k: _without_nulls(v) for k, v in document.items() if v is not None}
    if isinstance(document, list):
        return [_without_nulls(v) for v in document]
    return document


def verdicts(kind: str, document: t.Any) -> tuple[bool, bool, bool]:
    """(the schema's, the model's, the shape rules') verdicts on one document."""
    full, shape = _validators(kind)
    try:
        KINDS[kind].build(document)
        model = True
    except ValidationError:
        model = False
    return full.is_valid(document), model, shape.is_valid(_without_nulls(document))


def assert_agree(kind: str, document: t.Any, what: str) -> tuple[bool, bool, bool]:
    full, model, shape = verdicts(kind, document)
    assert not full or model, f"{what}: the {kind} schema accepts it, the model refuses it"
    assert not model or shape, f"{what}: the model accepts it, the {kind} schema's shape rules refuse it"
    return full, model, shape


# ---------------------------------------------------------------- the documents


def _documents(pattern: str, kind: str, root: Path = ROOT) -> list[tuple[str, str, t.Any]]:
    out = []
    for path in sorted(root.glob(pattern)):
        if kind == "record" and path.name == "round.json":
            continue
        data = path.read_bytes()
        try:
            document = parse_yaml(data, path.name).data if path.suffix == ".yaml" else parse_json(data, path.name)
        except InvalidInput:
            continue  # not a document at all: the loaders refuse it before any schema
        out.append((kind, str(path.relative_to(ROOT)), document))
    return out


BUNDLED = (
    _documents("rubrics/**/*.yaml", "rubric") + _documents("tests/fixtures/**/*.yaml", "rubric")
    + _documents("evidence/*/*.json", "record") + _documents("tests/fixtures/**/evidence/*.json", "record")
    + _documents("evidence/*/round.json", "round") + _documents("tests/fixtures/**/round.json", "round")
)
CORPUS = _documents("tests/corpus/rubrics/*.yaml", "rubric") + _documents("tests/corpus/evidence/*.json", "record")


def test_every_kind_has_bundled_documents() -> None:
    counts = {kind: sum(k == kind for k, _, _ in BUNDLED) for kind in KINDS}
    assert counts["rubric"] >= 3 and counts["record"] >= 50 and counts["round"] >= 3, counts


@pytest.mark.parametrize(("kind", "name", "document"), BUNDLED, ids=[name for _, name, _ in BUNDLED])
def test_a_bundled_document_is_accepted_by_its_schema_and_its_model(kind: str, name: str, document: t.Any) -> None:
    assert verdicts(kind, document) == (True, True, True), name


@pytest.mark.parametrize(("kind", "name", "document"), CORPUS, ids=[name for _, name, _ in CORPUS])
def test_a_hostile_document_gets_the_same_verdict(kind: str, name: str, document: t.Any) -> None:
    assert_agree(kind, document, name)


# ---------------------------------------------------------------- mutations


def _objects(document: t.Any, path: tuple[t.Any, ...] = ()) -> t.Iterator[tuple[tuple[t.Any, ...], dict[str, t.Any]]]:
    """Every object in a document, with the path to it."""
    if isinstance(document, dict):
        yield path, document
        for key, value in document.items():
            yield from _objects(value, (*path, key))
    elif isinstance(document, list):
        for i, value in enumerate(document):
            yield from _objects(value, (*path, i))


def _at(document: t.Any, path: tuple[t.Any, ...]) -> t.Any:
    for part in path:
        document = document[part]
    return document


# One of each kind and the largest of each: the drop test tries every key of every object.
_SAMPLES = {
    "rubrics/nhse-dfm-2023.yaml", "tests/fixtures/tiny/rubric.yaml", "evidence/foi-2023/QHG.json",
    "tests/fixtures/tiny/evidence/AAA.json", "evidence/foi-2023/round.json", "evidence/illustrative-2026/round.json",
}
SAMPLES = [d for d in BUNDLED if d[1] in _SAMPLES]
# No bundled rubric words its own requests: the tiny one, with wording.
_TINY = next(d for _, name, d in BUNDLED if name == "tests/fixtures/tiny/rubric.yaml")
SAMPLES.append(("rubric", "tiny rubric with request wording", {**_TINY, "request": {"subject": "About {body}", "closing": "Thank you."}}))
REPLIED = [d for d in BUNDLED if d[0] == "record" and d[2].get("reply")][:1]  # a record with a right of reply


def test_the_samples_are_there() -> None:
    assert {name for _, name, _ in SAMPLES} >= _SAMPLES and REPLIED
    assert all(verdicts(kind, document) == (True, True, True) for kind, _, document in SAMPLES)


@pytest.mark.parametrize(("kind", "name", "document"), SAMPLES + REPLIED, ids=[n for _, n, _ in SAMPLES + REPLIED])
def test_dropping_any_key_anywhere_gets_the_same_verdict(kind: str, name: str, document: t.Any) -> None:
    dropped_required = 0
    for path, item in list(_objects(document)):
        for key in list(item):
            changed = copy.deepcopy(document)
            del _at(changed, path)[key]
            _, _, shape = assert_agree(kind, changed, f"{name} without {'/'.join(map(str, (*path, key)))}")
            dropped_required += not shape  # a key the schema requires here: then the model refused it too
    assert dropped_required


_KEYS = sorted({key for schema in (k.schema for k in KINDS.values()) for _, item in _objects(schema) for key in item.get("properties", {})})
_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=6)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_an_unknown_key_at_any_level_gets_the_same_verdict(data: st.DataObject) -> None:
    kind, name, document = data.draw(st.sampled_from(SAMPLES + REPLIED))
    path, item = data.draw(st.sampled_from(list(_objects(document))))
    # A key the format uses elsewhere is the likeliest mistake, so half are those.
    key = data.draw(st.sampled_from(_KEYS) | st.text(min_size=1, max_size=12)).strip() or "x"
    if key in item:
        return
    changed = copy.deepcopy(document)
    _at(changed, path)[key] = data.draw(_JSON)
    assert_agree(kind, changed, f"{name} with {key!r} added at /{'/'.join(map(str, path))}")


@pytest.mark.parametrize(("kind", "name", "document"), SAMPLES, ids=[n for _, n, _ in SAMPLES])
def test_an_unknown_key_in_any_fixed_object_is_refused_by_both(kind: str, name: str, document: t.Any) -> None:
    """Both refuse a key the format does not have, at every level (in a mapping of criterion ids
    it names no criterion, and its value is no answer)."""
    for path, _ in list(_objects(document)):
        changed = copy.deepcopy(document)
        _at(changed, path)["not-a-key-of-the-format"] = "x"
        assert verdicts(kind, changed) == (False, False, False), path


def _leaves(document: t.Any, path: tuple[t.Any, ...] = ()) -> t.Iterator[tuple[t.Any, ...]]:
    if isinstance(document, dict):
        for key, value in document.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(document, list):
        for i, value in enumerate(document):
            yield from _leaves(value, (*path, i))
    else:
        yield path


# Values a lax reader would coerce: "3" to 3, 1 and "true" to true, 3 to "3".
_COERCIBLE: st.SearchStrategy[t.Any] = st.sampled_from(["3", "1.5", "true", "yes", 1, 0, 1.0, 3, "", "2024-01-01", [], {}, None])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_value_of_another_type_gets_the_same_verdict(data: st.DataObject) -> None:
    kind, name, document = data.draw(st.sampled_from(SAMPLES + REPLIED))
    path = data.draw(st.sampled_from(list(_leaves(document))))
    value = data.draw(_COERCIBLE | _JSON)
    changed = copy.deepcopy(document)
    _at(changed, path[:-1])[path[-1]] = value
    assert_agree(kind, changed, f"{name} with {value!r} at /{'/'.join(map(str, path))}")


def test_a_round_started_by_the_cli_is_accepted_by_both(run_line: t.Callable[..., t.Any], tmp_path: Path) -> None:
    """`scorecard round new` writes keys of round.json the bundled rounds do not use."""
    folder = tmp_path / "round-1"
    run_line(["round", "new", folder, "--rubric", "nhse-dfm-2023", "--register", "icbs-2022", "--kind", "self-assessment"])
    document = json.loads((folder / "round.json").read_text("utf-8"))
    assert {"rubric", "kind"} <= set(document)
    assert verdicts("round", document) == (True, True, True)


def _other_types(value: t.Any) -> list[t.Any]:
    """Values of other JSON types that a lax reader would take for this one."""
    if isinstance(value, bool):
        return ["true", 1]
    if isinstance(value, (int, float)):
        return [str(value), True]
    if isinstance(value, str):
        return [3, True]
    return []


SMALL = [d for d in SAMPLES + REPLIED if d[1] != "rubrics/nhse-dfm-2023.yaml"]  # every leaf of these, every time


@pytest.mark.parametrize(("kind", "name", "document"), SMALL, ids=[n for _, n, _ in SMALL])
def test_every_value_of_another_type_gets_the_same_verdict(kind: str, name: str, document: t.Any) -> None:
    for path in list(_leaves(document)):
        for value in _other_types(_at(document, path)):
            changed = copy.deepcopy(document)
            _at(changed, path[:-1])[path[-1]] = value
            assert_agree(kind, changed, f"{name} with {value!r} at /{'/'.join(map(str, path))}")
