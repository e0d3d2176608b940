"""The rounds the unit tests build in memory (tests/in_memory.py) are the rounds the command reads:
the tiny fixture scored from data gives the scorecard `scorecard score` gets from its files."""

from __future__ import annotations

import in_memory
from conftest import TINY, score_round

from scorecard.register import load_register
from scorecard.render.json_ import dumps


def test_the_tiny_register_in_memory_is_the_fixtures() -> None:
    assert in_memory.register() == load_register(TINY / "register.csv", "register.csv")


def test_the_tiny_round_scores_alike_from_memory_and_from_its_files() -> None:
    from_files = score_round(TINY / "rubric.yaml", TINY / "evidence")
    from_memory = in_memory.score(in_memory.tiny_records(), info=in_memory.tiny_round_info())
    # Only the provenance differs: digests of files that a round built in memory does not have.
    text = dumps(from_memory).decode().replace(in_memory.RUBRIC_SHA256, from_files.rubric.sha256)
    assert text.replace(in_memory.EVIDENCE_SHA256, from_files.evidence_sha256) == dumps(from_files).decode()
