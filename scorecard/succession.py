"""Registers belong to a date, and the bodies of one register become the bodies of the next.

Two data files, both under rubrics/registers/:

* `in-force.csv` lists registers that form a series, one replacing the other on a date:
  `register, series, in_force_from, in_force_until, changes`. `changes` names the CSV that says
  how the bodies of the register before it became the bodies of this one. A register not listed
  has no dates and is in force whenever its rubric is used.
* a changes CSV has a row per body created or changed when the register came into force:
  `code` (in the new register), `predecessors` (codes in the previous register, separated by `;`;
  `CODE(part)` or `CODE(part: which part)` when only part of that body went into it) and
  `effective` (the date). A body of the new register with no row is the same body as before.

A round says when its evidence was gathered (`gathered_on` in round.json) or names its register
outright (`register`); `for_round` gives the rubric the register in force for that round (from
round.json as its caller read it), and `between` the mapping that comparing two rounds goes
through.
"""

from __future__ import annotations

import csv
import io
import re
import typing as t
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from scorecard.loaders import MAX_EVIDENCE_BYTES, decode_text, read_bytes
from scorecard.problems import InvalidInput, Problem
from scorecard.register import load_register
from scorecard.resources import data_dir

if t.TYPE_CHECKING:
    from scorecard.rubric import LoadedRubric

INDEX = "in-force.csv"
_PREDECESSOR = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_.-]*)(?:\((part)(?::\s*([^)]*))?\))?\Z")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class Dated(_Model):
    name: str
    series: str
    start: str | None
    end: str | None
    changes: str | None


class Predecessor(_Model):
    code: str
    whole: bool
    note: str | None = None


class Succession(_Model):
    """How the bodies of register `before` became those of register `after`: for each body of
    `after` that was created or changed, its predecessors in `before`. A body with no entry is
    the same body in both (if `before` has it) or new."""

    before: str
    after: str
    effective: str | None
    predecessors: dict[str, tuple[Predecessor, ...]]

    def split(self) -> dict[str, list[str]]:
        """Earlier code -> the later bodies it was divided between (only bodies given in part)."""
        out: dict[str, list[str]] = {}
        for code, items in sorted(self.predecessors.items()):
            for item in items:
                if not item.whole:
                    out.setdefault(item.code, []).append(code)
        return out


def registers_folder() -> Path:
    return data_dir("rubrics") / "registers"


def _rows(path: Path, required: t.Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    label = str(path)
    text = decode_text(read_bytes(path, MAX_EVIDENCE_BYTES, "register file"), label)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise InvalidInput([Problem(label, "", f"has no column {', '.join(missing)}; it needs {', '.join(required)}", 1, code="wrong-columns")])
    return [(reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}) for row in reader]


def load_index(folder: Path | None = None) -> dict[str, Dated]:
    folder = folder or registers_folder()
    path = folder / INDEX
    if not path.is_file():
        return {}
    out: dict[str, Dated] = {}
    problems: list[Problem] = []
    for line, row in _rows(path, ("register", "series", "in_force_from", "in_force_until", "changes")):
        for column in ("in_force_from", "in_force_until"):
            if row[column] and not _DATE.match(row[column]):
                problems.append(Problem(str(path), "", f"{column} {row[column]!r} is not a date (YYYY-MM-DD)", line, code="not-a-date"))
        if not row["register"] or not row["series"]:
            problems.append(Problem(str(path), "", "every row needs a register and a series", line, code="missing-value"))
            continue
        if row["register"] in out:
            problems.append(Problem(str(path), "", f"register {row['register']} is listed twice", line, code="duplicate-row"))
        out[row["register"]] = Dated(
            name=row["register"],
            series=row["series"],
            start=row["in_force_from"] or None,
            end=row["in_force_until"] or None,
            changes=row["changes"] or None,
        )
    if problems:
        raise InvalidInput(problems)
    return out


def series_of(register: str, index: dict[str, Dated]) -> list[Dated]:
    """The registers of `register`'s series in date order (just itself, undated, if unlisted)."""
    own = index.get(register)
    if own is None:
        return [Dated(name=register, series=register, start=None, end=None, changes=None)]
    members = [d for d in index.values() if d.series == own.series]
    return sorted(members, key=lambda d: (d.start or "", d.name))


def in_force(dated: Dated, on: str) -> bool:
    return (dated.start is None or dated.start <= on) and (dated.end is None or on <= dated.end)


def register_for_round(rubric_register: str, round_file: Path, info: dict[str, t.Any], index: dict[str, Dated]) -> str:
    """The name of the register a round is checked against; InvalidInput if it cannot be one."""
    series = series_of(rubric_register, index)
    names = [d.name for d in series]
    named = info.get("register")
    gathered = info.get("gathered_on")
    if isinstance(named, str):
        if named not in names:
            listed = ", ".join(names)
            raise InvalidInput([Problem(str(round_file), "/register",
                                        f"register {named!r} is not in the series of the rubric's register {rubric_register!r} ({listed})",
                                        code="unknown-register")])
        if isinstance(gathered, str) and _DATE.match(gathered) and not in_force(index.get(named, series[0]), gathered):
            raise InvalidInput([Problem(str(round_file), "/register", f"register {named!r} was not in force on {gathered} (gathered_on)",
                                        code="register-not-in-force")])
        return named
    if isinstance(gathered, str) and _DATE.match(gathered):
        found = [d.name for d in series if in_force(d, gathered)]
        if not found:
            spans = "; ".join(f"{d.name} {d.start or '…'} to {d.end or '…'}" for d in series)
            raise InvalidInput([Problem(str(round_file), "/gathered_on", f"no register of the rubric's series was in force on {gathered} ({spans})",
                                        code="register-not-in-force")])
        return found[-1]
    return rubric_register


def for_round(loaded: LoadedRubric, round_file: Path, info: t.Any) -> LoadedRubric:
    """The rubric with the register in force for the round whose round.json (`round_file`) holds
    `info`, as parsed (bundled registers). Not an object: the rubric as it is, for the round's
    loading to report."""
    if not isinstance(info, dict):
        return loaded
    name = register_for_round(loaded.register.name, round_file, info, load_index())
    if name == loaded.register.name:
        return loaded
    return loaded._replace(register=load_register(registers_folder() / f"{name}.csv", name))


# ---------------------------------------------------------------- successions


def load_changes(path: Path, before: str, after: str) -> Succession:
    problems: list[Problem] = []
    predecessors: dict[str, tuple[Predecessor, ...]] = {}
    dates: set[str] = set()
    for line, row in _rows(path, ("code", "predecessors", "effective")):
        code = row["code"]
        items: list[Predecessor] = []
        for part in filter(None, (p.strip() for p in row["predecessors"].split(";"))):
            match = _PREDECESSOR.match(part)
            if not match:
                problems.append(Problem(str(path), "", f"predecessor {part!r} of {code}: write CODE, or CODE(part) / CODE(part: which part)", line,
                                        code="bad-predecessor"))
                continue
            items.append(Predecessor(code=match[1], whole=match[2] is None, note=match[3] or None))
        if not code or not items:
            problems.append(Problem(str(path), "", "every row needs a code and at least one predecessor", line, code="missing-value"))
            continue
        if code in predecessors:
            problems.append(Problem(str(path), "", f"{code} is listed twice", line, code="duplicate-row"))
        predecessors[code] = tuple(items)
        if row["effective"]:
            dates.add(row["effective"])
    whole_in: dict[str, str] = {}
    for code, parts in sorted(predecessors.items()):
        for item in parts:
            if item.whole and item.code in whole_in:
                problems.append(Problem(str(path), "", f"{item.code} went whole into both {whole_in[item.code]} and {code}; one of them takes a part",
                                        code="bad-succession"))
            if item.whole:
                whole_in[item.code] = code
    for code, parts in sorted(predecessors.items()):
        for item in parts:
            if not item.whole and item.code in whole_in:
                problems.append(Problem(str(path), "", f"{item.code} is given whole to {whole_in[item.code]} and in part to {code}", code="bad-succession"))
    if problems:
        raise InvalidInput(problems)
    return Succession(before=before, after=after, effective=min(dates) if dates else None, predecessors=predecessors)


def _compose(first: Succession, second: Succession) -> Succession:
    """first: A -> B, second: B -> C; gives A -> C. A part of a part is a part."""
    out: dict[str, tuple[Predecessor, ...]] = {}
    # Bodies created in B that live on unchanged into C keep their A predecessors; those C
    # absorbed into another body are reached through that body.
    consumed = {item.code for code, items in second.predecessors.items() for item in items if item.code != code}
    codes = set(second.predecessors) | (set(first.predecessors) - consumed)
    for code in sorted(codes):
        direct = second.predecessors.get(code, (Predecessor(code=code, whole=True),))
        items: list[Predecessor] = []
        for item in direct:
            for earlier in first.predecessors.get(item.code, (Predecessor(code=item.code, whole=True),)):
                items.append(Predecessor(code=earlier.code, whole=item.whole and earlier.whole, note=earlier.note or item.note))
        if items != [Predecessor(code=code, whole=True)]:
            out[code] = tuple(items)
    return Succession(before=first.before, after=second.after, effective=second.effective, predecessors=out)


def between(before: str, after: str, folder: Path | None = None) -> Succession:
    """The mapping from the bodies of register `before` to those of `after` (identity when they
    are the same register). InvalidInput if `after` does not follow `before` in one series."""
    folder = folder or registers_folder()
    if before == after:
        return Succession(before=before, after=after, effective=None, predecessors={})
    index = load_index(folder)
    series = series_of(before, index)
    names = [d.name for d in series]
    if after not in names or names.index(after) < names.index(before):
        raise InvalidInput([Problem(str(folder / INDEX), "",
                                    f"register {after!r} does not follow {before!r} in one series, so their bodies cannot be matched",
                                    code="unknown-register")])
    result: Succession | None = None
    for dated in series[names.index(before) + 1 : names.index(after) + 1]:
        if dated.changes is None:
            step = Succession(before=names[names.index(dated.name) - 1], after=dated.name, effective=dated.start, predecessors={})
        else:
            step = load_changes(folder / dated.changes, names[names.index(dated.name) - 1], dated.name)
        result = step if result is None else _compose(result, step)
    assert result is not None
    return result
