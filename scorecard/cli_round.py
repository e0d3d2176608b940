"""`scorecard round new | requests | record | status`: start a round, write its requests, track
the replies against the statutory deadline. Registered onto the main group by scorecard/cli.py;
the forms and figures commands are in scorecard/cli_forms.py.

Exit codes as everywhere: 1 for invalid data (every problem listed, nothing written), 2 for usage.
"""

from __future__ import annotations

import datetime as dt
import json
import typing as t
from pathlib import Path

import click

from scorecard.problems import InvalidInput, Key, Problem
from scorecard.vocabulary import KINDS

if t.TYPE_CHECKING:
    from scorecard.rounds.folder import RoundFolder


class IsoDate(click.ParamType):  # type: ignore[type-arg]  # generic in newer click only: subscripting it breaks click 8.1, which we allow
    """A date written YYYY-MM-DD; anything else is a usage error in words."""

    name = "YYYY-MM-DD"

    def convert(self, value: t.Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        if isinstance(value, dt.date):
            return value
        from scorecard.rounds.tracker import parse_date

        try:
            return t.cast(dt.date, parse_date(str(value)))
        except ValueError as error:
            self.fail(str(error), param, ctx)


DATE = IsoDate()
_ROUND_DIR = click.argument("folder", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))


# A rubric that is not bundled is named on the command line each time: round.json names it by id.
ROUND_RUBRIC = click.option("--rubric", "rubric_ref", metavar="PATH", help="The round's rubric file, when it is not a bundled rubric.")


def open_round(folder: Path, rubric_ref: str | None = None) -> RoundFolder:
    from scorecard.rounds.folder import open_round as open_

    if not folder.is_dir():
        raise click.UsageError(f"{folder} is not a round folder; start one with `scorecard round new {folder} --rubric ID --register ID`")
    return open_(folder, rubric_ref)


@click.group("round")
def round_group() -> None:
    """Run a round of requests: start it, write the requests, track the replies.

    \b
    Example, the loop:
      scorecard round new rounds/foi-2026 --rubric my-framework --register my-bodies-2026
      scorecard round requests rounds/foi-2026 --sent 2026-09-01
      scorecard round record rounds/foi-2026 QKK --replied 2026-09-24
      scorecard round status rounds/foi-2026
    """


@round_group.command("new")
@_ROUND_DIR
@click.option("--rubric", "rubric_ref", required=True, metavar="ID|PATH", help="The rubric the round answers.")
@click.option("--register", "register", required=True, metavar="ID", help="The bundled register of bodies to ask (in the series of the rubric's register).")
@click.option("--title", help="The round's title (default: the rubric's title and the round id).")
@click.option("--kind", type=click.Choice(KINDS), default="foi-response", show_default=True,
              help="What kind of evidence the round gathers.")
def new(folder: Path, rubric_ref: str, register: str, title: str | None, kind: str) -> None:
    """Start a round in DIR: round.json, a README to fill in, and requests.csv, the tracker (one
    row per body of the register). DIR's name is the round's id.

    \b
    Example:
      scorecard round new rounds/foi-2026 --rubric my-framework --register my-bodies-2026 \\
          --title "Freedom of Information survey of the 36 bodies, 2026"
    """
    from scorecard.bundled import bundled_rubrics, find_rubric, find_rubric_option
    from scorecard.output import write_all
    from scorecard.register import load_register
    from scorecard.rounds import folder as round_folder
    from scorecard.rounds.tracker import TRACKER_FILE, new_tracker, tracker_bytes
    from scorecard.rubric import load_rubric
    from scorecard.succession import load_index, register_for_round, registers_folder

    round_id = folder.resolve().name
    if not round_folder.ROUND_ID.fullmatch(round_id):
        raise click.UsageError(f"{folder}: the folder's name is the round id; use letters, digits, '_', '.' and '-' (at most 64)")
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise click.UsageError(f"{folder} exists and is not an empty folder; a new round needs a folder of its own")
    path = find_rubric_option(rubric_ref)  # a path is accepted from the command line only
    if path is None:
        raise click.UsageError(f"--rubric {rubric_ref!r} is neither a file nor a bundled rubric ({', '.join(bundled_rubrics())})")
    loaded = load_rubric(path)
    # round.json names the rubric by id only; a rubric that is not bundled is named again with
    # --rubric by each command that opens the round (a path is never read from data).
    named = loaded.rubric.id
    bundled = find_rubric(loaded.rubric.id) == path
    title = title or f"{loaded.rubric.title}: round {round_id}"
    document = round_folder.round_document(round_id, title, named, register, kind)
    # The round's register is checked the way every round's is: in the series of the rubric's.
    name = register_for_round(loaded.register.name, folder / round_folder.ROUND_FILE, json.loads(document), load_index())
    bodies = loaded.register if name == loaded.register.name else load_register(registers_folder() / f"{name}.csv", name)
    write_all(folder, {  # all three, or none
        round_folder.ROUND_FILE: document,
        "README.md": round_folder.readme(title, loaded.rubric.title, name, len(bodies.bodies)),
        TRACKER_FILE: tracker_bytes(new_tracker(bodies)),
    })
    loaded = loaded._replace(register=bodies)
    click.echo(f"Started round {round_id} in {folder}/: {len(loaded.register.bodies)} bodies of {loaded.register.name}, "
               f"rubric {loaded.rubric.id} {loaded.rubric.version}.")
    if not bundled:
        click.echo(f"Rubric {loaded.rubric.id} is not bundled: give --rubric {rubric_ref} to every command that opens this round.")
    click.echo(f"Next: fill in {folder}/README.md, then `scorecard round requests {folder} --sent YYYY-MM-DD`.")


@round_group.command("requests")
@_ROUND_DIR
@click.option("--sent", required=True, type=DATE, help="The day the requests are sent (received that day, as email is).")
@click.option("--org", "codes", multiple=True, metavar="CODE", help="Only these bodies (repeatable; default: every body not yet sent to).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="Folder for the requests (default: DIR/requests/).")
@click.option("--force", is_flag=True, help="Send again to bodies already sent to (their dates start afresh).")
@ROUND_RUBRIC
def requests_(folder: Path, sent: dt.date, codes: tuple[str, ...], out_dir: Path | None, force: bool, rubric_ref: str | None) -> None:
    """Write one request per body (CODE.txt, plain text to paste into an email) and record the
    sent date in requests.csv.

    Each request asks, under section 1 of the Freedom of Information Act 2000, for the recorded
    information answering the rubric's questions, grouped by section, says what kind of answer
    helps and gives the date a reply is due (the twentieth working day after receipt).

    \b
    Examples:
      scorecard round requests rounds/foi-2026 --sent 2026-09-01
      scorecard round requests rounds/foi-2026 --sent 2026-09-03 --org QKK --force
    """
    from scorecard.output import Staging
    from scorecard.rounds.deadlines import due_date
    from scorecard.rounds.requests import request_text
    from scorecard.rounds.tracker import Request, tracker_bytes

    opened = open_round(folder, rubric_ref)
    register = opened.loaded.register
    unknown = [c for c in codes if c not in register]
    if unknown:
        raise click.UsageError(f"--org {', '.join(unknown)}: not in the register {register.name!r}")
    chosen = [r for r in opened.requests if (r.code in codes if codes else r.sent is None or force)]
    problems = [
        Problem(str(opened.tracker), Key(r.code), f"already sent on {r.sent}; give --force to send again",
                code="already-sent") for r in chosen if r.sent is not None and not force
    ] + [Problem(str(opened.tracker), Key(r.code), "the request was withdrawn", code="request-withdrawn") for r in chosen if r.withdrawn]
    if problems:
        raise InvalidInput(problems)
    if not chosen:
        raise click.UsageError("every body has been sent a request already; give --org CODE --force to send one again")
    due = due_date(sent)
    target = out_dir or folder / "requests"
    letters, tracker = Staging(target), Staging(folder)
    updated = {r.code: Request(code=r.code, name=r.name, sent=sent, reference=r.reference, note=r.note) for r in chosen}
    try:
        for r in chosen:
            letters.stage(f"{r.code}.txt", request_text(opened.loaded.rubric, register[r.code], sent, due).encode("utf-8"))
        tracker.stage(opened.tracker.name, tracker_bytes([updated.get(r.code, r) for r in opened.requests]))
    except BaseException:
        letters.abort()
        tracker.abort()
        raise
    letters.commit()
    tracker.commit()
    click.echo(f"Wrote {len(chosen)} request{'s' if len(chosen) != 1 else ''} to {target}/ and recorded them as sent on {sent}.")
    click.echo(f"Received the same day, a reply is due by {due} (20 working days).")


@round_group.command("record")
@_ROUND_DIR
@click.argument("code")
@click.option("--replied", type=DATE, help="The body replied on this day.")
@click.option("--refused", type=DATE, help="The body refused on this day.")
@click.option("--exemption", default="", help="With --refused (or --replied, for a partial refusal): the exemption relied on, e.g. 'section 12 (cost limit)'.")
@click.option("--review-requested", "review_requested", type=DATE, help="An internal review was asked for on this day.")
@click.option("--complained", type=DATE, help="A complaint was made to the regulator on this day.")
@click.option("--withdrawn", is_flag=True, help="The request was withdrawn.")
@ROUND_RUBRIC
def record(folder: Path, code: str, replied: dt.date | None, refused: dt.date | None, exemption: str,
           review_requested: dt.date | None, complained: dt.date | None, withdrawn: bool, rubric_ref: str | None) -> None:
    """Record one step for body CODE in requests.csv (one step at a time).

    The step must follow what is recorded: a reply or refusal comes after the request, an internal
    review after a reply, a refusal or a missed deadline, a complaint after the request.

    \b
    Examples:
      scorecard round record rounds/foi-2026 QKK --replied 2026-09-24
      scorecard round record rounds/foi-2026 QWE --refused 2026-09-20 --exemption "section 12 (cost limit)"
      scorecard round record rounds/foi-2026 QWE --review-requested 2026-09-25
    """
    from scorecard.output import write_all
    from scorecard.rounds import tracker as tracking

    steps = {"replied": replied, "refused": refused, "review_requested": review_requested, "complained": complained}
    given = [name for name, day in steps.items() if day is not None] + (["withdrawn"] if withdrawn else [])
    if len(given) != 1:
        raise click.UsageError("give exactly one of --replied, --refused, --review-requested, --complained, --withdrawn")
    if exemption and given[0] not in ("replied", "refused"):
        raise click.UsageError("--exemption goes with --refused (or --replied, for a partial refusal)")
    opened = open_round(folder, rubric_ref)
    if code not in opened.loaded.register:
        raise click.UsageError(f"{code!r} is not in the register {opened.loaded.register.name!r}")
    action = given[0]
    try:
        changed = {r.code: tracking.record(r, action, steps.get(action), exemption) if r.code == code else r for r in opened.requests}
    except ValueError as error:
        raise InvalidInput([Problem(str(opened.tracker), Key(code), str(error), code="cannot-record")]) from None
    write_all(folder, {opened.tracker.name: tracking.tracker_bytes(list(changed.values()))})
    click.echo(f"{code}: now {changed[code].state}" + (f" ({steps[action]})" if steps.get(action) else "") + ".")


@round_group.command("status")
@_ROUND_DIR
@click.option("--on", "on", type=DATE, help="Reckon as on this day (default: today).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array, one object per body (code, state, due, overdue, ...).")
@click.option("--reviews", "reviews_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also write, into this folder, a request for an internal review for every body overdue or refused (CODE-review.txt).")
@ROUND_RUBRIC
def status(folder: Path, on: dt.date | None, as_json: bool, reviews_dir: Path | None, rubric_ref: str | None) -> None:
    """Every body with its state, due date and whether it is overdue (and by how many working
    days), most overdue first.

    \b
    Examples:
      scorecard round status rounds/foi-2026
      scorecard round status rounds/foi-2026 --on 2026-10-15 --json
      scorecard round status rounds/foi-2026 --reviews rounds/foi-2026/reviews
    """
    from scorecard.output import write_all
    from scorecard.rounds.requests import review_text
    from scorecard.rounds.status import describe, needs_review, status_rows

    opened = open_round(folder, rubric_ref)
    today = on or dt.date.today()
    rows = status_rows(opened.requests, today)
    if reviews_dir is not None:
        register, rubric = opened.loaded.register, opened.loaded.rubric
        texts = {
            f"{r.code}-review.txt": review_text(
                rubric, register[r.code], t.cast(dt.date, r.sent), t.cast(dt.date, r.due), r.answered,
                r.refused is not None, r.exemption, r.reference, today,
            ).encode("utf-8")
            for r in opened.requests if needs_review(r, today)
        }
        if texts:
            write_all(reviews_dir, texts)
        click.echo(f"Wrote {len(texts)} internal review request{'s' if len(texts) != 1 else ''} to {reviews_dir}/.", err=as_json)
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    width = max(len(r["code"]) for r in rows)
    click.echo(f"Round {opened.round_id} on {today}:")
    for row in rows:
        click.echo(f"  {row['code']:<{width}}  {row['state']:<16}  {describe(row, today)}  {row['name']}")
    overdue = sum(r["overdue"] for r in rows)
    answered = [r for r in rows if r["answered"]]
    late = sum(bool(r["late_working_days"]) for r in answered)
    click.echo(
        f"{len(rows)} bodies: {len(answered)} answered, refusals included ({len(answered) - late} in time, {late} late), "
        f"{overdue} overdue, {sum(r['state'] == 'sent' and not r['overdue'] for r in rows)} awaiting a reply not yet due, "
        f"{sum(r['state'] == 'not-sent' for r in rows)} not sent."
    )


@round_group.command("close")
@_ROUND_DIR
@click.option("--on", "on", type=DATE, help="The day the round closes (default: today).")
@click.option("--assessor", required=True, help="Who closes it (named in every record written).")
@ROUND_RUBRIC
def close(folder: Path, on: dt.date | None, assessor: str, rubric_ref: str | None) -> None:
    """Write the records of the bodies that refused or did not reply (from requests.csv), so the
    round can be scored: they are counted and named as such, never scored as zero. round.json
    gets `gathered_on`, the day the round closed.

    Only bodies without a record are written. A body that replied must have its record imported
    first, and one still within its deadline keeps the round open: both are errors.

    \b
    Example:
      scorecard round close rounds/foi-2026 --on 2026-11-02 --assessor "Survey team"
    """
    from scorecard.output import write_all
    from scorecard.rounds.status import closing_records

    opened = open_round(folder, rubric_ref)
    today = on or dt.date.today()
    have = {p.stem for p in folder.glob("*.json") if p.name != "round.json"}
    records, problems, skipped = closing_records(
        opened.requests, have, today, opened.loaded.rubric, opened.round_id, opened.info.get("kind", "foi-response"), assessor
    )
    if problems:
        raise InvalidInput([Problem(str(opened.tracker), Key(body), message, code=code) for code, body, message in problems])
    files = {f"{code}.json": (json.dumps(r, indent=2, ensure_ascii=False) + "\n").encode("utf-8") for code, r in records.items()}
    # The round's evidence is gathered as of today: round.json says so (and the timeliness of
    # the scored round is reckoned on that day).
    files["round.json"] = (json.dumps({**opened.info, "gathered_on": today.isoformat()}, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    write_all(folder, files)
    counts = {kind: sum(r["response"] == kind for r in records.values()) for kind in ("refused", "no-reply")}
    click.echo(f"Wrote {len(records)} records to {folder}/: {counts['refused']} refused, {counts['no-reply']} did not reply.")
    if skipped:
        click.echo(f"Not sent or withdrawn, no record written: {', '.join(skipped)}")


def register_commands(cli: click.Group) -> None:
    """Add the round, forms and figures commands to the main group."""
    from scorecard import cli_forms

    cli.add_command(round_group)
    cli_forms.register_commands(cli)
