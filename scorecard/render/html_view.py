"""What the HTML pages show, worked out in Python so the templates only lay it out.

Nothing here scores: every number comes from the Scorecard. This module only looks things up in
the rubric (a criterion's question, an option's label, a flag's title), turns values into words
and rounds for display.
"""

from __future__ import annotations

import collections
import re
import typing as t

from scorecard.compare import points_words
from scorecard.models.rubric import Rubric
from scorecard.render.links import http_url  # noqa: F401  (the templates' filter)
from scorecard.render.words import answer_in_words
from scorecard.result import CriterionResult, OrganisationResult, Scorecard
from scorecard.round_words import no_reply_words
from scorecard.vocabulary import ARROWS, NO_RECORD, SITE_OUTCOME_WORDS, SITE_RESPONSE_WORDS, Outcome

_HEX_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}\Z")
_NEUTRAL_FILL = "#DDDDDD"


def number(value: float | int | None) -> str:
    """A number for display: at most two decimals, no trailing zeros (4.0 -> 4, 0.5 -> 0.5)."""
    if value is None:
        return "–"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}%"


def plural(word: str, count: int = 2) -> str:
    if count == 1:
        return word
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u"):
        return word[:-1] + "ies"
    return word + ("es" if word.endswith(("s", "x", "ch", "sh")) else "s")


def upper_first(text: str) -> str:
    """Capitalise the first letter only (an organisation label that is an acronym must keep its capitals)."""
    return text[:1].upper() + text[1:]


def _relative_luminance(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour[1:3]) + 0.7152 * channel(colour[3:5]) + 0.0722 * channel(colour[5:7])


def text_on(fill: str) -> str:
    """Black or white, whichever contrasts more with the fill (the rubric's band colours are fills)."""
    lum = _relative_luminance(fill)
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#FFFFFF"


def band_styles(rubric: Rubric) -> list[dict[str, t.Any]]:
    """One entry per band: CSS class (by position, so any id is safe in a class name) and colours."""
    out = []
    for i, band in enumerate(rubric.bands):
        fill = band.colour if _HEX_COLOUR.match(band.colour) else _NEUTRAL_FILL
        upper = rubric.bands[i + 1].min_percent if i + 1 < len(rubric.bands) else None
        out.append(
            {
                "id": band.id,
                "css": f"band-{i}",
                "label": band.label,
                "description": band.description,
                "fill": fill.upper(),
                "text": text_on(fill),
                "min": number(band.min_percent),
                "below": number(upper) if upper is not None else None,
            }
        )
    return out


class View:
    """Lookups shared by every page."""

    def __init__(self, scorecard: Scorecard, rubric: Rubric) -> None:
        self.scorecard = scorecard
        self.rubric = rubric
        self.bands = {b["id"]: b for b in band_styles(rubric)}
        self.flags = {f.id: f for f in rubric.flags}
        self.categories = {c.id: c for c in rubric.categories}
        self.sections = {s.id: s for s in rubric.sections}
        ranks = collections.Counter(o.rank for o in scorecard.organisations if o.rank is not None)
        self.shared_ranks = {r for r, count in ranks.items() if count > 1}
        self.changes = {b.code: b for b in scorecard.changes.bodies} if scorecard.changes else {}
        self.response_words = {**SITE_RESPONSE_WORDS, "no-reply": no_reply_words(scorecard.round_info, capital=True)}
        # (code, criterion) -> the answer in words before a revision made after the body's reply
        self.revised = {
            (o.code, cid): self.answer_words(cid, entry.outcome or "answered", entry.value)
            for o in scorecard.organisations
            if o.reply is not None
            for cid, entry in o.reply.previous_answers.items()
            if cid in rubric.criteria
        }

    def rank(self, organisation: OrganisationResult) -> str:
        if organisation.rank is None:
            return "–"
        return ("=" if organisation.rank in self.shared_ranks else "") + str(organisation.rank)

    def band(self, organisation: OrganisationResult) -> dict[str, t.Any] | None:
        return self.bands.get(organisation.band) if organisation.band else None

    def flag_title(self, flag_id: str) -> str:
        flag = self.flags.get(flag_id)
        return (flag.title or flag.id) if flag else flag_id

    def answer(self, result: CriterionResult) -> str:
        """The answer in words, using the rubric's labels and units."""
        return self.answer_words(result.id, result.outcome, result.value)

    def answer_words(self, criterion_id: str, outcome: str, value: t.Any) -> str:
        if outcome != "answered":
            return SITE_OUTCOME_WORDS[t.cast(Outcome, outcome)]
        _, criterion = self.rubric.criteria[criterion_id]
        return answer_in_words(criterion, value, show_number=lambda number_, unit: f"{number(number_)} ({unit})")

    def points(self, result: CriterionResult) -> str:
        if result.points is None:
            return "Not counted (left out of the maximum)"
        text = f"{number(result.points)} of {number(result.max_points)}"
        return text if result.outcome == "answered" else text + " (no credit)"

    def criterion(self, organisation: OrganisationResult, result: CriterionResult) -> dict[str, t.Any]:
        _, criterion = self.rubric.criteria[result.id]
        sources = {s.id: s for s in organisation.sources}
        source = sources.get(result.source) if result.source else None
        return {
            "id": result.id,
            "title": criterion.title,
            "question": criterion.question,
            "outcome": result.outcome,
            "answer": self.answer(result),
            "points": self.points(result),
            "descriptor": result.descriptor,
            "note": result.note,
            "source": source,
            "before_revision": self.revised.get((organisation.code, result.id)),
        }

    def organisation_row(self, organisation: OrganisationResult) -> dict[str, t.Any]:
        return {
            "org": organisation,
            "rank": self.rank(organisation),
            "band": self.band(organisation),
            "response": self.response_words[organisation.response],
            "flag_titles": [self.flag_title(f.id) for f in organisation.flags],
            "change": self.change(organisation.code),
        }

    def change(self, code: str) -> dict[str, t.Any] | None:
        """What changed for a body since the earlier round, in words; None without a comparison."""
        body = self.changes.get(code)
        if body is None:
            return None

        def band_label(band: str | None) -> str:
            return self.bands[band]["label"] if band in self.bands else (band or "no band")
        sections = [
            {"title": s.title, "before": percent(s.before), "after": percent(s.after), "words": points_words(s.change)}
            for s in body.sections
        ]
        criteria = []
        for c in body.criteria:
            found = self.rubric.criteria.get(c.id)
            criteria.append({
                "id": c.id,
                "title": (found[1].title or found[1].question) if found else c.id,
                "before": number(c.before),
                "after": number(c.after),
                "max": number(c.max_points),
                "level_before": c.level_before,
                "level_after": c.level_after,
            })
        return {
            "body": body,
            "arrow": ARROWS[body.direction] if body.direction else None,
            "words": body.words,
            "sort": "" if body.change is None else number(body.change),
            "before": percent(body.percent_before),
            "after": percent(body.percent_after),
            "band_before": band_label(body.band_before) if body.band_before else None,
            "band_after": band_label(body.band_after) if body.band_after else None,
            "sections": sections,
            "criteria": criteria,
            "raised": [self.flag_title(f) for f in body.flags_raised],
            "cleared": [self.flag_title(f) for f in body.flags_cleared],
            "response_before": SITE_RESPONSE_WORDS[body.response_before] if body.response_before else NO_RECORD,
        }

    def sections_of(self, organisation: OrganisationResult) -> list[dict[str, t.Any]]:
        out = []
        for section in organisation.sections:
            rubric_section = self.sections[section.id]
            cap = None
            if section.capped_by:
                flag = self.flags.get(section.capped_by)
                cap = {
                    "title": self.flag_title(section.capped_by),
                    "message": flag.message if flag else "",
                    "uncapped": percent(section.uncapped_percent),
                }
            out.append(
                {
                    "id": section.id,
                    "title": section.title,
                    "summary": rubric_section.summary,
                    "percent": percent(section.percent),
                    "cap": cap,
                    "criteria": [
                        self.criterion(organisation, c) for c in organisation.criteria if c.section == section.id
                    ],
                }
            )
        return out
