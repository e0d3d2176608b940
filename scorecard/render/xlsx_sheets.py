"""The sheets of scorecard.xlsx: Summary, National summary, one per section, Evidence, Sources
and Flags (the Methodology sheet is in `xlsx_methodology`, Change and Replies in `xlsx_changes`).

Each function adds one sheet to a `Book` from the Scorecard and the rubric, laying out only what
the engine computed: no percent, count or rank is worked out here. A new sheet is one more such
function: `book.sheet(title, widths)`, a `title_block`, then `table` or `add` row by row.
"""

from __future__ import annotations

import typing as t

from scorecard.models.rubric import Rubric, Section
from scorecard.render.csv_ import answer_text
from scorecard.render.words import id_in_words
from scorecard.render.xlsx_book import Book, Sheet, Styled, Value, is_link
from scorecard.result import CriterionResult, OrganisationResult, Scorecard
from scorecard.round_words import coverage_in_words, dates_in_words, no_reply_words
from scorecard.vocabulary import OUTCOME_WORDS, RESPONSE_WORDS, SEVERITY_WORDS

HOW_TO_READ = (
    "One row per body, highest overall percent first; equal percents share a rank. The band is "
    "given in words and by colour. Bodies that refused or did not reply are not scored: they have "
    "no percent, band or rank. The section sheets give each answer's points; the Evidence sheet gives "
    "every answer with its source (listed on the Sources sheet); the Methodology sheet gives the whole "
    "rubric and how the percents are worked out."
)
# Above this many bodies the rows of the section sheets and of the Evidence and Sources sheets
# are left out of scorecard.xlsx: at 10,000 bodies they are millions of cells, which XlsxWriter
# takes about half a minute to write. scorecard.csv has every row, each body's own workbook has
# its own, and each of those sheets says so.
EVIDENCE_SHEET_LIMIT = 2_000


def too_big(scorecard: Scorecard) -> bool:
    return len(scorecard.organisations) > EVIDENCE_SHEET_LIMIT


def _left_out(scorecard: Scorecard) -> str:
    return (f"This round has {len(scorecard.organisations):,} bodies: more than the {EVIDENCE_SHEET_LIMIT:,} for which this "
            "sheet's rows are written into the workbook. Every body's answers, points and sources are in scorecard.csv "
            "beside it (one row per body and question), and each body's own workbook (scorecard score --per-organisation) "
            "has its rows.")


def round_lines(scorecard: Scorecard) -> list[str]:
    """The rubric, round and evidence date, for the head of every sheet."""
    info = scorecard.round_info
    round_words = f"Round: {info.title} ({scorecard.round})" if info.title else f"Round: {scorecard.round}"
    texts = [
        f"{scorecard.rubric.title}, rubric {scorecard.rubric.id} version {scorecard.rubric.version}",
        f"{round_words}. {dates_in_words(info, scorecard.evidence_as_of)}. {coverage_in_words(info)}.",
    ]
    if info.illustrative:
        texts.append("ILLUSTRATIVE ROUND: these records are examples, not findings about real bodies.")
    return texts


def code_width(bodies: t.Iterable[OrganisationResult], least: float = 6) -> float:
    """A Code column as wide as the longest code (some registers use nine-character codes)."""
    return max([least, *(len(o.code) + 1.5 for o in bodies)])


def section_name(sec: Section) -> str:
    return sec.short_title or sec.title


def response_words(scorecard: Scorecard, o: OrganisationResult) -> str:
    """The body's response in words; a body that did not reply in the round's own wording."""
    if o.response == "no-reply":
        return no_reply_words(scorecard.round_info, capital=True)
    return RESPONSE_WORDS[o.response]


def band_cell(scorecard: Scorecard, o: OrganisationResult, rubric: Rubric) -> Styled:
    """The band in words, on its colour (never colour alone)."""
    band = next((b for b in rubric.bands if b.id == o.band), None)
    if band is None:
        return Styled(f"Not scored ({response_words(scorecard, o).lower()})", "wrap")
    return Styled(band.label, band.colour)


def answer_words(rubric: Rubric, result: CriterionResult) -> str:
    """The answer in words, or the outcome in words when there is no answer."""
    if result.outcome != "answered":
        return OUTCOME_WORDS[result.outcome]
    return answer_text(rubric.criteria[result.id][1], result) or ""


def summary(book: Book, scorecard: Scorecard, rubric: Rubric) -> None:
    n = len(rubric.sections)
    st = book.sheet("Summary", [5, code_width(scorecard.organisations), 26, 13, 8, 15] + [11] * n + [6, 24])
    st.title_block("Summary", [*round_lines(scorecard), HOW_TO_READ], span=8 + n)
    names = ["Rank", "Code", "Body", "Region", "Overall %", "Band"] + [f"{section_name(s)} %" for s in rubric.sections]
    names += ["Flags", "Categories"]
    styles = ["number", "plain", "wrap", "wrap", "percent", "wrap"] + ["percent"] * n + ["number", "wrap"]
    titles = {c.id: c.title for c in rubric.categories}
    rows = (
        [o.rank, o.code, o.name, o.region, o.percent, band_cell(scorecard, o, rubric)]
        + [s.percent for s in o.sections]
        + [len(o.flags), "; ".join(titles.get(c, c) for c in o.categories)]
        for o in scorecard.organisations
    )
    st.table(names, rows, styles)


def spanned(st: Sheet, spans: t.Sequence[tuple[str, int, int]], rows: t.Iterable[t.Sequence[Value | Styled]],
            styles: t.Sequence[str] | None = None) -> None:
    """A small table on a sheet whose columns are a grid: each column of the table covers the
    grid columns first..last (merged), so that long text lands in a wide span."""
    def one(values: t.Sequence[t.Any], style: t.Sequence[str]) -> None:
        full: list[t.Any] = [None] * (spans[-1][2] + 1)
        full_styles = ["plain"] * len(full)
        for (_, first, _), value, s in zip(spans, values, style, strict=False):
            full[first], full_styles[first] = value, s
        st.add(full, full_styles, merge=[(first, last) for _, first, last in spans if last > first])

    one([name for name, _, _ in spans], ["header"] * len(spans))
    for values in rows:
        one(values, styles or ["wrap"] * len(spans))


def national(book: Book, scorecard: Scorecard, rubric: Rubric) -> None:
    s = scorecard.summary
    st = book.sheet("National summary", [26, 10, 10, 10, 10, 10, 10, 10], landscape=False)
    st.title_block("National summary", round_lines(scorecard), span=8)
    facts: list[tuple[str, Value, str]] = [
        ("Bodies with a record", s.organisations, "number"),
        ("Replied", s.replied, "number"),
        ("Refused", s.refused, "number"),
        (no_reply_words(scorecard.round_info, capital=True), s.no_reply, "number"),
        ("In the register but not assessed", ", ".join(s.not_assessed) or "none", "wrap"),
        ("Median overall percent (bodies scored)", s.median_percent, "percent"),
    ]
    for label, value, style in facts:
        st.add([label, value], ["bold", style], merge=[(1, 1 if style != "wrap" else 7)])
    st.blank()
    spanned(st, [("Band", 0, 0), ("From overall %", 1, 2), ("Bodies", 3, 3)],
            [[Styled(b.label, b.colour), b.min_percent, s.bands.get(b.id, 0)] for b in rubric.bands], ["wrap", "percent", "number"])
    st.blank()
    descriptions = {c.id: c.description for c in rubric.categories}
    spanned(st, [("Category", 0, 0), ("Description", 1, 3), ("Bodies (n of N)", 4, 4), ("Published figure", 5, 5), ("Published in", 6, 7)],
            [[c.title, descriptions.get(c.id), f"{c.count} of {c.of}", f"{c.published.count} of {c.published.of}" if c.published else None,
              c.published.source if c.published else None] for c in s.categories])
    baselines = [[b.title, b.year, b.source, f.label, f.percent, f.category] for b in scorecard.round_info.baselines for f in b.figures]
    if baselines:
        st.blank()
        st.add(["Earlier published baselines, for comparison"], "heading")
        spanned(st, [("Baseline", 0, 0), ("Year", 1, 1), ("Source", 2, 4), ("Figure", 5, 6), ("Percent", 7, 7)],
                [row[:5] for row in baselines], ["wrap", "number", "wrap", "wrap", "percent"])
    st.blank()
    st.add(["Bodies that refused or did not reply"], "heading")
    silent = [[o.code, o.name, response_words(scorecard, o), o.assessed_on] for o in scorecard.organisations if o.response != "replied"]
    spanned(st, [("Code", 0, 0), ("Body", 1, 4), ("Response", 5, 6), ("Recorded on", 7, 7)], silent or [["none", None, None, None]])


def section(book: Book, scorecard: Scorecard, rubric: Rubric, sec: Section) -> None:
    capped = any(f.cap and f.cap.section == sec.id for f in rubric.flags)
    lead = [5, code_width(scorecard.organisations), 24, 8] + ([13] if capped else [])
    st = book.sheet(section_name(sec), lead + [6, 17] * len(sec.criteria))
    lines = [*round_lines(scorecard), f"Weight {sec.weight:g}. {sec.summary or ''}".strip()]
    lines += [f"{c.id}: {c.question} (up to {c.max_points:g} points, weight {c.weight:g})" for c in sec.criteria]
    if too_big(scorecard):
        lines.append(_left_out(scorecard))
    st.title_block(sec.title, lines, span=len(lead) + 2 * len(sec.criteria))
    if too_big(scorecard):
        return
    names = ["Rank", "Code", "Body", f"{section_name(sec)} %"] + (["Capped by flag"] if capped else [])
    for c in sec.criteria:
        names += [f"{c.id} points (of {c.max_points:g})", f"{c.id} answer"]
    styles = ["number", "plain", "wrap", "percent"] + (["wrap"] if capped else []) + ["number", "wrap"] * len(sec.criteria)
    flag_titles = {f.id: f.title or id_in_words(f.id) for f in rubric.flags}

    def row(o: OrganisationResult) -> list[Value]:
        result = next(x for x in o.sections if x.id == sec.id)
        results = {c.id: c for c in o.criteria}
        out: list[Value] = [o.rank, o.code, o.name, result.percent]
        if capped:
            out.append(flag_titles.get(result.capped_by or "", result.capped_by))
        for c in sec.criteria:
            r = results.get(c.id)
            out += [None, response_words(scorecard, o)] if r is None else [r.points, answer_words(rubric, r)]
        return out

    st.table(names, (row(o) for o in scorecard.organisations), styles)


def evidence(book: Book, scorecard: Scorecard, rubric: Rubric, only: OrganisationResult | None = None, footer: str = "") -> None:
    """One row per body and criterion, under a heading row per body (its name would make every
    row three lines deep)."""
    bodies = [only] if only else scorecard.organisations
    st = book.sheet("Evidence", [code_width(bodies, 7), 9, 26, 22, 6, 5, 60, 12], footer=footer)
    if only is None and too_big(scorecard):
        st.title_block("Evidence", [*round_lines(scorecard), _left_out(scorecard)], span=8)
        return
    st.title_block("Evidence", [*round_lines(scorecard),
        "Each body's answers follow a row with its name: the answer in words (or why there is none), its points and the "
        "assessor's note. Source is the id of the document on the Sources sheet, listed under the body's code. "
        "scorecard.csv has these rows with every column."], span=8)
    names = ["Code", "Criterion", "Question", "Answer", "Points", "Of", "Assessor's note", "Source"]
    styles = ["plain", "plain", "wrap", "wrap", "number", "number", "wrap", "wrap"]
    top = st.header(names)
    for o in bodies:
        st.add([o.code, f"{o.name}: {response_words(scorecard, o).lower()}"], "body", merge=[(1, 7)])
        for r in o.criteria:
            criterion = rubric.criteria[r.id][1]
            st.add([o.code, r.id, criterion.title or criterion.question, answer_words(rubric, r), r.points, r.max_points, r.note, r.source],
                   styles)
    st.filter(top, len(names))


def sources(book: Book, scorecard: Scorecard, only: OrganisationResult | None = None, footer: str = "") -> None:
    """Each body's sources once: their references are long, and stated on every Evidence row
    they made rows a page tall."""
    bodies = [only] if only else scorecard.organisations
    if only is None and too_big(scorecard):
        return
    st = book.sheet("Sources", [code_width(bodies), 18, 12, 36, 10, 56, 26], footer=footer)
    st.title_block("Sources", [*round_lines(scorecard),
        "Every document an answer rests on, once per body: the Evidence sheet names it by its id."], span=7)
    rows = ([o.code, o.name, s.id, s.title, s.date, s.reference, Styled(s.url, "link") if is_link(s.url) else s.url]
            for o in bodies for s in o.sources)
    st.table(["Code", "Body", "Source", "Title", "Date", "Reference", "Link"], rows)


def flags(book: Book, scorecard: Scorecard, rubric: Rubric, only: OrganisationResult | None = None, footer: str = "") -> None:
    st = book.sheet("Flags", [code_width([only] if only else scorecard.organisations), 22, 26, 9, 60, 16], footer=footer)
    titles = {f.id: f.title or id_in_words(f.id) for f in rubric.flags}
    sections = {s.id: section_name(s) for s in rubric.sections}
    rows = [
        [o.code, o.name, titles.get(f.id, f.id), SEVERITY_WORDS[f.severity], f.message, sections.get(f.caps or "", f.caps)]
        for o in ([only] if only else scorecard.organisations)
        for f in o.flags
    ]
    st.title_block("Flags", [*round_lines(scorecard), "Every caveat or concern raised, with its message."], span=6)
    st.table(["Code", "Body", "Flag", "Severity", "Message", "Caps section"], rows or [["None raised", None, None, None, None, None]])
