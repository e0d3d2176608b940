"""What the site shows of a register's area overlay: the page of every area A-Z, each body's
areas, the national map and the footer's attribution. Only lookups and words; the templates lay
them out (and escape every text)."""

from __future__ import annotations

import typing as t

from scorecard.areas import AreaOverlay
from scorecard.problems import InvalidInput, Problem
from scorecard.register import SITE_PAGES
from scorecard.render.area_rows import response_words, share_words
from scorecard.render.hexmap import hex_map
from scorecard.render.html_view import View, percent
from scorecard.result import OrganisationResult, Scorecard


def area_page_name(areas: AreaOverlay, pages: t.Mapping[str, str]) -> str:
    """The overlay's page file; InvalidInput if it would collide with another page of the site
    (checked when the overlay is loaded too; this guards an overlay built in code)."""
    folded = areas.page.lower()
    if folded in SITE_PAGES or folded in {code.lower() for code in pages}:
        raise InvalidInput([Problem("overlay.json", "/page", f"page {areas.page!r} would replace another page of the site; choose another name",
                                    code="page-name-taken")])
    return f"{areas.page}.html"


class AreaView:
    """The overlay's lookups, built once for the whole site."""

    def __init__(self, scorecard: Scorecard, view: View, pages: t.Mapping[str, str]) -> None:
        assert scorecard.areas is not None
        self.areas = scorecard.areas
        self.view = view
        self.pages = pages
        self.organisations = {o.code: o for o in scorecard.organisations}
        self.by_area = self.areas.by_area()
        self.by_body = self.areas.by_body()
        self.page = area_page_name(self.areas, pages)
        self.map = hex_map(scorecard, view, pages, self.areas.map) if self.areas.map and self.areas.map.hexes else None

    def _body(self, code: str) -> dict[str, t.Any]:
        organisation = self.organisations.get(code)
        return {
            "code": code,
            "name": organisation.short_name if organisation else code,
            "href": self.pages.get(code) if organisation else None,
            "band": self.view.band(organisation) if organisation else None,
            "response": response_words(self.view.scorecard, organisation) if organisation else "not assessed",
            "percent": percent(organisation.percent) if organisation else "–",
        }

    def all_areas(self) -> list[dict[str, t.Any]]:
        """Every area A-Z, each with its bodies (largest share first), for the areas page."""
        out = []
        letter = None
        for code, shares in self.by_area.items():
            first = shares[0]
            initial = (first.area_name[:1] or "?").upper()
            out.append({
                "code": code,
                "name": first.area_name,
                "representative": first.representative,
                "anchor": f"letter-{initial}" if initial != letter and initial.isalnum() and initial.isascii() else None,
                "bodies": [{**self._body(s.body), "share": share_words(s)} for s in shares],
            })
            letter = initial
        return out

    def letters(self, rows: list[dict[str, t.Any]]) -> list[tuple[str, str]]:
        return [(r["anchor"].removeprefix("letter-"), r["anchor"]) for r in rows if r["anchor"]]

    def of_body(self, organisation: OrganisationResult) -> list[dict[str, t.Any]]:
        """The body's areas A-Z, with its share of each and the other bodies serving it."""
        out = []
        for share in sorted(self.by_body.get(organisation.code, []), key=lambda s: (s.area_name.casefold(), s.area_code)):
            others = [self._body(s.body) | {"share": share_words(s)} for s in self.by_area[share.area_code] if s.body != share.body]
            out.append({
                "code": share.area_code,
                "name": share.area_name,
                "representative": share.representative,
                "share": share_words(share),
                "others": others,
            })
        return out
