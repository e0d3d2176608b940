"""Renderers: each turns a Scorecard (and the rubric, for methodology) into files, in memory.

A renderer returns {relative path: bytes}; nothing touches the disk until every format has
rendered, so a failure part-way writes nothing. Renderers are imported only when used, so
`scorecard --help` does not pay for openpyxl or jinja2.
"""

from __future__ import annotations

import importlib
import typing as t

if t.TYPE_CHECKING:
    from scorecard.result import Scorecard
    from scorecard.rubric import Rubric

Rendered = dict[str, bytes]

# format name -> "module:function"
RENDERER_BY_FORMAT: dict[str, str] = {
    "json": "scorecard.render.json_:render",
}


def render(formats: t.Iterable[str], scorecard: Scorecard, rubric: Rubric) -> Rendered:
    out: Rendered = {}
    for name in formats:
        module, function = RENDERER_BY_FORMAT[name].split(":")
        out.update(getattr(importlib.import_module(module), function)(scorecard, rubric))
    return out
