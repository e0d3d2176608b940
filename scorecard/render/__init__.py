"""Renderers: each turns a Scorecard (and the rubric, for methodology) into files.

A renderer returns {relative path: bytes}, or yields (relative path, bytes) pairs when it makes
many or large files (the site's pages, the workbooks), so the caller can stage each as it comes
and let it go. The caller replaces
the old outputs only when every format has rendered (scorecard.output), so a failure part-way
changes nothing. Renderers are imported only when used, so `scorecard --help` does not pay for
openpyxl or jinja2.
"""

from __future__ import annotations

import importlib
import typing as t

if t.TYPE_CHECKING:
    from scorecard.models.rubric import Rubric
    from scorecard.result import Scorecard

Rendered = dict[str, bytes]

# format name -> "module:function"
RENDERER_BY_FORMAT: dict[str, str] = {
    "json": "scorecard.render.json_:render",
    "html": "scorecard.render.html:render_pages",  # page by page
    "xlsx": "scorecard.render.excel:render",  # also writes scorecard.csv beside it
    "xlsx-per-organisation": "scorecard.render.excel:render_per_organisation",
    "areas": "scorecard.render.area_rows:render",  # the register's area overlay as CSV, if it has one
}

# What `scorecard score` writes when no --format is given; other formats are asked for by name
# (or by an option such as --per-organisation).
DEFAULT_FORMATS: tuple[str, ...] = tuple(f for f in ("json", "xlsx", "html") if f in RENDERER_BY_FORMAT)
# Written with `xlsx` (beside scorecard.csv) when the register has an area overlay.
AREAS_FORMAT = "areas"
PER_ORGANISATION_FORMAT = "xlsx-per-organisation"


def render_files(name: str, scorecard: Scorecard, rubric: Rubric) -> t.Iterator[tuple[str, bytes]]:
    """One format's files as (relative path, bytes) pairs, as the renderer produces them."""
    module, function = RENDERER_BY_FORMAT[name].split(":")
    produced = getattr(importlib.import_module(module), function)(scorecard, rubric)
    yield from produced.items() if isinstance(produced, dict) else produced


def render(formats: t.Iterable[str], scorecard: Scorecard, rubric: Rubric) -> Rendered:
    """Every file of the formats, in memory."""
    out: Rendered = {}
    for name in formats:
        out.update(render_files(name, scorecard, rubric))
    return out
