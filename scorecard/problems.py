"""Problems with user input, reported as `FILE: /json/pointer: message` lines.

Every loader returns or raises problems instead of letting an exception escape, so one run can
report every error of every file and the CLI can exit 1 without a traceback.
"""

from __future__ import annotations

import dataclasses
import typing as t

from scorecard.quoting import MAX_MESSAGE, shown


@dataclasses.dataclass(frozen=True)
class Problem:
    file: str
    pointer: str  # JSON pointer ("" for the whole document)
    message: str
    line: int | None = None  # 1-based, where the input format lets us know it

    def __str__(self) -> str:
        # File names, keys and messages all carry input: shown escaped, so one problem is one
        # line and no terminal escape reaches the terminal (scorecard.quoting).
        place = shown(self.file) if self.line is None else f"{shown(self.file)}:{self.line}"
        return f"{place}: {shown(self.pointer or '/', 200)}: {shown(self.message, MAX_MESSAGE)}"


class InvalidInput(Exception):
    """Raised when input cannot be used: the one error type of the Python API (scorecard.api) and
    of every loader. Every problem found is in `.problems`, in reading order; str() gives them one
    line each."""

    def __init__(self, problems: t.Iterable[Problem]) -> None:
        self.problems = sorted(problems, key=_reading_order)
        super().__init__("\n".join(str(p) for p in self.problems))


def _reading_order(problem: Problem) -> tuple[t.Any, ...]:
    """File by file, top to bottom: by line where known, then by pointer with numbers compared as
    numbers (/items/2 before /items/10)."""
    parts = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in problem.pointer.split("/"))
    return (problem.file, problem.line or 0, parts, problem.message)


def pointer(parts: t.Iterable[t.Any]) -> str:
    """Build a JSON pointer (RFC 6901) from path parts."""
    out = ""
    for part in parts:
        out += "/" + str(part).replace("~", "~0").replace("/", "~1")
    return out
