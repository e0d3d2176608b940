"""scorecard.xlsx (with scorecard.csv beside it) and the per-body workbooks, written with openpyxl.

For someone who opens one attachment and reads nothing else: a Summary sheet first, then the
national picture, one sheet per section, the evidence behind every answer, the flags and the
whole rubric. The sheets are laid out in `excel_sheets`; this module orders them and saves.
"""

from __future__ import annotations

from scorecard.render import csv_, excel_sheets as sheets
from scorecard.render.workbook import new_workbook, sheet_title, workbook_bytes
from scorecard.result import OrganisationResult, Scorecard
from scorecard.rubric import Rubric

# Titles of the fixed sheets; section sheets take the section's title, made legal and unique.
FIXED_SHEETS = ("Summary", "National summary", "Evidence", "Flags", "Methodology")


def scorecard_workbook(scorecard: Scorecard, rubric: Rubric) -> bytes:
    wb = new_workbook()
    sheets.summary(wb.create_sheet("Summary"), scorecard, rubric)
    sheets.national(wb.create_sheet("National summary"), scorecard, rubric)
    for section in rubric.sections:
        title = sheet_title(section.title, list(wb.sheetnames) + list(FIXED_SHEETS))
        sheets.section(wb.create_sheet(title), scorecard, rubric, section)
    sheets.evidence(wb.create_sheet("Evidence"), scorecard, rubric)
    sheets.flags(wb.create_sheet("Flags"), scorecard, rubric)
    sheets.methodology(wb.create_sheet("Methodology"), scorecard, rubric)
    return workbook_bytes(wb, scorecard.evidence_as_of, f"{scorecard.rubric.title}: scorecard, round {scorecard.round}")


def organisation_workbook(scorecard: Scorecard, rubric: Rubric, organisation: OrganisationResult) -> bytes:
    wb = new_workbook()
    sheets.body(wb.create_sheet("Summary"), scorecard, rubric, organisation)
    sheets.evidence(wb.create_sheet("Evidence"), scorecard, rubric, organisation)
    sheets.flags(wb.create_sheet("Flags"), scorecard, rubric, organisation)
    sheets.methodology(wb.create_sheet("Methodology"), scorecard, rubric)
    return workbook_bytes(wb, scorecard.evidence_as_of, f"{organisation.name}: {scorecard.rubric.title}, round {scorecard.round}")


def render(scorecard: Scorecard, rubric: Rubric) -> dict[str, bytes]:
    """The `xlsx` format: the workbook and, always beside it, its Evidence rows as CSV."""
    out = {"scorecard.xlsx": scorecard_workbook(scorecard, rubric)}
    out.update(csv_.render(scorecard, rubric))
    return out


def render_per_organisation(scorecard: Scorecard, rubric: Rubric) -> dict[str, bytes]:
    """The `xlsx-per-organisation` format: organisations/<CODE>.xlsx for every body. Codes are
    safe file names: the evidence schema allows only letters, digits, `_`, `.` and `-`, starting
    with a letter or digit."""
    return {
        f"organisations/{o.code}.xlsx": organisation_workbook(scorecard, rubric, o)
        for o in scorecard.organisations
    }
