"""Signing in, the admin page and signing out in real Chromium, keyboard only and without
JavaScript, each page and state checked by axe-core (WCAG 2.2 AA).

As in tests/test_web_officer_browser.py, axe-core needs script, so each page the person sees is
copied into a second page that allows it. Skipped, saying why, without Chromium or Playwright.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests import web_accounts
from tests.web_server import CHROMIUM, WCAG, running, tab_to

from engagekit.accounts import Role

ADMIN = "admin@basildon.example.gov.uk"
TABS = 80
"""The most Tab presses to reach a field: the admin page has more links and buttons than a form."""
accounts_store = web_accounts.accounts_store


@pytest.fixture
def served(accounts_store: str, tmp_path: Path) -> Iterator[str]:
    """``engagekit serve`` on a free port, with an admin of Basildon, stopped afterwards."""
    web_accounts.add_account(accounts_store, ADMIN, "basildon", Role.admin)
    with running(tmp_path / "serve.log") as base:
        yield base


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian package 'chromium')")
def test_an_admin_signs_in_manages_tokens_and_signs_out_with_the_keyboard(served: str) -> None:
    playwright = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    from axe_playwright_python.sync_playwright import Axe

    checked: list[str] = []
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            person = browser.new_context(java_script_enabled=False, viewport={"width": 1024, "height": 900}).new_page()
            checker = browser.new_context(bypass_csp=True, viewport={"width": 1024, "height": 900}).new_page()

            def axe(state: str) -> None:
                checker.goto(f"{served}/healthz")
                checker.set_content(person.content())
                checker.wait_for_load_state("load")
                violations = Axe().run(checker, options=WCAG).response["violations"]
                assert [f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in violations] == [], state
                checked.append(state)

            person.goto(f"{served}/councils/basildon/admin", timeout=60_000)
            assert "/sign-in?next=%2Fcouncils%2Fbasildon%2Fadmin" in person.url
            axe("the sign-in page")

            tab_to(person, "input[name=email]", limit=TABS)
            person.keyboard.type(ADMIN)
            person.keyboard.press("Tab")
            person.keyboard.type("not the password")
            with person.expect_navigation():
                person.keyboard.press("Enter")
            assert person.title().startswith("Error: ")
            assert "Enter a correct email address and password" in person.inner_text(".govuk-error-summary")
            assert person.input_value("input[name=email]") == ADMIN
            axe("the sign-in page with an error")

            tab_to(person, "input[name=password]", limit=TABS)
            person.keyboard.type(web_accounts.PASSWORD)
            with person.expect_navigation():
                person.keyboard.press("Enter")
            assert person.url.endswith("/councils/basildon/admin"), person.url
            assert ADMIN in person.inner_text("main")
            axe("the admin page")

            tab_to(person, "input[name=name]", limit=TABS)
            person.keyboard.type("performance-system")
            tab_to(person, "input[name=scope]:checked", limit=TABS)  # a radio group is one stop; arrows choose
            person.keyboard.press("ArrowDown")
            assert person.is_checked("input[value=write]")
            tab_to(person, "form[action$='/admin/tokens'] button", limit=TABS)
            with person.expect_navigation():
                person.keyboard.press("Enter")
            assert "Copy it now: it is not shown again." in person.inner_text(".govuk-panel")
            assert person.inner_text("code.ek-token").startswith("ekt_")
            axe("the admin page with a new token")

            person.goto(f"{served}/sign-out")
            axe("the sign-out page")
            tab_to(person, "form[action='/sign-out'] button", limit=TABS)
            with person.expect_navigation():
                person.keyboard.press("Enter")
            assert person.url == f"{served}/"
            person.goto(f"{served}/councils/basildon/admin")
            assert "/sign-in?next=" in person.url
        finally:
            browser.close()
    assert len(checked) == 5
