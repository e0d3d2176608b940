"""The self-assessment workbook's layout: what the template writer (`render/template.py`) lays
out and the importer (`selfassess.py`) reads back, in one place so they cannot drift apart.

The Answers sheet is a block of rows per criterion, so that it prints legibly on A4: a row with
the question and the cells to fill in, a row of guidance, then one row per answer the question
takes saying what it means and what it scores. A question with several options to tick has a
Yes/No cell on each option's row, named "<criterion> (a)", "<criterion> (b)" and so on.
"""

from __future__ import annotations

import typing as t

from scorecard.models.rubric import BooleanAnswer, ChoiceAnswer, Criterion, MultiAnswer, NumberAnswer, Rubric
from scorecard.vocabulary import DIRECTION_WORDS, NO, OUTCOME_WORDS, RECORD_OUTCOMES, YES

TEMPLATE_FORMAT = "scorecard-self-assessment"
FORMAT_VERSION = "2"  # 2: one block of rows per criterion (1 had a column per multi option)
DEFAULT_ROUND = "self-assessment"
INSTRUCTIONS, ANSWERS, SOURCES, LISTS = "Instructions", "Answers", "Sources", "Lists"
HEADER_ROW = 3  # on Answers and Sources (1-based); data starts on the next row
SOURCE_ROWS = 40
COLUMNS = ("Criterion", "Question", "What each answer means", "Answer", "Outcome instead of an answer", "Source", "Note")
WIDTHS = (8, 25, 40, 20, 14, 10, 28)  # fits landscape A4 at 9.4 pt
SOURCE_COLUMNS = ("Id", "Title", "Date (YYYY-MM-DD)", "Link (http or https)", "Reference")
OUTCOME_LABELS = {OUTCOME_WORDS[o]: o for o in RECORD_OUTCOMES}  # the dropdown offers every outcome the schema allows
DETAILS = ("Completed by", "Date completed (YYYY-MM-DD)")
META_ROWS = {"format": 1, "format version": 2, "rubric id": 3, "rubric version": 4, "organisation": 5, "round": 6, "rubric sha256": 7}
MAX_NOTE = 20_000  # characters in a note or a source's reference: the evidence schema's limit
MAX_ROWS_READ = 2_000  # rows of a sheet the import looks at beyond those the template has


def choices(criterion: Criterion) -> dict[str, t.Any]:
    """What a dropdown shows -> the value recorded, for choice and boolean criteria."""
    answer = criterion.answer
    if isinstance(answer, ChoiceAnswer):
        return {o.shown: o.value for o in answer.options}
    if isinstance(answer, BooleanAnswer):
        return {YES: True, NO: False}
    return {}


def option_row_id(criterion: Criterion, k: int) -> str:
    """The Criterion cell of a multi criterion's k-th option row (0-based): "S2 (a)"."""
    letters = ""
    k += 1
    while k:
        k, rest = divmod(k - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return f"{criterion.id} ({letters})"


def is_percent(answer: NumberAnswer) -> bool:
    return answer.unit.strip().lower() in ("percent", "%", "per cent") or answer.unit.strip().lower().startswith(("percent", "% "))


def number_rule(answer: NumberAnswer) -> str:
    limits = []
    if answer.minimum is not None:
        limits.append(f"at least {answer.minimum:g}")
    if answer.maximum is not None:
        limits.append(f"at most {answer.maximum:g}")
    how = "type -12.5 or -12.5%" if is_percent(answer) else "digits only"
    return f"A number, {answer.unit}" + (f" ({', '.join(limits)})" if limits else "") + f"; {how}"


def how_to_answer(criterion: Criterion) -> str:
    answer = criterion.answer
    if isinstance(answer, (ChoiceAnswer, BooleanAnswer)):
        return "Pick one: " + "; ".join(choices(criterion))
    if isinstance(answer, MultiAnswer):
        return "Yes or No on each option's row below"
    assert isinstance(answer, NumberAnswer)
    return number_rule(answer)


def _points(points: float) -> str:
    return f"{points:g} point{'' if points == 1 else 's'}"


class Line(t.NamedTuple):
    """One row of a criterion's block, below its question and guidance rows."""

    ident: str | None  # the Criterion cell: set only on a multi option's row
    shown: str  # column B
    meaning: str  # column C
    option: str | None  # the multi option's value, for its row


def lines(criterion: Criterion) -> list[Line]:
    answer = criterion.answer
    if isinstance(answer, ChoiceAnswer):
        return [Line(None, o.shown, f"{o.descriptor} ({_points(o.points)})", None) for o in answer.options]
    if isinstance(answer, BooleanAnswer):
        return [Line(None, YES, f"{answer.when_true.descriptor} ({_points(answer.when_true.points)})", None),
                Line(None, NO, f"{answer.when_false.descriptor} ({_points(answer.when_false.points)})", None)]
    if isinstance(answer, MultiAnswer):
        out = [Line(option_row_id(criterion, k), o.label, "", o.value) for k, o in enumerate(answer.options)]
        share = f"Points: {answer.max_points:g} x the share of options answered Yes."
        out += [Line(None, f"{lv.min_count} or more Yes", lv.descriptor, None) for lv in answer.levels]
        return [*out, Line(None, "Scoring", share, None)]
    assert isinstance(answer, NumberAnswer)
    better = DIRECTION_WORDS[answer.direction]
    out = [Line(None, "How to answer", f"{number_rule(answer)}. {better.capitalize()}.", None)]
    if answer.scoring == "rank":
        return [*out, Line(None, "Scoring", f"Ranked among the bodies with a value: the best gets {_points(answer.max_points)}, the worst none.", None)]
    bands = [Line(None, f"Up to {b.upto:g}" if b.upto is not None else "Above that", f"{b.descriptor} ({_points(b.points)})", None)
             for b in answer.bands]
    return out + bands


def block_rows(rubric: Rubric) -> int:
    """How many rows the Answers sheet's criteria take (below its header)."""
    return sum(2 + len(lines(c)) for _, c in rubric.criteria.values())
