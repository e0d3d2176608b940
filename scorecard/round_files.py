"""Which files make a round, the one reading of each, and the round's fingerprint.

A round folder holds `round.json` (optional: what the round is) and one record per body, named
after the body's code: `CODE.json`. Its records are exactly the visible files whose names end in
`.json`, other than round.json; with round.json that is what the shell's `*.json` matches, so
the fingerprint printed in every output can be checked with

    cd FOLDER && LC_ALL=C sha256sum *.json | sha256sum

Whatever else in the folder looks like a record but would not be read (a hidden `.QJK.json`, a
`QJK.JSON`, a `notes.schema.json`) is refused with a message rather than silently left out, and
anything that is not a regular file is refused before it is opened (a FIFO would wait for ever).

A round's files are listed once (`RoundFiles.of`) and each is read and parsed once: the steps
that look at a file before the round is loaded (which rubric the first record names, which
register round.json picks) `peek` at it, and the loading `take`s it, after which it is forgotten.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import typing as t
from pathlib import Path

from scorecard.problems import InvalidInput, Problem

ROUND_FILE = "round.json"
RECORD_SUFFIX = ".json"
SCHEMA_SUFFIX = ".schema.json"


def _is_record_name(name: str) -> bool:
    return name.endswith(RECORD_SUFFIX) and not name.startswith(".") and not name.endswith(SCHEMA_SUFFIX)


def evidence_files(paths: t.Sequence[Path]) -> tuple[list[Path], Path | None]:
    """The record files named by paths (files, or round folders), and a round.json if any."""
    files, round_file, _ = _listing(paths)
    return files, round_file


def _listing(paths: t.Sequence[Path]) -> tuple[list[Path], Path | None, list[Problem]]:
    """evidence_files, and a problem for each entry of the folders that looks like a record but is
    not read as one: each folder listed once."""
    files: list[Path] = []
    round_file: Path | None = None
    problems: list[Problem] = []
    lookalikes: list[Problem] = []
    for path in paths:
        if path.is_dir():
            try:
                entries = list(path.iterdir())
            except OSError as error:
                problems.append(Problem(str(path), "", f"cannot be listed: {error.strerror or error}", code="unreadable-file"))
                continue
            # By name, compared as the system compares them (normcase): in one folder that is the
            # order of the paths, and quicker to sort than the paths themselves.
            found = sorted((p for p in entries if _is_record_name(p.name)), key=lambda p: os.path.normcase(p.name))
            lookalikes.extend(_lookalike(path, name) for name in sorted(p.name for p in entries) if _looks_like_a_record(name))
            records = [p for p in found if p.name != ROUND_FILE]
            if (path / ROUND_FILE) in found:
                round_file = path / ROUND_FILE
            if not records:
                problems.append(Problem(str(path), "", "holds no evidence records (*.json files)", code="empty-folder"))
            files.extend(records)
        elif path.exists():
            files.append(path)
        else:
            problems.append(Problem(str(path), "", "no such file or folder", code="no-such-file"))
    if problems:
        raise InvalidInput(problems)
    return files, round_file, lookalikes


def _looks_like_a_record(name: str) -> bool:
    return name.lower().endswith(RECORD_SUFFIX) and not _is_record_name(name)


def _lookalike(folder: Path, name: str) -> Problem:
    """Why an entry that looks like a record is not read as one."""
    if name.startswith("."):
        why = "is a hidden file, so it is not read as a record"
    elif name.lower().endswith(SCHEMA_SUFFIX):
        why = "is named as a schema, not a record"
    else:
        why = f"ends in {name[-len(RECORD_SUFFIX):]!r}, not '.json', so it is not read as a record"
    return Problem(str(folder / name), "", f"{why}; a round folder holds only round.json and CODE.json records: rename it or move it out",
                   code="stray-file")


class Read(t.NamedTuple):
    """A file's bytes and the JSON document they hold."""

    data: bytes
    document: t.Any


@dataclasses.dataclass(frozen=True)
class RoundFiles:
    """The files a round's paths name, listed once: its records and its round.json, if any.
    `problems` says why a path could not be listed; load_round raises them.

    Each file is read once. A file looked at before the round is loaded (`peek`) is kept, as read
    or as the problems reading it found, until the loading takes it (`read_records`,
    `take_round_file`); then it is forgotten, so no record is held twice and a round of 10,000
    records is not kept in memory by its listing."""

    paths: tuple[Path, ...]
    records: tuple[Path, ...]
    round_file: Path | None
    problems: tuple[Problem, ...] = ()
    lookalikes: tuple[Problem, ...] = ()  # entries of its folders that look like records but are not read
    _kept: dict[Path, Read | list[Problem]] = dataclasses.field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def of(cls, paths: t.Iterable[Path]) -> RoundFiles:
        """The round that paths (record files, or round folders) name; never raises."""
        given = tuple(paths)
        try:
            records, round_file, lookalikes = _listing(given)
        except InvalidInput as error:
            return cls(given, (), None, tuple(error.problems))
        return cls(given, tuple(records), round_file, lookalikes=tuple(lookalikes))

    def peek(self, path: Path) -> t.Any:
        """The document in one of the round's files, kept for the loading to take; InvalidInput if
        it cannot be read or parsed (the same problems the loading then reports)."""
        kept = self._kept.get(path)
        if kept is None:
            kept = self._kept[path] = _reader("round file" if path == self.round_file else "evidence file")(path)
        if isinstance(kept, list):
            raise InvalidInput(kept)
        return kept.document

    def read_records(self) -> t.Iterator[tuple[Path, Read | list[Problem]]]:
        """Each record file in turn with its bytes and document, or the problems reading it found
        (a value, so one bad file does not stop the rest): read now, or handed over from `peek`
        and forgotten."""
        kept, read = self._kept, _reader("evidence file")
        for path in self.records:
            found = kept.pop(path, None) if kept else None
            yield path, read(path) if found is None else found

    def take_round_file(self) -> Read:
        """round.json's bytes and document, read now or handed over from `peek` and forgotten;
        InvalidInput if it cannot be read or parsed."""
        assert self.round_file is not None
        found = self._kept.pop(self.round_file, None)
        if found is None:
            found = _reader("round file")(self.round_file)
        if isinstance(found, list):
            raise InvalidInput(found)
        return found


def _reader(what: str) -> t.Callable[[Path], Read | list[Problem]]:
    """Reads one kind of round file (`what` names it in a refusal): its bytes and document, or
    the problems reading it found."""
    # Imported here, when a round is read, so that `import scorecard` stays quick.
    from scorecard.loaders import MAX_EVIDENCE_BYTES, parse_json, read_bytes

    def read(path: Path) -> Read | list[Problem]:
        try:
            data = read_bytes(path, MAX_EVIDENCE_BYTES, what)
            return Read(data, parse_json(data, str(path)))
        except InvalidInput as error:
            return error.problems

    return read


def evidence_sha256(digests: t.Mapping[str, str]) -> str:
    """sha256 of what `sha256sum` prints for the files (name -> the file's own sha256), in byte
    order of their names. For a round folder: `cd FOLDER && LC_ALL=C sha256sum *.json | sha256sum`."""
    listing = "".join(f"{digest}  {name}\n" for name, digest in sorted(digests.items()))
    return hashlib.sha256(listing.encode("utf-8")).hexdigest()
