"""After a plain (not editable) install, run from another folder, `scorecard score` works: the
rubrics, registers, evidence rounds, schemas and templates travel inside the wheel."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("scorecard-*.whl")
    return built


def test_the_wheel_carries_the_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "scorecard/_data/rubrics/rubric.schema.json" in names
    assert "scorecard/_data/evidence/evidence.schema.json" in names
    assert "scorecard/_data/evidence/default-round.txt" in names
    assert "scorecard/_data/rubrics/registers/icbs-2022.csv" in names
    assert any(n.startswith("scorecard/_data/templates/") for n in names)
    assert not any("__pycache__" in n or n.startswith("tests/") for n in names)


def test_score_runs_from_another_folder_after_a_plain_install(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # The installed copy comes first on the path; the dependencies come from this interpreter.
    env = {**os.environ, "PYTHONPATH": str(target)}
    where = subprocess.run(
        [sys.executable, "-c", "import scorecard; print(scorecard.__file__)"], cwd=elsewhere, env=env, capture_output=True, text=True, check=True
    )
    assert where.stdout.strip().startswith(str(target))
    result = subprocess.run(
        [sys.executable, "-m", "scorecard", "score"], cwd=elsewhere, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    data = json.loads((elsewhere / "scorecard-out" / "scorecard.json").read_text("utf-8"))
    assert data["summary"]["organisations"] == 42
