"""Writing figures into a round's evidence records (`scorecard figures import ... --into DIR`):
each replied record gets the criterion's answer and the figures' source, is validated against
the rubric's evidence schema, and is returned as bytes for the caller to write; the report says,
line by line, which bodies were left out and why. The figures come from scorecard.rounds.figures.
"""

from __future__ import annotations

import json
import typing as t
from pathlib import Path

from scorecard.loaders import read_bytes
from scorecard.problem_codes import schema_code
from scorecard.problems import InvalidInput, Problem

if t.TYPE_CHECKING:
    from scorecard.models.rubric import Criterion
    from scorecard.rounds.figures import Figures


def apply_figures(into: Path, figures: Figures, criterion: Criterion, force: bool, rubric: t.Any) -> tuple[dict[str, bytes], list[str]]:
    """The records of the round that change, and what to tell the user, line by line."""
    from scorecard.evidence import RecordValidator, evidence_schema
    from scorecard.loaders import MAX_EVIDENCE_BYTES, parse_json

    validator = RecordValidator(evidence_schema(rubric))
    changed: dict[str, bytes] = {}
    problems: list[Problem] = []
    have_record, not_replied, kept, no_figure = set(), [], [], []
    for path in sorted(into.glob("*.json")):
        if path.name == "round.json":
            continue
        document = parse_json(read_bytes(path, MAX_EVIDENCE_BYTES, "evidence file"), str(path))
        code = document.get("organisation") if isinstance(document, dict) else None
        have_record.add(code)
        if code not in figures.values:
            if isinstance(document, dict) and document.get("response") == "replied":
                no_figure.append(str(code))
            continue
        if document.get("response") != "replied":
            not_replied.append(code)
            continue
        answers = document.setdefault("answers", {})
        if criterion.id in answers and not force:
            kept.append(code)
            continue
        answers[criterion.id] = {"value": figures.values[code], "source": figures.source["id"], "note": figures.notes[code]}
        document["sources"] = [s for s in document.get("sources", []) if s.get("id") != figures.source["id"]] + [figures.source]
        problems.extend(Problem(str(path), "/" + "/".join(map(str, e.absolute_path)), e.message, code=schema_code(e))
                        for e in validator.errors(document, str(path)))
        changed[path.name] = (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    if problems:
        raise InvalidInput(problems)
    no_record = sorted(set(figures.values) - have_record)
    report = [f"Wrote {criterion.id} into {len(changed)} record{'s' if len(changed) != 1 else ''} in {into}/ ({figures.source['title']})."]
    if figures.caveat:
        report.append("Note:" + figures.caveat)
    for words, codes in (
        ("Codes in the file that are not in the register, left out", figures.unknown_codes),
        ("Rows for other kinds of organisation, left out", figures.other_org_types),
        ("No record in the round yet, so no figure written", no_record),
        ("No figure in the file for the months taken", no_figure),
        ("Record says refused or no reply (such records carry no answers), not written", not_replied),
        (f"Already answer {criterion.id}, kept (give --force to replace)", kept),
    ):
        if codes:
            report.append(f"{words}: {', '.join(codes)}")
    for code, gaps in sorted(figures.missing_months.items()):
        report.append(f"{code}: {len(gaps)} month{'s' if len(gaps) != 1 else ''} missing ({', '.join(gaps)})"
                      + ("" if code in figures.values else ", no figure"))
    return changed, report
