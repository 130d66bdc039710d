"""axe-core on the pages and states the journeys in the browser tests do not reach.

The officer's, the admin's and the resident's journeys (tests/test_web_officer_browser.py,
test_web_auth_browser.py, test_web_pages.py) check Basildon's dashboard, the forms, sign-in
and the admin page. Here: the other bundled councils' dashboards, the refusals (``403`` to a
viewer, ``404``, ``405``), the admin page with an inline error, and an upload's answers (every
bad row listed, and what was imported). Each is made by the service as a signed-in browser
gets it, then loaded into Chromium (axe-core needs script, so the policy is bypassed) with
its stylesheets from the same service. Skipped, saying why, without Chromium or Playwright.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.web_accounts import (
    accounts_store,  # noqa: F401 (a fixture)
    form_token,
    signed_in_client,  # noqa: F401 (a fixture)
)
from tests.web_server import CHROMIUM, WCAG

from engagekit.accounts import Role

BAD_ROWS = b"kind,date,action,status\naction-update,2026-02-30,CN-1,in-progress\naction-update,2026-03-01,CN-99,odd\n"
GOOD_ROWS = b"kind,date,action,status\naction-update,2026-03-01,CN-1,in-progress\n"


def _states(signed_in_client: Any) -> dict[str, tuple[int, str]]:  # noqa: F811
    """Each state's name: the status and the HTML the service answered."""
    admin = signed_in_client("basildon", Role.admin)
    viewer = signed_in_client("basildon", Role.viewer)
    states: dict[str, tuple[int, str]] = {}

    def keep(name: str, answer: Any, status: int) -> None:
        assert answer.status_code == status, (name, answer.text[:500])
        states[name] = (answer.status_code, answer.text)

    keep("Thurrock's dashboard", admin.get("/councils/thurrock"), 200)
    keep("B&NES's dashboard", admin.get("/councils/bathnes"), 200)
    keep("a council that is not there", admin.get("/councils/nowhere"), 404)
    not_allowed = admin.post(
        "/councils/basildon", data={"csrftoken": form_token(admin, "/councils/basildon/record/action-update")}
    )
    keep("a method not allowed", not_allowed, 405)
    keep("a viewer refused the forms", viewer.get("/councils/basildon/record"), 403)
    admin_page = "/councils/basildon/admin"
    sent = {"csrftoken": form_token(admin, admin_page), "email": "not an address", "role": "editor"}
    keep("the admin page with an error", admin.post(admin_page + "/users", data=sent), 400)
    upload = "/councils/basildon/record/upload"
    for name, rows, status in (("an upload with bad rows", BAD_ROWS, 400), ("an upload imported", GOOD_ROWS, 200)):
        answer = admin.post(
            upload, data={"csrftoken": form_token(admin, upload), "kind": ""}, files={"file": ("rows.csv", rows)}
        )
        keep(name, answer, status)
    return states


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian package 'chromium')")
def test_axe_finds_nothing_on_the_other_councils_refusals_and_uploads(signed_in_client: Any) -> None:  # noqa: F811
    playwright = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    from axe_playwright_python.sync_playwright import Axe

    states = _states(signed_in_client)
    assert "Nothing was imported" in states["an upload with bad rows"][1]
    assert "2026-02-30 does not exist" in states["an upload with bad rows"][1]
    assets = signed_in_client("basildon", Role.viewer)
    names = list(states)
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_context(bypass_csp=True, viewport={"width": 390, "height": 844}).new_page()

            def serve(route: Any) -> None:
                path = "/" + route.request.url.split("://", 1)[1].split("/", 1)[1]
                if path.startswith("/__state/"):
                    status, body = states[names[int(path.rsplit("/", 1)[1])]]
                    route.fulfill(status=status, body=body, content_type="text/html; charset=utf-8")
                    return
                answer = assets.get(path)
                route.fulfill(
                    status=answer.status_code, body=answer.content, content_type=answer.headers["content-type"]
                )

            page.route("http://engagekit.test/**", serve)
            for number, name in enumerate(names):
                page.goto(f"http://engagekit.test/__state/{number}", timeout=60_000)
                assert page.evaluate("document.title"), name
                violations = Axe().run(page, options=WCAG).response["violations"]
                assert [f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in violations] == [], name
        finally:
            browser.close()
