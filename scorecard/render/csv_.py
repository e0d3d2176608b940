"""scorecard.csv: the Evidence rows flat, one per body and criterion, for open-data reuse.

The same rows fill the workbook's Evidence sheet, so the two cannot disagree. UTF-8 with a
byte-order mark (without one, Excel on Windows and LibreOffice's default import read it as a
legacy code page and "–" shows as "â€“"), one header row, CRLF line ends (RFC 4180). A text
field that a spreadsheet would run as a formula (starting with = + - @ tab or CR) is written with a leading apostrophe,
the common convention for making such a field inert when the file is opened in Excel; numbers
are never altered.
"""

from __future__ import annotations

import csv
import io
import json
import typing as t

from scorecard.models.rubric import Criterion, Rubric
from scorecard.render.words import answer_in_words
from scorecard.result import CriterionResult, OrganisationResult, Scorecard

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

EVIDENCE_COLUMNS: tuple[tuple[str, str], ...] = (
    # (csv name, sheet heading)
    ("code", "Code"),
    ("body", "Body"),
    ("response", "Response"),
    ("section", "Section"),
    ("criterion", "Criterion"),
    ("question", "Question"),
    ("outcome", "Outcome"),
    ("answer", "Answer"),
    ("value", "Value (as recorded)"),
    ("points", "Points"),
    ("max_points", "Max points"),
    ("level", "Level reached"),
    ("note", "Assessor's note"),
    ("source_id", "Source id"),
    ("source_title", "Source"),
    ("source_date", "Source date"),
    ("source_reference", "Reference"),
    ("source_url", "Link"),
)

Row = dict[str, str | float | None]


def answer_text(criterion: Criterion, result: CriterionResult) -> str | None:
    """The answer in words (see words.answer_in_words); None when there is no answer."""
    if result.outcome != "answered":
        return None
    return answer_in_words(criterion, result.value, joiner="; ", nothing="none of the options")


def raw_value(value: t.Any) -> str | None:
    """The recorded value as text: strings as they are, anything else as JSON."""
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def evidence_rows(scorecard: Scorecard, rubric: Rubric, only: OrganisationResult | None = None) -> t.Iterator[Row]:
    """The rows one at a time: at 10,000 bodies there are hundreds of thousands of them, and
    each writer only needs one at a time."""
    for organisation in [only] if only else scorecard.organisations:
        sources = {s.id: s for s in organisation.sources}
        for result in organisation.criteria:
            section, criterion = rubric.criteria[result.id]
            source = sources.get(result.source) if result.source else None
            yield (
                {
                    "code": organisation.code,
                    "body": organisation.name,
                    "response": organisation.response,
                    "section": section.title,
                    "criterion": criterion.id,
                    "question": criterion.question,
                    "outcome": result.outcome,
                    "answer": answer_text(criterion, result),
                    "value": raw_value(result.value),
                    "points": result.points,
                    "max_points": result.max_points,
                    "level": result.descriptor,
                    "note": result.note,
                    "source_id": result.source,
                    "source_title": source.title if source else None,
                    "source_date": source.date if source else None,
                    "source_reference": source.reference if source else None,
                    "source_url": source.url if source else None,
                }
            )


def _inert(value: str | float | None) -> str | float:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def dumps(rows: t.Iterable[Row], columns: t.Sequence[str] | None = None) -> bytes:
    """The rows as CSV, with the Evidence columns unless other column names are given."""
    buffer = io.BytesIO()
    # Encoded as it is written, so the text is not held twice (as str and as bytes).
    text = io.TextIOWrapper(buffer, encoding="utf-8-sig", newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    names = list(columns) if columns is not None else [name for name, _ in EVIDENCE_COLUMNS]
    writer.writerow(names)
    writer.writerows([_inert(row[name]) for name in names] for row in rows)
    text.flush()
    data = buffer.getvalue()
    text.detach()
    return data


def render(scorecard: Scorecard, rubric: Rubric) -> dict[str, bytes]:
    return {"scorecard.csv": dumps(evidence_rows(scorecard, rubric))}
