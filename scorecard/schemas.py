"""The strict (wording) JSON Schema validator, reading patterns as JSON Schema means them.

JSON Schema patterns are ECMA-262 regular expressions, where `$` matches only at the very end of
the text. Python's `re` also lets `$` match before a final newline, so under jsonschema's own
`pattern` check `"foi-2023\\n"` passed as an id and `"#F4CCCC\\n"` as a colour (and reached a
workbook's styles), while jsonschema-rs, the fast validator, refused them. Here `$` outside a
character class becomes `\\Z`, which is what it means in the schema: both validators then decide
every pattern alike (tests/unit/test_schemas_and_models_agree.py holds them to it). The schemas themselves keep `$` and
`[0-9]` (not `\\d`, which is any Unicode digit in Python), so editors and other tools read them
the same way.
"""

from __future__ import annotations

import functools
import re
import typing as t

import jsonschema
from jsonschema import validators

if t.TYPE_CHECKING:
    from jsonschema.protocols import Validator


def ecma_pattern(pattern: str) -> str:
    """The pattern with each end anchor `$` (not escaped, not in a [class]) made `\\Z`."""
    out: list[str] = []
    escaped = in_class = False
    for character in pattern:
        if escaped:
            escaped = False
        elif character == "\\":
            escaped = True
        elif in_class:
            in_class = character != "]"
        elif character == "[":
            in_class = True
        elif character == "$":
            out.append("\\Z")
            continue
        out.append(character)
    return "".join(out)


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(ecma_pattern(pattern))


def _pattern(validator: t.Any, pattern: str, instance: t.Any, schema: t.Any) -> t.Iterator[jsonschema.ValidationError]:
    if validator.is_type(instance, "string") and not _compiled(pattern).search(instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


# types-jsonschema leaves validators.extend unannotated; the class it makes is a Validator.
StrictValidator: type[Validator] = validators.extend(jsonschema.Draft202012Validator, {"pattern": _pattern})  # type: ignore[no-untyped-call]


def strict_validator(schema: t.Mapping[str, t.Any]) -> Validator:
    """jsonschema's Draft 2020-12 validator with format checks and ECMA-262 end anchors."""
    return StrictValidator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
