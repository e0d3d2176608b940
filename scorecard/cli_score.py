"""`scorecard validate | score | compare`: check a round, score it, say what changed since an
earlier one. Each command reads its options, calls scorecard.api and reports; registered onto
the main group by scorecard/cli.py.
"""

from __future__ import annotations

import contextlib
import json
import sys
import typing as t
from pathlib import Path

import click

from scorecard.cli_inputs import evidence_paths, load_rubric_for
from scorecard.quoting import shown
from scorecard.render import AREAS_FORMAT, DEFAULT_FORMATS, PER_ORGANISATION_FORMAT, RENDERER_BY_FORMAT

if t.TYPE_CHECKING:
    from scorecard.result import Scorecard
    from scorecard.rubric import LoadedRubric

DEFAULT_OUT = Path("scorecard-out")
FORMATS = tuple(RENDERER_BY_FORMAT)

# Options shared by the commands that write scorecards.
_OUT_OPTION = click.option(
    "--out", "out_dir", type=click.Path(path_type=Path), default=DEFAULT_OUT, show_default=True, help="Folder to write the scorecards into."
)
_FORMAT_OPTION = click.option(
    "--format",
    "formats",
    type=click.Choice(FORMATS),
    multiple=True,
    help=f"Write only these formats (repeatable; default: {', '.join(DEFAULT_FORMATS)}; with xlsx also {AREAS_FORMAT}: "
    "the register's area overlay as CSV, if it has one).",
)

# A round this large takes a second or more to score and write; below it, no progress bar.
PROGRESS_FROM = 300


@contextlib.contextmanager
def _progress(steps: int, hidden: bool) -> t.Iterator[t.Callable[[], None]]:
    """A progress bar on stderr, only when stderr is a terminal (never in pipes, logs or CI)."""
    if hidden or not sys.stderr.isatty():
        yield lambda: None
        return
    with click.progressbar(length=steps, label="Scoring", file=sys.stderr, show_pos=True) as bar:
        yield lambda: bar.update(1)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=str))
@click.option("--rubric", "rubric_ref", metavar="PATH|ID", help="Rubric file or bundled rubric id (default: the one the records name).")
@click.pass_context
def validate(ctx: click.Context, paths: tuple[str, ...], rubric_ref: str | None) -> None:
    """Check evidence records against the rubric's schema, the register and each other.

    PATHS are record files or folders of them (default: the bundled round). Every problem of
    every file is reported, one line each: FILE: /json/pointer: message.

    \b
    Examples:
      scorecard validate evidence/foi-2023
      scorecard validate my-record.json --rubric my-framework
      scorecard --output-format json validate evidence/foi-2023
    """
    from scorecard import api

    evidence = api.list_round(evidence_paths(paths))
    loaded = load_rubric_for(rubric_ref, evidence)
    round_ = api.load_round(evidence, loaded)  # the register's area overlay, if any, is checked too
    if ctx.find_root().params["output_format"] == "json":
        click.echo(json.dumps({"status": "ok", "records": len(round_.records)}))
    else:
        click.echo(f"{len(round_.records)} records valid against {loaded.rubric.id} {loaded.rubric.version}.")


@click.command()
@click.argument("evidence_dir", required=False, type=click.Path(exists=True, file_okay=False, path_type=str))
@click.option("--rubric", "rubric_ref", metavar="PATH|ID", help="Rubric file or bundled rubric id (default: the one the records name).")
@_OUT_OPTION
@_FORMAT_OPTION
@click.option(
    "--per-organisation",
    is_flag=True,
    help="Also write one small workbook per body into organisations/ (what an MP wants for their own area).",
)
@click.option(
    "--compare",
    "compare_dir",
    type=click.Path(exists=True, file_okay=False, path_type=str),
    help="An earlier round to compare with: adds what changed to every output.",
)
@click.option("--compare-rubric", "compare_rubric_ref", metavar="PATH|ID", help="Rubric of the earlier round (default: the one its records name).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but problems.")
def score(
    evidence_dir: str | None,
    rubric_ref: str | None,
    out_dir: Path,
    formats: tuple[str, ...],
    per_organisation: bool,
    quiet: bool,
    compare_dir: str | None = None,
    compare_rubric_ref: str | None = None,
) -> None:
    """Score a round of evidence and write the scorecards.

    EVIDENCE_DIR is a folder of records, one per body (default: the bundled round). Writes
    scorecard.json into --out. Nothing is written if any record is invalid.

    \b
    Examples:
      scorecard score
      scorecard score evidence/foi-2023 --out public/
      scorecard score my-round/ --rubric my-rubric.yaml --format json
      scorecard score evidence/illustrative-2026 --compare evidence/foi-2023
    """
    from scorecard import api
    from scorecard.cli_inputs import refuse_output_among_inputs, write_scorecard

    if out_dir.exists() and not out_dir.is_dir():
        raise click.UsageError(f"--out {shown(out_dir)} is a file; give a folder")
    evidence = api.list_round(evidence_paths([evidence_dir] if evidence_dir else []))
    loaded = load_rubric_for(rubric_ref, evidence)
    chosen = list(formats or DEFAULT_FORMATS)
    if per_organisation:
        if PER_ORGANISATION_FORMAT not in RENDERER_BY_FORMAT:
            raise click.UsageError("--per-organisation needs the Excel writer, which this build lacks")
        chosen.append(PER_ORGANISATION_FORMAT)
    files_to_read = len(evidence.records)
    with _progress(files_to_read + len(chosen) + 1, quiet or files_to_read < PROGRESS_FROM) as step:
        round_ = api.load_round(evidence, loaded, on_file=step)
        earlier = [Path(compare_dir)] if compare_dir else []
        if compare_rubric_ref and Path(compare_rubric_ref).is_file():
            earlier.append(Path(compare_rubric_ref).parent)
        refuse_output_among_inputs(out_dir, [*evidence.paths, loaded.path.parent, *earlier])
        settle = _settle()
        settle()
        scorecard = api.score(round_)
        del round_  # the scorecard carries what the writers need; let the records go
        settle()
        if compare_dir is not None:
            scorecard = _with_changes(Path(compare_dir), compare_rubric_ref, loaded, scorecard)
        written = write_scorecard(out_dir, scorecard, loaded, chosen, on_format=step)
        step()
    if not quiet:
        _echo_summary(scorecard)
        click.echo(f"Wrote {len(written)} file{'s' if len(written) != 1 else ''} to {shown(out_dir)}/")


def _settle() -> t.Callable[[], None]:
    """What the process entry point asks done with what is loaded and kept (scorecard.cli.main:
    freeze it); nothing when the command runs inside another program."""
    settle = (click.get_current_context().find_root().obj or {}).get("settle")
    return t.cast(t.Callable[[], None], settle) if settle is not None else (lambda: None)


def _with_changes(old_dir: Path, old_rubric_ref: str | None, new: LoadedRubric, scorecard: Scorecard) -> Scorecard:
    """The scorecard with a `changes` block comparing it with the round in old_dir."""
    from scorecard import api

    old_files = api.list_round([old_dir])
    old = load_rubric_for(old_rubric_ref, old_files)
    try:
        api.check_comparable(old, new)  # before the earlier round is read
    except api.NotComparable:
        raise click.UsageError(
            f"the earlier round answers rubric {old.rubric.id!r} and this one {new.rubric.id!r}; only rounds of one rubric can be compared"
        ) from None
    return api.compare_rounds(api.load_round(old_files, old, areas=False), scorecard, new)


def _echo_summary(scorecard: Scorecard) -> None:
    from scorecard.round_words import coverage_in_words, dates_in_words, no_reply_words

    summary = scorecard.summary
    click.echo(
        f"{scorecard.rubric.title} ({scorecard.rubric.id} {scorecard.rubric.version}), round {scorecard.round}: "
        f"{summary.organisations} bodies, {summary.replied} replied, {summary.refused} refused, "
        f"{summary.no_reply} {no_reply_words(scorecard.round_info)}."
    )
    click.echo(f"{dates_in_words(scorecard.round_info, scorecard.evidence_as_of)}. {coverage_in_words(scorecard.round_info)}.")
    if summary.not_assessed:
        click.echo(f"No record for {len(summary.not_assessed)} bodies in the register: {', '.join(summary.not_assessed)}")
    for category in summary.categories:
        published = f"  (published: {category.published.count} of {category.published.of})" if category.published else ""
        click.echo(f"  {category.id}: {category.count} of {category.of}{published}")
    click.echo("Bands: " + ", ".join(f"{band} {count}" for band, count in summary.bands.items()))
    if scorecard.changes is not None:
        _echo_changes(scorecard)


def _echo_changes(scorecard: Scorecard) -> None:
    from scorecard.compare import change_counts

    changes = t.cast(t.Any, scorecard.changes)
    counts = change_counts(changes)
    click.echo(
        f"Compared with round {changes.before.round}: {counts['up']} up, {counts['down']} down, {counts['unchanged']} unchanged, "
        f"{counts['other']} not comparable; {counts['newly']} replied this time but not last."
    )
    if changes.split:
        click.echo("Split, not attributed: " + "; ".join(f"{s.code} -> {', '.join(s.successors)}" for s in changes.split))
    if changes.criteria_left_out:
        click.echo("Criteria left out of the comparison: " + ", ".join(f"{c.id} ({c.reason})" for c in changes.criteria_left_out))


@click.command()
@click.argument("old_dir", type=click.Path(exists=True, file_okay=False, path_type=str))
@click.argument("new_dir", type=click.Path(exists=True, file_okay=False, path_type=str))
@click.option("--rubric", "rubric_ref", metavar="PATH|ID", help="Rubric of the new round (default: the one its records name).")
@click.option("--old-rubric", "old_rubric_ref", metavar="PATH|ID", help="Rubric of the old round (default: the one its records name).")
@_OUT_OPTION
@_FORMAT_OPTION
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but problems.")
@click.pass_context
def compare(
    ctx: click.Context,
    old_dir: str,
    new_dir: str,
    rubric_ref: str | None,
    old_rubric_ref: str | None,
    out_dir: Path,
    formats: tuple[str, ...],
    quiet: bool,
) -> None:
    """Score NEW_DIR and say what changed since OLD_DIR, body by body.

    Writes the new round's scorecards with a `changes` block in scorecard.json, a Change sheet in
    the workbook and a change column on the site. Across a reorganisation of the register the
    bodies are matched through its successor mapping: a body formed from whole earlier bodies is
    compared with the simple mean of their results, and a body split between successors is shown
    as split, never attributed. Only criteria unchanged between the two rubric versions are
    compared. The same as `scorecard score NEW_DIR --compare OLD_DIR`.

    \b
    Examples:
      scorecard compare evidence/foi-2023 evidence/illustrative-2026 --out compared/
      scorecard compare old-round/ new-round/ --old-rubric rubric-v1.yaml --rubric rubric-v2.yaml
    """
    ctx.invoke(
        score,
        evidence_dir=new_dir,
        rubric_ref=rubric_ref,
        out_dir=out_dir,
        formats=formats,
        per_organisation=False,
        quiet=quiet,
        compare_dir=old_dir,
        compare_rubric_ref=old_rubric_ref,
    )
