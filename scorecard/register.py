"""Registers: the bodies a rubric applies to, read from a CSV (code, name, region, ...)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from scorecard.loaders import decode_text, read_bytes
from scorecard.problems import InvalidInput, Problem
from scorecard.quoting import quote
from scorecard.resources import data_dir

REQUIRED_COLUMNS = ("code", "name", "region")
MAX_REGISTER_BYTES = 20 * 1024 * 1024
# The limits of the same fields in records and rubrics: an id, and a text.
MAX_CODE = 64
MAX_TEXT = 20_000


class Body(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str
    name: str
    short_name: str
    region: str


class Register(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    bodies: dict[str, Body]

    def __contains__(self, code: object) -> bool:
        return code in self.bodies

    def __getitem__(self, code: str) -> Body:
        return self.bodies[code]


def bundled_registers() -> list[str]:
    return sorted(p.stem for p in (data_dir("rubrics") / "registers").glob("*.csv"))


def resolve(reference: str, rubric_path: Path) -> Path:
    """A register named by a rubric: a bundled name, or a path relative to the rubric file."""
    if "/" not in reference and "\\" not in reference and not reference.endswith(".csv"):
        return data_dir("rubrics") / "registers" / f"{reference}.csv"
    return (rubric_path.parent / reference).resolve()


def outside_rubric_folder(path: Path, rubric_path: Path) -> bool:
    """Whether a register path leaves the rubric's folder (a bundled register is never outside):
    a rubric from elsewhere must not make scorecard read any file it likes."""
    bundled = (data_dir("rubrics") / "registers").resolve()
    return not (path.resolve().is_relative_to(rubric_path.parent.resolve()) or path.resolve().parent == bundled)


def load_register(path: Path, name: str | None = None) -> Register:
    label = str(path)
    text = decode_text(read_bytes(path, MAX_REGISTER_BYTES, "register"), label)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InvalidInput(
            [Problem(label, "", f"register has no column {', '.join(missing)}; it needs {', '.join(REQUIRED_COLUMNS)}", 1)]
        )
    problems: list[Problem] = []
    bodies: dict[str, Body] = {}
    rows = iter(reader)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as error:  # a field over the csv module's own limit, an unclosed quote, ...
            problems.append(Problem(label, "", f"cannot be read as CSV ({error}); a field holds at most {MAX_TEXT:,} characters", reader.line_num + 1))
            break
        line = reader.line_num
        code = (row.get("code") or "").strip()
        if not code:
            problems.append(Problem(label, "", "a row has no code", line))
            continue
        long = [f"{column} ({len(row.get(column) or ''):,} characters; the limit is {limit:,})"
                for column, limit in (("code", MAX_CODE), ("name", MAX_TEXT), ("short_name", MAX_TEXT), ("region", MAX_TEXT))
                if len(row.get(column) or "") > limit]
        if long:
            problems.append(Problem(label, "", f"a row has a field too long: {', '.join(long)}", line))
            continue
        if code in bodies:
            problems.append(Problem(label, "", f"code {quote(code)} appears twice", line))
            continue
        name_ = (row.get("name") or "").strip()
        bodies[code] = Body(
            code=code,
            name=name_,
            short_name=(row.get("short_name") or "").strip() or name_,
            region=(row.get("region") or "").strip(),
        )
    if problems:
        raise InvalidInput(problems)
    if not bodies:
        raise InvalidInput([Problem(label, "", "register lists no bodies")])
    return Register(name=name or path.stem, bodies=bodies)
