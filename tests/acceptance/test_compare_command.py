"""`scorecard compare` and `score --compare` end to end on the bundled rounds (the 2023 survey and
the illustrative 2026 round, across the 2025 reorganisation), and the register each round is
checked against by date. (The rules of a comparison, worked out by hand: unit/test_comparing_rounds.py.)"""

from __future__ import annotations

import json
import shutil
import typing as t
from pathlib import Path

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parents[2]
FOI = ROOT / "evidence" / "foi-2023"
ILLUSTRATIVE = ROOT / "evidence" / "illustrative-2026"


# ---------------------------------------------------------------- registers in force


def test_the_illustrative_round_is_checked_against_the_2026_register(run_line) -> None:
    result = run_line(["validate", ILLUSTRATIVE])
    assert "36 records valid" in result.stdout


def _copy_round(tmp_path: Path, **round_json: t.Any) -> Path:
    folder = tmp_path / "round"
    shutil.copytree(ILLUSTRATIVE, folder)
    info = json.loads((folder / "round.json").read_text("utf-8"))
    info.update(round_json)
    (folder / "round.json").write_text(json.dumps({k: v for k, v in info.items() if v is not None}), "utf-8")
    return folder


def test_a_round_gathered_before_the_reorganisation_uses_the_older_register(run_line, tmp_path: Path) -> None:
    folder = _copy_round(tmp_path, gathered_on="2025-06-30")
    result = run_line(["validate", folder], expect=1)
    assert "'Z9B2Z' is not in the register 'icbs-2022'" in result.stderr


def test_a_round_naming_a_register_outside_the_series_is_refused(run_line, tmp_path: Path) -> None:
    folder = _copy_round(tmp_path, register="nhs-scotland-health-boards", gathered_on=None)
    result = run_line(["validate", folder], expect=1)
    assert "round.json: /register: register 'nhs-scotland-health-boards' is not in the series" in result.stderr
    early = _copy_round(tmp_path / "x", gathered_on="2019-01-01")
    result = run_line(["validate", early], expect=1)
    assert "/gathered_on: no register of the rubric's series was in force on 2019-01-01" in result.stderr


# ---------------------------------------------------------------- end to end


@pytest.fixture(scope="module")
def compared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from click.testing import CliRunner

    from scorecard.cli import cli

    out = tmp_path_factory.mktemp("compared")
    result = CliRunner().invoke(cli, ["compare", str(FOI), str(ILLUSTRATIVE), "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Compared with round foi-2023" in result.stdout
    assert "Split, not attributed: QJG -> D7T5G, T6Y0W; QM7 -> D7T5G, S1Y5D; QNQ -> QRL, S0E4D, S9B9J" in result.stdout
    return out


def test_compare_command_writes_changes_through_the_merger_mapping(compared: Path, tmp_path: Path, run_line) -> None:
    data = json.loads((compared / "scorecard.json").read_text("utf-8"))
    changes = data["changes"]
    assert (changes["before"]["register_name"], changes["after"]["register_name"]) == ("icbs-2022", "icbs-2026")
    assert len(changes["bodies"]) == 36
    run_line(["score", FOI, "--out", tmp_path, "--format", "json", "-q"])
    earlier = {o["code"]: o for o in json.loads((tmp_path / "scorecard.json").read_text("utf-8"))["organisations"]}
    merged = next(b for b in changes["bodies"] if b["code"] == "Z9B2Z")
    assert [p["code"] for p in merged["predecessors"]] == ["QRV", "QMJ"]
    assert merged["percent_before"] == pytest.approx((earlier["QRV"]["percent"] + earlier["QMJ"]["percent"]) / 2)
    central = next(b for b in changes["bodies"] if b["code"] == "S1Y5D")
    assert [p["code"] for p in central["parts_not_counted"]] == ["QM7"]
    assert {s["code"] for s in changes["split"]} == {"QJG", "QM7", "QNQ"}


def test_score_with_compare_gives_the_same_scorecard(compared: Path, tmp_path: Path, run_line) -> None:
    run_line(["score", ILLUSTRATIVE, "--compare", FOI, "--out", tmp_path, "--format", "json", "-q"])
    assert (tmp_path / "scorecard.json").read_bytes() == (compared / "scorecard.json").read_bytes()


def test_change_sheet_and_site_column(compared: Path) -> None:
    book = openpyxl.load_workbook(compared / "scorecard.xlsx")
    assert "Change" in book.sheetnames and book.sheetnames[-1] == "Methodology"
    rows = list(book["Change"].iter_rows(values_only=True))
    header = next(r for r in rows if r and r[0] == "Code")
    assert "Change in words" in header
    z = next(r for r in rows if r and r[0] == "Z9B2Z")
    body = next(b for b in json.loads((compared / "scorecard.json").read_text("utf-8"))["changes"]["bodies"] if b["code"] == "Z9B2Z")
    arrow = {"up": "▲", "down": "▼", "unchanged": "="}[body["direction"]]
    assert z[header.index("Change in words")] == f"{arrow} {body['words']}"
    assert any(r and r[0] == "QM7" for r in rows)  # the split bodies are listed
    index = (compared / "site" / "index.html").read_text("utf-8")
    assert "Change since foi-2023</th>" in index
    assert '<span class="arrow arrow-up" aria-hidden="true">▲</span> up ' in index  # an arrow always has words
    assert "simple (unweighted) mean" in index
    page = (compared / "site" / "Z9B2Z.html").read_text("utf-8")
    assert "Formed from the whole of QRV and QMJ" in page


def test_rounds_of_different_rubrics_cannot_be_compared(run_line, tmp_path: Path) -> None:
    result = run_line(["compare", ROOT / "evidence" / "scotland-illustrative-2025", ILLUSTRATIVE, "--out", tmp_path], expect=2)
    assert "only rounds of one rubric can be compared" in result.stderr
    assert not any(tmp_path.iterdir())


def test_compare_help_has_examples(run_line) -> None:
    assert "Example" in run_line(["compare", "--help"]).stdout


def test_illustrative_round_says_so_everywhere() -> None:
    info = json.loads((ILLUSTRATIVE / "round.json").read_text("utf-8"))
    assert info["illustrative"] is True and "not real data" in info["title"]
    assert "not real data" in (ILLUSTRATIVE / "README.md").read_text("utf-8").lower()
    records = [json.loads(p.read_text("utf-8")) for p in sorted(ILLUSTRATIVE.glob("*.json")) if p.name != "round.json"]
    assert len(records) == 36
    for data in records:
        assert all("ILLUSTRATIVE" in s["title"] for s in data["sources"])
        assert all("ILLUSTRATIVE" in a["note"] for a in data["answers"].values())
        assert "ILLUSTRATIVE" in data["assessor"]
        if "reply" in data:
            assert "ILLUSTRATIVE" in data["reply"]["text"] and "ILLUSTRATIVE" in data["reply"]["note"]
    assert sum("reply" in d for d in records) == 2


def test_compare_across_rubric_versions_1_0_0_and_1_1_0(run_line, tmp_path: Path) -> None:
    # foi-2023 answers 1.1.0 (bundled); the illustrative 2026 round answers 1.0.0 (archived).
    archived = ROOT / "rubrics" / "archive" / "nhse-dfm-2023-1.0.0.yaml"
    result = run_line(["compare", FOI, ILLUSTRATIVE, "--rubric", archived, "--out", tmp_path, "--format", "json"])
    changes = json.loads((tmp_path / "scorecard.json").read_text("utf-8"))["changes"]
    assert (changes["before"]["rubric_version"], changes["after"]["rubric_version"]) == ("1.1.0", "1.0.0")
    left = {item["id"]: item["reason"] for item in changes["criteria_left_out"]}
    # MC1's guidance (what counts as naming a class) changed; MC2 and SV5 are new in 1.1.0.
    assert left == {
        "MC1": "its guidance changed between versions 1.1.0 and 1.0.0",
        "MC2": "not in rubric version 1.0.0",
        "SV5": "not in rubric version 1.0.0",
    }
    assert "PL1" in changes["criteria_compared"] and not set(left) & set(changes["criteria_compared"])
    assert all(c["id"] not in left for b in changes["bodies"] for c in b["criteria"])
    assert "Criteria left out of the comparison: MC1 (its guidance changed" in result.stdout
