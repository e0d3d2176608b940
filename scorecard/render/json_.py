"""scorecard.json: the whole result, machine-readable (the contract other tools rely on)."""

from __future__ import annotations

from scorecard.result import Scorecard
from scorecard.rubric import Rubric


def dumps(scorecard: Scorecard) -> bytes:
    # pydantic's own serialiser writes the same text as json.dumps(indent=2, ensure_ascii=False)
    # on the model's dump, about five times faster (bench/RESULTS.md).
    return (scorecard.model_dump_json(indent=2) + "\n").encode("utf-8")


def render(scorecard: Scorecard, rubric: Rubric) -> dict[str, bytes]:
    return {"scorecard.json": dumps(scorecard)}
