"""The sheets of scorecard.xlsx and of the per-body workbooks.

Each function fills one sheet from the Scorecard and the rubric. They only lay out what the
engine computed: no percent, count or rank is worked out here.
"""

from __future__ import annotations

import typing as t

from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from scorecard.engine import FORMULA_IN_WORDS
from scorecard.render.csv_ import EVIDENCE_COLUMNS, evidence_rows
from scorecard.render.workbook import (
    BOLD,
    HEADER_FILL,
    PERCENT,
    TITLE,
    WRAP,
    Value,
    fill,
    link,
    print_setup,
    put,
    table,
    widths,
)
from scorecard.result import OrganisationResult, Scorecard
from scorecard.rubric import BooleanAnswer, ChoiceAnswer, MultiAnswer, NumberAnswer, Rubric, Section

RESPONSE_WORDS = {"replied": "replied", "refused": "refused", "no-reply": "did not reply"}
OUTCOME_WORDS = {
    "answered": "answered",
    "not-applicable": "not applicable",
    "not-held": "not held",
    "refused": "refused",
    "not-answered": "not answered",
}
HOW_TO_READ = (
    "One row per body, highest overall percent first; equal percents share a rank. The band is "
    "given in words and by colour. Bodies that refused or did not reply are not scored: they have "
    "no percent, band or rank. The Evidence sheet gives the source of every answer; the "
    "Methodology sheet gives the whole rubric and how the percents are worked out."
)


def title_block(ws: Worksheet, scorecard: Scorecard, heading: str, lines: t.Sequence[str] = (), span: int = 6) -> int:
    """Title, rubric, round and evidence date, then any extra lines, each merged across `span`
    columns and wrapped so that long text neither spills off the page nor widens the print
    area; returns the next free row."""
    info = scorecard.round_info
    round_words = f"Round: {info.title} ({scorecard.round})" if info.title else f"Round: {scorecard.round}"
    texts = [
        f"{scorecard.rubric.title}, rubric {scorecard.rubric.id} version {scorecard.rubric.version}",
        f"{round_words}. Evidence as of {scorecard.evidence_as_of or 'an unknown date'}.",
    ]
    if info.illustrative:
        texts.append("ILLUSTRATIVE ROUND: these records are examples, not findings about real bodies.")
    put(ws, 1, 1, heading, font=TITLE)
    row = 2
    for text in [*texts, *lines]:
        put(ws, row, 1, text, alignment=WRAP, font=BOLD if text.startswith("ILLUSTRATIVE") else Font())
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=span)
        row += 1
    return row + 1


def _percent(ws: Worksheet, row: int, column: int, value: float | None) -> None:
    put(ws, row, column, value, number_format=PERCENT)


def _band(ws: Worksheet, row: int, column: int, organisation: OrganisationResult, rubric: Rubric) -> None:
    bands = {b.id: b for b in rubric.bands}
    band = bands.get(organisation.band or "")
    if band is None:
        put(ws, row, column, f"not scored ({RESPONSE_WORDS[organisation.response]})")
        return
    put(ws, row, column, band.label, fill=fill(band.colour))


def summary(ws: Worksheet, scorecard: Scorecard, rubric: Rubric) -> None:
    start = title_block(ws, scorecard, "Summary", [HOW_TO_READ], span=9)
    names = ["Rank", "Code", "Body", "Region", "Response", "Overall %", "Band"]
    names += [f"{s.title} %" for s in rubric.sections] + ["Flags", "Categories"]
    titles = {c.id: c.title for c in rubric.categories}
    rows = [
        [o.rank, o.code, o.name, o.region, RESPONSE_WORDS[o.response], o.percent, None]
        + [s.percent for s in o.sections]
        + [len(o.flags), "; ".join(titles.get(c, c) for c in o.categories)]
        for o in scorecard.organisations
    ]
    table(ws, start, names, rows)
    first_section = 8
    for row, organisation in enumerate(scorecard.organisations, start=start + 1):
        _percent(ws, row, 6, organisation.percent)
        _band(ws, row, 7, organisation, rubric)
        for k, section in enumerate(organisation.sections):
            _percent(ws, row, first_section + k, section.percent)
    widths(ws, [7, 10, 30, 14, 12, 10, 24] + [12] * len(rubric.sections) + [7, 34])
    print_setup(ws)


def national(ws: Worksheet, scorecard: Scorecard, rubric: Rubric) -> None:
    s = scorecard.summary
    row = title_block(ws, scorecard, "National summary")
    facts: list[tuple[str, Value]] = [
        ("Bodies with a record", s.organisations),
        ("Replied", s.replied),
        ("Refused", s.refused),
        ("Did not reply", s.no_reply),
        ("In the register but not assessed", ", ".join(s.not_assessed) or "none"),
        ("Median overall percent (bodies scored)", s.median_percent),
    ]
    for label, value in facts:
        put(ws, row, 1, label, font=BOLD)
        put(ws, row, 2, value, number_format=PERCENT if label.startswith("Median") else "General")
        row += 1
    row += 1
    bands = [(b, s.bands.get(b.id, 0)) for b in rubric.bands]
    last = table(ws, row, ["Band", "From overall %", "Bodies"], [[b.label, b.min_percent, n] for b, n in bands], main=False)
    for r, (band, _) in enumerate(bands, start=row + 1):
        ws.cell(row=r, column=1).fill = fill(band.colour)
    row = last + 2
    descriptions = {c.id: c.description for c in rubric.categories}
    rows: list[list[Value]] = []
    for c in s.categories:
        p = c.published
        rows.append(
            [c.title, descriptions.get(c.id), c.count, c.of, f"{c.count} of {c.of}",
             f"{p.count} of {p.of}" if p else None, p.source if p else None]
        )
    names = ["Category", "Description", "Bodies (n)", "Of (N)", "n of N", "Published figure", "Published in"]
    row = table(ws, row, names, rows, main=False) + 2
    baselines = [
        [b.title, b.year, b.source, f.label, f.percent, f.category]
        for b in scorecard.round_info.baselines
        for f in b.figures
    ]
    if baselines:
        put(ws, row, 1, "Earlier published baselines, for comparison", font=BOLD)
        last = table(ws, row + 1, ["Baseline", "Year", "Source", "Figure", "Percent", "Category"], baselines, main=False)
        for r in range(row + 2, last + 1):
            ws.cell(row=r, column=5).number_format = PERCENT
        row = last + 2
    silent = [[o.code, o.name, RESPONSE_WORDS[o.response], o.assessed_on] for o in scorecard.organisations if o.response != "replied"]
    put(ws, row, 1, "Bodies that refused or did not reply", font=BOLD)
    table(ws, row + 1, ["Code", "Body", "Response", "Recorded on"], silent or [["none", None, None, None]], main=False)
    widths(ws, [38, 40, 12, 10, 12, 16, 40])
    print_setup(ws)


def section(ws: Worksheet, scorecard: Scorecard, rubric: Rubric, sec: Section) -> None:
    lines = [f"Weight {sec.weight:g}. {sec.summary or ''}".strip()]
    lines += [f"{c.id}: {c.question} (up to {c.max_points:g} points, weight {c.weight:g})" for c in sec.criteria]
    start = title_block(ws, scorecard, sec.title, lines)
    names = ["Rank", "Code", "Body", "Response", f"{sec.title} %", "Capped by flag"]
    for c in sec.criteria:
        names += [f"{c.id} points (of {c.max_points:g})", f"{c.id} level"]
    rows: list[list[Value]] = []
    for o in scorecard.organisations:
        result = next(x for x in o.sections if x.id == sec.id)
        results = {c.id: c for c in o.criteria}
        row: list[Value] = [o.rank, o.code, o.name, RESPONSE_WORDS[o.response], result.percent, result.capped_by]
        for c in sec.criteria:
            r = results.get(c.id)
            if r is None:
                row += [None, None]
            else:
                row += [r.points, r.descriptor or OUTCOME_WORDS[r.outcome]]
        rows.append(row)
    table(ws, start, names, rows)
    for r in range(start + 1, start + 1 + len(rows)):
        ws.cell(row=r, column=5).number_format = PERCENT
    widths(ws, [7, 10, 30, 13, 11, 16] + [10, 30] * len(sec.criteria))
    print_setup(ws)


def evidence(ws: Worksheet, scorecard: Scorecard, rubric: Rubric, only: OrganisationResult | None = None) -> None:
    rows = evidence_rows(scorecard, rubric, only)
    names = [heading for _, heading in EVIDENCE_COLUMNS]
    start = title_block(ws, scorecard, "Evidence", ["One row per body and question: the answer, its points and its source."], span=8)
    keys = [name for name, _ in EVIDENCE_COLUMNS]
    table(ws, start, names, [[r[k] for k in keys] for r in rows])
    url_column = keys.index("source_url") + 1
    for offset, r in enumerate(rows, start=start + 1):
        link(ws, offset, url_column, t.cast("str | None", r["source_url"]))
    widths(ws, [9, 24, 11, 16, 9, 36, 13, 22, 16, 8, 8, 30, 40, 10, 30, 11, 14, 36])
    ws.print_title_cols = "A:B"
    print_setup(ws, wide=True)


def flags(ws: Worksheet, scorecard: Scorecard, rubric: Rubric, only: OrganisationResult | None = None) -> None:
    titles = {f.id: f.title or f.id for f in rubric.flags}
    sections = {s.id: s.title for s in rubric.sections}
    rows = [
        [o.code, o.name, titles.get(f.id, f.id), f.severity, f.message, sections.get(f.caps or "", f.caps)]
        for o in ([only] if only else scorecard.organisations)
        for f in o.flags
    ]
    start = title_block(ws, scorecard, "Flags", ["Every caveat or concern raised, with its message."])
    table(ws, start, ["Code", "Body", "Flag", "Severity", "Message", "Caps section"], rows or [["none raised", None, None, None, None, None]])
    widths(ws, [10, 30, 30, 11, 70, 16])
    print_setup(ws)


def _options(answer: t.Any) -> list[tuple[str, Value, str]]:
    """(answer, points, level) rows describing how one criterion's answers score."""
    if isinstance(answer, ChoiceAnswer):
        return [(o.label or o.value, o.points, o.descriptor) for o in answer.options]
    if isinstance(answer, BooleanAnswer):
        return [("Yes", answer.when_true.points, answer.when_true.descriptor), ("No", answer.when_false.points, answer.when_false.descriptor)]
    if isinstance(answer, MultiAnswer):
        out: list[tuple[str, Value, str]] = [
            (o.label, None, f"option {k} of {len(answer.options)}") for k, o in enumerate(answer.options, start=1)
        ]
        out += [(f"at least {lv.min_count} chosen", None, lv.descriptor) for lv in answer.levels]
        out.append(("share of options chosen", answer.max_points, "points = maximum x chosen / offered"))
        return out
    assert isinstance(answer, NumberAnswer)
    head = f"{answer.unit}, {answer.direction}"
    if answer.scoring == "rank":
        return [(head, answer.max_points, "ranked among bodies with a value: best gets the maximum, worst none")]
    return [(f"{head}: up to {b.upto:g}" if b.upto is not None else f"{head}: above", b.points, b.descriptor) for b in answer.bands]


def methodology(ws: Worksheet, scorecard: Scorecard, rubric: Rubric) -> None:
    row = title_block(ws, scorecard, "Methodology")
    facts: list[tuple[str, Value]] = [
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
        put(ws, row, 1, label, font=BOLD)
        put(ws, row, 2, value, alignment=WRAP)
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=8)
        row += 1
    row += 1
    put(ws, row, 1, "How the percents are worked out", font=BOLD)
    for paragraph in FORMULA_IN_WORDS:
        row += 1
        put(ws, row, 1, paragraph, alignment=WRAP)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=8)
        ws.row_dimensions[row].height = 45
    row += 2
    criteria_rows: list[list[Value]] = []
    for sec in rubric.sections:
        for c in sec.criteria:
            for k, (answer, points, level) in enumerate(_options(c.answer)):
                lead: list[Value] = (
                    [sec.title, sec.weight, c.id, c.weight, c.question, c.guidance, c.clause, c.answer.type]
                    if k == 0 else [sec.title, None, c.id, None, None, None, None, None]
                )
                criteria_rows.append(lead + [answer, points, level])
    names = ["Section", "Section weight", "Criterion", "Weight", "Question", "Guidance", "Clause", "Answer type", "Answer", "Points", "Level"]
    row = table(ws, row, names, criteria_rows) + 2
    sections = {s.id: s.title for s in rubric.sections}
    flag_rows = [
        [f.title or f.id, f.severity, f.when.describe(), f.message,
         f"{sections.get(f.cap.section, f.cap.section)} at most {f.cap.percent:g}%" if f.cap else None, f.source]
        for f in rubric.flags
    ]
    # The columns above are sized for the criteria; these smaller tables merge cells so that
    # long text lands in a wide span: (heading, first column, last column).
    row = _spanned(ws, row, [("Flag", 1, 1), ("Severity", 2, 2), ("Raised when", 3, 5), ("Message", 6, 6), ("Cap", 7, 7), ("Source", 8, 9)],
                   flag_rows or [["none", None, None, None, None, None]]) + 2
    category_rows = [[c.title, c.description, c.when.describe()] for c in rubric.categories]
    row = _spanned(ws, row, [("Category", 1, 1), ("Description", 2, 5), ("Counted when", 6, 6)], category_rows or [["none", None, None]]) + 2
    last = _spanned(ws, row, [("Band", 1, 1), ("From overall %", 2, 2), ("Description", 3, 6)], [[b.label, b.min_percent, b.description] for b in rubric.bands])
    for r, band in enumerate(rubric.bands, start=row + 1):
        ws.cell(row=r, column=1).fill = fill(band.colour)
    row = last + 2
    if rubric.sources:
        last = _spanned(ws, row, [("Rubric source", 1, 1), ("Title", 2, 5), ("Date", 6, 6), ("Link", 7, 9)], [[s.id, s.title, s.date, None] for s in rubric.sources])
        for r, s in enumerate(rubric.sources, start=row + 1):
            link(ws, r, 7, s.url)
        row = last + 2
    if rubric.governance and rubric.governance.changes:
        _spanned(ws, row, [("Rubric version", 1, 1), ("Date", 2, 2), ("Change", 3, 6)], [[c.version, c.date, c.summary] for c in rubric.governance.changes])
    widths(ws, [22, 14, 10, 8, 40, 40, 24, 10, 28, 8, 40])
    print_setup(ws, wide=True)


def _spanned(ws: Worksheet, row: int, spans: t.Sequence[tuple[str, int, int]], rows: t.Sequence[t.Sequence[Value]]) -> int:
    for r, values in enumerate([[name for name, _, _ in spans], *rows], start=row):
        for (name, first, last), value in zip(spans, values):
            style = {"font": BOLD, "fill": HEADER_FILL} if r == row else {}
            put(ws, r, first, value, alignment=WRAP, **style)
            if last > first:
                ws.merge_cells(start_row=r, start_column=first, end_row=r, end_column=last)
    return row + len(rows)


def body(ws: Worksheet, scorecard: Scorecard, rubric: Rubric, o: OrganisationResult) -> None:
    """The front sheet of one body's own workbook."""
    scored = sum(1 for x in scorecard.organisations if x.rank is not None)
    row = title_block(ws, scorecard, f"{o.name} ({o.code})", [HOW_TO_READ.split(". ", 1)[1]], span=4)
    titles = {c.id: c.title for c in rubric.categories}
    facts: list[tuple[str, Value]] = [
        ("Region", o.region),
        ("Response", RESPONSE_WORDS[o.response]),
        ("Evidence", f"{o.kind}, assessed by {o.assessor} on {o.assessed_on}"),
        ("Overall %", o.percent),
        ("Band", None),
        ("Rank", f"{o.rank} of {scored} bodies scored" if o.rank is not None else "not ranked"),
        ("Categories", "; ".join(titles.get(c, c) for c in o.categories) or "none"),
    ]
    for label, value in facts:
        put(ws, row, 1, label, font=BOLD)
        if label == "Band":
            _band(ws, row, 2, o, rubric)
        else:
            put(ws, row, 2, value, number_format=PERCENT if label == "Overall %" else "General", alignment=WRAP)
        row += 1
    row += 1
    last = table(ws, row, ["Section", "Percent", "Before any cap", "Capped by flag"], [[s.title, s.percent, s.uncapped_percent, s.capped_by] for s in o.sections])
    for r in range(row + 1, last + 1):
        for column in (2, 3):
            ws.cell(row=r, column=column).number_format = PERCENT
    widths(ws, [28, 60, 16, 24])
    print_setup(ws, landscape=False)

