"""Evidence records: one JSON file per organisation per round, validated against a JSON Schema
derived from the rubric, then checked against the register and each other. (Their shapes, and
round.json's, are the models in scorecard.models.record.)

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

from scorecard import collector
from scorecard.loaders import check_depth
from scorecard.models.record import AnswerEntry, Record, Reply, RoundInfo
from scorecard.models.rubric import BooleanAnswer, ChoiceAnswer, Criterion, MultiAnswer, NumberAnswer, Rubric
from scorecard.problem_codes import schema_code
from scorecard.problems import Finding, InvalidInput, Problem, pointer
from scorecard.quoting import quote, shown
from scorecard.resources import data_dir
from scorecard.rubric import LoadedRubric
from scorecard.schema_messages import evidence_message as _message  # the one rewording, for records and round.json
from scorecard.schemas import strict_validator

if t.TYPE_CHECKING:
    from jsonschema.protocols import Validator
from scorecard.round_files import RECORD_SUFFIX, ROUND_FILE, Read, RoundFiles, evidence_files, evidence_sha256  # noqa: F401 (re-exported)
from scorecard.round_terms import round_checks


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
    """Validates records against one schema, quickly: the loading layer's one fast path.

    jsonschema-rs (compiled) decides whether a record is valid, and nearly every record is; only
    a record it rejects goes through jsonschema, much slower, whose errors carry what our
    plain-words messages need. Both implement Draft 2020-12 with format checks, and a test holds
    them to the same verdict on every record in the corpus. A rejected record is first checked
    for depth (a valid one is as deep as the schema allows), so that nesting that would trouble
    jsonschema's recursion is refused in words instead.
    """

    def __init__(self, schema: dict[str, t.Any]) -> None:
        self.schema = schema
        self.fast = jsonschema_rs.validator_for(schema, validate_formats=True)
        self._full: Validator | None = None

    def errors(self, document: t.Any, name: str) -> list[jsonschema.ValidationError]:
        """What is wrong with the parsed record, most readable first; [] when it is valid.
        Raises InvalidInput for a record nested too deeply to check."""
        if self.fast.is_valid(document):
            return []
        check_depth(document, name)
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


# ---------------------------------------------------------------- loading


def load_round(evidence: t.Sequence[Path] | RoundFiles, loaded: LoadedRubric, on_file: t.Callable[[], None] | None = None) -> Round:
    """Read, validate and cross-check every record; raise InvalidInput with all problems.
    `evidence` is the round's paths, or its listing (RoundFiles), whose files read already are
    taken from it rather than read again."""
    listed = evidence if isinstance(evidence, RoundFiles) else RoundFiles.of(evidence)
    if listed.problems:
        raise InvalidInput(listed.problems)
    with collector.paused():  # loading keeps millions of objects and makes no cycles (see collector)
        return _load_round(listed, loaded, on_file)


def _load_round(listed: RoundFiles, loaded: LoadedRubric, on_file: t.Callable[[], None] | None) -> Round:
    paths = listed.paths
    reader = _RecordReader(loaded, folders={p for p in paths if p.is_dir()})
    problems: list[Problem] = list(listed.lookalikes)
    for path, contents in listed.read_records():
        if on_file is not None:
            on_file()  # progress, for long rounds
        problems.extend(reader.read(path, contents))
    records = reader.records
    rounds = sorted({r.round for r in records})
    if len(rounds) > 1:
        first = {r.round: reader.origin[r.organisation] for r in reversed(records)}
        detail = "; ".join(f"{rnd} (e.g. {first[rnd]})" for rnd in rounds)
        problems.append(Problem(str(paths[0]), "/round", f"records from more than one round: {detail}; score one round at a time", code="mixed-rounds"))
    info: RoundInfo | None = None
    if listed.round_file is not None:
        try:
            info, found = _read_round_file(listed, loaded.rubric, rounds, records, reader.digests)
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

    def read(self, path: Path, contents: Read | list[Problem]) -> list[Problem]:
        """The problems of one record file, given as read (RoundFiles.read_records); a valid record is kept."""
        if isinstance(contents, list):
            return contents  # the problems reading it found
        name = str(path)
        data, document = contents
        try:
            errors = self.validator.errors(document, name)
        except InvalidInput as error:
            return error.problems
        self.digests[path.name] = hashlib.sha256(data).hexdigest()
        # Which body a file is about is checked even when the rest of it is broken, so that a
        # duplicate or unknown body is reported in the same run as everything else.
        code = document.get("organisation") if isinstance(document, dict) else None
        found = self._body_problems(path, code) if isinstance(code, str) else []
        found.extend(Finding(schema_code(e), pointer(e.absolute_path), _message(e, self.loaded.rubric)) for e in errors)
        if not errors:
            # Built from the bytes, not from `document`: pydantic's JSON reader keeps one copy of
            # each short string (criterion ids, option values, source ids, outcomes) across all
            # the records, which keeps a large round's records and its scorecard markedly smaller
            # (bench/fastpaths.py). The bytes already passed parse_json, so nothing it refuses
            # reaches this second reading, and a test holds the two readers to the same numbers
            # and strings.
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


def _read_round_file(listed: RoundFiles, rubric: Rubric, rounds: list[str], records: list[Record],
                     digests: dict[str, str]) -> tuple[RoundInfo | None, list[Problem]]:
    """round.json, checked against its schema, the records' round and the rubric; its sha256 goes
    into digests."""
    round_file = t.cast(Path, listed.round_file)
    name = str(round_file)
    data, document = listed.take_round_file()
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
