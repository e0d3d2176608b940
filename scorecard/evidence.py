"""Evidence records: one JSON file per organisation per round, validated against a JSON Schema
derived from the rubric, then checked against the register and each other.

Every problem in every file is collected, so one run of `scorecard validate` reports them all as
`FILE: /json/pointer: message` lines.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import typing as t
from pathlib import Path

import jsonschema
import jsonschema_rs
from pydantic import BaseModel, ConfigDict, Field

from scorecard import collector
from scorecard.loaders import MAX_EVIDENCE_BYTES, check_depth, parse_json, read_bytes
from scorecard.problem_codes import schema_code
from scorecard.problems import Finding, InvalidInput, Problem, pointer
from scorecard.quoting import listed, quote, shown
from scorecard.resources import data_dir
from scorecard.rubric import (
    BooleanAnswer,
    ChoiceAnswer,
    Criterion,
    LoadedRubric,
    MultiAnswer,
    NumberAnswer,
    Rubric,
)
from scorecard.schema_messages import instance, plain_message, subschema, unknown_keys
from scorecard.schemas import strict_validator

if t.TYPE_CHECKING:
    from jsonschema.protocols import Validator
from scorecard.round_files import RECORD_SUFFIX, ROUND_FILE, evidence_files, evidence_sha256, unread_lookalikes  # noqa: F401 (re-exported)
from scorecard.round_terms import Baseline, BaselineFigure, Date, NotAssessed, Published, Wording, round_checks  # noqa: F401 (re-exported)

OUTCOMES = ("not-applicable", "not-held", "refused", "not-answered")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class RubricRef(_Model):
    id: str
    version: str


class Source(_Model):
    id: str
    title: str
    date: str
    url: str | None = None
    reference: str | None = None


class AnswerEntry(_Model):
    value: t.Any = None
    outcome: t.Literal["not-applicable", "not-held", "refused", "not-answered"] | None = None
    source: str | None = None
    note: str | None = None


class Reply(_Model):
    """A body's answer to its assessment (its right of reply), and what the assessor did with it."""

    date: str
    text: str
    revised: bool  # whether the assessor changed answers because of it
    note: str | None = None  # the assessor's account of what changed and why
    source: str | None = None
    previous_answers: dict[str, AnswerEntry] = {}  # the answers as they were before the revision


class Record(_Model):
    organisation: str
    rubric: RubricRef
    round: str
    kind: t.Literal["foi-response", "self-assessment", "desk-research"]
    response: t.Literal["replied", "refused", "no-reply"]
    assessor: str
    assessed_on: str
    sources: tuple[Source, ...]
    answers: dict[str, AnswerEntry]
    reply: Reply | None = None


class RoundInfo(_Model):
    round: str
    title: str
    description: str | None = None
    illustrative: bool = False
    gathered_from: Date = None  # type: ignore[assignment]  # start of the gathering period (see round_terms)
    gathered_on: str | None = None  # when the evidence was gathered: picks the register in force
    no_reply_wording: Wording = None  # type: ignore[assignment]  # the round's words for "did not reply"
    not_assessed: tuple[NotAssessed, ...] = ()
    # or name that register outright ("register" would shadow BaseModel.register)
    register_name: str | None = Field(default=None, alias="register")
    published: tuple[Published, ...] = ()
    baselines: tuple[Baseline, ...] = ()


class Round(t.NamedTuple):
    records: list[Record]
    info: RoundInfo | None
    sha256: str  # see evidence_sha256()
    files: dict[str, str]  # organisation code -> file it came from


# ---------------------------------------------------------------- schemas


@functools.lru_cache(maxsize=4)
def _schema_file(name: str) -> dict[str, t.Any]:
    schema: dict[str, t.Any] = json.loads((data_dir("evidence") / name).read_text("utf-8"))
    return schema


def value_schema(criterion: Criterion) -> dict[str, t.Any]:
    answer = criterion.answer
    if isinstance(answer, ChoiceAnswer):
        return {"enum": [o.value for o in answer.options]}
    if isinstance(answer, MultiAnswer):
        return {"type": "array", "uniqueItems": True, "items": {"enum": [o.value for o in answer.options]}}
    if isinstance(answer, BooleanAnswer):
        return {"type": "boolean"}
    assert isinstance(answer, NumberAnswer)
    out: dict[str, t.Any] = {"type": "number"}
    if answer.minimum is not None:
        out["minimum"] = answer.minimum
    if answer.maximum is not None:
        out["maximum"] = answer.maximum
    return out


def evidence_schema(rubric: Rubric) -> dict[str, t.Any]:
    """The evidence JSON Schema for one rubric: the generic schema, with the rubric's id and major
    version fixed and one entry per criterion whose `value` takes only what the criterion allows."""
    schema = copy.deepcopy(_schema_file("evidence.schema.json"))
    schema["$id"] = f"https://scorecard.invalid/schemas/evidence/{rubric.id}-{rubric.major}.schema.json"
    schema["title"] = f"Evidence for {rubric.title} (rubric {rubric.id} {rubric.major}.x)"
    props = schema["properties"]
    props["rubric"]["properties"]["id"] = {"const": rubric.id}
    props["rubric"]["properties"]["version"] = {"type": "string", "pattern": rf"^{rubric.major}\.[0-9]+\.[0-9]+$", "maxLength": 32}
    answers: dict[str, t.Any] = {}
    for section in rubric.sections:
        for criterion in section.criteria:
            answers[criterion.id] = {"$ref": f"#/$defs/criterion-{criterion.id}"}
            schema["$defs"][f"criterion-{criterion.id}"] = {
                "description": criterion.question,
                "type": "object",
                "if": {"required": ["value"]},
                "then": {"allOf": [{"$ref": "#/$defs/answered"}, {"properties": {"value": value_schema(criterion)}}]},
                "else": {"$ref": "#/$defs/outcome"},
            }
    props["answers"] = {"type": "object", "additionalProperties": False, "properties": answers}
    # Answers kept from before a revision take exactly what a current answer may take.
    props["reply"] = {
        "allOf": [
            {"$ref": "#/$defs/reply"},
            {"properties": {"previous_answers": {"type": "object", "additionalProperties": False, "properties": answers}}},
        ]
    }
    return schema


def _validator(schema: dict[str, t.Any]) -> Validator:
    return strict_validator(schema)  # patterns read as JSON Schema means them (scorecard.schemas)


class RecordValidator:
    """Validates records against one schema, compiled once.

    jsonschema-rs (compiled, about a hundred times faster) decides whether a record is valid;
    only a record it rejects goes through jsonschema, whose errors carry what our plain-words
    messages need. Both implement Draft 2020-12 with format checks, and a test holds them to the
    same verdict on every bad input in the corpus.
    """

    def __init__(self, schema: dict[str, t.Any]) -> None:
        self.schema = schema
        self.fast = jsonschema_rs.validator_for(schema, validate_formats=True)
        self._full: Validator | None = None

    def errors(self, document: t.Any) -> list[jsonschema.ValidationError]:
        if self.fast.is_valid(document):
            return []
        if self._full is None:
            self._full = _validator(self.schema)
        return _plainest(self._full.iter_errors(document))


def _plainest(errors: t.Iterable[jsonschema.ValidationError]) -> list[jsonschema.ValidationError]:
    """One message per place where two say the same: a date that fails its pattern also fails
    the date format, and "is not a date" is the one a person understands."""
    errors = list(errors)
    dated = {tuple(e.absolute_path) for e in errors if e.validator == "format"}
    kept = [e for e in errors if not (e.validator == "pattern" and tuple(e.absolute_path) in dated)]
    return sorted(kept, key=lambda e: (list(map(str, e.absolute_path)), e.message))


def _message(error: jsonschema.ValidationError, rubric: Rubric) -> str:
    path = list(error.absolute_path)
    if error.validator == "additionalProperties" and path in (["answers"], ["reply", "previous_answers"]):
        extra = sorted(set(instance(error)) - set(rubric.criteria))
        return f"unknown criterion {listed(extra)}; the rubric's criteria are {', '.join(rubric.criteria)}"
    if error.validator == "additionalProperties":
        return f"unknown key {listed(unknown_keys(error))}; allowed here: {', '.join(subschema(error).get('properties', {}))}"
    if error.validator == "maxProperties" and path == ["answers"]:
        return "a body that refused or did not reply has no answers; remove them or set response to replied"
    if error.validator == "const" and path == ["rubric", "id"]:
        return f"record is for rubric {quote(error.instance)}, but this is rubric {rubric.id!r}"
    if error.validator == "pattern" and path == ["rubric", "version"]:
        version = quote(error.instance)[1:-1] if len(str(error.instance)) <= 80 else quote(error.instance)
        return f"record is for version {version}, but this rubric is version {rubric.version}; the major version must match"
    answer_path = path[1:] if path[:2] == ["reply", "previous_answers"] else path  # an answer kept from before a revision
    if error.validator == "enum" and len(answer_path) >= 3 and answer_path[0] in ("answers", "previous_answers") and answer_path[2] == "value":
        allowed = ", ".join(json.dumps(v) for v in t.cast(list[t.Any], error.validator_value))
        return f"{shown(json.dumps(error.instance, ensure_ascii=False), 80)} is not one of: {allowed}"
    return plain_message(error)


# ---------------------------------------------------------------- loading


def load_round(paths: t.Sequence[Path], loaded: LoadedRubric, on_file: t.Callable[[], None] | None = None) -> Round:
    """Read, validate and cross-check every record; raise InvalidInput with all problems."""
    with collector.paused():  # see scorecard.collector: a third of the time at 10,000 records
        return _load_round(paths, loaded, on_file)


def _load_round(paths: t.Sequence[Path], loaded: LoadedRubric, on_file: t.Callable[[], None] | None) -> Round:
    files, round_file = evidence_files(paths)
    reader = _RecordReader(loaded, folders={p for p in paths if p.is_dir()})
    problems: list[Problem] = unread_lookalikes(paths)
    for path in files:
        if on_file is not None:
            on_file()  # progress, for long rounds
        problems.extend(reader.read(path))
    records = reader.records
    rounds = sorted({r.round for r in records})
    if len(rounds) > 1:
        first = {r.round: reader.origin[r.organisation] for r in reversed(records)}
        detail = "; ".join(f"{rnd} (e.g. {first[rnd]})" for rnd in rounds)
        problems.append(Problem(str(paths[0]), "/round", f"records from more than one round: {detail}; score one round at a time", code="mixed-rounds"))
    info: RoundInfo | None = None
    if round_file is not None:
        try:
            info, found = _read_round_file(round_file, loaded.rubric, rounds, records, reader.digests)
            problems.extend(found)
        except InvalidInput as error:
            problems.extend(error.problems)
    if problems:
        raise InvalidInput(problems)
    records.sort(key=lambda r: r.organisation)
    return Round(records, info, evidence_sha256(reader.digests), reader.origin)


class _RecordReader:
    """Reads a round's record files one by one, keeping the valid records, which file holds each
    body's record, and each file's sha256 (for the round's evidence_sha256)."""

    def __init__(self, loaded: LoadedRubric, folders: set[Path]) -> None:
        self.loaded = loaded
        self.folders = folders
        self.validator = RecordValidator(evidence_schema(loaded.rubric))
        self.records: list[Record] = []
        self.origin: dict[str, str] = {}  # body code -> the file that holds its record
        self.digests: dict[str, str] = {}  # file name -> sha256

    def read(self, path: Path) -> list[Problem]:
        """The problems of one record file; a valid record is kept."""
        name = str(path)
        try:
            data = read_bytes(path, MAX_EVIDENCE_BYTES, "evidence file")
            document = parse_json(data, name)
            valid = self.validator.fast.is_valid(document)
            if not valid:
                # Only a record the schema rejects can be nested deep enough to trouble the
                # slower validator that words its errors; a valid one is as deep as the schema.
                check_depth(document, name)
        except InvalidInput as error:
            return error.problems
        self.digests[path.name] = hashlib.sha256(data).hexdigest()
        # Which body a file is about is checked even when the rest of it is broken, so that a
        # duplicate or unknown body is reported in the same run as everything else.
        code = document.get("organisation") if isinstance(document, dict) else None
        found = self._body_problems(path, code) if isinstance(code, str) else []
        errors = [] if valid else self.validator.errors(document)
        found.extend(Finding(schema_code(e), pointer(e.absolute_path), _message(e, self.loaded.rubric)) for e in errors)
        if not errors:
            # Built from the bytes, not from `document`: pydantic's own JSON reader shares one
            # copy of each short string (criterion ids, option values, source ids, outcomes)
            # across records, which makes 10,000 records 24 MB lighter for about 10 us a record.
            # The bytes already passed parse_json, so nothing it refuses (a duplicate key, NaN,
            # a lone surrogate, too-deep nesting) reaches this second reading; the two readers
            # agree on every number and string (tests/test_validation_speedpaths.py).
            record = Record.model_validate_json(data)
            found.extend(_record_problems(record))
            if not found:
                self.records.append(record)
        return [Problem(name, where, message, code=code) for code, where, message in found]

    def _body_problems(self, path: Path, code: str) -> list[Finding]:
        """Whether the body the file names is in the register, has no other record, and names the file."""
        register, found = self.loaded.register, []
        if code not in register:
            found.append(Finding("unknown-body", "/organisation", f"{quote(code)} is not in the register {quote(register.name)}"))
        if code in self.origin:
            found.append(Finding("duplicate-body", "/organisation", f"{shown(code, 64)} already has a record in this round ({shown(self.origin[code])})"))
        elif path.parent in self.folders and path.name != f"{code}{RECORD_SUFFIX}" and code in register:
            # The file name is what people see and what the hash lists: it must say whose it is.
            found.append(Finding("misnamed-record", "/organisation",
                                 f"the record of {quote(code)} must be named {shown(code)}{RECORD_SUFFIX}, not {shown(path.name)}"))
        self.origin.setdefault(code, str(path))
        return found


def _read_round_file(round_file: Path, rubric: Rubric, rounds: list[str], records: list[Record],
                     digests: dict[str, str]) -> tuple[RoundInfo | None, list[Problem]]:
    """round.json, checked against its schema, the records' round and the rubric; its sha256 goes
    into digests."""
    name = str(round_file)
    data = read_bytes(round_file, MAX_EVIDENCE_BYTES, "round file")
    document = parse_json(data, name)
    digests[round_file.name] = hashlib.sha256(data).hexdigest()
    errors = list(_validator(_schema_file("round.schema.json")).iter_errors(document))
    if errors:
        return None, [Problem(name, pointer(e.absolute_path), _message(e, rubric), code=schema_code(e)) for e in errors]
    info = RoundInfo.model_validate(document)
    problems: list[Problem] = []
    if rounds and info.round not in rounds:
        problems.append(Problem(name, "/round", f"round.json is for {info.round!r}, the records for {rounds[0]!r}", code="mixed-rounds"))
    categories = {c.id for c in rubric.categories}
    for i, item in enumerate(info.published):
        if item.category not in categories:
            problems.append(Problem(name, f"/published/{i}/category", f"the rubric has no category {item.category!r}", code="unknown-category"))
    problems.extend(Problem(name, where, what, code=code) for code, where, what in round_checks(info, rubric, records))
    return info, problems


def _record_problems(record: Record) -> list[Finding]:
    out: list[Finding] = []
    source_ids: set[str] = set()
    for i, source in enumerate(record.sources):
        if source.id in source_ids:
            out.append(Finding("duplicate-id", f"/sources/{i}/id", f"source id {source.id!r} is listed twice"))
        source_ids.add(source.id)
    for criterion_id, entry in record.answers.items():
        if entry.source is not None and entry.source not in source_ids:
            listed = ", ".join(sorted(source_ids)) or "none"
            out.append(Finding("unknown-source", f"/answers/{pointer([criterion_id])[1:]}/source",
                               f"source {entry.source!r} is not listed in sources (listed: {listed})"))
    if record.reply is not None:
        out.extend(_reply_problems(record, source_ids))
    return out


def _reply_problems(record: Record, source_ids: set[str]) -> list[Finding]:
    reply = t.cast(Reply, record.reply)
    listed = ", ".join(sorted(source_ids)) or "none"
    out: list[Finding] = []
    if reply.source is not None and reply.source not in source_ids:
        out.append(Finding("unknown-source", "/reply/source", f"source {reply.source!r} is not listed in sources (listed: {listed})"))
    if reply.previous_answers and not reply.revised:
        out.append(Finding("needless-previous-answer", "/reply/previous_answers",
                           "previous answers are kept only when the assessor revised answers; set revised to true or remove them"))
    for criterion_id, entry in reply.previous_answers.items():
        where = f"/reply/previous_answers/{pointer([criterion_id])[1:]}"
        if entry.source is not None and entry.source not in source_ids:
            out.append(Finding("unknown-source", f"{where}/source", f"source {entry.source!r} is not listed in sources (listed: {listed})"))
        current = record.answers.get(criterion_id, AnswerEntry(outcome="not-answered"))
        if (entry.value, entry.outcome) == (current.value, current.outcome):
            out.append(Finding("needless-previous-answer", where,
                               f"the answer to {criterion_id} before the revision is the same as now; keep only answers the revision changed"))
    return out
