"""Strict readers for the two input formats: rubric YAML and evidence JSON.

Both return plain data (dict, list, str, int, float, bool, None) or raise `InvalidInput`. They
refuse what the standard readers silently accept: duplicate keys (the last one would win and an
answer would be lost), NaN and Infinity, YAML tags that build objects, alias bombs, and files over
a stated size.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import stat
import typing as t
from pathlib import Path

import yaml

from scorecard.problems import InvalidInput, Problem, pointer

MAX_RUBRIC_BYTES = 2 * 1024 * 1024
MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
# A rubric of 1,000 criteria has about 30,000 nodes; an alias bomb expands into millions.
MAX_YAML_NODES = 200_000
MAX_DEPTH = 64


def regular_file_problem(path: Path) -> str | None:
    """Why path cannot be read as an input file without opening it, or None: a folder, a FIFO, a
    socket or a device is refused at once (opening a FIFO waits for a writer, for ever)."""
    mode = os.stat(path).st_mode
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a folder"
    kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file")
    return f"is {kind}, not a regular file; only regular files are read"


def read_bytes(path: Path, limit: int, what: str) -> bytes:
    name = str(path)
    try:
        refused = regular_file_problem(path)
        if refused == "is a folder":
            raise IsADirectoryError
        if refused:
            raise InvalidInput([Problem(name, "", refused, code="not-a-regular-file")])
        with path.open("rb") as handle:
            opened = os.fstat(handle.fileno())
            if not stat.S_ISREG(opened.st_mode):  # replaced since it was looked at
                raise InvalidInput([Problem(name, "", "is not a regular file; only regular files are read", code="not-a-regular-file")])
            size = opened.st_size
            if size > limit:
                raise InvalidInput(
                    [Problem(name, "", f"{what} is {size:,} bytes; the limit is {limit:,} bytes", code="file-too-large")]
                )
            # Ask for the size the file has, not the limit: read(limit + 1) would allocate
            # megabytes for every small record. One byte more shows a file holding more than
            # its size said (as /proc files do); then read on to the limit.
            data = handle.read(size + 1)
            if len(data) > size:
                data += handle.read(limit - size)
    except InvalidInput:
        raise
    except IsADirectoryError:
        raise InvalidInput([Problem(name, "", f"is a folder, expected a {what}", code="not-a-regular-file")]) from None
    except FileNotFoundError:
        raise InvalidInput([Problem(name, "", "no such file", code="no-such-file")]) from None
    except OSError as error:
        raise InvalidInput([Problem(name, "", f"cannot be read: {error.strerror or error}", code="unreadable-file")]) from None
    if len(data) > limit:
        raise InvalidInput([Problem(name, "", f"{what} is over the limit of {limit:,} bytes", code="file-too-large")])
    return data


def decode_text(data: bytes, name: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        raise InvalidInput(
            [Problem(name, "", "starts with a byte-order mark; save it as UTF-8 without BOM", code="byte-order-mark")]
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidInput(
            [Problem(name, "", f"is not UTF-8 text (bad byte at offset {error.start})", code="not-utf8")]
        ) from None


# ---------------------------------------------------------------- JSON


def _reject_duplicates(pairs: list[tuple[str, t.Any]]) -> dict[str, t.Any]:
    out = dict(pairs)
    if len(out) != len(pairs):  # rare: only then look for which key it was
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _JsonProblem(f'duplicate key "{key}" (each key may appear once)', code="duplicate-key")
            seen.add(key)
    return out


class _JsonProblem(ValueError):
    """A refusal inside the JSON decoder, with its problem code."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


def _reject_constant(name: str) -> t.NoReturn:
    raise _JsonProblem(f"{name} is not allowed in JSON evidence; use a number or leave it out", code="bad-number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _JsonProblem(f"number {text[:40]} is too large", code="bad-number")
    return value


# The strict reading: duplicate keys, NaN and Infinity, and floats too large to hold are refused
# (a byte-order mark is refused before, by decode_text, in our own words).
_DECODER = json.JSONDecoder(
    object_pairs_hook=_reject_duplicates, parse_constant=_reject_constant, parse_float=_finite_float
)


def parse_json(data: bytes, name: str) -> t.Any:
    """Parse evidence JSON strictly; problems name the file and the line."""
    text = decode_text(data, name)
    if not text.strip():
        raise InvalidInput([Problem(name, "", "is empty; expected a JSON object", code="empty-file")])
    try:
        document = _DECODER.decode(text)
    except json.JSONDecodeError as error:
        raise InvalidInput(
            [Problem(name, "", f"is not valid JSON: {error.msg} (column {error.colno})", error.lineno, code="not-json")]
        ) from None
    except _JsonProblem as error:
        raise InvalidInput([Problem(name, "", str(error), code=error.code)]) from None
    except RecursionError:
        raise InvalidInput([Problem(name, "", "is nested too deeply to be evidence", code="too-deep")]) from None
    except ValueError:  # an integer with more digits than Python will convert (over 4,300)
        raise InvalidInput([Problem(name, "", "holds a number too long to be read; evidence numbers are short", code="bad-number")]) from None
    lone = _lone_surrogate(text)
    if lone:
        raise InvalidInput([Problem(name, "", f"holds {lone.group(2)}, half of a character (a lone surrogate), "
                                              "which no output can store; write the character itself",
                                    text.count("\n", 0, lone.start(2)) + 1, code="lone-surrogate")])
    return document


def _lone_surrogate(text: str) -> re.Match[str] | None:
    """The first \\u escape in U+D800..U+DFFF that is not half of a high-low pair (group 2), or
    None. json.loads accepts one, but the string it makes cannot be written as UTF-8, so every
    output would fail on it. The precise pattern is slow on a long text and almost no file has
    such an escape at all, so a cheap look for one comes first: the JSON reader's one fast path."""
    return _LONE_SURROGATE.search(text) if _SURROGATE_ESCAPE.search(text) else None


# After an even run of backslashes, so that "\\ud800" (an escaped backslash, then text) is not one.
_LONE_SURROGATE = re.compile(
    r"(?<!\\)((?:\\\\)*)"
    r"(\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2})"
)
_SURROGATE_ESCAPE = re.compile(r"\\u[dD]")


def check_depth(value: t.Any, name: str, limit: int = MAX_DEPTH) -> None:
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            raise InvalidInput([Problem(name, "", f"is nested more than {limit} levels deep", code="too-deep")])
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)


# ---------------------------------------------------------------- YAML


class _StrictResolver(yaml.SafeLoader):
    """YAML 1.2-style booleans: only true/false, so an option called `no` stays a string."""


_StrictResolver.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictResolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)\Z"), list("tTfF")
)

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}


class YamlDocument(t.NamedTuple):
    data: t.Any
    lines: dict[str, int]  # JSON pointer -> 1-based line


def parse_yaml(data: bytes, name: str) -> YamlDocument:
    """Parse one YAML document into plain data, with the line of every node.

    We compose the node graph and build values ourselves, so no tag can construct an object and
    aliases are counted as they are expanded.
    """
    text = decode_text(data, name)
    try:
        # The reader checks every character as the loader is made, so this belongs in the try.
        loader = _StrictResolver(text)
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        raise InvalidInput(
            [Problem(name, "", f"holds a control character YAML does not allow (code {error.character!r:.12})", line, code="not-yaml")]
        ) from None
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        mark_line = mark.line + 1 if mark else None
        where = f" (column {mark.column + 1})" if mark else ""
        raise InvalidInput(
            [Problem(name, "", f"is not valid YAML: {error.problem or error}{where}", mark_line, code="not-yaml")]
        ) from None
    except yaml.YAMLError as error:
        raise InvalidInput([Problem(name, "", f"is not valid YAML: {error}", code="not-yaml")]) from None
    except RecursionError:  # the composer recurses once per level, a few hundred levels in
        raise InvalidInput([Problem(name, "", f"is nested more than {MAX_DEPTH} levels deep", code="too-deep")]) from None
    finally:
        loader.dispose()
    if root is None:
        raise InvalidInput([Problem(name, "", "is empty; expected a rubric", code="empty-file")])
    builder = _Builder(name, loader)
    return YamlDocument(builder.build(root, []), builder.lines)


class _Builder:
    def __init__(self, name: str, loader: yaml.SafeLoader) -> None:
        self.name = name
        self.loader = loader
        self.lines: dict[str, int] = {}
        self.count = 0

    def fail(self, node: yaml.Node, path: list[t.Any], message: str, *, code: str = "not-yaml") -> t.NoReturn:
        raise InvalidInput([Problem(self.name, pointer(path), message, node.start_mark.line + 1, code=code)])

    def build(self, node: yaml.Node, path: list[t.Any]) -> t.Any:
        self.count += 1
        if self.count > MAX_YAML_NODES:
            self.fail(node, path, f"expands to more than {MAX_YAML_NODES:,} values (alias bomb?)", code="too-deep")
        if len(path) > MAX_DEPTH:
            self.fail(node, path, f"is nested more than {MAX_DEPTH} levels deep", code="too-deep")
        self.lines.setdefault(pointer(path), node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            if node.tag != "tag:yaml.org,2002:map":
                self.fail(node, path, f"tag {node.tag} is not allowed; rubrics are plain data")
            out: dict[str, t.Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self.fail(key_node, path, "merge keys (<<) are not allowed; write the keys out")
                if not isinstance(key_node, yaml.ScalarNode):
                    self.fail(key_node, path, "keys must be plain text")
                key = str(key_node.value)
                if key in out:
                    self.fail(key_node, [*path, key], f'duplicate key "{key}" (each key may appear once)', code="duplicate-key")
                out[key] = self.build(value_node, [*path, key])
            return out
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                self.fail(node, path, f"tag {node.tag} is not allowed; rubrics are plain data")
            return [self.build(item, [*path, i]) for i, item in enumerate(node.value)]
        if node.tag not in _SCALAR_TAGS:
            self.fail(node, path, f"tag {node.tag} is not allowed; rubrics are plain data")
        try:
            value = self.loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError) as error:
            self.fail(node, path, f"cannot be read: {error}")
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        if isinstance(value, float) and not math.isfinite(value):
            self.fail(node, path, "must be a finite number", code="bad-number")
        return value
