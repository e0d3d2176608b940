"""Loading a round takes quick ways (a file read at its own size, a cheap look before the precise
lone-surrogate pattern, a compiled validator deciding before the one that words errors, records
built by pydantic's JSON reader after the strict reader has passed the bytes, the collector paused
while loading): none of them changes what a user sees or what a caller finds afterwards.

These tests hold every refusal to its exact words, place and line, both JSON readers to the same
numbers and strings, and the process's cycle collector to the state the caller left it in. How
much the quick ways save is measured by bench/, never asserted here.
"""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest
from conftest import TINY, tiny_rubric, write_round
from hypothesis import HealthCheck, assume, given, settings, strategies as st

import scorecard
from scorecard.evidence import evidence_files, load_round
from scorecard.loaders import parse_json, read_bytes
from scorecard.models.record import AnswerEntry, Record
from scorecard.problems import InvalidInput
from scorecard.rubric import load_rubric

ROOT = Path(__file__).resolve().parents[2]

# One record for the tiny rubric, written out by hand so that a case can put any text where
# NOTE (line 11) or VALUE (line 12) stands.
TEMPLATE = """{
 "organisation": "AAA",
 "rubric": {"id": "tiny", "version": "1.2.0"},
 "round": "test-1",
 "kind": "desk-research",
 "response": "replied",
 "assessor": "Test assessor",
 "assessed_on": "2024-02-01",
 "sources": [{"id": "doc", "title": "AAA document", "date": "2024-01-15"}],
 "answers": {
  "S1": {"value": "none", "source": "doc", "note": NOTE},
  "P2": {"value": VALUE, "source": "doc"}
 }
}
"""


def _text(note: str = '"fine"', value: str = "5") -> str:
    return TEMPLATE.replace("NOTE", note).replace("VALUE", value)


LONE = "half of a character (a lone surrogate), which no output can store; write the character itself"

# Each bad file and exactly what was reported for it before the quick paths: (pointer, message,
# line). The messages are the ones the slow, strict path has always given.
REFUSED = {
    "duplicate-key": (
        _text().replace('"source": "doc", "note"', '"source": "doc", "value": "service", "note"'),
        [("", 'duplicate key "value" (each key may appear once)', None)],
    ),
    "duplicate-top-key": (
        _text().replace('"round": "test-1",', '"round": "test-1", "round": "test-2",'),
        [("", 'duplicate key "round" (each key may appear once)', None)],
    ),
    "nan": (_text(value="NaN"), [("", "NaN is not allowed in JSON evidence; use a number or leave it out", None)]),
    "minus-infinity": (
        _text(value="-Infinity"),
        [("", "-Infinity is not allowed in JSON evidence; use a number or leave it out", None)],
    ),
    "overflow-float": (_text(value="1e999"), [("", "number 1e999 is too large", None)]),
    "overflow-negative-float": (_text(value="-1E400"), [("", "number -1E400 is too large", None)]),
    "huge-integer": (
        _text(value="9" * 5000),
        [("", "holds a number too long to be read; evidence numbers are short", None)],
    ),
    "lone-high-surrogate": (_text(note=r'"before \ud800 after"'), [("", rf"holds \ud800, {LONE}", 11)]),
    "lone-low-surrogate-upper-case": (_text(note=r'"\uDC00"'), [("", rf"holds \uDC00, {LONE}", 11)]),
    "pair-the-wrong-way-round": (_text(note=r'"\udc00\ud800"'), [("", rf"holds \udc00, {LONE}", 11)]),
    "surrogate-after-escaped-quote": (_text(note=r'"say \"\ud800\""'), [("", rf"holds \ud800, {LONE}", 11)]),
    "nested-deeper-than-the-limit": (
        _text(value="[" * 70 + "]" * 70),
        [("", "is nested more than 64 levels deep", None)],
    ),
    "nested-deeper-than-python-reads": (
        _text(value="[" * 100_000 + "]" * 100_000),
        [("", "is nested too deeply to be evidence", None)],
    ),
    "option-not-allowed": (
        _text().replace('"value": "none"', '"value": "maybe"'),
        [("/answers/S1/value", '"maybe" is not one of: "none", "considering", "service"', None)],
    ),
    "wrong-type": (_text(value='"five"'), [("/answers/P2/value", "'five' is not of type 'number'", None)]),
    "not-json": (_text(value="5,"), [("", "is not valid JSON: Expecting property name enclosed in double quotes (column 21)", 12)]),
}


@pytest.fixture(scope="module")
def tiny_round(tmp_path_factory):
    """The tiny rubric loaded once, and a way to load one record file's text against it."""
    rubric_path, _ = write_round(tmp_path_factory.mktemp("tiny"), tiny_rubric(), [])
    loaded = load_rubric(rubric_path)
    counter = iter(range(1_000))

    def load(text: str):
        folder = tmp_path_factory.mktemp(f"case{next(counter)}")
        (folder / "AAA.json").write_text(text, "utf-8")
        return folder, load_round([folder], loaded)

    return load


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_each_bad_record_is_refused_with_the_words_place_and_line_it_had(tiny_round, case):
    text, expected = REFUSED[case]
    with pytest.raises(InvalidInput) as caught:
        tiny_round(text)
    problems = caught.value.problems
    assert [(p.pointer, p.message, p.line) for p in problems] == expected
    assert all(p.file.endswith("AAA.json") for p in problems)


@pytest.mark.parametrize(
    ("note", "read_as"),
    [
        (r'"C:\\ud800"', "C:\\ud800"),  # an escaped backslash: the text \ud800, not a surrogate
        (r'"\ud83d\ude00 and \uD83D\uDE00"', "\U0001f600 and \U0001f600"),  # whole pairs
        (r'"say \"hi\"\n\ttwice \\ \/"', 'say "hi"\n\ttwice \\ /'),  # backslashes, no \u at all
        (r'"caf\u00e9 \u20ac"', "caf\u00e9 \u20ac"),  # \u escapes outside the surrogate range
    ],
)
def test_backslashes_that_are_not_lone_surrogates_are_read(tiny_round, note, read_as):
    _, round_ = tiny_round(_text(note=note))
    assert round_.records[0].answers["S1"].note == read_as


def test_the_record_built_is_the_one_the_strict_reader_reads(tiny_round):
    text = _text(note=r'"\"quoted\" \u00e9\ud83d\ude00"', value="12.50")
    _, round_ = tiny_round(text)
    assert round_.records == [Record.model_validate(parse_json(text.encode(), "x"))]
    assert round_.records[0].answers["P2"].value == 12.5
    assert round_.records[0].answers["P2"].model_fields_set == {"value", "source"}


def _bundled_rounds() -> list[tuple[Path, Path]]:
    out = []
    for folder in sorted(p for p in (ROOT / "evidence").iterdir() if p.is_dir()):
        first = next(p for p in sorted(folder.glob("*.json")) if p.name != "round.json")
        rubric_id = json.loads(first.read_text("utf-8"))["rubric"]["id"]
        out.append((folder, ROOT / "rubrics" / f"{rubric_id}.yaml"))
    return out


@pytest.mark.parametrize(("folder", "rubric"), _bundled_rounds(), ids=lambda p: p.name)
def test_bundled_rounds_load_to_the_records_the_strict_path_builds(folder, rubric):
    round_ = load_round([folder], scorecard.load_rubric(rubric, evidence=folder))  # as `scorecard score` does
    assert round_.records
    for record in round_.records:
        path = Path(round_.files[record.organisation])
        strict = Record.model_validate(parse_json(path.read_bytes(), str(path)))
        assert record == strict, path
        # equality alone would take 1 for 1.0 or True; the JSON of the two must match too
        assert record.model_dump_json() == strict.model_dump_json(), path
        assert [e.model_fields_set for e in record.answers.values()] == [e.model_fields_set for e in strict.answers.values()]


# ---------------------------------------------------------------- the two readers agree

JSON_NUMBER = st.from_regex(r"-?(0|[1-9][0-9]{0,40})(\.[0-9]{1,40})?([eE][+-]?[0-9]{1,3})?", fullmatch=True)
JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def _both_readers(text: str) -> tuple[AnswerEntry, AnswerEntry]:
    data = text.encode("utf-8")
    return AnswerEntry.model_validate(parse_json(data, "x.json")), AnswerEntry.model_validate_json(data)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(JSON_NUMBER)
def test_the_two_readers_read_every_number_alike(number):
    try:
        strict, quick = _both_readers(f'{{"value": {number}, "source": "doc"}}')
    except InvalidInput:  # too large (1e999): refused before the second reader sees it
        assume(False)
    assert type(quick.value) is type(strict.value)
    assert repr(quick.value) == repr(strict.value)


@settings(max_examples=300, deadline=None)
@given(JSON_VALUE, st.booleans())
def test_the_two_readers_read_every_value_alike(value, ascii_only):
    # In a list, as an answer takes any JSON value there (a null or an object is no answer itself).
    strict, quick = _both_readers(json.dumps({"value": [value], "source": "doc", "note": "x"}, ensure_ascii=ascii_only))
    # json.dumps tells 1 from 1.0 from true, and writes floats exactly
    assert json.dumps(quick.value) == json.dumps(strict.value) == json.dumps([value])
    assert quick == strict


# ---------------------------------------------------------------- reading and listing files


def test_a_file_at_the_limit_is_read_and_one_byte_more_is_refused(tmp_path):
    path = tmp_path / "x.json"
    path.write_bytes(b"x" * 100)
    assert read_bytes(path, 100, "evidence file") == b"x" * 100
    with pytest.raises(InvalidInput) as caught:
        read_bytes(path, 99, "evidence file")
    assert str(caught.value) == f"{path}: /: evidence file is 100 bytes; the limit is 99 bytes"


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="needs Linux /proc (a file whose size says 0)")
def test_a_file_holding_more_than_its_size_says_is_read_whole_up_to_the_limit():
    status = Path("/proc/self/status")  # its size is given as 0, but it holds text
    assert status.stat().st_size == 0
    data = read_bytes(status, 1_000_000, "evidence file")
    assert data.startswith(b"Name:") and data.count(b"\n") > 10
    with pytest.raises(InvalidInput) as caught:
        read_bytes(status, 10, "evidence file")
    assert str(caught.value) == f"{status}: /: evidence file is over the limit of 10 bytes"


def test_a_folder_is_listed_in_the_order_of_its_paths(tmp_path):
    names = ["b.json", "B.json", "a-b.json", "a b.json", "a.json", "a_b.json", "\u00e4.json", "A0.json", "a.schema.json", "round.json"]
    for name in names:
        (tmp_path / name).write_text("{}", "utf-8")
    files, round_file = evidence_files([tmp_path])
    expected = sorted(tmp_path / n for n in names if n not in ("a.schema.json", "round.json"))
    assert files == expected
    assert round_file == tmp_path / "round.json"


# ---------------------------------------------------------------- the cycle collector


def _round(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "evidence"
    folder.mkdir()
    (folder / "AAA.json").write_text(_text(), "utf-8")
    return [folder]


def _bad_round(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "AAA.json").write_text(_text(value="NaN"), "utf-8")
    return [folder]


def _collector_state() -> tuple[bool, int]:
    """What a caller can see of the cycle collector: whether it runs, and how much it holds frozen."""
    return gc.isenabled(), gc.get_freeze_count()


@pytest.fixture
def collector():
    """Leave the cycle collector as the test found it, whatever the test did to it."""
    was_enabled, was_frozen = _collector_state()
    yield
    if gc.get_freeze_count() != was_frozen:
        gc.unfreeze()
    if was_enabled:
        gc.enable()
    else:
        gc.disable()


@pytest.mark.parametrize("caller", ["collector on", "collector off", "objects frozen"])
def test_loading_and_scoring_leave_the_collector_as_the_caller_had_it(tmp_path, collector, caller):
    from scorecard.engine import Provenance, score

    loaded = load_rubric(TINY / "rubric.yaml")
    if caller == "collector off":
        gc.disable()
    elif caller == "objects frozen":
        gc.freeze()
        assert gc.get_freeze_count() > 0
    before = _collector_state()
    round_ = load_round(_round(tmp_path), loaded)
    assert len(round_.records) == 1
    assert _collector_state() == before
    with pytest.raises(InvalidInput):
        load_round(_bad_round(tmp_path), loaded)
    assert _collector_state() == before  # after a refusal too
    score(loaded.rubric, round_.records, loaded.register, Provenance("a", "b"))
    assert _collector_state() == before


def test_cycles_made_while_loading_are_still_collected(tmp_path, collector):
    """The collector is paused, not lost: a cycle made during loading goes at the next collection."""
    import weakref

    class Node:
        pass

    refs = []

    def on_file() -> None:  # runs while the round loads, once per file
        node = Node()
        node.self = node  # a cycle only the collector can free
        refs.append(weakref.ref(node))

    load_round(_round(tmp_path), load_rubric(TINY / "rubric.yaml"), on_file=on_file)
    assert len(refs) == 1
    gc.collect()  # would not free it had loading left it frozen
    assert all(ref() is None for ref in refs)


# ---------------------------------------------------------------- found on the way


@pytest.mark.parametrize(
    "text",
    [
        "sections:\n  - " + "[" * 5_000 + "]" * 5_000 + "\n",  # flow style
        "".join(f"{' ' * i}k{i}:\n" for i in range(1_000)) + " " * 1_000 + "end\n",  # block style
    ],
    ids=["flow", "block"],
)
def test_a_yaml_file_nested_beyond_what_python_composes_is_refused_in_words(run_line, tmp_path, text):
    """The YAML composer recurses once a level: thousands of levels used to end in 'internal
    error: RecursionError' instead of naming the file."""
    path = tmp_path / "rubric.yaml"
    path.write_text(text, "utf-8")
    result = run_line(["rubric", "lint", path], expect=1)
    assert f"{path}: /: is nested more than 64 levels deep" in result.stderr, result.stderr
    assert "Traceback" not in result.output and "internal error" not in result.output
