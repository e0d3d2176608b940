import json

from conftest import TINY


def test_tiny_round_scores(run_line, tmp_path):
    run_line(["score", TINY / "evidence", "--rubric", TINY / "rubric.yaml", "--out", tmp_path])
    data = json.loads((tmp_path / "scorecard.json").read_text())
    assert [o["code"] for o in data["organisations"]] == ["AAA", "CCC", "BBB", "DDD", "EEE"]
