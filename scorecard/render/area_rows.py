"""The area overlay as rows: one per area and body, for the mail-merge CSV, the workbooks' area
sheets and the site. Pure: a Scorecard in, rows out; no file is read or written here.

Every heading comes from the overlay's and the rubric's own words (its area and representative
labels, the organisation label), so the engine names no framework. Values are raw: the CSV writer here and
any workbook writer neutralise formula-like text as they do for every other cell.
"""

from __future__ import annotations

import re
import typing as t

from scorecard.areas import AreaOverlay, AreaShare
from scorecard.models.rubric import Rubric
from scorecard.render import csv_
from scorecard.render.html_view import band_styles, upper_first
from scorecard.result import OrganisationResult, Scorecard
from scorecard.round_words import no_reply_words, period_in_words
from scorecard.vocabulary import SITE_RESPONSE_WORDS as RESPONSE_WORDS

# Where `xlsx-per-organisation` writes each body's workbook (scorecard.render.excel).
WORKBOOK_PATH = "organisations/{code}.xlsx"

Cell = str | float | None


class AreaSheet(t.NamedTuple):
    """A sheet's content: a title, lines to show above the table (what the data is, its as-of
    date, the attribution the licences require), the column headings and the rows."""

    title: str
    notes: list[str]
    headings: list[str]
    rows: list[list[Cell]]


def share_words(share: AreaShare) -> str:
    """A share for reading: "all", or a percent with one decimal; "(estimated)" where it is."""
    text = "all" if share.share >= 0.9995 else f"{share.share * 100:.1f}%"
    return text + (" (estimated)" if share.estimated else "")


def long_date(iso: str) -> str:
    """2026-04-03 -> 3 April 2026 (the overlay's as-of date is checked to be a real date)."""
    return period_in_words(iso, iso)


def response_words(scorecard: Scorecard, organisation: OrganisationResult) -> str:
    """Why a body has no score, as the rest of the outputs word it ("did not reply" or the
    round's own wording, "refused to answer")."""
    if organisation.response == "no-reply":
        return no_reply_words(scorecard.round_info)
    return RESPONSE_WORDS[organisation.response].lower()


def _slug(words: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", words.lower()).strip("_") or "area"


def _columns(areas: AreaOverlay, rubric: Rubric) -> list[tuple[str, str]]:
    """(CSV name, sheet heading) of each column, in order, in the data's own words."""
    area, person, body = areas.area_label, areas.representative_label, rubric.organisation_label
    return [
        (f"{_slug(area)}_code", f"{upper_first(area)} code"),
        (_slug(area), upper_first(area)),
        (_slug(person), person),
        (f"{_slug(body)}_code", f"{upper_first(body)} code"),
        (_slug(body), upper_first(body)),
        ("share", f"Share of the {area} served by the {body}"),
        ("share_estimated", "Share estimated"),
        ("band", "Band"),
        ("percent", "Overall percent"),
        ("workbook", f"The {body}'s workbook"),
        (f"{_slug(person)}_as_of", f"{person} as of"),
    ]


def rows(scorecard: Scorecard, rubric: Rubric, only: OrganisationResult | None = None) -> list[list[Cell]]:
    """One row per area and body (areas A-Z, then bodies by share), or only the areas of one body."""
    areas = scorecard.areas
    if areas is None:
        return []
    organisations = {o.code: o for o in scorecard.organisations}
    labels = {b["id"]: b["label"] for b in band_styles(rubric)}
    out: list[list[Cell]] = []
    for shares in areas.by_area().values():
        for share in shares:
            if only is not None and share.body != only.code:
                continue
            organisation = organisations.get(share.body)
            out.append([
                share.area_code,
                share.area_name,
                share.representative,
                share.body,
                organisation.name if organisation else share.body,
                round(share.share, 4),
                "yes" if share.estimated else "no",
                _band_words(scorecard, organisation, labels),
                round(organisation.percent, 1) if organisation and organisation.percent is not None else None,
                WORKBOOK_PATH.format(code=share.body) if organisation else None,
                areas.as_of,
            ])
    return out


def _band_words(scorecard: Scorecard, organisation: OrganisationResult | None, labels: dict[str, str]) -> str:
    if organisation is None:
        return "Not assessed"
    if organisation.band:
        return labels.get(organisation.band, organisation.band)
    return f"No score: {response_words(scorecard, organisation)}"


def notes(scorecard: Scorecard, rubric: Rubric) -> list[str]:
    areas = scorecard.areas
    assert areas is not None
    return [
        f"{upper_first(areas.area_label_plural)} and their {areas.representative_label}s, with the share of each "
        f"{areas.area_label} served by each {rubric.organisation_label}.",
        f"{areas.representative_label}s as of {long_date(areas.as_of)} ({areas.as_of}): check for changes since.",
        f"Source: {areas.source}",
        *areas.attribution,
    ]


def sheet(scorecard: Scorecard, rubric: Rubric, only: OrganisationResult | None = None) -> AreaSheet | None:
    """The area sheet of scorecard.xlsx (every area) or of one body's workbook (`only`: its
    areas); None when the register has no overlay, so no sheet is added.

    A workbook writer shows `title` as the sheet's name (31 characters at most already), then
    each of `notes` on a line of its own (what the data is, the as-of date, the source, the
    attribution the licences require), then `headings` and `rows`. In one body's workbook the
    same lines go on its first sheet, below the body's result. Cells are raw: text is written as
    text with the writer's formula guard, `share` (0 to 1) and the percent as numbers."""
    areas = scorecard.areas
    if areas is None:
        return None
    headings = [heading for _, heading in _columns(areas, rubric)]
    return AreaSheet(upper_first(areas.area_label_plural)[:31], notes(scorecard, rubric), headings, rows(scorecard, rubric, only))


def render(scorecard: Scorecard, rubric: Rubric) -> dict[str, bytes]:
    """The `areas` format: <csv>.csv, one row per area and body, ready for a mail merge; nothing
    when the register has no overlay."""
    areas = scorecard.areas
    if areas is None:
        return {}
    names = [name for name, _ in _columns(areas, rubric)]
    records = (dict(zip(names, row, strict=False)) for row in rows(scorecard, rubric))
    return {f"{areas.csv}.csv": csv_.dumps(records, names)}
