"""Registers: the bodies a rubric applies to, read from a CSV (code, name, region, ...)."""

from __future__ import annotations

import csv
import io
import re
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
# A body's code names its page of the site (site/<CODE>.html): letters, digits, - and _ only (no
# dots, no slashes), so a code can never climb out of site/ or hide a file. Checked here, when the
# register is read, and again by the site (scorecard.render.html) for scorecards built otherwise.
PAGE_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}\Z")
# Names the site uses itself, and names Windows will not create (sites get copied to USB sticks);
# compared case-insensitively, since such file systems often ignore case.
SITE_PAGES = ("index", "methodology", "style", "site")  # the site's own files (render/html.py)
RESERVED_PAGES = {*SITE_PAGES, "con", "prn", "aux", "nul"} | {
    f"{port}{n}" for port in ("com", "lpt") for n in range(1, 10)
}


class PageNames:
    """Checks body codes, one by one, as names of the site's pages."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}  # code.lower() -> code: page names ignore case

    def refusal(self, code: str) -> str | None:
        """Why the code cannot name a page (its characters, a reserved name, a code already seen
        that differs only in case), or None, and the code is taken."""
        folded = code.lower()
        if not PAGE_CODE.match(code):
            return f"code {code!r} cannot name a web page: use only letters, digits, - and _ (at most 64)"
        if folded in RESERVED_PAGES:
            return f"code {code!r} cannot name a web page: {folded} is a reserved name"
        if folded in self.seen:
            return f"codes {self.seen[folded]!r} and {code!r} differ only in case; their pages would collide"
        self.seen[folded] = code
        return None


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
            [Problem(label, "", f"register has no column {', '.join(missing)}; it needs {', '.join(REQUIRED_COLUMNS)}", 1, code="wrong-columns")]
        )
    problems: list[Problem] = []
    bodies: dict[str, Body] = {}
    pages = PageNames()
    rows = iter(reader)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as error:  # a field over the csv module's own limit, an unclosed quote, ...
            problems.append(Problem(label, "", f"cannot be read as CSV ({error}); a field holds at most {MAX_TEXT:,} characters", reader.line_num + 1,
                                    code="not-csv"))
            break
        line = reader.line_num
        code = (row.get("code") or "").strip()
        if not code:
            problems.append(Problem(label, "", "a row has no code", line, code="missing-value"))
            continue
        long = [f"{column} ({len(row.get(column) or ''):,} characters; the limit is {limit:,})"
                for column, limit in (("code", MAX_CODE), ("name", MAX_TEXT), ("short_name", MAX_TEXT), ("region", MAX_TEXT))
                if len(row.get(column) or "") > limit]
        if long:
            problems.append(Problem(label, "", f"a row has a field too long: {', '.join(long)}", line, code="value-too-long"))
            continue
        if code in bodies:
            problems.append(Problem(label, "", f"code {quote(code)} appears twice", line, code="duplicate-body"))
            continue
        unfit = pages.refusal(code)
        if unfit is not None:
            problems.append(Problem(label, "", unfit, line, code="bad-body-code"))
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
        raise InvalidInput([Problem(label, "", "register lists no bodies", code="no-rows")])
    return Register(name=name or path.stem, bodies=bodies)
