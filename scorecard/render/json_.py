"""scorecard.json: the whole result, machine-readable (the contract other tools rely on)."""

from __future__ import annotations

from scorecard.result import Scorecard
from scorecard.rubric import Rubric


def dumps(scorecard: Scorecard) -> bytes:
    # pydantic's own serialiser writes the same text as json.dumps(indent=2, ensure_ascii=False)
    # on the model's dump, about five times faster (bench/RESULTS.md).
    # Straight to bytes: at 10,000 bodies the text is over 100 MB, and a str copy would double it.
    return scorecard.__pydantic_serializer__.to_json(scorecard, indent=2) + b"\n"


def render(scorecard: Scorecard, rubric: Rubric) -> dict[str, bytes]:
    return {"scorecard.json": dumps(scorecard)}
