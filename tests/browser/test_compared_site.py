"""The site of a compared round (the illustrative 2026 round against the 2023 survey) in a real
browser: the change column sorts, every arrow has words, and the pages pass axe like the others."""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest
from test_site import Watched, axe_source, browser, serious_violations, serve_folder, watched  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compared_url(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[str]:
    from click.testing import CliRunner

    from scorecard.cli import cli

    out = tmp_path_factory.mktemp("compared")
    args = ["compare", str(ROOT / "evidence" / "foi-2023"), str(ROOT / "evidence" / "illustrative-2026"), "--out", str(out), "--format", "html", "-q"]
    assert CliRunner().invoke(cli, args).exit_code == 0

    with serve_folder(out / "site") as url:
        yield url


def test_change_column_sorts_and_arrows_have_words(watched: Watched, compared_url: str) -> None:
    page = watched.page
    page.goto(compared_url + "index.html")
    page.get_by_role("button", name="Change since foi-2023").click()
    column = page.locator("#bodies thead th").all_inner_texts().index("Change since foi-2023")
    cells = page.locator(f"#bodies tbody tr td:nth-child({column + 1})").all_inner_texts()
    first = page.locator(f"#bodies tbody tr:first-child td:nth-child({column + 1})").inner_text()
    assert first.startswith("▲ up ")  # the largest rise first
    for text in cells:
        if text[:1] in "▲▼=":
            assert text[2:].startswith(("up ", "down ", "no change")), text


@pytest.mark.parametrize("path", ["index.html", "Z9B2Z.html", "QWO.html"])
def test_compared_pages_are_accessible(watched: Watched, compared_url: str, axe_source: str, path: str) -> None:
    page = watched.page
    page.goto(compared_url + path)
    assert serious_violations(page, axe_source) == []
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
