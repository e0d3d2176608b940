"""scorecard.json: the whole result, machine-readable (the contract other tools rely on)."""

from __future__ import annotations

import io

from scorecard.models.rubric import Rubric
from scorecard.result import OrganisationResult, Scorecard

# Where the organisations go in the dump of a scorecard whose list of them is empty. Pretty JSON
# keeps raw newlines out of strings, so this text can only be the top-level key.
_EMPTY = b'\n  "organisations": []'
_LEVEL = b"\n    "  # an organisation's lines sit two levels deep


def dumps(scorecard: Scorecard) -> bytes:
    """The same bytes as pydantic's own dump of the whole scorecard, with indent=2, plus a newline.

    Pydantic's serialiser writes the same text as json.dumps(indent=2, ensure_ascii=False) on the
    model's dump, about five times faster (bench/RESULTS.md). At 10,000 bodies the text is over
    100 MB, and one call would hold it twice (the serialiser's buffer, then the bytes copied out
    of it), so the bodies are dumped one by one into a growing buffer whose bytes are handed
    over without a copy.
    """
    head, tail = _serialise(scorecard.model_copy(update={"organisations": []})).split(_EMPTY)
    out = io.BytesIO()
    out.write(head)
    out.write(_EMPTY[:-1])  # up to the opening bracket
    to_json = OrganisationResult.__pydantic_serializer__.to_json
    for position, organisation in enumerate(scorecard.organisations):
        out.write(b"," + _LEVEL if position else _LEVEL)
        out.write(to_json(organisation, indent=2).replace(b"\n", _LEVEL))
    out.write(b"\n  ]" if scorecard.organisations else b"]")
    out.write(tail)
    out.write(b"\n")
    return out.getvalue()


def _serialise(scorecard: Scorecard) -> bytes:
    return scorecard.__pydantic_serializer__.to_json(scorecard, indent=2)


def render(scorecard: Scorecard, rubric: Rubric) -> dict[str, bytes]:
    return {"scorecard.json": dumps(scorecard)}
