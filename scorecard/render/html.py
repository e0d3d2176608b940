"""The `html` format: a static site under `site/` that works from a folder with no network.

`site/index.html` (the national picture), `site/<CODE>.html` (one page per body),
`site/methodology.html` (generated from the rubric), `site/style.css` and `site/site.js`; with
a register's area overlay, also its page of every area (`site/<page>.html`, see area_pages).
Templates live in `templates/` (package data). Evidence text is untrusted: autoescaping is on for
every template, only http(s) URLs become links, and page names come from register codes that must
match a strict pattern, so no code can name a file outside `site/`.
"""

from __future__ import annotations

import typing as t

import jinja2

from scorecard.compare import change_counts
from scorecard.engine import FORMULA_IN_WORDS
from scorecard.models.rubric import BooleanAnswer, ChoiceAnswer, MultiAnswer, NumberAnswer, Rubric
from scorecard.problems import InvalidInput, Problem
from scorecard.register import PageNames
from scorecard.render.area_pages import AreaView
from scorecard.render.area_rows import long_date
from scorecard.render.html_view import (
    View,
    band_styles,
    number,
    percent,
    plural,
    upper_first,
)
from scorecard.render.links import http_url
from scorecard.resources import data_dir
from scorecard.result import Scorecard
from scorecard.round_words import coverage_in_words, dates_in_words, no_reply_words
from scorecard.vocabulary import DIRECTION_WORDS, KIND_WORDS, SEVERITY_WORDS, SITE_RESPONSE_WORDS as RESPONSE_WORDS

SITE = "site"


def page_names(scorecard: Scorecard, register_name: str) -> dict[str, str]:
    """Register code -> page file name; InvalidInput if a code cannot safely name a file."""
    problems: list[Problem] = []
    names: dict[str, str] = {}
    pages = PageNames()  # the register's own rule (scorecard.register), for scorecards built otherwise
    for organisation in scorecard.organisations:
        code = organisation.code
        refusal = pages.refusal(code)
        if refusal is not None:
            problems.append(Problem(register_name, "", refusal, code="bad-body-code"))
            continue
        names[code] = f"{code}.html"
    if problems:
        raise InvalidInput(problems)
    return names


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(data_dir("templates")),
        autoescape=True,  # every template is HTML; evidence text must never become markup
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(http_url=http_url, number=number, percent=percent, plural=plural, upper_first=upper_first,
                       long_date=long_date)
    return env


def stylesheet(rubric: Rubric) -> bytes:
    """The one CSS file: the fixed stylesheet, then the rubric's band colours as classes (classes,
    not inline styles, so the pages' Content-Security-Policy can forbid inline style)."""
    css = (data_dir("templates") / "style.css").read_text("utf-8")
    rules = [f".{b['css']}{{background:{b['fill']};color:{b['text']}}}\n" for b in band_styles(rubric)]
    rules += [f"svg .{b['css']}{{fill:{b['fill']}}}\n" for b in band_styles(rubric)]
    return (css.rstrip("\n") + "\n\n/* Band colours, from the rubric */\n" + "".join(rules)).encode("utf-8")


def _answer_definition(criterion: t.Any) -> dict[str, t.Any]:
    """The answer options of a criterion, for the methodology page."""
    answer = criterion.answer
    if isinstance(answer, ChoiceAnswer):
        rows = [(o.shown, number(o.points), o.descriptor) for o in answer.options]
        return {"kind": "One option from a list", "rows": rows, "notes": []}
    if isinstance(answer, BooleanAnswer):
        rows = [("Yes", number(answer.when_true.points), answer.when_true.descriptor),
                ("No", number(answer.when_false.points), answer.when_false.descriptor)]
        return {"kind": "Yes or no", "rows": rows, "notes": []}
    if isinstance(answer, MultiAnswer):
        notes = [f"Options: {', '.join(o.label for o in answer.options)}.",
                 f"Points: up to {number(answer.max_points)}, in proportion to the share of the "
                 f"{len(answer.options)} options covered."]
        rows = [(f"{level.min_count} or more options", "", level.descriptor) for level in answer.levels]
        return {"kind": "Any of a set of options", "rows": rows, "notes": notes}
    assert isinstance(answer, NumberAnswer)
    direction = DIRECTION_WORDS[answer.direction]
    notes = [f"Unit: {answer.unit}; {direction}."]
    if answer.scoring == "rank":
        notes.append(f"Scored by rank among the bodies with a value: up to {number(answer.max_points)} points.")
        return {"kind": "A number, ranked", "rows": [], "notes": notes}
    rows = []
    lower = None
    for band in answer.bands:
        span = f"up to {number(band.upto)}" if band.upto is not None else f"above {number(lower)}"
        rows.append((span, number(band.points), band.descriptor))
        lower = band.upto
    return {"kind": "A number, in bands", "rows": rows, "notes": notes}


def render(scorecard: Scorecard, rubric: Rubric) -> dict[str, bytes]:
    """Every file of the site, in memory."""
    return dict(render_pages(scorecard, rubric))


def render_pages(scorecard: Scorecard, rubric: Rubric) -> t.Iterator[tuple[str, bytes]]:
    """The site file by file, so a caller can write each page as it comes and keep memory flat
    however many bodies there are."""
    names = page_names(scorecard, rubric.register_name)
    view = View(scorecard, rubric)
    env = environment()
    areas = AreaView(scorecard, view, names) if scorecard.areas is not None else None
    common = _common_context(scorecard, rubric, names, areas)

    def page(template: str, **context: t.Any) -> bytes:
        return env.get_template(template).render(**common, **context).encode("utf-8")

    # The national page, the methodology and the two fixed files are made before the first is
    # given out; then the areas page and the body pages, one at a time.
    yield from {
        f"{SITE}/index.html": _index_page(page, scorecard, rubric, view, areas),
        f"{SITE}/methodology.html": _methodology_page(page, rubric),
        f"{SITE}/style.css": stylesheet(rubric),
        f"{SITE}/site.js": (data_dir("templates") / "site.js").read_bytes(),
    }.items()
    if areas is not None:
        rows = areas.all_areas()
        yield f"{SITE}/{areas.page}", page(
            "areas.html", current="areas", page_title=f"{areas.areas.title}: {rubric.title}",
            area_rows=rows, letters=areas.letters(rows),
        )
    yield from _organisation_pages(page, scorecard, rubric, view, names, areas)


_Page = t.Callable[..., bytes]  # render_pages' `page`: a template and its context -> the page


def _common_context(scorecard: Scorecard, rubric: Rubric, names: dict[str, str], areas: AreaView | None) -> dict[str, t.Any]:
    """What every page's template is given."""
    return {
        "areas": scorecard.areas,  # the register's area overlay, or None
        "area_page": areas.page if areas else None,
        "scorecard": scorecard,
        "rubric": rubric,
        "label": rubric.organisation_label,
        "pages": names,
        "bands": band_styles(rubric),
        "response_words": RESPONSE_WORDS,
        "kind_words": KIND_WORDS,
        "severity_words": SEVERITY_WORDS,
        # The round in words, as every output words it (scorecard.render.words).
        "evidence_dates": dates_in_words(scorecard.round_info, scorecard.evidence_as_of),
        "coverage_words": coverage_in_words(scorecard.round_info),
        "no_reply_words": no_reply_words(scorecard.round_info),
    }


def _index_page(page: _Page, scorecard: Scorecard, rubric: Rubric, view: View, areas: AreaView | None) -> bytes:
    """The national picture: every body's row, the bands chart, the round's baselines."""
    organisations = scorecard.organisations
    baselines_by_category, other_baselines = _baselines(scorecard)
    return page(
        "index.html",
        current="index",
        page_title=rubric.title,
        rows=[view.organisation_row(o) for o in organisations],
        regions=sorted({o.region for o in organisations if o.region}),
        section_titles=[(s.id, s.title) for s in rubric.sections],
        chart=_band_chart(scorecard, rubric),
        baselines_by_category=baselines_by_category,
        other_baselines=other_baselines,
        refused=[o for o in organisations if o.response == "refused"],
        no_reply=[o for o in organisations if o.response == "no-reply"],
        change_counts=change_counts(scorecard.changes) if scorecard.changes is not None else None,
        hexmap=areas.map if areas else None,
    )


def _band_chart(scorecard: Scorecard, rubric: Rubric) -> list[dict[str, t.Any]]:
    """Each band with its count of bodies and its bar's length (the largest band is 1)."""
    summary = scorecard.summary
    largest = max(summary.bands.values(), default=0)
    return [
        {**b, "count": summary.bands.get(b["id"], 0),
         "share": (summary.bands.get(b["id"], 0) / largest) if largest else 0.0}
        for b in band_styles(rubric)
    ]


def _baselines(scorecard: Scorecard) -> tuple[dict[str, list[t.Any]], list[t.Any]]:
    """The round's baseline figures as (baseline, figure) pairs: by category, and those with none."""
    baselines_by_category: dict[str, list[t.Any]] = {}
    other_baselines = []
    for baseline in scorecard.round_info.baselines:
        for figure in baseline.figures:
            if figure.category:
                baselines_by_category.setdefault(figure.category, []).append((baseline, figure))
            else:
                other_baselines.append((baseline, figure))
    return baselines_by_category, other_baselines


def _methodology_page(page: _Page, rubric: Rubric) -> bytes:
    return page(
        "methodology.html",
        current="methodology",
        page_title=f"How the scores are worked out: {rubric.title}",
        formula=FORMULA_IN_WORDS,
        answers={c.id: _answer_definition(c) for s in rubric.sections for c in s.criteria},
    )


def _organisation_pages(page: _Page, scorecard: Scorecard, rubric: Rubric, view: View, names: dict[str, str],
                        areas: AreaView | None) -> t.Iterator[tuple[str, bytes]]:
    """One page per body, each made only when the caller asks for it."""
    organisations = scorecard.organisations
    scored = sum(1 for o in organisations if o.rank is not None)  # once, not once a page
    for organisation in organisations:
        yield f"{SITE}/{names[organisation.code]}", page(
            "organisation.html",
            current="organisation",
            page_title=f"{organisation.name}: {rubric.title}",
            row=view.organisation_row(organisation),
            sections=view.sections_of(organisation),
            categories=[view.categories[c] for c in organisation.categories if c in view.categories],
            scored=scored,
            splits=[x for x in scorecard.changes.split if organisation.code in x.successors] if scorecard.changes else [],
            body_areas=areas.of_body(organisation) if areas else [],
        )
