"""A round folder: `round.json` (what the round is), a README for people, `requests.csv` (the
tracker), and in time the evidence records. Made by `scorecard round new`, read by the other
`scorecard round` commands."""

from __future__ import annotations

import json
import re
import typing as t
from pathlib import Path

from scorecard.loaders import MAX_EVIDENCE_BYTES, parse_json, read_bytes
from scorecard.problems import InvalidInput, Problem, pointer
from scorecard.resources import data_dir
from scorecard.schema_messages import plain_message
from scorecard.schemas import strict_validator
from scorecard.rounds.tracker import TRACKER_FILE, Request, load_tracker

if t.TYPE_CHECKING:
    from scorecard.rubric import LoadedRubric

ROUND_FILE = "round.json"
ROUND_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
KINDS = ("foi-response", "self-assessment", "desk-research")


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
        raise InvalidInput([Problem(str(path), "", f"has no {ROUND_FILE}; start a round with `scorecard round new`")])
    document = parse_json(read_bytes(file, MAX_EVIDENCE_BYTES, "round file"), str(file))
    schema = json.loads((data_dir("evidence") / "round.schema.json").read_text("utf-8"))
    errors = sorted(strict_validator(schema).iter_errors(document), key=lambda e: list(e.absolute_path))
    problems = [Problem(str(file), pointer(e.absolute_path), plain_message(e)) for e in errors]
    if not problems and "rubric" not in document:
        problems.append(Problem(str(file), "", 'names no rubric; add "rubric": ID (a bundled rubric id or a path)'))
    if problems:
        raise InvalidInput(problems)
    return t.cast(dict[str, t.Any], document)


def open_round(path: Path) -> RoundFolder:
    """The round in `path`, with its rubric, register and tracker, all checked."""
    from scorecard.quoting import quote
    from scorecard.rubric import find_rubric, find_rubric_option, load_rubric
    from scorecard.succession import for_round

    info = read_info(path)
    named = info["rubric"]
    # `round new` writes a bundled rubric's id, or the path of the rubric it was given. A path from
    # data is read only if it is a rubric file by name (.yaml), so a round.json cannot make
    # scorecard read, and echo, any file it likes (issue 14, cause 1).
    rubric_path = find_rubric(named) or (find_rubric_option(named) if isinstance(named, str) and named.endswith((".yaml", ".yml")) else None)
    if rubric_path is None:
        raise InvalidInput([Problem(str(path / ROUND_FILE), "/rubric", f"rubric {quote(named)} is neither a bundled rubric nor a rubric file (.yaml)")])
    loaded = for_round(load_rubric(rubric_path), [path])
    tracker = path / TRACKER_FILE
    if not tracker.is_file():
        raise InvalidInput([Problem(str(tracker), "", "no such file; every round folder has one (made by `scorecard round new`)")])
    return RoundFolder(path, info, loaded, load_tracker(tracker, loaded.register))
