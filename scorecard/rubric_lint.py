"""Warnings `scorecard rubric lint` gives about a rubric that loads but reads badly: words a
person would see that the rubric leaves to the engine to make up.

Not errors: a rubric without labels still scores correctly, and the engine falls back to the
option's value in words ("dfm-cohort" reads "Dfm cohort"), never the raw id.
"""

from __future__ import annotations

import re

from scorecard.models.rubric import ChoiceAnswer, Rubric

TAB_LIMIT = 31  # characters in a spreadsheet's sheet tab (Excel's limit)
_BAD_TAB = re.compile(r"[\[\]:*?/\\]")


def tab_name(section_title: str, short_title: str | None) -> str:
    """The name a section's sheet tab is meant to show (before making it unique)."""
    return short_title or section_title


def lint_warnings(rubric: Rubric) -> list[tuple[str, str]]:
    """(JSON pointer, message) for every warning, in rubric order."""
    out: list[tuple[str, str]] = []
    tabs: dict[str, str] = {}
    for i, section in enumerate(rubric.sections):
        at = f"/sections/{i}"
        tab = tab_name(section.title, section.short_title)
        if len(tab) > TAB_LIMIT:
            out.append((at, f"the title of section {section.id!r} has {len(tab)} characters and a sheet tab holds "
                            f"{TAB_LIMIT}: give the section a short_title (it would be cut to {tab[:TAB_LIMIT]!r})"))
        if _BAD_TAB.search(tab) or tab.strip() != tab or tab.startswith("'") or tab.endswith("'"):
            out.append((at, f"{tab!r} cannot name a sheet tab as it is (no []:*?/\\, no apostrophe or space at either end): "
                            "give the section a short_title without them"))
        key = tab[:TAB_LIMIT].casefold()
        if key in tabs:
            out.append((at, f"sections {tabs[key]!r} and {section.id!r} would have the same sheet tab; give one a different short_title"))
        tabs.setdefault(key, section.id)
        for j, criterion in enumerate(section.criteria):
            if not isinstance(criterion.answer, ChoiceAnswer):
                continue
            for k, option in enumerate(criterion.answer.options):
                if not option.label:
                    out.append((f"{at}/criteria/{j}/answer/options/{k}",
                                f"option {option.value!r} of {criterion.id} has no label; people would read {option.shown!r}"))
    return out
