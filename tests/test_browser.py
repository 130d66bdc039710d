"""Each council's HTML report in a real browser: axe-core finds no accessibility violation.

Runs headless Chromium (Debian's ``chromium``; ``.ci/run`` installs it) through Playwright and
axe-core (``axe-playwright-python`` ships it). Skipped, saying why, where either is missing.
With ``SAVE_SCREENSHOTS=1`` it also saves a screenshot of each report to ``docs/images``.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian package 'chromium')")
IMAGES = Path(__file__).resolve().parent.parent / "docs" / "images"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    playwright = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    with playwright.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


def html_report(council_id: str) -> str:
    import engagekit
    from engagekit.report import council_report
    from engagekit.report.html import render_html

    host = engagekit.get_plugin_host(environ={})
    report = council_report(host.council(council_id), dt.date(2026, 11, 22), host=host)
    return render_html(report)


@pytest.mark.parametrize("council_id", ["basildon", "thurrock", "bathnes"])
def test_axe_finds_no_violations(browser, council_id: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from axe_playwright_python.sync_playwright import Axe

    page_file = tmp_path / f"{council_id}.html"
    page_file.write_text(html_report(council_id), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(page_file.as_uri())
    results = Axe().run(page, options=WCAG)
    violations = [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} elements)"
        for violation in results.response["violations"]
    ]
    assert violations == []
    assert [url for url in requests if not url.startswith("file:")] == []  # self-contained: no network
    if os.environ.get("SAVE_SCREENSHOTS"):
        IMAGES.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(IMAGES / f"report-{council_id}.png"), full_page=False)
    page.close()
