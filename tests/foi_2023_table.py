"""The body-by-body table in evidence/foi-2023/README.md, made from the records and the rules.

The table is never typed in: every answer and category in it comes from the records scored
against the bundled rubric, and the survey's name and one-line summary for each ICB come from the
record's `survey` source. tests/bundled/test_foi_2023_round.py checks that the README holds exactly this table.

    python tests/foi_2023_table.py            # print the table
    python tests/foi_2023_table.py --write    # put it into the README, between its markers
    python tests/foi_2023_table.py --check    # exit 1 if the README's table is out of date
"""

from __future__ import annotations

import re
import sys
import typing as t
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUND_DIR = ROOT / "evidence" / "foi-2023"
README = ROUND_DIR / "README.md"
RUBRIC = ROOT / "rubrics" / "nhse-dfm-2023.yaml"
START = "<!-- body-table:start (made by tests/foi_2023_table.py; do not edit by hand) -->"
END = "<!-- body-table:end -->"

# Short names for the classes, so that a row fits a page.
CLASS_SHORT = {
    "benzodiazepines": "benzo",
    "z-drugs": "z",
    "antidepressants": "AD",
    "opioids": "opioids",
    "gabapentin": "gaba",
    "pregabalin": "pregab",
}
COLUMNS = ("PL1", "SV1", "SV5", "MC1", "MC2")
HEADINGS = (
    "Name in the survey", "Code", "Register short name", "Survey's one-line summary (quoted)",
    "PL1 stage", "SV1 service", "SV5 drug-and-alcohol services", "MC1 classes", "MC2 main focus",
    "Categories from the rules",
)
_NAMED = re.compile(r'lists this ICB as "([^"]+)"')
_SUMMARY = re.compile(r'one-line summary: "(.*?)"\.')
_ORDER = {"replied": 0, "refused": 1, "no-reply": 2}


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _answer(result: t.Any) -> str:
    if result.outcome in ("not-answered", "not-assessed"):
        return "-"
    if result.outcome != "answered":
        return result.outcome
    if isinstance(result.value, list):
        return ", ".join(CLASS_SHORT.get(v, v) for v in result.value) or "-"
    return str(result.value)


def _survey(record: t.Any) -> tuple[str, str]:
    survey = next((s for s in record.sources if s.id == "survey"), None)
    reference = survey.reference if survey and survey.reference else ""
    named, summary = _NAMED.search(reference), _SUMMARY.search(reference)
    if named and summary:
        return named.group(1), f'"{summary.group(1)}"'
    return "not listed", "no reply"


def table() -> str:
    """The Markdown table, one row per ICB: replied, then refused, then no reply, by short name."""
    sys.path.insert(0, str(ROOT))
    from scorecard.engine import Provenance, score
    from scorecard.evidence import load_round
    from scorecard.rubric import load_rubric

    loaded = load_rubric(RUBRIC)
    round_ = load_round([ROUND_DIR], loaded)
    card = score(loaded.rubric, round_.records, loaded.register, Provenance(loaded.sha256, round_.sha256, round_.info))
    records = {r.organisation: r for r in round_.records}
    lines = ["| " + " | ".join(HEADINGS) + " |", "|" + "---|" * len(HEADINGS)]
    for o in sorted(card.organisations, key=lambda o: (_ORDER[o.response], o.short_name)):
        named, summary = _survey(records[o.code])
        results = {c.id: c for c in o.criteria}
        if o.response == "replied":
            answers = [_answer(results[cid]) for cid in COLUMNS]
            categories = ", ".join(o.categories) or "-"
        else:
            answers = [o.response] + ["-"] * (len(COLUMNS) - 1)
            categories = "not counted"
        cells = [named, o.code, o.short_name, summary, *answers, categories]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def with_table(readme: str, body: str) -> str:
    """The README text with the table between the markers replaced by `body`."""
    start, end = readme.index(START) + len(START), readme.index(END)
    return readme[:start] + "\n" + body + readme[end:]


def main(argv: list[str]) -> int:
    body = table()
    if "--write" in argv:
        README.write_text(with_table(README.read_text("utf-8"), body), "utf-8")
    elif "--check" in argv:
        text = README.read_text("utf-8")
        if with_table(text, body) != text:
            print(f"{README}: the body-by-body table is out of date; run python tests/foi_2023_table.py --write", file=sys.stderr)
            return 1
    else:
        sys.stdout.write(body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
