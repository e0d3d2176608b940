"""Problems with user input, reported as `FILE: /json/pointer: message` lines.

Every loader returns or raises problems instead of letting an exception escape, so one run can
report every error of every file and the CLI can exit 1 without a traceback.

A problem has a code from the catalogue (scorecard.problem_codes), the file, a place in it and a
message. The place is a JSON pointer (a str, "" for the whole file), with the line where the
format tells us; or a typed place: a workbook `Cell`, a CSV `Column` (with the line), a `Key`
(a row named by its key) or `Elsewhere`. Each place prints as these problems always printed, and
sorts as a reader reads: Answers!F7 before Answers!F10, column B before AA.
"""

from __future__ import annotations

import dataclasses
import re
import typing as t

from scorecard.problem_codes import CODES
from scorecard.quoting import MAX_MESSAGE, shown

# One step of a sort key: (0, number, "") for a number, (1, 0, text) for a text, so numbers
# compare as numbers and any two keys compare without a TypeError.
_Step = tuple[int, int, str]


def column_letters(column: int) -> str:
    """A spreadsheet column's letters: 1 -> A, 26 -> Z, 27 -> AA."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


@dataclasses.dataclass(frozen=True)
class Cell:
    """A place in a workbook: a sheet, one of its rows, or one cell (column and row from 1)."""

    sheet: str
    row: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        if self.row is None:
            return self.sheet
        if self.column is None:
            return f"{self.sheet}!{self.row}:{self.row}"
        return f"{self.sheet}!{column_letters(self.column)}{self.row}"

    def order(self) -> tuple[_Step, ...]:
        # Top to bottom, then left to right; a sheet before its rows, a row before its cells.
        return ((1, 0, self.sheet), (0, self.row or 0, ""), (0, self.column or 0, ""))

    def as_json(self) -> dict[str, t.Any]:
        cell = None if self.row is None or self.column is None else f"{column_letters(self.column)}{self.row}"
        return {"kind": "cell", "sheet": self.sheet, "row": self.row, "column": self.column, "cell": cell}

    @classmethod
    def parse(cls, text: str) -> Cell:
        """The Cell a workbook reader wrote as "Sheet", "Sheet!4:4" or "Sheet!F10"."""
        sheet, _, rest = text.rpartition("!")
        if match := re.fullmatch(r"([A-Z]{1,3})([0-9]+)", rest):
            return cls(sheet, int(match[2]), _column_number(match[1]))
        if match := re.fullmatch(r"([0-9]+):\1", rest):
            return cls(sheet, int(match[1]))
        return cls(text)


@dataclasses.dataclass(frozen=True)
class Column:
    """A column of a CSV file, by position (from 1) and heading; the row is the problem's line."""

    index: int
    heading: str

    def __str__(self) -> str:
        return f"column {column_letters(self.index)} ({self.heading})"

    def order(self) -> tuple[_Step, ...]:
        return ((1, 0, "column"), (0, self.index, ""))

    def as_json(self) -> dict[str, t.Any]:
        return {"kind": "column", "column": self.index, "heading": self.heading}


@dataclasses.dataclass(frozen=True)
class Key:
    """A row or entry named by its key (a body's row of a round's requests, by its code)."""

    key: str

    def __str__(self) -> str:
        return self.key

    def order(self) -> tuple[_Step, ...]:
        return ((1, 0, self.key),)

    def as_json(self) -> dict[str, t.Any]:
        return {"kind": "key", "key": self.key}


@dataclasses.dataclass(frozen=True)
class Elsewhere:
    """Places not listed (problems beyond the number reported); shown as "…", sorted last."""

    def __str__(self) -> str:
        return "…"

    def order(self) -> tuple[_Step, ...]:
        return ((2, 0, ""),)

    def as_json(self) -> dict[str, t.Any]:
        return {"kind": "elsewhere"}


Place = Cell | Column | Key | Elsewhere


@dataclasses.dataclass(frozen=True)
class Problem:
    file: str
    where: str | Place  # a JSON pointer ("" for the whole document), or a typed place
    message: str
    line: int | None = None  # 1-based, where the input format lets us know it
    code: str = dataclasses.field(kw_only=True)  # from scorecard.problem_codes

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"problem code {self.code!r} is not in scorecard.problem_codes.CODES")

    @property
    def pointer(self) -> str:
        """The place as text: the JSON pointer, or the place's printed form ("Answers!F10")."""
        return self.where if isinstance(self.where, str) else str(self.where)

    def location(self) -> dict[str, t.Any]:
        """The place as JSON: its kind and parts (a line, a JSON pointer, a sheet and cell ...)."""
        if isinstance(self.where, str):
            kind = {"kind": "pointer" if self.line is None else "line", "pointer": self.where}
            return kind if self.line is None else {**kind, "line": self.line}
        return self.where.as_json() if self.line is None else {**self.where.as_json(), "line": self.line}

    def __str__(self) -> str:
        # File names, keys and messages all carry input: shown escaped, so one problem is one
        # line and no terminal escape reaches the terminal (scorecard.quoting).
        place = shown(self.file) if self.line is None else f"{shown(self.file)}:{self.line}"
        return f"{place}: {shown(self.pointer or '/', 200)}: {shown(self.message, MAX_MESSAGE)}"


class Finding(t.NamedTuple):
    """A problem a check found before it knows the file: its code, where (a JSON pointer, or the
    column or key the caller turns into a place) and message."""

    code: str
    where: str
    message: str


class InvalidInput(Exception):
    """Raised when input cannot be used: the one error type of the Python API (scorecard.api) and
    of every loader. Every problem found is in `.problems`, in reading order; str() gives them one
    line each."""

    def __init__(self, problems: t.Iterable[Problem]) -> None:
        self.problems = sorted(problems, key=_reading_order)
        super().__init__("\n".join(str(p) for p in self.problems))


def _reading_order(problem: Problem) -> tuple[t.Any, ...]:
    """File by file, top to bottom: by line where known, then by place: a pointer with numbers
    compared as numbers (/items/2 before /items/10), a cell by row and column."""
    where = problem.where
    if isinstance(where, str):
        parts = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in where.split("/"))
    else:
        parts = where.order()
    return (problem.file, problem.line or 0, parts, problem.message)


def pointer(parts: t.Iterable[t.Any]) -> str:
    """Build a JSON pointer (RFC 6901) from path parts."""
    out = ""
    for part in parts:
        out += "/" + str(part).replace("~", "~0").replace("/", "~1")
    return out
