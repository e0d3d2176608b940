"""A second framework with no engine change: Scotland's pain plan (Aim C) for the 14 Health Boards.

The rubric, register and illustrative round are data only; these tests prove the engine lints,
validates, scores and renders them, and that the engine's source names neither framework.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from scorecard.engine import Provenance, score as score_round
from scorecard.evidence import load_round
from scorecard.render import DEFAULT_FORMATS, render
from scorecard.rubric import load_rubric

ROOT = Path(__file__).resolve().parents[2]
RUBRIC = ROOT / "rubrics" / "scotland-pain-2022.yaml"
REGISTER = ROOT / "rubrics" / "registers" / "nhs-scotland-health-boards.csv"
ROUND = ROOT / "evidence" / "scotland-illustrative-2025"
ENGINE = ROOT / "scorecard"

# The 2019 GSS codes of the 14 territorial Health Boards (Fife, Tayside, Greater Glasgow and Clyde
# and Lanarkshire were recoded in 2018-19; their old codes S08000018/21/23/27 must not appear).
BOARD_CODES = {
    "S08000015", "S08000016", "S08000017", "S08000019", "S08000020", "S08000022", "S08000024",
    "S08000025", "S08000026", "S08000028", "S08000029", "S08000030", "S08000031", "S08000032",
}

# Words that belong to one framework or the other and so must live only in rubric and evidence
# data. Matched as case-insensitive substrings, so "prescrib" also catches "prescribing".
FRAMEWORK_WORDS = (
    "ICB", "integrated care", "opioid", "benzodiazepine", "gabapentin", "pregabalin", "z-drug",
    "morphine", "antidepressant", "FPM", "Faculty of Pain", "NHS", "Health Board", "Scotland",
    "Scottish", "withdrawal", "prescrib", "chronic pain", "constituenc", "Westminster", "Parliament",
)


def test_scotland_rubric_lints(run_line):
    result = run_line(["rubric", "lint", RUBRIC])
    assert "scotland-pain-2022 1.0.0" in result.stdout
    assert "register nhs-scotland-health-boards (14 bodies)" in result.stdout


def test_scotland_rubric_uses_every_answer_type_and_a_cap():
    rubric = load_rubric(RUBRIC).rubric
    assert rubric.organisation_label == "Health Board"
    assert {c.answer.type for _, c in rubric.criteria.values()} == {"choice", "multi", "number", "boolean"}
    assert any(flag.cap for flag in rubric.flags)
    assert all(c.clause.startswith("Implementation plan (2022), Aim C") for _, c in rubric.criteria.values())


def test_register_holds_the_fourteen_boards_with_their_2019_codes():
    with REGISTER.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["code"] for r in rows if not re.fullmatch(r"S08\d{6}", r["code"])] == []
    assert {r["code"] for r in rows} == BOARD_CODES
    assert len(rows) == 14
    names = {r["code"]: r["name"] for r in rows}
    assert names["S08000029"] == "NHS Fife"
    assert names["S08000030"] == "NHS Tayside"
    assert names["S08000031"] == "NHS Greater Glasgow and Clyde"
    assert names["S08000032"] == "NHS Lanarkshire"


def test_illustrative_round_validates(run_line):
    result = run_line(["validate", ROUND, "--rubric", RUBRIC])
    assert "14 records valid against scotland-pain-2022 1.0.0" in result.stdout


def test_illustrative_round_says_so_everywhere():
    info = json.loads((ROUND / "round.json").read_text("utf-8"))
    assert info["illustrative"] is True
    assert "not real data" in (ROUND / "README.md").read_text("utf-8").lower()
    responses = []
    for path in sorted(ROUND.glob("S08*.json")):
        record = json.loads(path.read_text("utf-8"))
        responses.append(record["response"])
        assert all(s["title"].startswith("Illustrative") for s in record["sources"]), path.name
        assert all(a["note"].startswith("Illustrative") for a in record["answers"].values()), path.name
    assert sorted(set(responses)) == ["no-reply", "refused", "replied"]


def test_illustrative_round_scores_and_renders_every_default_format(run_line, tmp_path):
    out = tmp_path / "out"
    run_line(["score", ROUND, "--rubric", RUBRIC, "--out", out, "--quiet"])

    # Every file each default format renders must have been written by the CLI.
    loaded = load_rubric(RUBRIC)
    round_ = load_round([ROUND], loaded)
    scorecard = score_round(loaded.rubric, round_.records, loaded.register, Provenance(loaded.sha256, round_.sha256, round_.info))
    for name in DEFAULT_FORMATS:
        expected = render([name], scorecard, loaded.rubric)
        assert expected, f"format {name} rendered nothing"
        missing = sorted(p for p in expected if not (out / p).is_file())
        assert missing == [], f"format {name}: not written: {missing}"

    data = json.loads((out / "scorecard.json").read_text("utf-8"))
    assert data["rubric"]["id"] == "scotland-pain-2022"
    assert data["round_info"]["illustrative"] is True
    assert {o["code"] for o in data["organisations"]} == BOARD_CODES
    summary = data["summary"]
    assert (summary["replied"], summary["refused"], summary["no_reply"]) == (10, 2, 2)
    assert summary["not_assessed"] == []

    # The one Board applying blanket targets has its prescribing section held at the cap.
    forth_valley = next(o for o in data["organisations"] if o["code"] == "S08000019")
    prescribing = next(s for s in forth_valley["sections"] if s["id"] == "prescribing")
    assert prescribing["capped_by"] == "blanket-reduction"
    assert prescribing["percent"] == 50.0 < prescribing["uncapped_percent"]
    # Bodies that did not answer are reported as such, never as a zero.
    silent = [o for o in data["organisations"] if o["response"] != "replied"]
    assert len(silent) == 4 and all(o["percent"] is None for o in silent)


def _framework_words_in(path: Path, shown: str) -> list[str]:
    found = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        lowered = line.lower()
        for word in FRAMEWORK_WORDS:
            if word.lower() in lowered:
                found.append(f"{shown}:{number}: {word!r} in {line.strip()!r}")
    return found


@pytest.mark.parametrize("word", ["ICB", "nhs", "Prescribing", "health board"])
def test_framework_word_check_catches_words_in_any_case(tmp_path, word):
    # Guards the check below: it must catch a word whatever its case, and report the line.
    probe = tmp_path / "probe.py"
    probe.write_text(f"x = 1\nlabel = 'the {word.swapcase()} list'\n", encoding="utf-8")
    hits = _framework_words_in(probe, "probe.py")
    assert len(hits) == 1 and hits[0].startswith("probe.py:2: ")


def test_engine_source_names_neither_framework():
    sources = sorted(ENGINE.rglob("*.py"))
    assert ENGINE / "engine.py" in sources
    found = [hit for path in sources for hit in _framework_words_in(path, str(path.relative_to(ROOT)))]
    assert found == [], "framework-specific words in the engine:\n" + "\n".join(found)
