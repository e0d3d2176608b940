"""The Methodology sheet: the whole rubric, how the percents are worked out and the hashes that
tie the workbook to its inputs. It depends on the rubric and the round only, and is the same in
scorecard.xlsx and in every body's own workbook.
"""

from __future__ import annotations

import typing as t

from scorecard.engine import FORMULA_IN_WORDS
from scorecard.models.rubric import BooleanAnswer, ChoiceAnswer, MultiAnswer, NumberAnswer, Rubric
from scorecard.render.xlsx_book import Book, Styled, Value, is_link
from scorecard.render.xlsx_sheets import round_lines, section_name, spanned
from scorecard.result import Scorecard
from scorecard.vocabulary import NO, YES

WIDTHS = [12, 30, 8, 40, 40]  # a grid: the tables below merge its columns where text is long


def options(answer: t.Any) -> list[tuple[str, Value, str]]:
    """(answer, points, what it means) rows describing how one criterion's answers score."""
    if isinstance(answer, ChoiceAnswer):
        return [(o.shown, o.points, o.descriptor) for o in answer.options]
    if isinstance(answer, BooleanAnswer):
        return [(YES, answer.when_true.points, answer.when_true.descriptor), (NO, answer.when_false.points, answer.when_false.descriptor)]
    if isinstance(answer, MultiAnswer):
        out: list[tuple[str, Value, str]] = [
            (o.label, None, f"Option {k} of {len(answer.options)}") for k, o in enumerate(answer.options, start=1)
        ]
        out += [(f"At least {lv.min_count} chosen", None, lv.descriptor) for lv in answer.levels]
        out.append(("Share of options chosen", answer.max_points, "Points = maximum x chosen / offered"))
        return out
    assert isinstance(answer, NumberAnswer)
    head = f"{answer.unit}, {answer.direction.replace('-', ' ')}"
    if answer.scoring == "rank":
        return [(head, answer.max_points, "Ranked among bodies with a value: best gets the maximum, worst none")]
    return [(f"{head}: up to {b.upto:g}" if b.upto is not None else f"{head}: above", b.points, b.descriptor) for b in answer.bands]


def methodology(book: Book, scorecard: Scorecard, rubric: Rubric, footer: str = "") -> None:
    st = book.sheet("Methodology", WIDTHS, footer=footer)
    st.title_block("Methodology", round_lines(scorecard), span=len(WIDTHS))
    facts: list[tuple[str, str]] = [
        ("Rubric", f"{rubric.title} ({rubric.id} {rubric.version})"),
        ("Rubric sha256", scorecard.rubric.sha256),
        ("Evidence sha256", scorecard.evidence_sha256),
        ("Written by", f"{scorecard.generator.name} {scorecard.generator.version}"),
    ]
    if rubric.framework:
        fw = rubric.framework
        facts.append(("Framework", ", ".join(x for x in (fw.title, fw.publisher, fw.reference, fw.date, fw.url) if x)))
    if rubric.summary:
        facts.append(("Summary", rubric.summary))
    for label, value in facts:
        st.add([label, value], ["bold", "wrap"], merge=[(1, 4)])
    st.blank()
    st.add(["How the percents are worked out"], "heading")
    for paragraph in FORMULA_IN_WORDS:
        st.add([paragraph], "wrap", merge=[(0, 4)])
    st.blank()
    st.add(["The criteria and what each answer scores"], "heading")
    top = st.add(["Criterion", "Answer", "Points", "What it means"], "header", merge=[(3, 4)])
    st.ws.repeat_rows(top)
    for sec in rubric.sections:
        for c in sec.criteria:
            st.add([c.id, f"{c.title + ': ' if c.title else ''}{c.question}"], "bold", merge=[(1, 4)])
            st.add([None, f"Section: {sec.title}. Weight {c.weight:g}; answer type {c.answer.type}."], "wrap", merge=[(1, 4)])
            st.add(["Guidance", c.guidance], ["plain", "wrap"], merge=[(1, 4)])
            st.add(["Clause", c.clause], ["plain", "wrap"], merge=[(1, 4)])
            for answer, points, level in options(c.answer):
                st.add([None, answer, points, level], ["plain", "wrap", "number", "wrap"], merge=[(3, 4)])
    st.blank()
    sections = {s.id: section_name(s) for s in rubric.sections}
    flag_rows = [
        [f"{f.title or f.id}\n{f.severity.capitalize()}" + (f"; caps {sections.get(f.cap.section, f.cap.section)} at most {f.cap.percent:g}%" if f.cap else "")
         + (f"; source {f.source}" if f.source else ""), f.when.describe(), f.message]
        for f in rubric.flags
    ]
    spanned(st, [("Flag", 0, 1), ("Raised when", 2, 3), ("Message", 4, 4)], flag_rows or [["None", None, None]])
    st.blank()
    spanned(st, [("Category", 0, 1), ("Description", 2, 3), ("Counted when", 4, 4)],
            [[c.title, c.description, c.when.describe()] for c in rubric.categories] or [["None", None, None]])
    st.blank()
    spanned(st, [("Band", 0, 1), ("From overall %", 2, 2), ("Description", 3, 4)],
            [[Styled(b.label, b.colour), b.min_percent, b.description] for b in rubric.bands], ["wrap", "percent", "wrap"])
    if rubric.sources:
        st.blank()
        spanned(st, [("Rubric source", 0, 0), ("Title and date", 1, 3), ("Link", 4, 4)],
                [[s.id, f"{s.title} ({s.date})" if s.date else s.title, Styled(s.url, "link") if is_link(s.url) else s.url] for s in rubric.sources])
    if rubric.governance and rubric.governance.changes:
        st.blank()
        spanned(st, [("Rubric version", 0, 0), ("Change", 1, 3), ("Date", 4, 4)],
                [[c.version, c.summary, c.date] for c in rubric.governance.changes])
