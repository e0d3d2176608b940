"""The Python API: load a rubric and a round, score it, compare it with an earlier one, write the
outputs. The command line is a thin layer over these functions (scorecard/cli*.py).

    import scorecard
    round_ = scorecard.load_round("evidence/foi-2023")      # the rubric its records name
    card = scorecard.score(round_)
    scorecard.write(card, round_.rubric, "out/")            # what `scorecard score` writes

Every function returns values and prints nothing. Bad input raises scorecard.InvalidInput, whose
`.problems` lists every problem found (file, JSON pointer or line, message); three subclasses say
that the request itself cannot be met as made (RubricNotFound, NotComparable, OutputBusy), so a
caller such as the CLI can word it in its own terms. A mistake in the call itself (an unknown
format name) is a ValueError.

Imports the loaders, the engine and the writers only when a function is called, so importing
scorecard (and `scorecard --help`) stays quick.
"""

from __future__ import annotations

import os
import typing as t
from pathlib import Path

from scorecard.problems import InvalidInput, Problem
from scorecard.quoting import quote
from scorecard.render import AREAS_FORMAT, DEFAULT_FORMATS, RENDERER_BY_FORMAT
from scorecard.round_files import RoundFiles as RoundFiles  # the round's listing and its one reading of each file (re-exported)

if t.TYPE_CHECKING:
    from scorecard.areas import AreaOverlay
    from scorecard.models.record import Record, RoundInfo
    from scorecard.result import Scorecard
    from scorecard.rubric import LoadedRubric

PathLike = t.Union[str, "os.PathLike[str]"]
FORMATS: tuple[str, ...] = tuple(RENDERER_BY_FORMAT)


# ---------------------------------------------------------------- errors


class RubricNotFound(InvalidInput):
    """No rubric could be found for the request. `reference` is what the caller named (a path or
    a bundled id), `named` what the records or a workbook name (None: they name none, or none
    could be read, and `.problems` says why); data can name only a bundled rubric. `bundled`
    lists the bundled rubric ids."""

    def __init__(self, problems: t.Iterable[Problem], reference: str | None, named: t.Any, bundled: t.Sequence[str]) -> None:
        super().__init__(problems)
        self.reference, self.named, self.bundled = reference, named, tuple(bundled)


class NotComparable(InvalidInput):
    """Two rounds of different rubrics (ids `before` and `after`): only rounds of one rubric can
    be compared."""

    def __init__(self, problem: Problem, before: str, after: str) -> None:
        super().__init__([problem])
        self.before, self.after = before, after


class OutputBusy(InvalidInput):
    """Another run is writing a scorecard into the same folder (`out`, locked by `lock`)."""

    def __init__(self, problem: Problem, out: Path, lock: Path) -> None:
        super().__init__([problem])
        self.out, self.lock = out, lock


# ---------------------------------------------------------------- what is loaded


class LoadedRound(t.NamedTuple):
    """A validated round: its records, what round.json says of it, and the rubric it answers
    (with the register in force when it was gathered, and that register's area overlay)."""

    rubric: LoadedRubric
    records: list[Record]
    info: RoundInfo | None
    sha256: str  # of the round's files, as `sha256sum *.json | sha256sum` prints it
    files: dict[str, str]  # organisation code -> the file its record came from
    paths: tuple[Path, ...]
    areas: AreaOverlay | None


def bundled_round() -> Path:
    """The folder of the round bundled with scorecard (the one `scorecard score` scores)."""
    from scorecard.resources import data_dir

    marker = data_dir("evidence") / "default-round.txt"
    if not marker.is_file():
        raise InvalidInput([Problem(str(marker), "", "no bundled evidence round", code="no-such-file")])
    return data_dir("evidence") / marker.read_text("utf-8").strip()


def list_round(paths: PathLike | t.Iterable[PathLike]) -> RoundFiles:
    """List a round: record files and folders of them (see scorecard.round_files). Each file is
    then read once, however many of load_rubric and load_round are given the listing."""
    return RoundFiles.of((Path(paths),) if isinstance(paths, (str, os.PathLike)) else (Path(p) for p in paths))


def _listed(evidence: PathLike | t.Iterable[PathLike] | RoundFiles) -> RoundFiles:
    return evidence if isinstance(evidence, RoundFiles) else list_round(evidence)


# ---------------------------------------------------------------- loading


def load_rubric(reference: PathLike | None = None, *, evidence: PathLike | t.Iterable[PathLike] | RoundFiles | None = None,
                named: t.Any = None) -> LoadedRubric:
    """Load and check a rubric and its register.

    `reference` is a rubric file or a bundled rubric's id. Without it the rubric is the one that
    `named` (an id read from data, such as a workbook's cell) or else the first readable record of
    `evidence` names, and data may name only a bundled rubric, never a file. With `evidence` the
    register is the one in force when the round was gathered (its round.json).
    """
    from scorecard.bundled import bundled_rubrics, find_rubric, find_rubric_option
    from scorecard.rubric import load_rubric as load

    listed = None if evidence is None else _listed(evidence)
    bundled = tuple(bundled_rubrics())
    known = ", ".join(bundled) or "none"
    if reference is not None:
        path = find_rubric_option(str(reference))
        if path is None:
            problem = Problem(str(reference), "", f"is neither a rubric file nor a bundled rubric ({known})", code="unknown-rubric")
            raise RubricNotFound([problem], str(reference), None, bundled)
    else:
        where = ""
        if named is None and listed is not None:
            where, named = _rubric_named_by(listed)
        path = find_rubric(named) if named is not None else None
        if path is None:
            if named is not None:
                problems = [Problem(where, "/rubric/id", f"names rubric {quote(named)}, which is not bundled ({known}); "
                                                         "data can name only a bundled rubric: name the rubric's file", code="unknown-rubric")]
            elif listed is not None and listed.problems:
                problems = list(listed.problems)  # nothing could be read: why
            else:
                place = str(listed.paths[0]) if listed is not None and listed.paths else ""
                problems = [Problem(place, "", "no record names the rubric it answers; name the rubric", code="no-rubric-named")]
            raise RubricNotFound(problems, None, named, bundled)
    loaded = load(path)
    return _in_force(loaded, listed) if listed is not None else loaded


def _rubric_named_by(listed: RoundFiles) -> tuple[str, t.Any]:
    """The first readable record and the rubric id it names (None: none names one). The records
    looked at are kept for load_round, which reports those that cannot be read."""
    for path in listed.records:
        try:
            return str(path), listed.peek(path)["rubric"]["id"]
        except (InvalidInput, KeyError, TypeError):
            continue
    return "", None


def _in_force(loaded: LoadedRubric, listed: RoundFiles) -> LoadedRubric:
    """A round is checked against the register in force when it was gathered: round.json says
    when (or names the register). Kept for load_round, which reports it if it cannot be read."""
    from scorecard.succession import for_round

    if listed.round_file is None:
        return loaded
    try:
        document = listed.peek(listed.round_file)
    except InvalidInput:
        return loaded
    return for_round(loaded, listed.round_file, document)


def load_round(evidence: PathLike | t.Iterable[PathLike] | RoundFiles, rubric: LoadedRubric | PathLike | None = None, *,
               on_file: t.Callable[[], None] | None = None, areas: bool = True) -> LoadedRound:
    """Read, validate and cross-check every record of a round (a folder, or record files), and
    the area overlay of its register; InvalidInput lists every problem of every file.

    `rubric` is a rubric file or bundled id (default: the one the records name), loaded with the
    register in force for the round; a LoadedRubric is used as it is (load it with
    `load_rubric(..., evidence=...)` for that register). `on_file` is called once per record
    file read, for progress. `areas=False` leaves the overlay unread (a round that is only
    compared against needs none).
    """
    from scorecard.areas import overlay_for
    from scorecard.evidence import load_round as load

    listed = _listed(evidence)
    loaded = rubric if _is_loaded_rubric(rubric) else load_rubric(t.cast("PathLike | None", rubric), evidence=listed)
    if listed.problems:
        raise InvalidInput(listed.problems)
    problems: list[Problem] = []
    overlay = None
    try:
        overlay = overlay_for(loaded) if areas else None
    except InvalidInput as error:
        problems += error.problems
    try:
        round_ = load(listed, loaded, on_file)
    except InvalidInput as error:
        problems += error.problems
    if problems:
        raise InvalidInput(problems)
    return LoadedRound(loaded, round_.records, round_.info, round_.sha256, round_.files, listed.paths, overlay)


def _is_loaded_rubric(value: t.Any) -> t.TypeGuard[LoadedRubric]:
    from scorecard.rubric import LoadedRubric

    return isinstance(value, LoadedRubric)


# ---------------------------------------------------------------- scoring


def score(round_: LoadedRound) -> Scorecard:
    """Score every body of a loaded round: the scorecard every output is written from."""
    from scorecard.rounds.status import with_timeliness

    # Only where the round has requests.csv; reckoned on the day round.json says the round closed.
    gathered_on = round_.info.gathered_on if round_.info is not None else None
    card: Scorecard = with_timeliness(_scored(round_), round_.paths, round_.rubric.register, gathered_on)
    return card.model_copy(update={"areas": round_.areas}) if round_.areas is not None else card


def check_comparable(before: LoadedRubric, after: LoadedRubric) -> None:
    """NotComparable unless both rounds answer one rubric (its versions may differ)."""
    if before.rubric.id != after.rubric.id:
        problem = Problem(str(before.path), "/id", f"the earlier round answers rubric {before.rubric.id!r} and the later {after.rubric.id!r}; "
                                                   "only rounds of one rubric can be compared", code="different-rubrics")
        raise NotComparable(problem, before.rubric.id, after.rubric.id)


def compare_rounds(before: LoadedRound, after: Scorecard, rubric: LoadedRubric) -> Scorecard:
    """`after` (a scorecard scored on `rubric`) with a `changes` block saying what changed since
    the earlier round `before`, body by body: across a reorganisation of the register through
    its successor mapping, and only on the criteria the two rubric versions share (see
    scorecard.compare). The earlier round is scored here: only its scores are compared."""
    from scorecard.compare import compare as compare_rounds, with_changes
    from scorecard.succession import between

    old = before.rubric
    check_comparable(old, rubric)
    succession = between(old.register.name, rubric.register.name)
    return with_changes(after, compare_rounds(_scored(before), after, old.rubric, rubric.rubric, succession))


def _scored(round_: LoadedRound) -> Scorecard:
    """The engine's scorecard of the round alone (no tracker, no overlay)."""
    from scorecard import collector
    from scorecard.engine import Provenance, score as score_round

    loaded = round_.rubric
    # The engine is pure and leaves the collector alone; scoring a large round makes as many
    # objects as loading it, and no cycles, so the API pauses the collector here, at its edge,
    # as loading does (scorecard.collector).
    with collector.paused():
        return score_round(loaded.rubric, round_.records, loaded.register, Provenance(loaded.sha256, round_.sha256, round_.info))


# ---------------------------------------------------------------- writing


def write(scorecard: Scorecard, rubric: LoadedRubric, out: PathLike, formats: t.Iterable[str] | None = None, *,
          notes: t.Callable[[str], None] | None = None, on_format: t.Callable[[], None] | None = None) -> list[Path]:
    """Write the scorecard's files into the folder `out` and return them.

    `formats` are names from FORMATS (default: DEFAULT_FORMATS); with xlsx comes the register's
    area CSV, when it has an overlay. The previous scorecard in `out` is replaced whole or not at
    all (scorecard.publish); files in `out` that scorecard does not write are left alone.
    `notes` hears what an interrupted earlier run left and what of the previous scorecard this
    one no longer writes; `on_format` is called as each asked-for format starts, for progress.
    """
    from scorecard.publish import LOCK, Busy, publish
    from scorecard.render import render_files

    chosen = list(DEFAULT_FORMATS if formats is None else formats)
    unknown = [name for name in chosen if name not in RENDERER_BY_FORMAT]
    if unknown or not chosen:  # no format at all would publish an empty scorecard over the last
        raise ValueError(f"unknown format {', '.join(unknown)}; the formats are {', '.join(FORMATS)}" if unknown else "no format to write")
    areas = scorecard.areas
    added = [AREAS_FORMAT] if areas is not None and "xlsx" in chosen and AREAS_FORMAT not in chosen else []
    tell = notes or (lambda text: None)

    def rendered() -> t.Iterator[tuple[str, bytes]]:
        # scorecard.json (the largest file by far) is held until the next file is staged;
        # rendered last, it is not held while the other formats render.
        for name in sorted(dict.fromkeys(chosen + added), key=lambda name: name == "json"):
            if on_format is not None and name not in added:
                on_format()
            yield from render_files(name, scorecard, rubric.rubric)

    folder = Path(out)
    try:
        # file by file as rendered, swapped in whole; an area CSV of an earlier run goes with it
        written, retired = publish(folder, rendered(), tell, [f"{areas.csv}.csv"] if areas is not None else [])
    except Busy:
        problem = Problem(str(folder), "", f"another scorecard run is writing into it (it holds {folder / LOCK})", code="output-busy")
        raise OutputBusy(problem, folder, folder / LOCK) from None
    if retired:
        tell(f"removed {', '.join(retired)} of the previous scorecard in {folder}, which this run does not write")
    return written
