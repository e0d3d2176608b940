"""What the commands share around the API (scorecard.api): the round and rubric the options name,
refusals worded in the options' terms, the check that an output folder is not one of the inputs,
and writing a scorecard with what publishing it noticed told on stderr.

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

if t.TYPE_CHECKING:
    from scorecard.api import RoundFiles
    from scorecard.result import Scorecard
    from scorecard.rubric import LoadedRubric


class UsageProblem(click.ClickException):
    """A usage error told in one line (exit 2), for refusals where click's usage text would only
    bury the reason."""

    exit_code = 2

    def format_message(self) -> str:
        return shown(self.message)


def default_round() -> Path:
    from scorecard.api import bundled_round

    try:
        return bundled_round()
    except InvalidInput:
        raise click.UsageError("no bundled evidence round; give an EVIDENCE folder") from None


def evidence_paths(paths: t.Sequence[str]) -> list[Path]:
    return [Path(p) for p in paths] if paths else [default_round()]


def load_rubric_for(reference: str | None, evidence: RoundFiles | None, option: str = "--rubric") -> LoadedRubric:
    """The rubric given by `option` on the command line, or else the bundled one the records name
    (scorecard.api.load_rubric), with a refusal worded for the command line."""
    from scorecard.api import RubricNotFound, load_rubric

    try:
        return load_rubric(reference, evidence=evidence)
    except RubricNotFound as error:
        bundled = ", ".join(error.bundled) or "none"
        if reference is not None:
            raise click.UsageError(f"{option} {quote(reference)} is neither a file nor a bundled rubric ({bundled})") from None
        if error.named is None:
            raise click.UsageError(f"cannot tell which rubric the evidence answers; give {option}") from None
        raise UsageProblem(
            f"the evidence names rubric {quote(error.named)}, which is not bundled ({bundled}); "
            f"evidence can only name a bundled rubric: give {option} PATH to use another"
        ) from None


def load_rubric_of_workbook(reference: str | None, named: t.Any) -> LoadedRubric:
    """For `scorecard import`: the rubric given with --rubric, or else the bundled one the
    workbook names (its own cell may only name a bundled rubric, never a path)."""
    from scorecard.api import RubricNotFound, load_rubric

    try:
        return load_rubric(reference, named=named)
    except RubricNotFound as error:
        words = quote(reference) if reference else f"{quote(named)} (named by the workbook)"
        raise UsageProblem(f"rubric {words} is neither a file given with --rubric nor a bundled rubric ({', '.join(error.bundled) or 'none'})") from None


def refuse_output_among_inputs(out: Path, inputs: t.Iterable[Path]) -> None:
    """Exit 2 when --out is, holds or lies inside an input: writing there would change the input,
    and the next run would read the scorecard as evidence."""
    target = out.resolve()
    for given in inputs:
        source = given.resolve()
        if target == source or source.is_relative_to(target) or target.is_relative_to(source):
            how = "is" if target == source else ("holds" if source.is_relative_to(target) else "lies inside")
            raise UsageProblem(f"--out {out} {how} the input {given}; write the scorecard to a folder of its own")


def write_scorecard(out: Path, scorecard: Scorecard, loaded: LoadedRubric, formats: t.Sequence[str],
                    on_format: t.Callable[[], None]) -> list[Path]:
    """Write the scorecard into out (scorecard.api.write), telling the user what an interrupted
    earlier run left and what of the previous scorecard this one no longer has."""
    from scorecard.api import OutputBusy, write

    def note(text: str) -> None:
        click.echo(f"scorecard: {shown(text)}", err=True)

    try:
        return write(scorecard, loaded, out, formats, notes=note, on_format=on_format)
    except OutputBusy:
        raise UsageProblem(
            f"another scorecard run is writing into {out} (it holds {out}/.scorecard.lock); wait for it to finish, or give another --out"
        ) from None
