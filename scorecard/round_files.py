"""Which files make a round, and the round's fingerprint.

A round folder holds `round.json` (optional: what the round is) and one record per body, named
after the body's code: `CODE.json`. Its records are exactly the visible files whose names end in
`.json`, other than round.json; with round.json that is what the shell's `*.json` matches, so
the fingerprint printed in every output can be checked with

    cd FOLDER && LC_ALL=C sha256sum *.json | sha256sum

Whatever else in the folder looks like a record but would not be read (a hidden `.QJK.json`, a
`QJK.JSON`, a `notes.schema.json`) is refused with a message rather than silently left out, and
anything that is not a regular file is refused before it is opened (a FIFO would wait for ever).
"""

from __future__ import annotations

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
    files: list[Path] = []
    round_file: Path | None = None
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            try:
                # By name, compared as the system compares them (normcase): in one folder that
                # is the order of the paths, and quicker to sort than the paths themselves.
                found = sorted((p for p in path.iterdir() if _is_record_name(p.name)), key=lambda p: os.path.normcase(p.name))
            except OSError as error:
                problems.append(Problem(str(path), "", f"cannot be listed: {error.strerror or error}", code="unreadable-file"))
                continue
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
    return files, round_file


def unread_lookalikes(paths: t.Sequence[Path]) -> list[Problem]:
    """A problem for each entry of the round folders that looks like a record but is not one."""
    problems: list[Problem] = []
    for folder in (p for p in paths if p.is_dir()):
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue  # evidence_files has said so
        for name in names:
            if not name.lower().endswith(RECORD_SUFFIX) or _is_record_name(name):
                continue
            where = str(folder / name)
            if name.startswith("."):
                why = "is a hidden file, so it is not read as a record"
            elif name.lower().endswith(SCHEMA_SUFFIX):
                why = "is named as a schema, not a record"
            else:
                why = f"ends in {name[-len(RECORD_SUFFIX):]!r}, not '.json', so it is not read as a record"
            problems.append(Problem(where, "", f"{why}; a round folder holds only round.json and CODE.json records: rename it or move it out",
                                    code="stray-file"))
    return problems


def evidence_sha256(digests: t.Mapping[str, str]) -> str:
    """sha256 of what `sha256sum` prints for the files (name -> the file's own sha256), in byte
    order of their names. For a round folder: `cd FOLDER && LC_ALL=C sha256sum *.json | sha256sum`."""
    listing = "".join(f"{digest}  {name}\n" for name, digest in sorted(digests.items()))
    return hashlib.sha256(listing.encode("utf-8")).hexdigest()
