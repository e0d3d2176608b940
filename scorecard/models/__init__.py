"""The shapes: the pydantic models of a rubric (`models.rubric`) and of a round's evidence, its
records and its round.json (`models.record`).

Each model accepts what its published JSON Schema (rubrics/rubric.schema.json,
evidence/evidence.schema.json, evidence/round.schema.json) accepts: the same keys at every level,
the same required keys, the same types and enumerations, and nothing else (`extra="forbid"`).
The schemas alone check values (patterns, lengths, ranges, dates) and the loaders always run them
first; tests/unit/test_models_match_schemas.py holds each model and its schema to that division. A
model reads a key whose value is null as absent (a schema refuses null), so that its own dump,
which writes absent fields as null, reads back.

Import only the vocabulary and the condition language (scorecard.conditions) from the package:
loading and checking import the models, never the reverse.
"""

from __future__ import annotations

import typing as t

from pydantic import BeforeValidator, Strict

# JSON types, as the schemas have them. Pydantic's lax mode would take "3" or true for a number
# and "yes" for a boolean; the schemas take neither.
Number = t.Annotated[float, Strict()]  # an int is a number too (strict floats accept ints)
Boolean = t.Annotated[bool, Strict()]


def _integer(value: t.Any) -> t.Any:
    # JSON Schema's integer is any number with no fraction (3.0 is one), never text or a boolean.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("not an integer")
    return value


Integer = t.Annotated[int, BeforeValidator(_integer)]
