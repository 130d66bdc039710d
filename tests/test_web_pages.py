"""The web service's public pages (``engagekit serve``): councils, dashboards, downloads, headers.

Through FastAPI's TestClient, against a SQLite store in a temporary folder; one test starts the
real server in a subprocess, and one drives a dashboard in Chromium with the keyboard only and
runs axe-core on it (skipped, saying why, without Chromium or Playwright).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from tests.web_server import CHROMIUM, WCAG, running

import engagekit
from engagekit.cli import cli
from engagekit.records.kinds import ActionStatus, ActionUpdate
from engagekit.records.store import open_store
from engagekit.settings import load_settings
from engagekit.web.app import create_app

TODAY = "2026-11-22"
COUNCILS = {
    "basildon": "Basildon Borough Council",
    "thurrock": "Thurrock Council",
    "bathnes": "Bath &amp; North East Somerset Council",
}
HOSTILE = "<script>alert(1)</script> & \"double\" 'single' </style>"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def sqlite_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'records.db'}"
    monkeypatch.setenv("ENGAGEKIT_DATABASE_URL", url)
    monkeypatch.setenv("ENGAGEKIT_TODAY", TODAY)
    open_store(url).close()  # created and migrated, empty
    return url


@pytest.fixture
def client(sqlite_store: str) -> Iterator[TestClient]:
    app = create_app(load_settings(), host=engagekit.get_plugin_host(environ={}), access_log=False)
    with TestClient(app) as test_client:
        yield test_client


def hostile_definition(folder: Path) -> Path:
    text = json.dumps(HOSTILE)
    path = folder / "hostile.yaml"
    path.write_text(
        f"""
id: hostile
name: {json.dumps("Council " + HOSTILE)}
programme:
  id: plan
  name: {json.dumps("Plan " + HOSTILE)}
  action_plan:
    pillars:
      - id: p1
        name: {json.dumps("Pillar " + HOSTILE)}
        outcomes:
          - id: o1
            statement: {json.dumps("Outcome " + HOSTILE)}
            actions:
              - {{id: A-1, text: {json.dumps("Action " + HOSTILE)}}}
areas:
  - {{id: all, name: {text}, kind: district}}
""",
        encoding="utf-8",
    )
    return path


# -- pages ----------------------------------------------------------------------------------


def test_the_home_page_lists_every_council_with_a_link_to_its_dashboard(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    for council_id, name in COUNCILS.items():
        assert f'<a href="/councils/{council_id}">{name}</a>' in response.text


def test_a_dashboard_is_the_html_report_with_no_script_or_inline_style(client: TestClient) -> None:
    import engagekit.report.html as html
    from engagekit.report import council_report

    response = client.get("/councils/thurrock")
    assert response.status_code == 200
    page = response.text
    assert '<p class="site-header__name">Thurrock Council</p>' in page
    assert "<script" not in page.lower()
    assert "<style" not in page.lower()
    assert " style=" not in page.lower()
    assert '<link rel="stylesheet" href="/static/report.css">' in page
    # every section heading of the HTML report, in the same order
    host = engagekit.get_plugin_host(environ={})
    report = council_report(host.council("thurrock"), dt.date.fromisoformat(TODAY), host=host)
    headings = re.findall(r'<h2 id="section-[^"]*">(.*?)</h2>', html.render_html(report))
    assert headings
    assert re.findall(r'<h2 id="section-[^"]*">(.*?)</h2>', page) == headings
    assert 'as of <time datetime="2026-11-22">22 November 2026</time>' in page


def test_a_dashboard_leads_officers_to_where_they_record_progress(client: TestClient) -> None:
    """The served dashboard links to the council's recording pages (sign-in comes first);
    ``tests/test_publish.py`` holds a static site, with no server to record on, to none."""
    page = client.get("/councils/basildon").text
    assert '<a href="/councils/basildon/record">Record progress</a>' in page


def test_the_as_of_date_comes_from_the_form(client: TestClient) -> None:
    page = client.get("/councils/basildon", params={"as_of": "2024-03-31"}).text
    assert '<time datetime="2024-03-31">31 March 2024</time>' in page
    assert 'name="as_of" type="text"' in page
    assert 'value="2024-03-31"' in page
    assert 'method="get" action="/councils/basildon"' in page


def test_an_unknown_council_is_a_404_page(client: TestClient) -> None:
    response = client.get("/councils/nowhere")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "there is no council &#39;nowhere&#39;" in response.text
    assert client.get("/no/such/page").status_code == 404
    hostile = client.get("/councils/%3Cscript%3Ealert(1)")
    assert hostile.status_code == 404
    assert "<script" not in hostile.text
    assert "there is no council &#39;&lt;script&gt;alert(1)&#39;" in hostile.text


@pytest.mark.parametrize("given", ["2026-02-30", "31/03/2026", "0001-01-01", "2026-13-01"])
def test_a_bad_date_is_a_400_page_with_the_command_lines_message(client: TestClient, given: str) -> None:
    from markupsafe import escape

    cli_result = CliRunner().invoke(cli, ["report", "-c", "basildon", "--no-records", "--as-of", given])
    assert cli_result.exit_code == 2
    message = cli_result.stderr.strip().removeprefix("engagekit: --as-of: ")
    response = client.get("/councils/basildon", params={"as_of": given})
    assert response.status_code == 400
    assert f'<p class="error-message">as_of: {escape(message)}</p>' in response.text


def test_hostile_definition_text_is_escaped(tmp_path: Path, sqlite_store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    environ = {"ENGAGEKIT_DEFINITIONS": str(hostile_definition(tmp_path))}
    app = create_app(load_settings(), host=engagekit.get_plugin_host(environ=environ), access_log=False)
    with TestClient(app) as client:
        for path in ("/", "/councils/hostile"):
            page = client.get(path).text
            assert "<script" not in page.lower()
            assert "</style>" not in page
            assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;double&#34; &#39;single&#39;" in page
        assert "Action &lt;script&gt;" in client.get("/councils/hostile").text


# -- caching --------------------------------------------------------------------------------


def test_a_dashboard_is_built_once_until_a_record_is_added(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """On SQLite and on PostgreSQL (``store_url`` from conftest: skipped where no server answers)."""
    monkeypatch.setenv("ENGAGEKIT_DATABASE_URL", store_url)
    monkeypatch.setenv("ENGAGEKIT_TODAY", TODAY)
    open_store(store_url).close()
    app = create_app(load_settings(), host=engagekit.get_plugin_host(environ={}), access_log=False)
    with TestClient(app) as client:
        check_built_once(client, store_url)


def check_built_once(client: TestClient, store_url: str) -> None:
    site = client.app.state.site  # type: ignore[attr-defined]
    council = site.council("basildon")
    first = client.get("/councils/basildon")
    built = site.built(council, dt.date.fromisoformat(TODAY))
    assert client.get("/councils/basildon").text == first.text
    assert site.built(council, dt.date.fromisoformat(TODAY)) is built  # from memory
    assert "40% (1 October 2026)" not in first.text
    with open_store(store_url) as store:
        update = ActionUpdate(
            council_id="basildon",
            date=dt.date(2026, 10, 1),
            recorded_by="tester",
            action_id="CN-1",
            status=ActionStatus.IN_PROGRESS,
            percent=40,
        )
        store.add(council, [update])
    after = client.get("/councils/basildon")
    assert site.built(council, dt.date.fromisoformat(TODAY)) is not built
    assert after.text != first.text
    assert "40% (1 October 2026)" in after.text  # the action plan's "Latest update"
    assert after.headers["etag"] != first.headers["etag"]


def test_an_etag_answers_304(client: TestClient) -> None:
    first = client.get("/councils/bathnes")
    again = client.get("/councils/bathnes", headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""


# -- downloads ------------------------------------------------------------------------------

CONTENT_TYPES = {
    "text": "text/plain; charset=utf-8",
    "markdown": "text/markdown; charset=utf-8",
    "json": "application/json",
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "actions-csv": "text/csv; charset=utf-8",
    "findings-csv": "text/csv; charset=utf-8",
    "decidim-csv": "text/csv; charset=utf-8",
}


def test_every_registered_format_downloads_with_its_type_and_file_name(client: TestClient) -> None:
    from engagekit.report import council_report

    host = engagekit.get_plugin_host(environ={})
    renderers = host.renderers()
    assert set(CONTENT_TYPES) <= set(renderers)
    page = client.get("/councils/basildon", params={"as_of": "2026-06-30"}).text
    report = council_report(host.council("basildon"), dt.date(2026, 6, 30), host=host)
    for name, renderer in renderers.items():
        link = f"/councils/basildon/report.{name}?as_of=2026-06-30"
        assert f'href="{link}"' in page
        response = client.get(link)
        assert response.status_code == 200, name
        assert response.headers["content-type"] == CONTENT_TYPES.get(name, "application/octet-stream")
        extension = renderer.extension.rsplit(".", 1)[-1]
        assert response.headers["content-disposition"] == (
            f'attachment; filename="basildon-2026-06-30-{name}.{extension}"'
        )
        if name in ("json", "markdown", "text"):
            assert response.text == renderer.render(report)
    assert client.get("/councils/basildon/report.docx").content.startswith(b"PK")
    missing = client.get("/councils/basildon/report.pdf")
    assert missing.status_code == 404
    assert "no format &#39;pdf&#39;" in missing.text


def test_the_html_download_allows_only_its_own_inline_stylesheet(client: TestClient) -> None:
    response = client.get("/councils/basildon/report.html")
    css = re.search(r"<style>(.*?)</style>", response.text, re.DOTALL)
    assert css is not None
    digest = base64.b64encode(hashlib.sha256(css.group(1).encode("utf-8")).digest()).decode()
    policy = response.headers["content-security-policy"]
    assert f"style-src 'sha256-{digest}'" in policy
    assert policy.startswith("default-src 'none';")  # so no script, from anywhere
    assert "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy


# -- headers and logs -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/", "/councils/basildon", "/councils/nowhere", "/static/report.css", "/api/councils", "/healthz"]
)
def test_every_response_carries_the_security_headers(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    policy = headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'none'" in policy
    assert "'unsafe-inline'" not in policy
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "strict-transport-security" not in headers  # no https base URL: no HSTS


def test_hsts_only_with_an_https_public_base_url(sqlite_store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    host = engagekit.get_plugin_host(environ={})
    monkeypatch.setenv("ENGAGEKIT_PUBLIC_BASE_URL", "https://engage.example.org")
    with TestClient(create_app(load_settings(), host=host, access_log=False)) as client:
        assert client.get("/healthz").headers["strict-transport-security"].startswith("max-age=")
    monkeypatch.setenv("ENGAGEKIT_PUBLIC_BASE_URL", "http://localhost:8000")
    with TestClient(create_app(load_settings(), host=host, access_log=False)) as client:
        assert "strict-transport-security" not in client.get("/healthz").headers


def test_a_bad_public_base_url_is_one_line_before_anything_listens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENGAGEKIT_PUBLIC_BASE_URL", "ftp://engage.example.org")
    result = CliRunner().invoke(cli, ["serve", "--port", "1"])
    assert result.exit_code == 2
    assert result.stderr == (
        "engagekit: ENGAGEKIT_PUBLIC_BASE_URL='ftp://engage.example.org': must be an http:// or https:// "
        "address with no query or fragment\n"
    )


def test_each_request_is_logged_as_a_json_line(sqlite_store: str, capsys: pytest.CaptureFixture[str]) -> None:
    app = create_app(load_settings(), host=engagekit.get_plugin_host(environ={}))
    with TestClient(app) as client:
        capsys.readouterr()
        client.get("/councils/nowhere?as_of=2026-01-01")
        client.get('/councils/a"b\\c/\u00e9')
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2  # one line a request, nothing else
    entry = json.loads(lines[0])
    assert list(entry) == ["time", "method", "path", "status", "bytes", "ms", "client"]
    assert dt.datetime.strptime(entry["time"], "%Y-%m-%dT%H:%M:%SZ")
    assert entry["method"] == "GET"
    assert entry["path"] == "/councils/nowhere"
    assert entry["status"] == 404
    assert entry["bytes"] > 0
    assert entry["ms"] >= 0
    assert entry["client"] == "testclient"
    assert "as_of" not in lines[0]
    assert json.loads(lines[1])["path"] == '/councils/a"b\\c/\u00e9'  # escaped as JSON, not broken by it


# -- the real server ------------------------------------------------------------------------


@pytest.fixture
def served(sqlite_store: str, tmp_path: Path) -> Iterator[str]:
    """``engagekit serve`` on a free port on 127.0.0.1, stopped afterwards (its log in a file)."""
    with running(tmp_path / "serve.log", {**os.environ, "ENGAGEKIT_TODAY": TODAY}) as base:
        yield base


def test_engagekit_serve_answers_and_stops(served: str) -> None:
    with urllib.request.urlopen(urllib.request.Request(f"{served}/healthz", method="HEAD"), timeout=5) as response:
        assert response.status == 200
        assert response.read() == b""
    with urllib.request.urlopen(f"{served}/healthz", timeout=5) as response:
        assert response.read() == b"ok\n"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "server" not in response.headers
    with urllib.request.urlopen(f"{served}/councils/basildon", timeout=60) as response:
        assert b"Basildon Borough Council" in response.read()


# -- in a browser ---------------------------------------------------------------------------


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian package 'chromium')")
def test_a_resident_changes_the_date_with_the_keyboard_and_axe_finds_nothing(served: str) -> None:
    """With JavaScript off, a resident tabs to the date, types another and presses Enter; then
    axe-core (which needs script, so in a second page) checks the page they reached and an error page."""
    playwright = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    from axe_playwright_python.sync_playwright import Axe

    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            resident = browser.new_page(viewport={"width": 390, "height": 844}, java_script_enabled=False)
            resident.goto(f"{served}/councils/basildon", timeout=60_000)
            for _ in range(12):  # the skip link, the breadcrumbs, then the form's field
                resident.keyboard.press("Tab")
                if resident.evaluate("document.activeElement.id") == "as-of":
                    break
            assert resident.evaluate("document.activeElement.id") == "as-of"
            resident.keyboard.press("Control+A")
            resident.keyboard.type("2025-01-31")
            with resident.expect_navigation(timeout=60_000):
                resident.keyboard.press("Enter")
            assert resident.url.endswith("/councils/basildon?as_of=2025-01-31")
            assert "31 January 2025" in resident.inner_text("p.lede")
            checker = browser.new_context(bypass_csp=True, viewport={"width": 390, "height": 844}).new_page()
            for address in (resident.url, f"{served}/councils/basildon?as_of=2025-02-30", f"{served}/"):
                checker.goto(address, timeout=60_000)
                violations = Axe().run(checker, options=WCAG).response["violations"]
                assert [f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in violations] == [], address
                if "2025-02-30" in address:
                    assert "February 2025 has 28 days" in checker.inner_text("main")
        finally:
            browser.close()
