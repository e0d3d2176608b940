"""The national map and the page of every constituency in chromium: the bundled FOI round, whose
register has an area overlay (constituencies and MPs)."""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_site import SCREENSHOTS, Watched, axe_source, browser, serious_violations, serve_folder, watched  # noqa: F401 (fixtures)  # noqa: F401 (fixtures used by name)

ROOT = Path(__file__).resolve().parent.parent.parent
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture(scope="module")
def foi_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from scorecard.cli import cli

    out = tmp_path_factory.mktemp("foi-site")
    result = CliRunner().invoke(cli, ["score", str(ROOT / "evidence" / "foi-2023"), "--out", str(out), "-q", "--format", "html"])
    assert result.exit_code == 0, result.output
    return out / "site"


@pytest.fixture(scope="module")
def foi_url(foi_site: Path) -> t.Iterator[str]:
    with serve_folder(foi_site) as url:
        yield url


PAGES = [("national", "index.html"), ("mps", "constituencies.html"), ("devon", "QJK.html"), ("somerset", "QSL.html")]


@pytest.mark.parametrize("name,path", PAGES, ids=[p[0] for p in PAGES])
def test_no_serious_accessibility_problems_and_screenshots(watched: Watched, foi_url: str, axe_source: str, name: str, path: str) -> None:
    page = watched.page
    page.goto(foi_url + path)
    assert serious_violations(page, axe_source) == []
    SCREENSHOTS.mkdir(exist_ok=True)
    for size, viewport in (("laptop", LAPTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        page.screenshot(path=str(SCREENSHOTS / f"areas-{name}-{size}.png"))
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than the {size} screen"


def test_every_hex_is_reached_by_keyboard_with_a_visible_ring_and_links_to_a_page(watched: Watched, foi_url: str, foi_site: Path) -> None:
    page = watched.page
    page.goto(foi_url + "index.html")
    hexes = page.locator(".hexmap a")
    assert hexes.count() == 42
    reached: list[str] = []
    for _ in range(200):  # Tab through the page until every hex has had focus
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => { const a = document.activeElement; if (!a.closest('.hexmap')) return null;
               const p = a.querySelector('polygon'); return [a.getAttribute('href'), a.getAttribute('aria-label'),
               getComputedStyle(p).strokeWidth, a.parentNode.textContent.replace(/\\s+/g, ' ').trim()]; }"""
        )
        if focused is None:
            if reached:
                break
            continue
        href, name, stroke, text = focused
        reached.append(href)
        assert float(stroke.removesuffix("px")) >= 5, f"{href}: focus ring {stroke}"
        # Colour is never the only carrier: the hex shows words and the name says the band.
        assert text and ("%" in text or "no score" in text), (href, text)
        assert ": " in name and ("%" in name or "No score" in name), (href, name)
        assert (foi_site / href).is_file(), href
    assert len(reached) == 42 and len(set(reached)) == 42
    page.locator('.hexmap a[href="QJK.html"]').click()
    page.wait_for_url("**/QJK.html")
    assert "NHS Devon" in page.locator("h1").inner_text()


def test_devon_hex_has_its_name_band_and_percent(watched: Watched, foi_url: str) -> None:
    page = watched.page
    page.goto(foi_url + "index.html")
    devon = page.get_by_role("link", name="NHS Devon (DEV): Little or nothing in place, 0.0%")
    assert devon.count() == 1
    unscored = page.locator(".hexmap a.hex-unscored")
    assert unscored.count() == 8
    for i in range(unscored.count()):
        assert unscored.nth(i).locator("polygon").get_attribute("fill").startswith("url(#")  # hatched, not a band colour
        assert "no score" in unscored.nth(i).locator("xpath=..").text_content()


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_headline_map_and_find_your_mp_above_the_fold(browser: t.Any, foi_url: str, viewport: dict[str, int]) -> None:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(foi_url + "index.html")
    for selector in (".headline p", ".headline-bands", ".find-area a", ".hexmap svg"):
        box = page.locator(selector).first.bounding_box()
        assert box is not None and box["y"] >= 0
        assert box["y"] + box["height"] <= viewport["height"], f"{selector} ends at {box['y'] + box['height']:.0f}px"
    method = page.locator("#meaning").bounding_box()
    assert method["y"] >= viewport["height"] * 0.9  # the method text comes after the picture
    context.close()


def test_mp_page_without_script_lists_every_constituency(browser: t.Any, foi_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(foi_url + "constituencies.html")
    assert page.locator("#areas tbody tr:not([hidden])").count() == 543
    assert page.locator("#area-filter").count() == 0  # no dead control without the script
    page.goto(foi_url + "index.html")
    assert page.locator(".hexmap a").count() == 42  # the map needs no script either
    context.close()


def test_mp_page_filter_box(watched: Watched, foi_url: str) -> None:
    page = watched.page
    page.goto(foi_url + "constituencies.html")
    page.get_by_label("Filter").fill("tiverton")
    rows = page.locator("#areas tbody tr:not([hidden])")
    assert rows.count() == 1
    text = rows.first.inner_text()
    assert "Rachel Gilmour" in text and "NHS Somerset" in text and "NHS Devon" in text
    assert "Showing 1 of 543" in page.locator("#area-filter-status").inner_text()
    page.get_by_label("Filter").fill("nhs devon")
    assert rows.count() == 13
    page.get_by_label("Filter").fill("")
    assert rows.count() == 543


def test_map_prints(browser: t.Any, foi_url: str, tmp_path: Path) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(foi_url + "index.html")
    page.emulate_media(media="print")
    box = page.locator(".hexmap svg").bounding_box()
    assert box is not None and box["width"] > 300
    assert page.locator(".site-header nav").is_hidden()
    pdf = tmp_path / "national.pdf"
    page.pdf(path=str(pdf), print_background=True)
    assert pdf.stat().st_size > 10_000
    context.close()
