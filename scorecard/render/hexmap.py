"""The national map: one hexagon per body, laid out by the register's overlay, as inline SVG.

Worked out here at build time (no map library, no tiles, no script): the geometry of every hex,
its colour (the band's fill, or a hatch for a body with no score), the two lines of text it
carries (its short label, and the percent or "no score"), its link and its accessible name. The
template only lays these out, so every text is escaped by the template's autoescaping.
"""

from __future__ import annotations

import math
import typing as t

from scorecard.areas import MapLayout
from scorecard.render.area_rows import response_words
from scorecard.render.html_view import View, number, percent
from scorecard.result import Scorecard

SIZE = 30.0  # circumradius of a hex, in SVG units
GAP = 0.93  # hexes drawn a little smaller than their cells, so a focus ring shows all round
PAD = 6.0
HATCH_ID = "hatch-no-score"


def _corners(cx: float, cy: float) -> str:
    radius = SIZE * GAP
    points = []
    for k in range(6):  # pointy-topped: corners at 30, 90, ... degrees
        angle = math.radians(60 * k + 30)
        points.append(f"{number(round(cx + radius * math.cos(angle), 2))},{number(round(cy + radius * math.sin(angle), 2))}")
    return " ".join(points)


def hex_map(scorecard: Scorecard, view: View, pages: t.Mapping[str, str], layout: MapLayout) -> dict[str, t.Any]:
    """Everything the map template needs: viewBox size, and one entry per hex."""
    width = math.sqrt(3) * SIZE
    shifted = 1 if layout.layout == "odd-r" else 0  # rows whose parity is this are pushed right
    qs = [h.q for h in layout.hexes]
    rs = [h.r for h in layout.hexes]
    q_min, r_max = min(qs), max(rs)
    any_shift = any((h.r & 1) == shifted for h in layout.hexes)
    organisations = {o.code: o for o in scorecard.organisations}
    hexes = []
    for h in sorted(layout.hexes, key=lambda h: (-h.r, h.q)):  # north to south, west to east: reading order
        cx = PAD + width / 2 + (h.q - q_min) * width + (width / 2 if (h.r & 1) == shifted else 0)
        cy = PAD + SIZE + (r_max - h.r) * SIZE * 1.5  # north (larger r) at the top
        organisation = organisations.get(h.body)
        band = view.band(organisation) if organisation else None
        if organisation is None:
            status, name = "not assessed in this round", h.body
        elif band is not None:
            status, name = f"{band['label']}, {percent(organisation.percent)}", organisation.short_name
        else:
            status, name = f"No score ({response_words(scorecard, organisation)})", organisation.short_name
        hexes.append({
            "code": h.body,
            "label": h.label,
            "figure": percent(organisation.percent) if organisation is not None and band is not None else "no score",
            "href": pages.get(h.body) if organisation else None,
            "name": f"{name} ({h.label}): {status}" if h.label != name else f"{name}: {status}",
            "fill": band["fill"] if band else f"url(#{HATCH_ID})",
            "ink": band["text"] if band else "#0B0C0C",
            "scored": band is not None,
            "points": _corners(cx, cy),
            "x": number(round(cx, 2)),
            "y_label": number(round(cy - 3, 2)),
            "y_figure": number(round(cy + 13, 2)),
        })
    columns = max(qs) - q_min + 1 + (0.5 if any_shift else 0)
    rows = r_max - min(rs)
    return {
        "width": number(round(2 * PAD + columns * width, 2)),
        "height": number(round(2 * PAD + 2 * SIZE + rows * SIZE * 1.5, 2)),
        "hexes": hexes,
        "hatch": HATCH_ID,
        "attribution": layout.attribution,
        "note": layout.note,
        "unscored": sum(1 for h in hexes if not h["scored"]),
    }
