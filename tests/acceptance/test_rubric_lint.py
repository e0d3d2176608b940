"""`scorecard rubric lint` warns about words a person would read that the rubric leaves out."""

from __future__ import annotations

import shutil

import pytest
from conftest import TINY

from scorecard.rubric import bundled_rubrics, load_rubric
from scorecard.rubric_lint import lint_warnings


@pytest.mark.parametrize("name", sorted(bundled_rubrics()))
def test_the_bundled_rubrics_label_every_option_and_fit_every_tab(name):
    rubric = load_rubric(bundled_rubrics()[name]).rubric
    assert lint_warnings(rubric) == []
    for section in rubric.sections:
        assert len(section.short_title or section.title) <= 31


def test_lint_warns_of_options_without_labels_and_says_what_people_would_read(run_line):
    result = run_line(["rubric", "lint", TINY / "rubric.yaml"])
    assert "ok: tiny" in result.stdout
    assert (f"{TINY / 'rubric.yaml'}: /sections/0/criteria/0/answer/options/2: "
            "warning: option 'service' of S1 has no label; people would read 'Service'") in result.stderr


def test_lint_warns_of_a_section_title_too_long_for_a_tab(run_line, tmp_path):
    folder = tmp_path / "long"
    shutil.copytree(TINY, folder)
    rubric = folder / "rubric.yaml"
    rubric.write_text(rubric.read_text().replace("title: Services\n", "title: Services for everyone in the area, in full\n", 1))
    result = run_line(["rubric", "lint", rubric])
    assert "/sections/0: warning: the title of section 'services' has 42 characters and a sheet tab holds 31: give the section a short_title" in result.stderr
    rubric.write_text(rubric.read_text().replace("title: Services for everyone in the area, in full\n",
                                                 "title: Services for everyone in the area, in full\n    short_title: 'Services: all'\n", 1))
    result = run_line(["rubric", "lint", rubric])
    assert "'Services: all' cannot name a sheet tab" in result.stderr


def test_a_short_title_over_31_characters_is_an_error(run_line, tmp_path):
    folder = tmp_path / "short"
    shutil.copytree(TINY, folder)
    rubric = folder / "rubric.yaml"
    rubric.write_text(rubric.read_text().replace("title: Services\n", "title: Services\n    short_title: " + "x" * 32 + "\n", 1))
    result = run_line(["rubric", "lint", rubric], expect=1)
    assert "/sections/0/short_title" in result.stderr and "is too long" in result.stderr
