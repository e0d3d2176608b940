"""An answer in words, from the rubric's own labels: shared by the site, the workbook and the CSV
so that they cannot describe the same answer differently."""

from __future__ import annotations

import typing as t

from scorecard.models.rubric import BooleanAnswer, ChoiceAnswer, Criterion, MultiAnswer, NumberAnswer
from scorecard.vocabulary import NO, YES


def answer_in_words(
    criterion: Criterion,
    value: t.Any,
    *,
    joiner: str = ", ",
    nothing: str = "None of the options",
    show_number: t.Callable[[t.Any, str], str] = lambda value, unit: f"{value} {unit}",
) -> str:
    """Option labels rather than codes, Yes/No, a number with its unit."""
    answer = criterion.answer
    if isinstance(answer, ChoiceAnswer):
        option = next((o for o in answer.options if o.value == value), None)
        return option.shown if option else str(value)
    if isinstance(answer, MultiAnswer):
        labels = {o.value: o.label for o in answer.options}
        return joiner.join(labels.get(v, str(v)) for v in value or []) or nothing
    if isinstance(answer, BooleanAnswer):
        return YES if value else NO
    assert isinstance(answer, NumberAnswer)
    return show_number(value, answer.unit)


def id_in_words(ident: str) -> str:
    """An id a rubric gave no title, as words ("no-policy-but-service": "No policy but service")."""
    return ident.replace("-", " ").replace("_", " ").capitalize()
