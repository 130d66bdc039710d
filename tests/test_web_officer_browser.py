"""An officer's journey in real Chromium, keyboard only and without JavaScript, checked by axe-core.

``engagekit serve`` runs in a subprocess on a SQLite store with one editor account. The officer
signs in, records an action update with a wrong date, sees the error summary, corrects the
date, checks the answers and changes one, records it and follows the link to the dashboard,
which shows it.
axe-core needs script, so each page the officer reaches (errors included) is checked in a
second page that loads the same HTML from the same origin. Skipped, saying why, without
Chromium or Playwright.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests import web_accounts
from tests.web_server import CHROMIUM, WCAG, running, tab_to

from engagekit.accounts import Role

EMAIL = "officer@basildon.example.gov.uk"
accounts_store = web_accounts.accounts_store


@pytest.fixture
def served(accounts_store: str, tmp_path: Path) -> Iterator[str]:
    """``engagekit serve`` on a free port, with an editor of Basildon, stopped afterwards."""
    web_accounts.add_account(accounts_store, EMAIL, "basildon", Role.editor)
    with running(tmp_path / "serve.log") as base:
        yield base


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian package 'chromium')")
def test_an_officer_records_an_update_with_the_keyboard_and_axe_finds_nothing(served: str) -> None:
    playwright = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    from axe_playwright_python.sync_playwright import Axe

    checked: list[str] = []
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            officer_context = browser.new_context(java_script_enabled=False, viewport={"width": 1024, "height": 900})
            officer = officer_context.new_page()
            checker_context = browser.new_context(bypass_csp=True, viewport={"width": 1024, "height": 900})
            checker = checker_context.new_page()

            def axe(state: str) -> None:
                """axe-core on the page the officer sees now, as the server sent it."""
                checker.goto(f"{served}/healthz")
                checker.set_content(officer.content())
                checker.wait_for_load_state("load")
                violations = Axe().run(checker, options=WCAG).response["violations"]
                assert [f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in violations] == [], state
                checked.append(state)

            officer.goto(f"{served}/councils/basildon/record/action-update", timeout=60_000)
            assert "/sign-in?next=" in officer.url
            tab_to(officer, "input[name=email]")
            officer.keyboard.type(EMAIL)
            officer.keyboard.press("Tab")
            officer.keyboard.type(web_accounts.PASSWORD)
            with officer.expect_navigation():
                officer.keyboard.press("Enter")
            assert officer.url.endswith("/councils/basildon/record/action-update"), officer.url
            assert officer.inner_text(".ek-header__council") == "Basildon Borough Council"
            axe("the blank form")

            tab_to(officer, "#f-action")
            for _ in range(8):  # Choose one, CC-1..CC-4, CN-1..CN-3, then CN-4
                officer.keyboard.press("ArrowDown")
            assert officer.eval_on_selector("#f-action", "e => e.value") == "CN-4"
            officer.keyboard.press("Tab")  # the first radio: Not started
            officer.keyboard.press("Space")
            officer.keyboard.press("ArrowDown")  # In progress
            assert officer.evaluate("document.activeElement.value") == "in-progress"
            officer.keyboard.press("Tab")
            officer.keyboard.type("40")
            officer.keyboard.press("Tab")
            assert officer.evaluate("document.activeElement.value") == "2026-11-22"  # today, to start with
            officer.keyboard.press("Control+A")
            officer.keyboard.type("2026-02-30")  # a mistake
            tab_to(officer, "button[type=submit]")
            with officer.expect_navigation():
                officer.keyboard.press("Enter")

            assert officer.title().startswith("Error: ")
            summary = officer.inner_text(".govuk-error-summary")
            assert "There is a problem" in summary
            assert "2026-02-30 does not exist: February 2026 has 28 days" in summary
            assert officer.evaluate("document.activeElement.id") == "error-summary"  # autofocus, no script
            assert (
                officer.text_content("#f-date-error") == "Error: 2026-02-30 does not exist: February 2026 has 28 days"
            )
            axe("the form with an error")

            officer.keyboard.press("Tab")  # the summary's link to the field
            assert officer.evaluate("document.activeElement.getAttribute('href')") == "#f-date"
            officer.keyboard.press("Enter")
            tab_to(officer, "#f-date")
            officer.keyboard.press("Control+A")
            officer.keyboard.type("2026-11-20")
            tab_to(officer, "button[type=submit]")
            with officer.expect_navigation():
                officer.keyboard.press("Enter")

            assert officer.inner_text("h1").startswith("Check your answers")
            answers = officer.inner_text(".govuk-summary-list")
            assert "In progress" in answers
            assert "2026-11-20" in answers
            axe("check your answers")
            tab_to(officer, "button[form=change][value=percent]")  # change the percentage
            with officer.expect_navigation():
                officer.keyboard.press("Enter")
            assert officer.evaluate("document.activeElement.id") == "f-percent"  # back at that question
            officer.keyboard.press("Control+A")
            officer.keyboard.type("45")
            tab_to(officer, "button[type=submit]")
            with officer.expect_navigation():
                officer.keyboard.press("Enter")
            assert "45" in officer.inner_text(".govuk-summary-list")
            tab_to(officer, "button.govuk-button")
            assert officer.evaluate("document.activeElement.textContent.trim()") == "Accept and record"
            with officer.expect_navigation():
                officer.keyboard.press("Enter")

            assert officer.inner_text(".govuk-panel__title") == "Action update recorded"
            axe("the confirmation")
            tab_to(officer, "a[href='/councils/basildon']:not(.govuk-breadcrumbs__link)")
            with officer.expect_navigation():
                officer.keyboard.press("Enter")
            assert officer.url.endswith("/councils/basildon")
            assert "in-progress 45% (20 November 2026)" in officer.inner_text("main")

            for path in ("/councils/basildon/record", "/councils/basildon/record/upload"):
                officer.goto(f"{served}{path}")
                axe(path)
            officer.goto(f"{served}/councils/basildon/record/correct?kind=action-update&number=1")
            assert "Its history" in officer.inner_text("main")
            axe("a correction with its history")
            officer.goto(f"{served}/councils/basildon/record/correct?kind=action-update&number=99")
            assert officer.title().startswith("Error: ")
            axe("a correction of a record that is not there")
            for slug in (
                "indicator-reading",
                "event",
                "review",
                "local-priority",
                "local-action",
                "instance",
                "member",
            ):
                officer.goto(f"{served}/councils/basildon/record/{slug}")
                axe(slug)
        finally:
            browser.close()
    assert len(checked) == 15  # every page and state above
