"""The sheets of scorecard.xlsx and of the per-body workbooks.

Each function adds one sheet to a `Book` from the Scorecard and the rubric. They only lay out
what the engine computed: no percent, count or rank is worked out here. The sheets that grow with
the number of bodies are streamed a row at a time; the Methodology sheet, which only depends on
the rubric, is laid out once in an ordinary worksheet and copied into each workbook.
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
    TITLE,
    WRAP,
    Book,
    Stream,
    Styled,
    Value,
    fill,
    is_link,
    link,
    new_workbook,
    print_setup,
    put,
    table,
    widths,
)
from scorecard.render.words import coverage_in_words, dates_in_words, no_reply_words
from scorecard.result import OrganisationResult, Scorecard
from scorecard.rubric import BooleanAnswer, ChoiceAnswer, MultiAnswer, NumberAnswer, Rubric, Section

RESPONSE_WORDS = {"replied": "replied", "refused": "refused", "no-reply": "did not reply"}
OUTCOME_WORDS = {
    "answered": "answered",
    "not-applicable": "not applicable",
    "not-held": "not held",
    "refused": "refused",
    "not-answered": "not answered",
    "not-assessed": "not assessed in this round",
}
HOW_TO_READ = (
    "One row per body, highest overall percent first; equal percents share a rank. The band is "
    "given in words and by colour. Bodies that refused or did not reply are not scored: they have "
    "no percent, band or rank. The Evidence sheet gives the source of every answer; the "
    "Methodology sheet gives the whole rubric and how the percents are worked out."
)


def title_block(st: Stream, scorecard: Scorecard, heading: str, lines: t.Sequence[str] = (), span: int = 6) -> None:
    """Title, rubric, round and evidence date, then any extra lines, each merged across `span`
    columns and wrapped so that long text neither spills off the page nor widens the print
    area; then a blank row."""
    st.add([heading], "title")
    for text in [*_round_lines(scorecard), *lines]:
        st.add([text], "bold-wrap" if text.startswith("ILLUSTRATIVE") else "wrap", merge=[(1, span)])
    st.blank()


def _round_lines(scorecard: Scorecard) -> list[str]:
    info = scorecard.round_info
    round_words = f"Round: {info.title} ({scorecard.round})" if info.title else f"Round: {scorecard.round}"
    texts = [
        f"{scorecard.rubric.title}, rubric {scorecard.rubric.id} version {scorecard.rubric.version}",
        f"{round_words}. {dates_in_words(info, scorecard.evidence_as_of)}. {coverage_in_words(info)}.",
    ]
    if info.illustrative:
        texts.append("ILLUSTRATIVE ROUND: these records are examples, not findings about real bodies.")
    return texts


def _response(scorecard: Scorecard, organisation: OrganisationResult) -> str:
    return no_reply_words(scorecard.round_info) if organisation.response == "no-reply" else RESPONSE_WORDS[organisation.response]


def _band(organisation: OrganisationResult, bands: dict[str, t.Any]) -> Styled:
    """The band in words, on its colour (never colour alone)."""
    band = bands.get(organisation.band or "")
    if band is None:
        return Styled(f"not scored ({RESPONSE_WORDS[organisation.response]})", "wrap")
    return Styled(band.label, band.colour)


def summary(book: Book, scorecard: Scorecard, rubric: Rubric) -> None:
    st = book.stream("Summary", [7, 10, 30, 14, 12, 10, 24] + [12] * len(rubric.sections) + [7, 34])
    title_block(st, scorecard, "Summary", [HOW_TO_READ], span=9)
    names = ["Rank", "Code", "Body", "Region", "Response", "Overall %", "Band"]
    names += [f"{s.title} %" for s in rubric.sections] + ["Flags", "Categories"]
    styles = ["plain", "plain", "wrap", "wrap", "wrap", "percent", "wrap"] + ["percent"] * len(rubric.sections) + ["plain", "wrap"]
    titles = {c.id: c.title for c in rubric.categories}
    bands = {b.id: b for b in rubric.bands}
    rows = (
        [o.rank, o.code, o.name, o.region, _response(scorecard, o), o.percent, _band(o, bands)]
        + [s.percent for s in o.sections]
        + [len(o.flags), "; ".join(titles.get(c, c) for c in o.categories)]
        for o in scorecard.organisations
    )
    st.table(names, rows, styles)
    st.close()


def national(book: Book, scorecard: Scorecard, rubric: Rubric) -> None:
    s = scorecard.summary
    st = book.stream("National summary", [38, 40, 12, 10, 12, 16, 40])
    title_block(st, scorecard, "National summary")
    facts: list[tuple[str, Value]] = [
        ("Bodies with a record", s.organisations),
        ("Replied", s.replied),
        ("Refused", s.refused),
        (no_reply_words(scorecard.round_info, capital=True), s.no_reply),
        ("In the register but not assessed", ", ".join(s.not_assessed) or "none"),
        ("Median overall percent (bodies scored)", s.median_percent),
    ]
    for label, value in facts:
        # A long list of bodies not assessed is wrapped across the columns beside its label.
        st.add([label, value], ["bold", "percent" if label.startswith("Median") else "wrap"], merge=[(2, 7)])
    st.blank()
    st.table(["Band", "From overall %", "Bodies"],
             [[Styled(b.label, b.colour), b.min_percent, s.bands.get(b.id, 0)] for b in rubric.bands], main=False)
    st.blank()
    descriptions = {c.id: c.description for c in rubric.categories}
    rows: list[list[Value]] = []
    for c in s.categories:
        p = c.published
        rows.append(
            [c.title, descriptions.get(c.id), c.count, c.of, f"{c.count} of {c.of}",
             f"{p.count} of {p.of}" if p else None, p.source if p else None]
        )
    names = ["Category", "Description", "Bodies (n)", "Of (N)", "n of N", "Published figure", "Published in"]
    st.table(names, rows, main=False)
    st.blank()
    baselines = [
        [b.title, b.year, b.source, f.label, f.percent, f.category]
        for b in scorecard.round_info.baselines
        for f in b.figures
    ]
    if baselines:
        st.add(["Earlier published baselines, for comparison"], "bold")
        st.table(["Baseline", "Year", "Source", "Figure", "Percent", "Category"], baselines,
                 ["wrap", "wrap", "wrap", "wrap", "percent", "wrap"], main=False)
        st.blank()
    silent = [[o.code, o.name, _response(scorecard, o), o.assessed_on] for o in scorecard.organisations if o.response != "replied"]
    st.add(["Bodies that refused or did not reply"], "bold")
    st.table(["Code", "Body", "Response", "Recorded on"], silent or [["none", None, None, None]], main=False)
    st.close()


def section(book: Book, title: str, scorecard: Scorecard, rubric: Rubric, sec: Section) -> None:
    st = book.stream(title, [7, 10, 30, 13, 11, 16] + [10, 30] * len(sec.criteria))
    lines = [f"Weight {sec.weight:g}. {sec.summary or ''}".strip()]
    lines += [f"{c.id}: {c.question} (up to {c.max_points:g} points, weight {c.weight:g})" for c in sec.criteria]
    title_block(st, scorecard, sec.title, lines)
    names = ["Rank", "Code", "Body", "Response", f"{sec.title} %", "Capped by flag"]
    for c in sec.criteria:
        names += [f"{c.id} points (of {c.max_points:g})", f"{c.id} level"]
    styles = ["plain", "plain", "wrap", "wrap", "percent", "wrap"] + ["plain", "wrap"] * len(sec.criteria)
    # Where this section sits in every body's list of sections (the engine keeps rubric order,
    # but look it up rather than assume it).
    st.table(names, (_section_row(o, sec) for o in scorecard.organisations), styles)
    st.close()


def _section_row(o: OrganisationResult, sec: Section) -> list[Value]:
    result = next(x for x in o.sections if x.id == sec.id)
    results = {c.id: c for c in o.criteria}
    row: list[Value] = [o.rank, o.code, o.name, RESPONSE_WORDS[o.response], result.percent, result.capped_by]
    for c in sec.criteria:
        r = results.get(c.id)
        if r is None:
            row += [None, None]
        else:
            row += [r.points, r.descriptor or OUTCOME_WORDS[r.outcome]]
    return row


# The Evidence sheet's columns (a key of csv_.EVIDENCE_COLUMNS, width): scorecard.csv's, less
# those that add cells but no information for a reader: the section and the level reached
# (rubric text, repeated on every row; both are on the section sheets), the value as recorded
# and the source id (another column's content in machine form). At 10,000 bodies they would be
# about 700,000 more cells. The question stays: an answer of "Yes" means nothing without it.
EVIDENCE_SHEET: tuple[tuple[str, float], ...] = (
    ("code", 9), ("body", 24), ("response", 11), ("criterion", 9), ("question", 36), ("outcome", 13),
    ("answer", 22), ("points", 8), ("max_points", 8), ("note", 40), ("source_title", 30),
    ("source_date", 11), ("source_reference", 14), ("source_url", 36),
)


def evidence(book: Book, scorecard: Scorecard, rubric: Rubric, only: OrganisationResult | None = None) -> None:
    headings = dict(EVIDENCE_COLUMNS)
    keys = [key for key, _ in EVIDENCE_SHEET]
    st = book.stream("Evidence", [width for _, width in EVIDENCE_SHEET], wide=True)
    st.ws.print_title_cols = "A:B"
    title_block(st, scorecard, "Evidence", [
        "One row per body and question: the answer, its points and its source. The level each answer "
        "reaches is on the section sheets; scorecard.csv has these rows with every column."], span=8)
    url = keys.index("source_url")

    def rows() -> t.Iterator[list[t.Any]]:
        for r in evidence_rows(scorecard, rubric, only):
            values: list[t.Any] = [r[k] for k in keys]
            if is_link(t.cast("str | None", values[url])):
                values[url] = Styled(values[url], "link")  # a real hyperlink for http(s) only
            yield values

    st.table([headings[k] for k in keys], rows())
    st.close()


def flags(book: Book, scorecard: Scorecard, rubric: Rubric, only: OrganisationResult | None = None) -> None:
    st = book.stream("Flags", [10, 30, 30, 11, 70, 16])
    titles = {f.id: f.title or f.id for f in rubric.flags}
    sections = {s.id: s.title for s in rubric.sections}
    rows = [
        [o.code, o.name, titles.get(f.id, f.id), f.severity, f.message, sections.get(f.caps or "", f.caps)]
        for o in ([only] if only else scorecard.organisations)
        for f in o.flags
    ]
    title_block(st, scorecard, "Flags", ["Every caveat or concern raised, with its message."])
    st.table(["Code", "Body", "Flag", "Severity", "Message", "Caps section"], rows or [["none raised", None, None, None, None, None]])
    st.close()


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


def methodology(scorecard: Scorecard, rubric: Rubric) -> Worksheet:
    """The Methodology sheet, in an ordinary worksheet to copy into a Book (`Book.copy`): it
    depends on the rubric alone, so the per-body workbooks lay it out once and share it."""
    ws = new_workbook().create_sheet("Methodology")
    put(ws, 1, 1, "Methodology", font=TITLE)
    row = 2
    for text in _round_lines(scorecard):
        put(ws, row, 1, text, alignment=WRAP, font=BOLD if text.startswith("ILLUSTRATIVE") else Font())
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=6)
        row += 1
    row += 1
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
    return ws


def _spanned(ws: Worksheet, row: int, spans: t.Sequence[tuple[str, int, int]], rows: t.Sequence[t.Sequence[Value]]) -> int:
    for r, values in enumerate([[name for name, _, _ in spans], *rows], start=row):
        for (name, first, last), value in zip(spans, values):
            style = {"font": BOLD, "fill": HEADER_FILL} if r == row else {}
            put(ws, r, first, value, alignment=WRAP, **style)
            if last > first:
                ws.merge_cells(start_row=r, start_column=first, end_row=r, end_column=last)
    return row + len(rows)


def body(book: Book, scorecard: Scorecard, rubric: Rubric, o: OrganisationResult) -> None:
    """The front sheet of one body's own workbook."""
    st = book.stream("Summary", [28, 60, 16, 24], landscape=False)
    scored = sum(1 for x in scorecard.organisations if x.rank is not None)
    title_block(st, scorecard, f"{o.name} ({o.code})", [HOW_TO_READ.split(". ", 1)[1]], span=4)
    titles = {c.id: c.title for c in rubric.categories}
    facts: list[tuple[str, t.Any]] = [
        ("Region", o.region),
        ("Response", _response(scorecard, o)),
        ("Evidence", f"{o.kind}, assessed by {o.assessor} on {o.assessed_on}"),
        ("Overall %", Styled(o.percent, "percent")),
        ("Band", _band(o, {b.id: b for b in rubric.bands})),
        ("Rank", f"{o.rank} of {scored} bodies scored" if o.rank is not None else "not ranked"),
        ("Categories", "; ".join(titles.get(c, c) for c in o.categories) or "none"),
    ]
    for label, value in facts:
        st.add([label, value], ["bold", "wrap"])
    st.blank()
    st.table(["Section", "Percent", "Before any cap", "Capped by flag"],
             [[s.title, s.percent, s.uncapped_percent, s.capped_by] for s in o.sections], ["wrap", "percent", "percent", "wrap"])
    st.close()
