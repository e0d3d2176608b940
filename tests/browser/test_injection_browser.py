"""Hostile evidence in a real browser: a site rendered from a round whose every free-text field
holds an attack (tests/acceptance/test_untrusted_text_in_outputs.py builds it) is opened in chromium, served on 127.0.0.1.
Nothing may run (no dialog), nothing may be fetched from anywhere else, and the console stays
clean: the pages' Content-Security-Policy would log any inline script it had to block."""

from __future__ import annotations

import typing as t

import pytest
from test_site import Watched, browser, serve_folder, watched  # noqa: F401 (fixtures)
from test_untrusted_text_in_outputs import FIELDS, PAYLOADS, REFUSED, REPLIED, render_hostile

# Every payload lands in at least one field, and every field holds one.
TEXTS = {f: PAYLOADS[i % len(PAYLOADS)] for i, f in enumerate(FIELDS)}


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[str]:
    out = tmp_path_factory.mktemp("hostile")
    for name, data in render_hostile(out / "round", TEXTS).files.items():
        if name.startswith("site/"):
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            (out / name).write_bytes(data)

    with serve_folder(out / "site") as url:
        yield url


# What the live page holds once the browser has built it (and site.js has run).
LIVE_DOM = """() => {
    const handlers = [];
    for (const element of document.querySelectorAll("*")) {
        for (const attribute of element.attributes) {
            if (attribute.name.toLowerCase().startsWith("on")) handlers.push(element.tagName + " " + attribute.name);
        }
    }
    return {
        scripts: Array.from(document.scripts, s => s.getAttribute("src")),
        handlers: handlers,
        frames: document.querySelectorAll("iframe, object, embed, base, form").length,
        refresh: document.querySelectorAll('meta[http-equiv="refresh" i]').length,
    };
}"""

PAGES = ["index.html", f"{REPLIED[0]}.html", f"{REFUSED}.html", "methodology.html"]


@pytest.mark.parametrize("path", PAGES)
def test_hostile_text_runs_nothing_and_fetches_nothing(watched: Watched, hostile_url: str, path: str) -> None:
    page = watched.page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(f"{dialog.type}: {dialog.message}"), dialog.dismiss()))
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(hostile_url + path)
    page.wait_for_load_state("networkidle")
    if path == "index.html":
        # Let site.js work on the hostile names: sort by every column, filter by every region.
        for button in page.locator("#bodies thead button.sort").all():
            button.click()
            button.click()
        region = page.get_by_label("Region")
        for value in region.locator("option").evaluate_all("options => options.map(o => o.value)"):
            region.select_option(value)
        assert page.locator("#bodies tbody tr").count() == len(REPLIED) + 1

    assert dialogs == [], dialogs
    assert page.url == hostile_url + path, f"the page navigated away to {page.url}"
    live = page.evaluate(LIVE_DOM)
    assert live == {"scripts": ["site.js"], "handlers": [], "frames": 0, "refresh": 0}, live
    assert requested and all(url.startswith(hostile_url) for url in requested), requested
    # The attack text is on the page as text: the reader sees what the evidence says.
    if path == f"{REPLIED[0]}.html":
        assert page.locator("h1").inner_text() == TEXTS[f"{REPLIED[0]}.name"] == "<script>alert(1)</script>"
