"""A council's own colours on its pages, served as a stylesheet of custom properties (``engagekit.web.colours``).

Two councils made up for the test (no real council's colours): Testshire, a dark brand colour
used for links too, and Lightshire, a light brand colour with dark text on it and links in a
colour of their own. The bundled councils' documents state no colours, so their pages link to
none and keep engagekit's neutral palette. In Chromium, axe-core checks a dashboard and an
officer's form drawn in a council's colours.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests import web_accounts
from tests.web_server import CHROMIUM, CHROMIUM_ARGS, WCAG, running

import engagekit
from engagekit.accounts import Role
from engagekit.records.store import open_store
from engagekit.settings import load_settings
from engagekit.web.app import create_app
from engagekit.web.publish import site_files

COUNCIL = """\
id: {id}
name: {name}
colours:
{colours}
documents:
  - {{id: plan, title: "A plan made up for a test", publisher: {name}, kind: strategy}}
programme:
  id: plan
  name: A plan made up for a test
  source: {{document: plan, section: "1"}}
  action_plan:
    pillars:
      - id: p1
        name: Places
        source: {{document: plan, section: "2"}}
        outcomes:
          - id: o1
            statement: Stronger places
            source: {{document: plan, section: "2"}}
            actions:
              - {{id: A-1, text: Open a hub, source: {{document: plan, section: "2"}}}}
areas:
  - {{id: all, name: The whole county, kind: district, source: {{document: plan, section: "1"}}}}
"""
TESTSHIRE = '  brand: "#8a1538"'
LIGHTSHIRE = '  brand: "#f5c542"\n  text_on_brand: "#0b0c0c"\n  links: "#1d5a8a"'
LINK = re.compile(r'<link rel="stylesheet" href="(/councils/[a-z]+/colours\.css\?v=[0-9a-f]{16})">')


def definitions(folder: Path) -> Path:
    folder.mkdir()
    (folder / "testshire.yaml").write_text(
        COUNCIL.format(id="testshire", name="Testshire Council", colours=TESTSHIRE), encoding="utf-8"
    )
    (folder / "lightshire.yaml").write_text(
        COUNCIL.format(id="lightshire", name="Lightshire Council", colours=LIGHTSHIRE), encoding="utf-8"
    )
    return folder


@pytest.fixture
def environ(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    url = f"sqlite:///{tmp_path / 'records.db'}"
    web_accounts.web_environment(monkeypatch, url)
    open_store(url).close()
    return {"ENGAGEKIT_DEFINITIONS": str(definitions(tmp_path / "definitions"))}


@pytest.fixture
def client(environ: dict[str, str]) -> Iterator[TestClient]:
    app = create_app(load_settings(), host=engagekit.get_plugin_host(environ=environ), access_log=False)
    with TestClient(app) as test_client:
        yield test_client


def test_a_dashboard_links_to_its_councils_colours(client: TestClient) -> None:
    page = client.get("/councils/testshire")
    assert page.status_code == 200
    (href,) = LINK.findall(page.text)
    assert page.text.index("web.css") < page.text.index(href)  # after the stylesheets whose properties it sets
    css = client.get(href)
    assert css.status_code == 200
    assert css.headers["content-type"] == "text/css; charset=utf-8"
    assert css.headers["cache-control"] == "public, max-age=31536000, immutable"
    for line in ("--ek-brand: #8a1538;", "--ek-text-on-brand: #ffffff;", "--ek-link: #8a1538;"):
        assert line in css.text
    assert "--govuk-link-colour: #8a1538;" in css.text
    assert client.get(href, headers={"if-none-match": css.headers["etag"]}).status_code == 304
    stale = client.get("/councils/testshire/colours.css?v=0000000000000000")
    assert (stale.status_code, stale.headers["cache-control"]) == (200, "public, max-age=300")


def test_each_council_has_its_own_colours_and_version(client: TestClient) -> None:
    (light,) = LINK.findall(client.get("/councils/lightshire").text)
    (dark,) = LINK.findall(client.get("/councils/testshire").text)
    assert light.split("?v=")[1] != dark.split("?v=")[1]
    css = client.get(light).text
    assert "--ek-brand: #f5c542;" in css
    assert "--ek-text-on-brand: #0b0c0c;" in css
    assert "--ek-link: #1d5a8a;" in css
    assert "--govuk-brand-colour: #f5c542;" in css


def test_the_pages_stylesheets_read_the_colours_with_the_neutral_palette_behind(client: TestClient) -> None:
    web = client.get("/static/web.css").text
    assert "background: var(--ek-brand, #0b0c0c);" in web
    assert "color: var(--ek-text-on-brand, #ffffff);" in web
    assert "a { color: var(--ek-link, #1d70b8); }" in web
    forms = client.get("/static/govuk/forms.css").text
    assert "background: var(--ek-brand, #0b0c0c); color: var(--ek-text-on-brand, #ffffff);" in forms


@pytest.mark.parametrize("council_id", ["basildon", "thurrock", "bathnes"])
def test_the_bundled_councils_keep_the_neutral_palette(client: TestClient, council_id: str) -> None:
    page = client.get(f"/councils/{council_id}").text
    assert "colours.css" not in page
    assert client.get(f"/councils/{council_id}/colours.css").status_code == 404


def test_an_officers_pages_carry_the_councils_colours(environ: dict[str, str], tmp_path: Path) -> None:
    url = os.environ["ENGAGEKIT_DATABASE_URL"]
    web_accounts.add_account(url, "officer@testshire.example.gov.uk", "testshire", Role.editor)
    app = create_app(load_settings(), host=engagekit.get_plugin_host(environ=environ), access_log=False)
    with TestClient(app) as officer:
        assert web_accounts.sign_in(officer, "officer@testshire.example.gov.uk").status_code == 303
        for path in ("/councils/testshire/record", "/councils/testshire/record/action-update"):
            page = officer.get(path)
            assert page.status_code == 200
            assert len(LINK.findall(page.text)) == 1
            assert "<style" not in page.text
            assert " style=" not in page.text


def test_a_static_site_holds_its_councils_colours(environ: dict[str, str]) -> None:
    import datetime as dt

    from engagekit.report import council_report

    host = engagekit.get_plugin_host(environ=environ)
    council = host.council("lightshire")
    report = council_report(council, dt.date(2026, 11, 22), host=host)
    files = site_files(council, report, [], {})
    assert b"--ek-brand: #f5c542;" in files["static/colours.css"]
    assert b'<link rel="stylesheet" href="../../static/colours.css">' in files["councils/lightshire/index.html"]
    basildon = host.council("basildon")
    plain = site_files(basildon, council_report(basildon, dt.date(2026, 11, 22), host=host), [], {})
    assert "static/colours.css" not in plain
    assert b"colours.css" not in plain["councils/basildon/index.html"]


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian package 'chromium')")
def test_axe_finds_nothing_on_pages_in_a_councils_colours(environ: dict[str, str], tmp_path: Path) -> None:
    """A dashboard and an officer's form with errors, for a dark and a light brand colour; and the
    colours are really drawn: the header band is the brand colour, a link the link colour."""
    playwright = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    from axe_playwright_python.sync_playwright import Axe

    url = os.environ["ENGAGEKIT_DATABASE_URL"]
    for council_id in ("testshire", "lightshire"):
        web_accounts.add_account(url, f"officer@{council_id}.example.gov.uk", council_id, Role.editor)

    def no_violations(page: Any, where: str) -> None:
        violations = Axe().run(page, options=WCAG).response["violations"]
        assert [f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in violations] == [], where

    def colour(page: Any, selector: str, what: str = "backgroundColor") -> str:
        found: str = page.eval_on_selector(selector, f"e => getComputedStyle(e).{what}")
        return found

    with running(tmp_path / "serve.log", {**os.environ, **environ}) as served, playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for council_id, band, link in (
                ("testshire", "rgb(138, 21, 56)", "rgb(138, 21, 56)"),
                ("lightshire", "rgb(245, 197, 66)", "rgb(29, 90, 138)"),
            ):
                page = browser.new_context(bypass_csp=True).new_page()  # axe-core is a script
                page.goto(f"{served}/councils/{council_id}", timeout=60_000)
                assert colour(page, ".site-header") == band
                assert colour(page, "main a", "color") == link
                no_violations(page, f"{council_id}'s dashboard")
                page.goto(f"{served}/sign-in", timeout=60_000)
                page.fill("input[name=email]", f"officer@{council_id}.example.gov.uk")
                page.fill("input[name=password]", web_accounts.PASSWORD)
                with page.expect_navigation(timeout=60_000):
                    page.click("main button[type=submit]")
                page.goto(f"{served}/councils/{council_id}/record/action-update", timeout=60_000)
                page.fill("input[name=date]", "2026-02-30")
                with page.expect_navigation(timeout=60_000):
                    page.click("main button[type=submit]")
                assert page.title().startswith("Error: ")
                assert colour(page, ".ek-header") == band
                assert colour(page, ".govuk-error-summary a", "color") != link  # GOV.UK's error red stays
                no_violations(page, f"{council_id}'s form with errors")
                page.context.close()
        finally:
            browser.close()
