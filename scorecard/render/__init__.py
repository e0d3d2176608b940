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
    "html": "scorecard.render.html:render",
    "xlsx": "scorecard.render.excel:render",  # also writes scorecard.csv beside it
    "xlsx-per-organisation": "scorecard.render.excel:render_per_organisation",
}

# What `scorecard score` writes when no --format is given; other formats are asked for by name
# (or by an option such as --per-organisation).
DEFAULT_FORMATS: tuple[str, ...] = tuple(f for f in ("json", "xlsx", "html") if f in RENDERER_BY_FORMAT)
PER_ORGANISATION_FORMAT = "xlsx-per-organisation"


def render(formats: t.Iterable[str], scorecard: Scorecard, rubric: Rubric) -> Rendered:
    out: Rendered = {}
    for name in formats:
        module, function = RENDERER_BY_FORMAT[name].split(":")
        out.update(getattr(importlib.import_module(module), function)(scorecard, rubric))
    return out
