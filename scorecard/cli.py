"""The command line: `scorecard validate | score | schema | template | import | rubric lint`.

Exit codes: 0 ok; 1 invalid input (nothing written); 2 usage error.
Commands only gather options and call the loaders, the engine and the renderers.
"""

from __future__ import annotations

import contextlib
import gc
import json
import sys
import typing as t
from pathlib import Path

import click

from scorecard import __version__
from scorecard.cli_inputs import UsageProblem, default_round as _default_round, evidence_paths as _evidence_paths, load_rubric_for as _load_rubric
from scorecard.problems import InvalidInput, Problem
from scorecard.quoting import one_line_json, quote, shown
from scorecard.render import AREAS_FORMAT, DEFAULT_FORMATS, PER_ORGANISATION_FORMAT, RENDERER_BY_FORMAT

if t.TYPE_CHECKING:
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


class _Group(click.Group):
    """Turns InvalidInput into exit 1 with one line per problem, and any other failure into one
    line (the traceback only with --debug): no input should ever show a traceback."""

    def invoke(self, ctx: click.Context) -> t.Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except InvalidInput as error:
            report_problems(error.problems, ctx.find_root().params.get("output_format", "text"))
            ctx.exit(1)
        except Exception as error:  # a bug in scorecard, not in the input
            if ctx.find_root().params.get("debug"):
                raise
            click.echo(f"scorecard: internal error: {type(error).__name__}: {shown(str(error), 300)} (rerun with --debug for details)", err=True)
            ctx.exit(1)


def report_problems(problems: t.Sequence[Problem], output_format: str = "text") -> None:
    if output_format == "json":
        payload = {
            "status": "fail",
            # file, pointer (the place as text), line and message as ever; code and a structured
            # location (kind: pointer, line, cell, column, key or elsewhere) since problems have codes.
            "problems": [
                {"code": p.code, "file": p.file, "pointer": p.pointer, "line": p.line, "message": p.message, "location": p.location()}
                for p in problems
            ],
        }
        click.echo(one_line_json(json.dumps(payload, indent=2, ensure_ascii=False)))
        return
    for problem in problems:
        click.echo(str(problem), err=True)
    files = len({p.file for p in problems})
    click.echo(
        f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {files} file{'s' if files != 1 else ''}; nothing was written.",
        err=True,
    )


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="scorecard")
@click.option("--debug", is_flag=True, help="Show the full traceback if scorecard itself fails.")
@click.option(
    "--output-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="How to report problems: text lines on stderr, or JSON on stdout (for CI).",
)
def cli(debug: bool, output_format: str) -> None:
    """Score public bodies against a policy framework rubric.

    A rubric (YAML) says what is asked and how answers score; evidence records (JSON, one per body
    per round) answer it; scorecard validates them, scores every body and writes the results.

    \b
    Examples:
      scorecard score                      # the bundled rubric and latest round -> ./scorecard-out/
      scorecard validate evidence/foi-2023 # check every record, report every problem
      scorecard compare evidence/foi-2023 evidence/illustrative-2026
      scorecard schema > evidence.schema.json
      scorecard rubric lint rubrics/my-rubric.yaml
    """


# ---------------------------------------------------------------- helpers


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


# ---------------------------------------------------------------- commands


@cli.command()
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
    from scorecard.areas import also_checking_overlay
    from scorecard.evidence import load_round

    evidence = _evidence_paths(paths)
    loaded = _load_rubric(rubric_ref, evidence)
    with also_checking_overlay(loaded):  # the register's area overlay, if any, is checked too
        round_ = load_round(evidence, loaded)
    if ctx.find_root().params["output_format"] == "json":
        click.echo(json.dumps({"status": "ok", "records": len(round_.records)}))
    else:
        click.echo(f"{len(round_.records)} records valid against {loaded.rubric.id} {loaded.rubric.version}.")


@cli.command()
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
    from scorecard.areas import overlay_for
    from scorecard.cli_inputs import publish_scorecard, refuse_output_among_inputs
    from scorecard.engine import Provenance, score as score_round
    from scorecard.evidence import load_round
    from scorecard.render import render_files
    from scorecard.round_files import evidence_files
    from scorecard.rounds.status import with_timeliness

    if out_dir.exists() and not out_dir.is_dir():
        raise click.UsageError(f"--out {shown(out_dir)} is a file; give a folder")
    evidence = _evidence_paths([evidence_dir] if evidence_dir else [])
    loaded = _load_rubric(rubric_ref, evidence)
    chosen = list(formats or DEFAULT_FORMATS)
    areas = overlay_for(loaded)  # the register's area overlay, if any: its CSV goes with xlsx
    chosen += [AREAS_FORMAT] if areas is not None and "xlsx" in chosen and AREAS_FORMAT not in chosen else []
    if per_organisation:
        if PER_ORGANISATION_FORMAT not in RENDERER_BY_FORMAT:
            raise click.UsageError("--per-organisation needs the Excel writer, which this build lacks")
        chosen.append(PER_ORGANISATION_FORMAT)
    files_to_read = len(evidence_files(evidence)[0])
    with _progress(files_to_read + len(chosen) + 1, quiet or files_to_read < PROGRESS_FROM) as step:
        round_ = load_round(evidence, loaded, on_file=step)
        earlier = [Path(compare_dir)] if compare_dir else []
        if compare_rubric_ref and Path(compare_rubric_ref).is_file():
            earlier.append(Path(compare_rubric_ref).parent)
        refuse_output_among_inputs(out_dir, [*evidence, loaded.path.parent, *earlier])
        # The records and the scorecard live until the end and hold no cycles; without this the
        # cyclic garbage collector walks them again and again, which makes 10,000 bodies take
        # half as long again (bench/RESULTS.md).
        gc.freeze()
        scorecard = score_round(
            loaded.rubric, round_.records, loaded.register, Provenance(loaded.sha256, round_.sha256, round_.info)
        )
        del round_  # the scorecard carries what the writers need; let the records go
        gc.freeze()
        if compare_dir is not None:
            scorecard = _with_changes(Path(compare_dir), compare_rubric_ref, loaded, scorecard)
        scorecard = with_timeliness(scorecard, evidence, loaded.register)  # only where the round has requests.csv
        scorecard = scorecard.model_copy(update={"areas": areas}) if areas is not None else scorecard

        def rendered() -> t.Iterator[tuple[str, bytes]]:
            # scorecard.json (over 100 MB at 10,000 bodies) is held until the next file is staged;
            # rendered last, it is not held while the other formats render.
            for name in sorted(dict.fromkeys(chosen), key=lambda name: name == "json"):
                step()
                yield from render_files(name, scorecard, loaded.rubric)

        # file by file as rendered, swapped in whole; an area CSV of an earlier run goes with it
        written = publish_scorecard(out_dir, rendered(), [f"{areas.csv}.csv"] if areas is not None else [])
        step()
    if quiet:
        return
    from scorecard.render.words import coverage_in_words, dates_in_words, no_reply_words

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
    click.echo(f"Wrote {len(written)} file{'s' if len(written) != 1 else ''} to {shown(out_dir)}/")


def _with_changes(old_dir: Path, old_rubric_ref: str | None, new: LoadedRubric, scorecard: t.Any) -> t.Any:
    """The scorecard with a `changes` block comparing it with the round in old_dir."""
    from scorecard.compare import compare as compare_rounds, with_changes
    from scorecard.engine import Provenance, score as score_round
    from scorecard.evidence import load_round
    from scorecard.succession import between

    old = _load_rubric(old_rubric_ref, [old_dir])
    if old.rubric.id != new.rubric.id:
        raise click.UsageError(
            f"the earlier round answers rubric {old.rubric.id!r} and this one {new.rubric.id!r}; only rounds of one rubric can be compared"
        )
    old_round = load_round([old_dir], old)
    earlier = score_round(old.rubric, old_round.records, old.register, Provenance(old.sha256, old_round.sha256, old_round.info))
    succession = between(old.register.name, new.register.name)
    return with_changes(scorecard, compare_rounds(earlier, scorecard, old.rubric, new.rubric, succession))


def _echo_changes(scorecard: t.Any) -> None:
    changes = scorecard.changes
    counts = {d: sum(b.direction == d for b in changes.bodies) for d in ("up", "down", "unchanged")}
    newly = sum(b.replied_now_not_before for b in changes.bodies)
    click.echo(
        f"Compared with round {changes.before.round}: {counts['up']} up, {counts['down']} down, {counts['unchanged']} unchanged, "
        f"{len(changes.bodies) - sum(counts.values())} not comparable; {newly} replied this time but not last."
    )
    if changes.split:
        click.echo("Split, not attributed: " + "; ".join(f"{s.code} -> {', '.join(s.successors)}" for s in changes.split))
    if changes.criteria_left_out:
        click.echo("Criteria left out of the comparison: " + ", ".join(f"{c.id} ({c.reason})" for c in changes.criteria_left_out))


@cli.command()
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


@cli.command()
@click.option("--rubric", "rubric_ref", metavar="PATH|ID", help="Rubric file or bundled rubric id (default: the bundled round's).")
def schema(rubric_ref: str | None) -> None:
    """Print the evidence JSON Schema (Draft 2020-12) derived from a rubric.

    The rubric alone decides which answers exist and which values they take; editors and other
    tools can validate records with this schema.

    \b
    Examples:
      scorecard schema > evidence.schema.json
      scorecard schema --rubric rubrics/my-rubric.yaml
    """
    from scorecard.evidence import evidence_schema

    loaded = _load_rubric(rubric_ref, [] if rubric_ref else [_default_round()])
    click.echo(json.dumps(evidence_schema(loaded.rubric), indent=2, ensure_ascii=False))


@cli.group(cls=_Group)
def rubric() -> None:
    """Work with rubric files.

    \b
    Example:
      scorecard rubric lint rubrics/my-framework.yaml
    """


@rubric.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def lint(path: Path) -> None:
    """Check a rubric: its schema, then its meaning (unique ids, conditions naming real criteria
    and values, caps on real sections, bands in order, a register that loads).

    \b
    Example:
      scorecard rubric lint rubrics/my-framework.yaml
    """
    from scorecard.areas import overlay_words
    from scorecard.rubric import load_rubric
    from scorecard.rubric_lint import lint_warnings

    loaded = load_rubric(path)
    overlay = overlay_words(loaded)  # the register's area overlay, if any, is checked too
    r = loaded.rubric
    for where, message in lint_warnings(r):
        click.echo(f"{path}: {where}: warning: {message}", err=True)
    click.echo(
        f"{path}: ok: {r.id} {r.version}, {len(r.sections)} sections, {len(r.criteria)} criteria, "
        f"{len(r.flags)} flags, {len(r.categories)} categories, {len(r.bands)} bands; "
        f"register {loaded.register.name} ({len(loaded.register.bodies)} bodies){overlay}"
    )


@cli.command()
@click.option("--org", "code", required=True, metavar="CODE", help="The body's code in the rubric's register.")
@click.option("--rubric", "rubric_ref", metavar="PATH|ID", help="Rubric file or bundled rubric id (default: the bundled round's rubric).")
@click.option("--round", "round_id", default="self-assessment", show_default=True, help="The round id the imported record will carry.")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The .xlsx file to write.")
@click.option("--force", is_flag=True, help="Overwrite --output if it exists.")
def template(code: str, rubric_ref: str | None, round_id: str, output: Path, force: bool) -> None:
    """Write a self-assessment workbook for one body to fill in, then `scorecard import` it.

    The workbook has an Instructions sheet, an Answers sheet (a block of rows per criterion:
    the question, its guidance and what each answer means, with dropdowns built from the
    rubric) and a Sources sheet; it prints on A4. Everything but the answer cells is locked
    (no password), so the structure survives being filled in.

    \b
    Examples:
      scorecard template --org QWE -o QWE-self-assessment.xlsx
      scorecard template --org AAA --rubric my-rubric.yaml --round self-2024 -o AAA.xlsx
    """
    import re

    from scorecard.output import write_all
    from scorecard.selfassess import template as make_template

    if output.suffix.lower() != ".xlsx":
        raise click.UsageError(f"-o {shown(output)}: the template is an Excel workbook; give a name ending in .xlsx")
    if output.exists() and not force:
        raise click.UsageError(f"{shown(output)} exists; give --force to overwrite it")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", round_id):
        raise click.UsageError(f"--round {quote(round_id)}: use letters, digits, '_', '.' and '-', starting with a letter or digit")
    loaded = _load_rubric(rubric_ref, [] if rubric_ref else [_default_round()])
    if code not in loaded.register:
        raise click.UsageError(f"--org {quote(code)} is not in the register {loaded.register.name!r} of rubric {loaded.rubric.id}")
    write_all(output.parent, {output.name: make_template(loaded, code, round_id)})
    click.echo(f"Wrote {shown(output)}: self-assessment for {shown(loaded.register[code].name, 200)} ({code}), "
               f"rubric {loaded.rubric.id} {loaded.rubric.version}.")


@cli.command("import")
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path), help="The evidence record to write (default: CODE.json here).")
@click.option("--force", is_flag=True, help="Overwrite --output if it exists.")
@click.option("--rubric", "rubric_ref", metavar="PATH|ID", help="Rubric file or bundled rubric id (default: the one the workbook was made from).")
def import_(workbook: Path, output: Path | None, force: bool, rubric_ref: str | None) -> None:
    """Read a filled-in self-assessment workbook into an evidence record (JSON) and validate it.

    Every problem names its sheet and cell (FILE: Answers!F7: message) and nothing is written.
    Values are read, never formulas: a cell holding a formula is refused. Refused outright:
    macro workbooks (.xlsm), files over 5 MB, files that are not .xlsx, and archives that would
    unpack to more than 50 MB.

    \b
    Examples:
      scorecard import QWE-self-assessment.xlsx                 # writes QWE.json here
      scorecard import QWE.xlsx -o evidence/self-2024/QWE.json --force
    """
    from scorecard.bundled import bundled_rubrics, find_rubric, find_rubric_option
    from scorecard.output import write_all
    from scorecard.rubric import load_rubric
    from scorecard.selfassess import import_workbook, open_workbook

    opened = open_workbook(workbook)
    bundled = ", ".join(bundled_rubrics()) or "none"
    # A path only from the command line; the workbook's own cell may only name a bundled rubric.
    path = find_rubric_option(rubric_ref) if rubric_ref else find_rubric(opened.meta["rubric id"])
    if path is None:
        named = quote(rubric_ref) if rubric_ref else f"{quote(opened.meta['rubric id'])} (named by the workbook)"
        raise UsageProblem(f"rubric {named} is neither a file given with --rubric nor a bundled rubric ({bundled})")
    loaded = load_rubric(path)
    record = import_workbook(opened, loaded)
    target = output or Path(f"{record['organisation']}.json")
    if target.exists() and not force:
        raise click.UsageError(f"{shown(target)} exists; give --force to overwrite it")
    data = (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    write_all(target.parent, {target.name: data})
    rubric = loaded.rubric
    left = [c for c in rubric.criteria if c not in record["answers"]]
    click.echo(f"Wrote {shown(target)}: {len(record['answers'])} of {len(rubric.criteria)} questions for {record['organisation']}, "
               f"valid against {rubric.id} {rubric.version}.")
    if left:
        click.echo(f"Left blank (scored as not answered): {', '.join(left)}")


from scorecard.cli_round import register_commands  # noqa: E402  (round, forms for every body, figures)

register_commands(cli)


def main() -> None:
    from scorecard.interrupt import run

    run(lambda: cli(prog_name="scorecard"))


if __name__ == "__main__":  # pragma: no cover
    main()
