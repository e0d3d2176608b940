"""`scorecard schema | rubric lint | template | import`: what a rubric implies (its evidence schema,
its checks) and the self-assessment workbook of one body, out and back. Registered onto the main
group by scorecard/cli.py; the forms of every body of a round are in scorecard/cli_forms.py.
"""

from __future__ import annotations

import json
import typing as t
from pathlib import Path

import click

from scorecard.cli_inputs import default_round, load_rubric_for
from scorecard.quoting import quote, shown

if t.TYPE_CHECKING:
    from scorecard.rubric import LoadedRubric


def _rubric_or_the_bundled_rounds(rubric_ref: str | None) -> LoadedRubric:
    """The rubric named by --rubric, or else the one the bundled round's records name."""
    from scorecard.api import list_round

    return load_rubric_for(rubric_ref, None if rubric_ref else list_round([default_round()]))


@click.command()
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

    loaded = _rubric_or_the_bundled_rounds(rubric_ref)
    click.echo(json.dumps(evidence_schema(loaded.rubric), indent=2, ensure_ascii=False))


@click.group()
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


@click.command()
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
    from scorecard.render.template import template as make_template

    if output.suffix.lower() != ".xlsx":
        raise click.UsageError(f"-o {shown(output)}: the template is an Excel workbook; give a name ending in .xlsx")
    if output.exists() and not force:
        raise click.UsageError(f"{shown(output)} exists; give --force to overwrite it")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", round_id):
        raise click.UsageError(f"--round {quote(round_id)}: use letters, digits, '_', '.' and '-', starting with a letter or digit")
    loaded = _rubric_or_the_bundled_rounds(rubric_ref)
    if code not in loaded.register:
        raise click.UsageError(f"--org {quote(code)} is not in the register {loaded.register.name!r} of rubric {loaded.rubric.id}")
    write_all(output.parent, {output.name: make_template(loaded, code, round_id)})
    click.echo(f"Wrote {shown(output)}: self-assessment for {shown(loaded.register[code].name, 200)} ({code}), "
               f"rubric {loaded.rubric.id} {loaded.rubric.version}.")


@click.command("import")
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
    from scorecard.cli_inputs import load_rubric_of_workbook
    from scorecard.output import write_all
    from scorecard.selfassess import import_workbook, open_workbook

    opened = open_workbook(workbook)
    loaded = load_rubric_of_workbook(rubric_ref or None, opened.meta["rubric id"])
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
