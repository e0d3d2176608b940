"""What a self-assessment workbook's answer cells mean: words or ids for a choice, Yes/No (or
TRUE/FALSE) for a boolean, and numbers read as typed, a percentage never silently divided by 100.
Each problem is reported through the Reader (scorecard.selfassess_read), naming its cell."""

from __future__ import annotations

import math
import re
import typing as t

from scorecard.models.rubric import BooleanAnswer, ChoiceAnswer, Criterion, NumberAnswer
from scorecard.quoting import MAX_QUOTED, shown
from scorecard.selfassess_form import choices, is_percent
from scorecard.vocabulary import NO, YES

if t.TYPE_CHECKING:
    from scorecard.selfassess_read import Reader

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_QUOTED = re.compile(r'"[^"]*"|\\.')


def text_of(value: t.Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() or None


def fold(value: t.Any) -> t.Any:
    return value.casefold() if isinstance(value, str) else value


def yes_no(raw: t.Any, number_format: str) -> bool | None:
    """Yes/No, TRUE/FALSE (typed, or a boolean cell; LibreOffice may store one as 1 or 0)."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str):
        return {"yes": True, "no": False, "true": True, "false": False}.get(raw.casefold())
    if isinstance(raw, (int, float)) and raw in (0, 1) and "TRUE" in number_format.upper():
        return bool(raw)
    return None


def _percent_format(number_format: str) -> bool:
    return "%" in _QUOTED.sub("", number_format)


def value_of(criterion: Criterion, raw: t.Any, where: str, number_format: str, reader: Reader) -> t.Any:
    if raw is None:
        return None
    answer = criterion.answer
    if isinstance(answer, BooleanAnswer):
        found = yes_no(raw, number_format)
        if found is None:
            reader.problem(where, f'"{shown(raw, MAX_QUOTED)}" is not one of: {YES}, {NO}', code="value-not-allowed")
        return found
    if isinstance(answer, ChoiceAnswer):
        accepted = {fold(k): v for k, v in choices(criterion).items()} | {fold(o.value): o.value for o in answer.options}
        accepted |= {fold(o.label): o.value for o in answer.options if o.label}
        key = fold(raw if isinstance(raw, str) else text_of(raw))
        if key in accepted:
            return accepted[key]
        reader.problem(where, f'"{shown(raw, MAX_QUOTED)}" is not one of: {", ".join(choices(criterion))}', code="value-not-allowed")
        return None
    assert isinstance(answer, NumberAnswer)
    return _number(answer, raw, where, number_format, reader)


def _number(answer: NumberAnswer, raw: t.Any, where: str, number_format: str, reader: Reader) -> float | int | None:
    """A number, never silently divided by 100: a percentage (typed "-12.5%", or a cell formatted
    as a percentage holding -0.125) is read as -12.5 for a percent question and refused for any
    other unit."""
    percent = is_percent(answer)
    number: float | int | None = None
    typed_percent = False
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        number = raw
        if _percent_format(number_format):
            typed_percent = True
            number = float(f"{raw * 100:.12g}")
    elif isinstance(raw, str):
        text = raw.replace("\u2212", "-").replace(" ", "")
        if text.endswith("%"):
            typed_percent, text = True, text[:-1]
        if _NUMBER.fullmatch(text):
            number = float(text)
            number = int(number) if number.is_integer() and re.fullmatch(r"[+-]?\d+", text) else number
    if number is None or not math.isfinite(number):
        reader.problem(where, f'"{shown(raw, MAX_QUOTED)}" is not a number; type digits only, e.g. 12.5 ({answer.unit})', code="not-a-number")
        return None
    if typed_percent and not percent:
        reader.problem(where, f"{number:g}% is a percentage, but this question asks for a number {answer.unit}; "
                              "type the number alone, in a cell not formatted as a percentage", code="wrong-unit")
        return None
    if answer.minimum is not None and number < answer.minimum:
        reader.problem(where, f"{number:g} is below the lowest allowed value, {answer.minimum:g} ({answer.unit})", code="out-of-range")
        return None
    if answer.maximum is not None and number > answer.maximum:
        reader.problem(where, f"{number:g} is above the highest allowed value, {answer.maximum:g} ({answer.unit})", code="out-of-range")
        return None
    return number
