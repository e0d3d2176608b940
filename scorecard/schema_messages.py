"""Plain words for JSON Schema errors, with the offending value quoted short (scorecard.quoting).

jsonschema's own messages start with the whole value: a 1 MB note gives a 1 MB line, and "is too
long" does not say what the limit is. These keep jsonschema's wording where it is plain, show at
most about 80 characters of the value, and state the limit or the expected form.
"""

from __future__ import annotations

import typing as t
from urllib.parse import urlsplit

import jsonschema

from scorecard.quoting import MAX_QUOTED, quote, shown

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
