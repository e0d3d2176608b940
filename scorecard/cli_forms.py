"""Forms for every body of a round, and published figures:

* `scorecard template --all --round DIR --out-dir FOLDER` and `scorecard import FILE... --into DIR`
  extend the one-workbook commands of scorecard/cli_rubric.py: they loop over the same template writer
  (scorecard/render/template.py) and importer (scorecard/selfassess.py), and hand the one-workbook forms to the original commands.
* `scorecard figures import FILE.csv --criterion ID --into DIR` (scorecard/rounds/figures.py).
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import re
from pathlib import Path

import click

from scorecard.cli_round import DATE
from scorecard.problems import Finding, InvalidInput, Problem


def _round_folder(value: str | None) -> Path | None:
    """--round names a round folder when it is one (it holds round.json); otherwise it is an id."""
    if value is not None and Path(value).is_dir() and (Path(value) / "round.json").is_file():
        return Path(value)
    return None


_TEMPLATE_MORE = """

For every body of a round (from `scorecard round new`), one workbook each, CODE.xlsx, carrying
the round's id, rubric and register (for an assessor encoding replies as much as for a
commissioner):

\b
Examples:
  scorecard template --all --round rounds/foi-2026 --out-dir forms/
  scorecard template --org QKK --org QWE --round rounds/foi-2026 --out-dir forms/
"""

_IMPORT_MORE = """

Many workbooks go into a round folder at once, as CODE.json: every problem of every workbook is
listed and nothing is written unless all are valid (or, with --valid-only, the valid ones are).
Records take the round's kind of evidence.

\b
Examples:
  scorecard import forms/*.xlsx --into rounds/foi-2026
  scorecard import forms/*.xlsx --into rounds/foi-2026 --valid-only
"""


def _extended_template(original: click.Command) -> click.Command:
    @click.command("template", help=inspect.cleandoc(original.help or "") + _TEMPLATE_MORE)
    @click.option("--org", "codes", multiple=True, metavar="CODE", help="The body's code in the register (repeatable with --out-dir).")
    @click.option("--all", "every", is_flag=True, help="One workbook for every body of the round's register (needs --round DIR and --out-dir).")
    @click.option("--rubric", "rubric_ref", metavar="PATH|ID", help="Rubric file or bundled rubric id (default: the round's, or the bundled round's).")
    @click.option("--round", "round_ref", default="self-assessment", show_default=True, metavar="ID|DIR",
                  help="The round id the imported record will carry, or a round folder (from `scorecard round new`): its id, rubric and register.")
    @click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path), help="The .xlsx file to write (one body).")
    @click.option("--out-dir", "out_dir", type=click.Path(file_okay=False, path_type=Path),
                  help="Folder for one workbook per body, CODE.xlsx (with --all or several --org).")
    @click.option("--force", is_flag=True, help="Overwrite workbooks that exist.")
    @click.pass_context
    def template(ctx: click.Context, codes: tuple[str, ...], every: bool, rubric_ref: str | None, round_ref: str,
                 output: Path | None, out_dir: Path | None, force: bool) -> None:
        folder = _round_folder(round_ref)
        if out_dir is None and not every and folder is None:
            if len(codes) != 1 or output is None:
                raise click.UsageError("give --org CODE and -o FILE.xlsx, or --all --round DIR --out-dir FOLDER")
            ctx.invoke(original, code=codes[0], rubric_ref=rubric_ref, round_id=round_ref, output=output, force=force)
            return
        if folder is None:
            raise click.UsageError(f"--round {round_ref!r} is not a round folder (no round.json); start one with `scorecard round new`")
        if every == bool(codes):
            raise click.UsageError("give --all, or --org CODE (repeatable), but not both")
        _write_templates(folder, rubric_ref, codes, output, out_dir, force)

    return template


def _write_templates(folder: Path, rubric_ref: str | None, codes: tuple[str, ...], output: Path | None, out_dir: Path | None, force: bool) -> None:
    from scorecard.output import write_all
    from scorecard.render.template import template as make_template
    from scorecard.rounds.folder import open_round

    opened = open_round(folder, rubric_ref)
    register = opened.loaded.register
    unknown = [c for c in codes if c not in register]
    if unknown:
        raise click.UsageError(f"--org {', '.join(unknown)}: not in the register {register.name!r}")
    chosen = list(codes) or list(register.bodies)
    if output is not None:
        if len(chosen) != 1 or out_dir is not None:
            raise click.UsageError("-o writes one workbook; for several give --out-dir FOLDER")
        out_dir, names = output.parent, {chosen[0]: output.name}
    elif out_dir is None:
        raise click.UsageError("give --out-dir FOLDER for the workbooks")
    else:
        names = {code: f"{code}.xlsx" for code in chosen}
    existing = [out_dir / n for n in names.values() if (out_dir / n).exists()]
    if existing and not force:
        raise click.UsageError(f"{len(existing)} workbook{'s' if len(existing) != 1 else ''} exist already (e.g. {existing[0]}); give --force to overwrite")
    # A form for a round of requests is for an assessor encoding a reply, not a body assessing itself.
    heading = "Self-assessment" if opened.info.get("kind", "foi-response") == "self-assessment" else "Evidence form"
    written = write_all(out_dir, ((names[c], make_template(opened.loaded, c, opened.round_id, heading)) for c in chosen))
    click.echo(f"Wrote {len(written)} workbook{'s' if len(written) != 1 else ''} to {out_dir}/ for round {opened.round_id} ({register.name}), "
               f"rubric {opened.loaded.rubric.id} {opened.loaded.rubric.version}.")


def _extended_import(original: click.Command) -> click.Command:
    @click.command("import", help=inspect.cleandoc(original.help or "") + _IMPORT_MORE)
    @click.argument("workbooks", metavar="FILE...", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
    @click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path),
                  help="The evidence record to write, for one workbook (default: CODE.json here).")
    @click.option("--into", "into", type=click.Path(file_okay=False, path_type=Path),
                  help="A round folder: import every workbook into it as CODE.json, all or nothing.")
    @click.option("--valid-only", is_flag=True, help="With --into: import the valid workbooks even if others have problems (exit 1 still).")
    @click.option("--force", is_flag=True, help="Overwrite records that exist.")
    @click.option("--rubric", "rubric_ref", metavar="PATH|ID", help="Rubric file or bundled rubric id (default: the one the workbook was made from).")
    @click.pass_context
    def import_(ctx: click.Context, workbooks: tuple[Path, ...], output: Path | None, into: Path | None, valid_only: bool, force: bool,
                rubric_ref: str | None) -> None:
        if into is None:
            if len(workbooks) != 1:
                raise click.UsageError("several workbooks go --into a round folder: scorecard import FILE... --into DIR")
            if valid_only:
                raise click.UsageError("--valid-only goes with --into DIR")
            ctx.invoke(original, workbook=workbooks[0], output=output, force=force, rubric_ref=rubric_ref)
            return
        if output is not None:
            raise click.UsageError("with --into, records are named CODE.json: leave out -o")
        _import_many(workbooks, into, valid_only, force, rubric_ref)

    return import_


def _import_many(workbooks: tuple[Path, ...], into: Path, valid_only: bool, force: bool, rubric_ref: str | None) -> None:
    from scorecard.output import write_all
    from scorecard.rounds.folder import open_round
    from scorecard.selfassess import import_workbook, open_workbook

    if not into.is_dir():
        raise click.UsageError(f"--into {into}: no such round folder")
    opened = open_round(into, rubric_ref)
    kind = opened.info.get("kind")
    problems: list[Problem] = []
    records: dict[str, bytes] = {}
    source: dict[str, Path] = {}
    bad: set[str] = set()
    for path in workbooks:
        try:
            record = import_workbook(open_workbook(path), opened.loaded)
        except InvalidInput as error:
            problems.extend(error.problems)
            bad.add(str(path))
            continue
        code = record["organisation"]
        found: list[Finding] = []
        if record["round"] != opened.round_id:
            found.append(Finding("mixed-rounds", "",
                                 f"the workbook is for round {record['round']!r}, not {opened.round_id!r} (make it with `scorecard template --round {into}`)"))
        if code in source:
            found.append(Finding("duplicate-body", "", f"{code} is also in {source[code]}; one workbook per body"))
        elif (into / f"{code}.json").exists() and not force:
            found.append(Finding("record-exists", "", f"{into / (code + '.json')} exists; give --force to replace it"))
        if found:
            problems.extend(Problem(str(path), where, message, code=problem) for problem, where, message in found)
            bad.add(str(path))
            continue
        source[code] = path
        if kind:
            record["kind"] = kind  # an assessor encoding a reply in a round of requests
        records[f"{code}.json"] = (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    if problems and not valid_only:
        raise InvalidInput(problems)
    written = write_all(into, records) if records else []
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        click.echo(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {len(bad)} workbook{'s' if len(bad) != 1 else ''}, not imported; "
                   f"imported the {len(written)} valid one{'s' if len(written) != 1 else ''} into {into}/.", err=True)
        raise click.exceptions.Exit(1)
    click.echo(f"Imported {len(written)} workbook{'s' if len(written) != 1 else ''} into {into}/ (round {opened.round_id}), "
               f"each valid against {opened.loaded.rubric.id} {opened.loaded.rubric.version}.")


@click.group("figures")
def figures_group() -> None:
    """Bring published figures into a round's records.

    \b
    Example:
      scorecard figures import measure.csv --criterion MD2 --into rounds/foi-2026
    """


@figures_group.command("import")
@click.argument("csv_file", metavar="FILE.csv", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--criterion", "criterion_id", required=True, metavar="ID", help="The number criterion the figures answer.")
@click.option("--into", "into", required=True, type=click.Path(file_okay=False, path_type=Path), help="The round folder whose records get the figures.")
@click.option("--months", default=12, show_default=True, type=click.IntRange(1, 120), help="How many of the latest months to combine.")
@click.option("--until", "until", metavar="YYYY-MM", help="The last month to take (default: the latest in the file).")
@click.option("--downloaded", type=DATE, help="When the file was downloaded (default: the file's modification date).")
@click.option("--title", "title", help="For a two-column file (code,value): what the figures are (the source's title).")
@click.option("--url", "url", help="For a two-column file: where the figures come from (http or https).")
@click.option("--accept-unit", is_flag=True, help="Take a measure whose unit differs from the criterion's as a stand-in (every note says so).")
@click.option("--force", is_flag=True, help="Replace an answer the records already give.")
@click.option("--rubric", "rubric_ref", metavar="PATH", help="The round's rubric file, when it is not a bundled rubric.")
def figures_import(csv_file: Path, criterion_id: str, into: Path, months: int, until: str | None, downloaded: dt.date | None,
                   title: str | None, url: str | None, accept_unit: bool, force: bool, rubric_ref: str | None) -> None:
    """Write a published measure into each body's record as the answer to a number criterion.

    FILE.csv is a measure-by-body download (columns measure, org_type, org_id, org_name, date,
    numerator, denominator, calc_value, percentile; one row per body per month), or a two-column
    file `code,value` with --title. The figure of a body is its latest --months months combined
    as one ratio: the sum of the numerators over the sum of the denominators (so each month
    counts by its size, and a missing month is left out and named); for a percentage measure it
    is that ratio x 100. The criterion must name the measure (`measure:` in the rubric) and its
    unit must be the criterion's; months outside the span the criterion expects are refused.
    Rows for codes not in the register are listed, not fatal. Only bodies with a record that
    replied get a figure; the rest are listed.

    \b
    Examples:
      scorecard figures import measure.csv --criterion MD2 --into rounds/foi-2026 --until 2025-10
      scorecard figures import rates.csv --criterion X1 --into my-round --title "Survey 2026" --url https://example.org/x
    """
    from scorecard.output import write_all
    from scorecard.rounds.figures import apply_figures, criterion_problem, read_figures
    from scorecard.rounds.folder import open_round

    if not into.is_dir():
        raise click.UsageError(f"--into {into}: no such round folder")
    opened = open_round(into, rubric_ref)
    found = opened.loaded.rubric.criteria.get(criterion_id)
    if found is None:
        raise click.UsageError(f"--criterion {criterion_id!r}: the rubric {opened.loaded.rubric.id} has no such criterion")
    if until is not None and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", until):
        raise click.UsageError(f"--until {until!r} is not a month; write YYYY-MM")
    refused = criterion_problem(found[1])
    if refused:
        raise click.UsageError(f"--criterion {criterion_id}: {refused}")
    figures = read_figures(csv_file, found[1], opened.loaded.register, months, until, downloaded, title, url, accept_unit)
    changed, report = apply_figures(into, figures, found[1], force, opened.loaded.rubric)
    if changed:
        write_all(into, changed)
    for line in report:
        click.echo(line)


def register_commands(cli: click.Group) -> None:
    cli.add_command(_extended_template(cli.commands["template"]))
    cli.add_command(_extended_import(cli.commands["import"]))
    cli.add_command(figures_group)
