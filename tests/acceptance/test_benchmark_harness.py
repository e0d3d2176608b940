"""The benchmark harness runs (at a tiny size: the targets themselves live in bench/RESULTS.md,
never in timed tests)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_generate_is_deterministic_and_scoreable(tmp_path, run_line):
    for folder in ("a", "b"):
        subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "12", str(tmp_path / folder), "--seed", "3"], check=True, capture_output=True)
    first = sorted((tmp_path / "a" / "evidence").iterdir())
    assert len(first) == 13  # 12 records and round.json
    for path in first:
        assert path.read_bytes() == (tmp_path / "b" / "evidence" / path.name).read_bytes()
    responses = {json.loads(p.read_text())["response"] for p in first if p.name != "round.json"}
    assert "replied" in responses
    run_line(["score", tmp_path / "a" / "evidence", "--rubric", tmp_path / "a" / "rubric.yaml", "--out", tmp_path / "out"])
    assert (tmp_path / "out" / "scorecard.xlsx").is_file() and (tmp_path / "out" / "site" / "index.html").is_file()


def test_run_reports_every_stage(tmp_path):
    out = tmp_path / "RESULTS.md"
    subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--sizes", "6,9", "--runs", "1", "--out", str(out)], check=True, capture_output=True)
    report = out.read_text("utf-8")
    for stage in ("validate", "score", "json", "xlsx", "workbook", "html", "xlsx-floor", "html-floor", "command"):
        assert f"| {stage} |" in report
    assert "Machine:" in report and "records/s" in report and "the openpyxl write-only floor" in report


def test_import_benchmark_builds_workbooks_within_the_limits(tmp_path):
    out = tmp_path / "IMPORTS.md"
    subprocess.run([sys.executable, str(ROOT / "bench" / "imports.py"), "--runs", "1", "--out", str(out)], check=True, capture_output=True)
    report = out.read_text("utf-8")
    for name in ("rows, to the unpacked limit", "dense, to the sheet limit", "strings", "problems"):
        assert f"| {name} |" in report


def test_fastpaths_turns_each_fast_path_off_and_reports_it(tmp_path):
    out = tmp_path / "FASTPATHS.md"
    only = ["each distinct answer scored once", "organisation page looks sources up"]
    subprocess.run([sys.executable, str(ROOT / "bench" / "fastpaths.py"), "--size", "6", "--runs", "1", "--out", str(out),
                    *(arg for name in only for arg in ("--only", name))], check=True, capture_output=True)
    report = out.read_text("utf-8")
    assert "Machine:" in report
    for name in only:
        assert f"| {name} |" in report
