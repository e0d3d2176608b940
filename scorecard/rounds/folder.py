"""A round folder: `round.json` (what the round is), a README for people, `requests.csv` (the
tracker), and in time the evidence records. Made by `scorecard round new`, read by the other
`scorecard round` commands."""

from __future__ import annotations

import json
import re
import typing as t
from pathlib import Path

from scorecard.loaders import MAX_EVIDENCE_BYTES, parse_json, read_bytes
from scorecard.problem_codes import schema_code
from scorecard.problems import InvalidInput, Problem, pointer
from scorecard.resources import data_dir
from scorecard.rounds.tracker import TRACKER_FILE, Request, load_tracker
from scorecard.schema_messages import plain_message
from scorecard.schemas import strict_validator

if t.TYPE_CHECKING:
    from scorecard.rubric import LoadedRubric

ROUND_FILE = "round.json"
ROUND_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


class RoundFolder(t.NamedTuple):
    path: Path
    info: dict[str, t.Any]
    loaded: LoadedRubric  # with the register the round is checked against
    requests: list[Request]

    @property
    def round_id(self) -> str:
        return str(self.info["round"])

    @property
    def tracker(self) -> Path:
        return self.path / TRACKER_FILE


def round_document(round_id: str, title: str, rubric_id: str, register: str, kind: str) -> bytes:
    info = {"round": round_id, "title": title, "rubric": rubric_id, "register": register, "kind": kind}
    return (json.dumps(info, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def readme(title: str, rubric_title: str, register: str, bodies: int) -> bytes:
    text = f"""# {title}

A round of requests for evidence against *{rubric_title}*, sent to the {bodies} bodies of the
register `{register}`. Fill in what is in brackets; keep it up to date as the round goes on.

* **Who runs it:** [names, and an address for replies]
* **How the requests were sent:** [email, from which address; to which address at each body]
* **What was asked:** the requests in `requests/` (written by `scorecard round requests`).
* **How replies become records:** [who encoded them, and how disagreements were settled]
* **Anything unusual:** [late replies agreed, requests clarified, bodies that asked for more time]

`requests.csv` tracks every request: one row per body, dates as YYYY-MM-DD. Leave `received`
blank when an email was received the day it was sent. `scorecard round status` shows who is
overdue; `scorecard round record` updates a row. You may also edit it by hand: every command
checks it first and names the line and column of anything wrong.
"""
    return text.encode("utf-8")


def read_info(path: Path) -> dict[str, t.Any]:
    """round.json, checked against the round schema; InvalidInput otherwise."""
    file = path / ROUND_FILE
    if not file.is_file():
        raise InvalidInput([Problem(str(path), "", f"has no {ROUND_FILE}; start a round with `scorecard round new`", code="no-such-file")])
    document = parse_json(read_bytes(file, MAX_EVIDENCE_BYTES, "round file"), str(file))
    schema = json.loads((data_dir("evidence") / "round.schema.json").read_text("utf-8"))
    errors = sorted(strict_validator(schema).iter_errors(document), key=lambda e: list(e.absolute_path))
    problems = [Problem(str(file), pointer(e.absolute_path), plain_message(e), code=schema_code(e)) for e in errors]
    if not problems and "rubric" not in document:
        problems.append(Problem(str(file), "", 'names no rubric; add "rubric": ID, the id of the rubric it answers', code="missing-key"))
    if problems:
        raise InvalidInput(problems)
    return t.cast(dict[str, t.Any], document)


def open_round(path: Path, rubric_option: str | None = None) -> RoundFolder:
    """The round in `path`, with its rubric, register and tracker, all checked. `rubric_option` is
    a rubric the user named on the command line (--rubric): the only way to use a rubric that is
    not bundled, since round.json, being data, names a rubric by id alone."""
    from scorecard.bundled import find_rubric, find_rubric_option
    from scorecard.quoting import quote
    from scorecard.rubric import load_rubric
    from scorecard.succession import for_round

    info = read_info(path)
    named = info["rubric"]
    # round.json is data: it names a rubric by id, never by path, or a round folder could make
    # scorecard read, and echo, any file it likes. A rubric file is read only when the user names
    # it with --rubric, and it must be the rubric round.json names.
    file = str(path / ROUND_FILE)
    if rubric_option is not None:
        rubric_path = find_rubric_option(rubric_option)
        if rubric_path is None:
            raise InvalidInput([Problem(rubric_option, "", "--rubric is neither a file nor a bundled rubric id", code="unknown-rubric")])
    else:
        rubric_path = find_rubric(named)
        if rubric_path is None:
            raise InvalidInput([Problem(file, "/rubric", f"rubric {quote(named)} is not a bundled rubric; give its file with --rubric PATH",
                                        code="unknown-rubric")])
    loaded = load_rubric(rubric_path)
    if loaded.rubric.id != named:
        raise InvalidInput([Problem(file, "/rubric", f"the round answers rubric {quote(named)}, but --rubric is {quote(loaded.rubric.id)}",
                                    code="wrong-rubric")])
    loaded = for_round(loaded, path / ROUND_FILE, info)  # round.json as read_info read it
    tracker = path / TRACKER_FILE
    if not tracker.is_file():
        raise InvalidInput([Problem(str(tracker), "", "no such file; every round folder has one (made by `scorecard round new`)", code="no-such-file")])
    return RoundFolder(path, info, loaded, load_tracker(tracker, loaded.register))
