"""The HTML site in a real browser: Debian's chromium driven by Playwright, the site served on
127.0.0.1, axe-core injected for accessibility.

These tests fail (they do not skip) when chromium, Playwright or axe-core is missing: `.ci/run`
installs all three, and a silent skip would hide a broken site.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
import typing as t
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import TINY, score_round

CHROMIUM = Path("/usr/bin/chromium")
HERE = Path(__file__).parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = HERE / "screenshots"
# The flags that keep chromium off the network (its own update and sync calls) on a closed machine.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from scorecard.render.html import render
    from scorecard.rubric import load_rubric

    scorecard = score_round(TINY / "rubric.yaml", TINY / "evidence")
    rubric = load_rubric(TINY / "rubric.yaml").rubric
    root = tmp_path_factory.mktemp("out")
    for name, data in render(scorecard, rubric).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root / "site"


@contextlib.contextmanager
def serve_folder(folder: Path) -> t.Iterator[str]:
    """Serve a folder on 127.0.0.1 (a free port) for as long as the block runs; yield its URL."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: t.Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def base_url(site: Path) -> t.Iterator[str]:
    with serve_folder(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> t.Iterator[t.Any]:
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium), as .ci/run does")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright for Python is not installed: pip install '.[test]'")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        pytest.fail(f"{AXE} not found: run `npm ci` in {HERE} (as .ci/run does)")
    return AXE.read_text("utf-8")


class Watched(t.NamedTuple):
    page: t.Any
    errors: list[str]  # console errors and uncaught exceptions
    outside: list[str]  # requests to anywhere but the test server


@pytest.fixture
def watched(browser: t.Any) -> t.Iterator[Watched]:
    """A fresh page that records console errors and blocks (and records) any request that would
    leave 127.0.0.1; every test using it ends by asserting both lists are empty."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    outside: list[str] = []
    page.on("console", lambda msg: errors.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))

    def guard(route: t.Any) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    yield Watched(page, errors, outside)
    context.close()
    assert errors == [], errors
    assert outside == [], f"requests left 127.0.0.1: {outside}"


def body_names(page: t.Any) -> list[str]:
    """The short names in the table's visible rows, top to bottom."""
    return page.locator("#bodies tbody tr:not([hidden]) th a").all_inner_texts()


def test_index_sorts_filters_and_links(watched: Watched, base_url: str) -> None:
    page = watched.page
    page.goto(base_url + "index.html")
    assert body_names(page) == ["Alpha", "Gamma", "Beta", "Delta", "Epsilon"]
    headers = page.locator("#bodies thead th")
    assert page.locator("#bodies thead th button.sort").count() == headers.count()
    assert headers.nth(0).get_attribute("aria-sort") == "ascending"

    page.get_by_role("button", name="Name").click()
    assert body_names(page) == ["Alpha", "Beta", "Delta", "Epsilon", "Gamma"]
    name_header = page.locator("#bodies thead th", has_text="Name")
    assert name_header.get_attribute("aria-sort") == "ascending"
    assert headers.nth(0).get_attribute("aria-sort") is None
    page.get_by_role("button", name="Name").click()
    assert name_header.get_attribute("aria-sort") == "descending"
    assert body_names(page) == ["Gamma", "Epsilon", "Delta", "Beta", "Alpha"]

    # A section column: highest first, bodies without a score last (Practice: 83.3, 16.7, 0).
    page.get_by_role("button", name="Practice").click()
    assert body_names(page)[:3] == ["Alpha", "Gamma", "Beta"]
    page.get_by_role("button", name="Practice").click()
    assert body_names(page) == ["Beta", "Gamma", "Alpha", "Delta", "Epsilon"]

    page.get_by_label("Region").select_option("North")
    assert sorted(body_names(page)) == ["Alpha", "Beta"]
    assert "Showing 2 of 5" in page.locator("#table-status").inner_text()
    page.get_by_label("Region").select_option("")
    assert len(body_names(page)) == 5

    page.get_by_role("link", name="Gamma", exact=True).click()
    page.wait_for_url("**/CCC.html")
    assert page.locator("h1").inner_text() == "Gamma Board"
    assert "Capped at 50.0%" in page.locator("main").inner_text()


def test_table_reads_without_script(browser: t.Any, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "index.html")
    assert body_names(page) == ["Alpha", "Gamma", "Beta", "Delta", "Epsilon"]
    assert page.locator("button").count() == 0  # no dead controls without the script
    context.close()


def test_skip_link_is_first_and_visible_on_focus(watched: Watched, base_url: str) -> None:
    page = watched.page
    page.goto(base_url + "CCC.html")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to main content"
    box = page.locator(".skip-link").bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def serious_violations(page: t.Any, axe_source: str) -> list[dict[str, t.Any]]:
    """Run axe-core on the open page; its serious and critical WCAG violations."""
    # evaluate() is not subject to the pages' Content-Security-Policy, which forbids inline scripts.
    page.evaluate(axe_source)
    violations = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
        }""",
        AXE_TAGS,
    )
    return [v for v in violations if v["impact"] in ("serious", "critical")]


PAGES = [("index", "index.html"), ("body", "CCC.html"), ("no-reply", "DDD.html"), ("methodology", "methodology.html")]


@pytest.mark.parametrize("name,path", PAGES, ids=[p[0] for p in PAGES])
def test_accessibility_and_screenshots(watched: Watched, base_url: str, axe_source: str, name: str, path: str) -> None:
    page = watched.page
    page.goto(base_url + path)
    serious = serious_violations(page, axe_source)
    assert serious == [], serious
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    # Readable on a phone: nothing wider than the screen except the scrollable table regions.
    page.set_viewport_size({"width": 375, "height": 800})
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{path} is {overflow}px wider than a 375px phone screen"
    page.screenshot(path=str(SCREENSHOTS / f"{name}-phone.png"), full_page=True)
