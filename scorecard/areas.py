"""Area overlays: the areas a register's bodies serve, and who represents each area.

A register may come with an overlay in `overlays/<register>/` beside its CSV:

* `overlay.json`: the words for the areas and their representatives (so the engine holds none),
  the as-of date of the names, the source, the attribution lines the licences require, and the
  names of the two files below;
* `areas.csv` (`area_code, area_name, representative, body, share, estimated`): one row per area
  and body, `share` the part of the area's population the body serves (0 to 1; an area's shares
  add up to 1 within 0.01), `estimated` = `yes` where the share is an estimate;
* optionally a hex layout (HexJSON, `odd-r` or `even-r`, hexes keyed by body code, `n` a short
  label) for the national page's map.

Overlay text is untrusted like evidence: the renderers escape it and neutralise formulas.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import math
import typing as t
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from scorecard.loaders import decode_text, read_bytes
from scorecard.problem_codes import model_code
from scorecard.problems import InvalidInput, Problem, pointer
from scorecard.register import SITE_PAGES, Register

MAX_OVERLAY_BYTES = 20 * 1024 * 1024
AREA_COLUMNS = ("area_code", "area_name", "representative", "body", "share", "estimated")
SUM_TOLERANCE = 0.01  # slivers left out of a published overlap make shares sum a little under 1
LAYOUTS = ("odd-r", "even-r")  # pointy-topped hexes, rows shifted alternately


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AreaShare(_Model):
    area_code: str
    area_name: str
    representative: str
    body: str
    share: float
    estimated: bool = False


class MapHex(_Model):
    body: str
    label: str
    q: int
    r: int


class MapLayout(_Model):
    layout: str
    hexes: list[MapHex]
    attribution: str | None = None
    note: str | None = None


class OverlayWords(_Model):
    """What overlay.json says of the areas; every label is the register's own word, never the engine's."""

    area_label: str = Field(min_length=1, max_length=60)
    area_label_plural: str = Field(min_length=1, max_length=60)
    representative_label: str = Field(min_length=1, max_length=60)
    title: str = Field(min_length=1, max_length=120)
    page: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,40}$")  # site/<page>.html
    csv: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,40}$")  # <csv>.csv beside scorecard.csv
    as_of: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    source: str = Field(min_length=1)
    attribution: list[str] = []

    @field_validator("as_of")
    @classmethod
    def _real_date(cls, value: str) -> str:
        datetime.date.fromisoformat(value)  # ValueError (a 13th month, a 30 February) is reported by pydantic
        return value


class OverlayMeta(OverlayWords):
    """overlay.json as written: the words, and the files beside it."""

    areas_file: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    map_file: str | None = Field(default=None, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    map_attribution: str | None = None
    map_note: str | None = None


class AreaOverlay(OverlayWords):
    """What the outputs show; `scorecard.json` carries it under "areas" (without the map)."""

    shares: list[AreaShare]
    map: MapLayout | None = Field(default=None, exclude=True)

    def by_body(self) -> dict[str, list[AreaShare]]:
        out: dict[str, list[AreaShare]] = {}
        for share in self.shares:
            out.setdefault(share.body, []).append(share)
        return out

    def by_area(self) -> dict[str, list[AreaShare]]:
        """Area code -> its shares, areas in name order (then code), bodies by share, largest first."""
        out: dict[str, list[AreaShare]] = {}
        for share in sorted(self.shares, key=lambda s: (s.area_name.casefold(), s.area_code, -s.share, s.body)):
            out.setdefault(share.area_code, []).append(share)
        return out


def overlay_folder(register_path: Path) -> Path:
    return register_path.parent / "overlays" / register_path.stem


def load_overlay(folder: Path, register: Register) -> AreaOverlay | None:
    """The overlay in folder, None if there is none; InvalidInput naming file and place if bad."""
    meta_path = folder / "overlay.json"
    if not meta_path.is_file():
        return None
    meta = _meta(meta_path)
    if meta.page in SITE_PAGES or meta.page in {code.lower() for code in register.bodies}:
        raise InvalidInput([Problem(str(meta_path), "/page", f"page {meta.page!r} would replace another page of the site; choose another name",
                                    code="page-name-taken")])
    shares = _shares(folder / meta.areas_file, register)
    layout = _layout(folder / meta.map_file, register, meta) if meta.map_file else None
    fields = meta.model_dump(include=set(OverlayWords.model_fields))
    return AreaOverlay(**fields, shares=shares, map=layout)


def _json(path: Path) -> t.Any:
    label = str(path)
    if not path.is_file():
        raise InvalidInput([Problem(label, "", "not found (named by overlay.json)", code="no-such-file")])
    try:
        return json.loads(decode_text(read_bytes(path, MAX_OVERLAY_BYTES, "overlay file"), label))
    except json.JSONDecodeError as error:
        raise InvalidInput([Problem(label, "", f"is not valid JSON: {error.msg}", error.lineno, code="not-json")]) from None


def _meta(path: Path) -> OverlayMeta:
    try:
        return OverlayMeta.model_validate(_json(path))
    except ValidationError as error:
        raise InvalidInput(
            [Problem(str(path), pointer(e["loc"]), e["msg"], code=model_code(e["type"])) for e in error.errors(include_url=False)]
        ) from None


def _shares(path: Path, register: Register) -> list[AreaShare]:
    label = str(path)
    if not path.is_file():
        raise InvalidInput([Problem(label, "", "not found (named by overlay.json)", code="no-such-file")])
    text = decode_text(read_bytes(path, MAX_OVERLAY_BYTES, "overlay file"), label)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in AREA_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InvalidInput([Problem(label, "", f"has no column {', '.join(missing)}; it needs {', '.join(AREA_COLUMNS)}", 1, code="wrong-columns")])
    problems: list[Problem] = []
    shares: list[AreaShare] = []
    seen: set[tuple[str, str]] = set()
    totals: dict[str, tuple[float, int]] = {}
    for row in reader:
        line = reader.line_num
        cells = {c: (row.get(c) or "").strip() for c in AREA_COLUMNS}
        empty = [c for c in ("area_code", "area_name", "body", "share") if not cells[c]]
        if empty:
            problems.append(Problem(label, "", f"{', '.join(empty)} is empty", line, code="missing-value"))
            continue
        if cells["body"] not in register:
            problems.append(Problem(label, "", f"body {cells['body']!r} is not in the register {register.name}", line, code="unknown-body"))
            continue
        try:
            share = float(cells["share"])
        except ValueError:
            share = math.nan
        if not (0 < share <= 1):
            problems.append(Problem(label, "", f"share {cells['share']!r} is not a number above 0 and at most 1", line, code="out-of-range"))
            continue
        if cells["estimated"] not in ("", "yes", "no"):
            problems.append(Problem(label, "", f"estimated is {cells['estimated']!r}; write yes, no or leave it empty", line, code="value-not-allowed"))
            continue
        key = (cells["area_code"], cells["body"])
        if key in seen:
            problems.append(Problem(label, "", f"area {key[0]} and body {key[1]} appear twice", line, code="duplicate-row"))
            continue
        seen.add(key)
        total, _ = totals.get(cells["area_code"], (0.0, line))
        totals[cells["area_code"]] = (total + share, line)
        shares.append(AreaShare.model_validate({**cells, "share": share, "estimated": cells["estimated"] == "yes"}))
    for area, (total, line) in totals.items():
        if abs(total - 1) > SUM_TOLERANCE:
            problems.append(Problem(label, "", f"the shares of area {area} add up to {total:.4f}, not 1 (within {SUM_TOLERANCE})", line,
                                    code="shares-do-not-add-up"))
    if problems:
        raise InvalidInput(problems)
    if not shares:
        raise InvalidInput([Problem(label, "", "lists no areas", code="no-rows")])
    return shares


def _layout(path: Path, register: Register, meta: OverlayMeta) -> MapLayout:
    data = _json(path)
    label = str(path)
    if not isinstance(data, dict) or data.get("layout") not in LAYOUTS or not isinstance(data.get("hexes"), dict):
        raise InvalidInput([Problem(label, "", f"expected HexJSON with layout one of {', '.join(LAYOUTS)} and an object of hexes", code="bad-hex-map")])
    problems: list[Problem] = []
    hexes: list[MapHex] = []
    cells: dict[tuple[int, int], str] = {}
    for code, entry in data["hexes"].items():
        where = pointer(["hexes", code])
        if code not in register:
            problems.append(Problem(label, where, f"body {code!r} is not in the register {register.name}", code="unknown-body"))
            continue
        q, r = (entry.get(k) if isinstance(entry, dict) else None for k in ("q", "r"))
        if not isinstance(q, int) or not isinstance(r, int) or isinstance(q, bool) or isinstance(r, bool) or not (-999 < q < 999 and -999 < r < 999):
            problems.append(Problem(label, where, "needs whole numbers q and r (between -998 and 998)", code="bad-hex-map"))
            continue
        if (q, r) in cells:
            problems.append(Problem(label, where, f"sits on the same hex as {cells[q, r]}", code="bad-hex-map"))
            continue
        cells[q, r] = code
        name = entry.get("n")
        hexes.append(MapHex(body=code, label=name[:6] if isinstance(name, str) and name.strip() else code[:6], q=q, r=r))
    if problems:
        raise InvalidInput(problems)
    return MapLayout(layout=data["layout"], hexes=hexes, attribution=meta.map_attribution, note=meta.map_note)


def overlay_for(loaded: t.Any) -> AreaOverlay | None:
    """The overlay of the register a loaded rubric is scored against (see succession.for_round:
    a bundled register of the series may have replaced the rubric's own)."""
    from scorecard.register import resolve
    from scorecard.succession import registers_folder

    if loaded.register.name == loaded.rubric.register_name:
        path = resolve(loaded.rubric.register_name, loaded.path)
    else:
        path = registers_folder() / f"{loaded.register.name}.csv"
    return load_overlay(overlay_folder(path), loaded.register)


def overlay_words(loaded: t.Any) -> str:
    """For `scorecard rubric lint`: loads the register's overlay (InvalidInput, naming file and
    place, if it is bad) and says what it holds: "" when there is none."""
    areas = overlay_for(loaded)
    if areas is None:
        return ""
    count = len({s.area_code for s in areas.shares})
    return (f"; overlay: {count} {areas.area_label_plural if count != 1 else areas.area_label} in {len(areas.shares)} rows, "
            f"{areas.representative_label}s as of {areas.as_of}" + (", with a map" if areas.map else ""))
