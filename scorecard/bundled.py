"""The bundled rubrics, and the two ways a rubric is found: by id (from data) or by the user."""

from __future__ import annotations

import re
from pathlib import Path

from scorecard.resources import data_dir


def bundled_rubrics() -> dict[str, Path]:
    return {p.stem: p for p in sorted(data_dir("rubrics").glob("*.yaml"))}


# What a rubric id may be (the schemas' id pattern): checked before an id from data is looked up,
# so no id can ever be made into a path.
RUBRIC_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def find_rubric(rubric_id: str) -> Path | None:
    """The bundled rubric with this id, or None. This is the only lookup for an id that comes from
    data (a record, an imported workbook, an earlier round): such an id never names a file, or a
    record could make scorecard read any file as a rubric (and echo it), or pick its own rubric."""
    if not isinstance(rubric_id, str) or not RUBRIC_ID.fullmatch(rubric_id):
        return None
    return bundled_rubrics().get(rubric_id)


def find_rubric_option(reference: str) -> Path | None:
    """A rubric the user named on the command line (--rubric): a path, or a bundled rubric's id."""
    path = Path(reference)
    if path.is_file():
        return path
    return find_rubric(reference)
