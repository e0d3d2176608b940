"""What the commands read before they do anything: the round, the rubric it answers, and the
checks that an output folder is not one of the inputs.

A rubric is found in one of two ways only. Named on the command line (--rubric) it may be a path
or a bundled rubric's id; named by data (a record's `rubric.id`, an earlier round's records) it
may only be the id of a bundled rubric, so no record can make scorecard read a file of its choice.
"""

from __future__ import annotations

import typing as t
from pathlib import Path

import click

from scorecard.problems import InvalidInput
from scorecard.quoting import quote, shown
from scorecard.resources import data_dir

if t.TYPE_CHECKING:
    from scorecard.rubric import LoadedRubric


class UsageProblem(click.ClickException):
    """A usage error told in one line (exit 2), for refusals where click's usage text would only
    bury the reason."""

    exit_code = 2

    def format_message(self) -> str:
        return shown(self.message)


def default_round() -> Path:
    marker = data_dir("evidence") / "default-round.txt"
    if not marker.is_file():
        raise click.UsageError("no bundled evidence round; give an EVIDENCE folder")
    return data_dir("evidence") / marker.read_text("utf-8").strip()


def evidence_paths(paths: t.Sequence[str]) -> list[Path]:
    return [Path(p) for p in paths] if paths else [default_round()]


def rubric_named_by(paths: t.Sequence[Path]) -> t.Any:
    """The rubric id the first readable record names, so --rubric can usually be left out."""
    from scorecard.loaders import MAX_EVIDENCE_BYTES, parse_json, read_bytes
    from scorecard.round_files import evidence_files

    try:
        files, _ = evidence_files(paths)
    except InvalidInput:
        return None
    for path in files:
        try:
            data = parse_json(read_bytes(path, MAX_EVIDENCE_BYTES, "evidence file"), str(path))
            return data["rubric"]["id"]
        except (InvalidInput, KeyError, TypeError):
            continue
    return None


def load_rubric_for(reference: str | None, evidence: t.Sequence[Path], option: str = "--rubric") -> LoadedRubric:
    """The rubric given by `option` on the command line, or else the bundled one the records name."""
    from scorecard.bundled import bundled_rubrics, find_rubric, find_rubric_option
    from scorecard.rubric import load_rubric
    from scorecard.succession import for_round

    bundled = ", ".join(bundled_rubrics()) or "none"
    if reference is None:
        named = rubric_named_by(evidence)
        if named is None:
            raise click.UsageError(f"cannot tell which rubric the evidence answers; give {option}")
        path = find_rubric(named)
        if path is None:
            raise UsageProblem(
                f"the evidence names rubric {quote(named)}, which is not bundled ({bundled}); "
                f"evidence can only name a bundled rubric: give {option} PATH to use another"
            )
    else:
        path = find_rubric_option(reference)
        if path is None:
            raise click.UsageError(f"{option} {quote(reference)} is neither a file nor a bundled rubric ({bundled})")
    # A round is checked against the register in force when it was gathered (round.json).
    return for_round(load_rubric(path), evidence)


def refuse_output_among_inputs(out: Path, inputs: t.Iterable[Path]) -> None:
    """Exit 2 when --out is, holds or lies inside an input: writing there would change the input,
    and the next run would read the scorecard as evidence."""
    target = out.resolve()
    for given in inputs:
        source = given.resolve()
        if target == source or source.is_relative_to(target) or target.is_relative_to(source):
            how = "is" if target == source else ("holds" if source.is_relative_to(target) else "lies inside")
            raise UsageProblem(f"--out {out} {how} the input {given}; write the scorecard to a folder of its own")


def publish_scorecard(out: Path, files: t.Iterable[tuple[str, bytes]], owned: t.Iterable[str] = ()) -> list[Path]:
    """Publish the files as the scorecard in out (scorecard.publish), telling the user what an
    interrupted earlier run left and what of the previous scorecard this one no longer has."""
    from scorecard.publish import Busy, publish

    def note(text: str) -> None:
        click.echo(f"scorecard: {shown(text)}", err=True)

    try:
        written, retired = publish(out, files, note, owned)
    except Busy:
        raise UsageProblem(
            f"another scorecard run is writing into {out} (it holds {out}/.scorecard.lock); wait for it to finish, or give another --out"
        ) from None
    if retired:
        note(f"removed {', '.join(retired)} of the previous scorecard in {out}, which this run does not write")
    return written
