"""The round in words, one wording for every output (the site, the workbooks, scorecard.json and
the command's summary): when its evidence is from, how many criteria it is scored on, and what a
body that did not reply is called.

Pure, and part of the core: the round summary (scorecard.summary) words itself with these, so
scorecard.json carries exactly what the site and the workbooks say. Imports only the Scorecard's
shape, for the type.
"""

from __future__ import annotations

import typing as t

if t.TYPE_CHECKING:
    from scorecard.result import RoundSummary


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


def _month(date: str) -> tuple[str, str]:
    year, month = date[:4], int(date[5:7])
    return _MONTHS[month - 1], year


def period_in_words(start: str, end: str) -> str:
    """A gathering period by month: "June-July 2023", "June 2023", "December 2022-January 2023";
    a single day in full ("30 June 2026"). Months, not days: a round's replies rarely carry dates."""
    if start == end:
        month, year = _month(end)
        return f"{int(end[8:10])} {month} {year}"
    (first, first_year), (last, last_year) = _month(start), _month(end)
    if first_year != last_year:
        return f"{first} {first_year}-{last} {last_year}"
    return f"{first} {last_year}" if first == last else f"{first}-{last} {last_year}"


def dates_in_words(round_info: RoundSummary, evidence_as_of: str | None) -> str:
    """"Evidence gathered June-July 2023; encoded 2026-11-24". The encoding date is never given
    as the evidence date: without a gathering period, the records' own date is named as such."""
    if round_info.gathered_to:
        text = f"Evidence gathered {period_in_words(round_info.gathered_from or round_info.gathered_to, round_info.gathered_to)}"
        return f"{text}; encoded {round_info.encoded_on}" if round_info.encoded_on else text
    return f"Evidence as recorded on {evidence_as_of}" if evidence_as_of else "Evidence date not given"


def coverage_in_words(round_info: RoundSummary) -> str:
    """"Scored on 22 of 24 criteria (not assessed in this round: MD2, MD3)"."""
    text = f"Scored on {round_info.criteria_scored} of {round_info.criteria} criteria"
    if not round_info.not_assessed:
        return text
    return f"{text} (not assessed in this round: {', '.join(c.id for c in round_info.not_assessed)})"


def no_reply_words(round_info: RoundSummary, *, capital: bool = False) -> str:
    """What a body that did not reply is called: the round's own wording (round.json), if any."""
    words = round_info.no_reply_wording or "did not reply"
    return words[:1].upper() + words[1:] if capital else words
