"""scorecard.json: the whole result, machine-readable (the contract other tools rely on)."""

from __future__ import annotations

import json

from scorecard.result import Scorecard
from scorecard.rubric import Rubric


def dumps(scorecard: Scorecard) -> bytes:
    data = scorecard.model_dump(mode="json")
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def render(scorecard: Scorecard, rubric: Rubric) -> dict[str, bytes]:
    return {"scorecard.json": dumps(scorecard)}
