"""How a piece of input is shown inside a message: escaped, on one line, and cut short.

Every code, file name, key and value a message repeats came from someone else's file. Printed raw,
a terminal escape in it could retitle or repaint the reader's terminal and a newline could forge a
second problem line; printed whole, one huge value makes a megabyte-long line. So every message
shows input through `quote` (a value, in quotes) or `shown` (a name, as it is), and the problem
lines pass through `one_line` once more before they are printed.
"""

from __future__ import annotations

import typing as t

# About one line of a terminal: enough to recognise a value, never a megabyte.
MAX_QUOTED = 80
# A message longer than this was built from something not cut by `quote` (a safety net only).
MAX_MESSAGE = 1_000

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_character(character: str) -> str:
    if character in _NAMED:
        return _NAMED[character]
    code = ord(character)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def one_line(text: str) -> str:
    """text with every character a terminal would not print as itself escaped: control characters
    (C0, DEL, C1: the terminal escapes), line and paragraph separators, bidirectional overrides and
    other format characters, unpaired surrogates (undecodable file names)."""
    if text.isprintable():  # the usual case, one pass in C
        return text
    return "".join(c if c.isprintable() else _escape_character(c) for c in text)


def _cut(text: str, limit: int) -> tuple[str, str]:
    if len(text) <= limit:
        return text, ""
    return text[:limit], f"... ({len(text):,} characters)"


def quote(value: object, limit: int = MAX_QUOTED) -> str:
    """A value for a message: text in quotes, escaped, at most `limit` characters of it followed
    by '... (N characters)'; other values as Python shows them, cut the same way."""
    if isinstance(value, str):
        kept, rest = _cut(value, limit)
        return "'" + one_line(kept).replace("'", "\\'") + "'" + rest
    kept, rest = _cut(repr(value), limit)
    return one_line(kept) + rest


def shown(name: object, limit: int | None = None) -> str:
    """A name (a file, a JSON pointer, a code) for a message, without quotes: escaped, and cut if
    a limit is given."""
    text = str(name)
    if limit is None:
        return one_line(text)
    kept, rest = _cut(text, limit)
    return one_line(kept) + rest


def listed(values: t.Iterable[object], limit: int = 20) -> str:
    """Values for a message, quoted and comma-separated, at most `limit` of them."""
    items = list(values)
    text = ", ".join(quote(v) for v in items[:limit])
    return text + (f" and {len(items) - limit:,} more" if len(items) > limit else "")


def one_line_json(text: str) -> str:
    """JSON text with every character a terminal would act on written as a \\u escape (JSON
    itself escapes only C0 controls): the same data to a JSON reader, inert on a terminal."""
    if text.isprintable() or all(c.isprintable() or c in "\n" for c in text):
        return text
    return "".join(c if c.isprintable() or c == "\n" else "".join(f"\\u{u:04x}" for u in _utf16(c)) for c in text)


def _utf16(character: str) -> list[int]:
    data = character.encode("utf-16-be", "surrogatepass")
    return [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2)]
