"""Plain words for JSON Schema errors, with the offending value quoted short (scorecard.quoting):
the one place a schema error is reworded, for rubrics, records, round files and round folders.

jsonschema's own messages start with the whole value: a 1 MB note gives a 1 MB line, and "is too
long" does not say what the limit is. These keep jsonschema's wording where it is plain, show at
most about 80 characters of the value, and state the limit or the expected form.
"""

from __future__ import annotations

import json
import typing as t
from urllib.parse import urlsplit

import jsonschema

from scorecard.quoting import MAX_QUOTED, listed, quote, shown

if t.TYPE_CHECKING:
    from scorecard.models.rubric import Rubric

ID_PATTERN = "^[A-Za-z0-9][A-Za-z0-9_.-]*$"
YEARS = (1900, 2100)


def subschema(error: jsonschema.ValidationError) -> t.Mapping[str, t.Any]:
    """The (sub)schema an error was raised against. A validator sets it on every error it yields;
    the type stubs also allow a bare boolean schema and "unset", which our schemas never give."""
    return t.cast(t.Mapping[str, t.Any], error.schema)


def instance(error: jsonschema.ValidationError) -> t.Any:
    """The value an error is about (set on every error a validator yields; the stubs also allow "unset")."""
    return error.instance


def _pattern_message(error: jsonschema.ValidationError) -> str:
    value, pattern, schema = error.instance, t.cast(str, error.validator_value), subschema(error)
    if schema.get("format") == "date":
        return f"{quote(value)}: the year must be from {YEARS[0]} to {YEARS[1]}"
    if pattern == ID_PATTERN:
        return f"{quote(value)} is not an id: use letters, digits, '_', '.' and '-', starting with a letter or digit, and nothing else"
    if pattern.startswith("^https?://"):
        if isinstance(value, str) and _has_user_information(value):
            return (f"{quote(value)} holds user information (the part before '@'), a way to disguise where a link "
                    "goes; give the address without it")
        return f"{quote(value)} is not a web address: it must start with http:// or https:// and a host name"
    if pattern.startswith("^#"):
        return f"{quote(value)} is not a colour: write it as # and six hex digits, e.g. #F4CCCC"
    if "\\." in pattern:
        return f"{quote(value)} is not a version: write it as MAJOR.MINOR.PATCH, e.g. 1.2.0"
    return f"{quote(value)} does not match {pattern!r}"


def _has_user_information(url: str) -> bool:
    try:
        return "@" in urlsplit(url).netloc
    except ValueError:
        return False


def plain_message(error: jsonschema.ValidationError) -> str:
    kind, value = error.validator, error.instance
    if kind == "maxLength" and isinstance(value, str):
        if len(value) > MAX_QUOTED:  # the quote ends with the length already
            return f"{quote(value)} is too long: the limit is {error.validator_value:,} characters"
        return f"{quote(value)} is too long: {len(value):,} characters; the limit is {error.validator_value:,}"
    if kind == "pattern":
        return _pattern_message(error)
    if kind == "format" and error.validator_value == "date":
        return f"{quote(value)} is not a date (YYYY-MM-DD)"
    if kind == "maximum":
        return f"{quote(value)} is too large: the most allowed is {error.validator_value:,}"
    if kind == "minimum":
        return f"{quote(value)} is too small: it must be at least {error.validator_value}"
    if kind == "exclusiveMinimum":
        return f"{quote(value)} is too small: it must be more than {error.validator_value}"
    if kind == "required":
        return error.message.replace("is a required property", "is required here")
    message, shown_whole = error.message, repr(value)
    if message.startswith(shown_whole):  # jsonschema begins with the value itself: cut it short
        return quote(value) + message[len(shown_whole):]
    return shown(message, 300)


def unknown_keys(error: jsonschema.ValidationError) -> t.Iterable[str]:
    return sorted(set(instance(error)) - set(subschema(error).get("properties", {})))


def _unknown_key(error: jsonschema.ValidationError, *, sort_allowed: bool) -> str:
    allowed = subschema(error).get("properties", {})
    return f"unknown key {listed(unknown_keys(error))}; allowed here: {', '.join(sorted(allowed) if sort_allowed else allowed)}"


def schema_message(error: jsonschema.ValidationError) -> str:
    """A rubric's schema error, made plainer for the common cases people hit."""
    if error.validator == "oneOf" and error.schema_path and "condition" in str(error.schema):
        return "not a valid condition: use all/any/not, or {criterion: ID, <operator>: ...} with exactly one operator"
    if error.validator == "additionalProperties":
        # A rubric's keys are many and written by hand: listed alphabetically, to be found.
        return _unknown_key(error, sort_allowed=True)
    return plain_message(error)


def evidence_message(error: jsonschema.ValidationError, rubric: Rubric) -> str:
    """A record's or round.json's schema error, in the rubric's terms where it is about the rubric."""
    path = list(error.absolute_path)
    if error.validator == "additionalProperties" and path in (["answers"], ["reply", "previous_answers"]):
        extra = sorted(set(instance(error)) - set(rubric.criteria))
        return f"unknown criterion {listed(extra)}; the rubric's criteria are {', '.join(rubric.criteria)}"
    if error.validator == "additionalProperties":
        # A record's keys are few: listed in the order the format documents them.
        return _unknown_key(error, sort_allowed=False)
    if error.validator == "maxProperties" and path == ["answers"]:
        return "a body that refused or did not reply has no answers; remove them or set response to replied"
    if error.validator == "const" and path == ["rubric", "id"]:
        return f"record is for rubric {quote(error.instance)}, but this is rubric {rubric.id!r}"
    if error.validator == "pattern" and path == ["rubric", "version"]:
        version = quote(error.instance)[1:-1] if len(str(error.instance)) <= 80 else quote(error.instance)
        return f"record is for version {version}, but this rubric is version {rubric.version}; the major version must match"
    answer_path = path[1:] if path[:2] == ["reply", "previous_answers"] else path  # an answer kept from before a revision
    if error.validator == "enum" and len(answer_path) >= 3 and answer_path[0] in ("answers", "previous_answers") and answer_path[2] == "value":
        allowed = ", ".join(json.dumps(v) for v in t.cast(list[t.Any], error.validator_value))
        return f"{shown(json.dumps(error.instance, ensure_ascii=False), 80)} is not one of: {allowed}"
    return plain_message(error)
