"""The command line: the `scorecard` group, how it reports problems and failures, and the entry
point. The commands are in cli_score.py (validate, score, compare), cli_rubric.py (schema, rubric
lint, template, import), cli_round.py (round) and cli_forms.py (forms for every body, figures);
each reads its options, calls scorecard.api (or the round modules) and reports.

Exit codes: 0 ok; 1 invalid input (nothing written); 2 usage error.
"""

from __future__ import annotations

import json
import typing as t

import click

from scorecard import __version__, cli_rubric, cli_score
from scorecard.cli_round import register_commands
from scorecard.problems import InvalidInput, Problem
from scorecard.quoting import one_line_json, shown


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


for _command in (cli_score.validate, cli_score.score, cli_score.compare, cli_rubric.schema, cli_rubric.rubric,
                 cli_rubric.template, cli_rubric.import_):
    cli.add_command(_command)
register_commands(cli)  # round, forms, figures: after template and import, which the forms commands extend


def main() -> None:
    """The `scorecard` command as a process of its own (the console script, `python -m scorecard`)."""
    import gc

    from scorecard.interrupt import run

    # Here only, where the command is the whole process, never for in-process callers (tests,
    # notebooks, the API): what `score` has loaded and scored lives until the process ends and
    # holds no cycles, so it is frozen (gc.freeze, never undone) and the cycle collector stops
    # walking it again and again while the outputs render (bench/run.py's command stage shows it).
    run(lambda: cli(prog_name="scorecard", obj={"settle": gc.freeze}))


if __name__ == "__main__":  # pragma: no cover
    main()
