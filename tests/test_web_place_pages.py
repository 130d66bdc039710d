"""The page of each place and of each action (``/councils/{id}/places/{place_id}``, ``.../actions/{action_id}``).

Through FastAPI's TestClient against a SQLite store in a temporary folder: a council made for
the test with networks per cluster keeping local plans, and Basildon's action plan with its
updates and a correction. The pages show what the dashboard's report holds for the place or
action, as of the date asked for; one test drives both pages in Chromium and runs axe-core on
them (skipped, saying why, without Chromium or Playwright).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.test_places_rules import PLACES
from tests.web_server import CHROMIUM, WCAG

import engagekit
from engagekit.definition import load_definition_text
from engagekit.records import (
    ActionStatus,
    ActionUpdate,
    EngagementEvent,
    EventKind,
    LocalAction,
    LocalPriority,
    open_store,
)
from engagekit.settings import load_settings
from engagekit.web.app import create_app

TODAY = "2026-11-22"
OFFICER = "j.bloggs@basildon.example.gov.uk"
D = dt.date
EXTRA = """
areas:
  - {id: town, name: Town, kind: town}
  - {id: ward-a, name: Ward A, kind: ward, parent: town}
hubs:
  - {id: north-hub, name: North Hub, status: proposed, count: 1, cluster: north}
  - {id: town-hubs, name: Town hubs, status: established, count: 2, areas: [town]}
"""
BY = {"council_id": "places", "recorded_by": OFFICER}


@pytest.fixture
def definition(tmp_path: Path) -> Path:
    path = tmp_path / "places.yaml"
    text = PLACES.replace("  - {id: north, name: North}", "  - {id: north, name: North, areas: [ward-a]}")
    path.write_text(text + EXTRA, encoding="utf-8")
    return path


@pytest.fixture
def store_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, definition: Path) -> str:
    url = f"sqlite:///{tmp_path / 'records.db'}"
    monkeypatch.setenv("ENGAGEKIT_DATABASE_URL", url)
    monkeypatch.setenv("ENGAGEKIT_TODAY", TODAY)
    places = load_definition_text(definition.read_text(encoding="utf-8"), "places.yaml")
    basildon = engagekit.get_plugin_host(environ={}).council("basildon")
    with open_store(url) as store:
        store.add(
            places,
            [
                LocalPriority(**BY, date=D(2026, 6, 12), body_id="network.north", year=2026, title="Safer streets"),
                LocalAction(
                    **BY,
                    date=D(2026, 6, 12),
                    action_id="north-lighting",
                    body_id="network.north",
                    title="Better lighting on the high street",
                    owner="Highways",
                    priority="Safer streets",
                    year=2026,
                ),
                EngagementEvent(
                    **BY,
                    date=D(2026, 3, 3),
                    event_kind=EventKind.MEETING,
                    body_id="network.north",
                    title="Public meeting",
                ),
            ],
        )
        updates = [
            ActionUpdate(
                council_id="basildon", recorded_by=OFFICER, action_id="CN-1", date=day, status=status, note=note
            )
            for day, status, note in [
                (D(2025, 12, 1), ActionStatus.NOT_STARTED, "Waiting for the brief"),
                (D(2026, 2, 1), ActionStatus.AT_RISK, "Entered by mistake"),
                (D(2026, 10, 1), ActionStatus.COMPLETED, "Campaign launched"),
            ]
        ]
        stored = store.add(basildon, updates)
        mistaken = stored[1].id
        store.add(
            basildon,
            [
                ActionUpdate(
                    council_id="basildon",
                    recorded_by=OFFICER,
                    action_id="CN-1",
                    date=D(2026, 2, 1),
                    status=ActionStatus.IN_PROGRESS,
                    percent=40,
                    supersedes=mistaken,
                )
            ],
        )
    return url


@pytest.fixture
def client(store_url: str, definition: Path) -> Iterator[TestClient]:
    host = engagekit.get_plugin_host(environ={"ENGAGEKIT_DEFINITIONS": str(definition)})
    app = create_app(load_settings(), host=host, access_log=False)
    with TestClient(app) as test_client:
        yield test_client


def text_of(html: str) -> str:
    """The page's words, tags dropped and spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def no_script_or_inline_style(html: str) -> None:
    assert "<script" not in html.lower()
    assert "<style" not in html.lower()
    assert " style=" not in html.lower()


def test_a_place_page_shows_its_arrangements_findings_local_plan_and_hubs(client: TestClient) -> None:
    response = client.get("/councils/places/places/north")
    assert response.status_code == 200
    html = response.text
    no_script_or_inline_style(html)
    words = text_of(html)
    assert "North Network" in words  # the body made for the cluster, with its status
    assert "Report on the needs of the cluster" in words  # an obligation made for it
    assert "Better lighting on the high street" in words  # its local action, from the local plans section
    assert "Safer streets" in words
    assert "North Hub" in words  # only the hubs in it
    assert "Town hubs" not in words
    assert "Ward A" in words  # the area it is made of, linked
    assert 'href="/councils/places/places/ward-a?as_of=2026-11-22"' in html
    assert "South Network" not in words
    assert "East and District Network" not in words
    # its findings are the report's findings about its arrangements, nobody else's
    report = client.get("/api/councils/places/report").json()
    mine = [f["message"] for f in report["findings"] if f["subject_id"] and f["subject_id"].endswith(".north")]
    others = [f["message"] for f in report["findings"] if f["subject_id"] and f["subject_id"].endswith(".south")]
    assert mine
    assert all(text_of(message) in words for message in mine)
    assert not any(text_of(message) in words for message in others if message not in mine)


def test_a_place_page_is_the_api_answer_and_the_dashboards_status(client: TestClient) -> None:
    detail = client.get("/api/councils/places/places/north").json()
    report = client.get("/api/councils/places/report").json()
    assert detail["status"] == [row for row in report["data"]["place_status"] if row["place_id"] == "north"]
    assert {row["arrangement"] for row in detail["status"]} >= {"North Network"}
    assert [hub["id"] for hub in detail["hubs"]] == ["north-hub"]
    assert detail["local_plans"][0]["body"] == "North Network"
    assert "Better lighting" in detail["local_plans"][0]["local_actions"][0]
    listed = client.get("/api/councils/places/places").json()["places"]
    assert [(place["id"], place["kind"]) for place in listed] == [
        ("town", "area"),
        ("ward-a", "area"),
        ("north", "cluster"),
        ("south", "cluster"),
        ("east", "cluster"),
    ]
    assert next(place for place in listed if place["id"] == "north")["status"] == detail["status"]


def test_a_place_page_as_of_an_earlier_date(client: TestClient) -> None:
    words = text_of(client.get("/councils/places/places/north?as_of=2026-01-31").text)
    assert "31 January 2026" in words
    assert "Better lighting" not in words  # agreed in June 2026
    assert client.get("/api/councils/places/places/north?as_of=2026-01-31").json()["as_of"] == "2026-01-31"


def test_unknown_places_and_actions_are_404(client: TestClient) -> None:
    for path in (
        "/councils/places/places/nowhere",
        "/councils/places/actions/nothing",
        "/councils/nobody/places/north",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("text/html")
    assert "there is no place &#39;nowhere&#39; in places" in client.get("/councils/places/places/nowhere").text
    problem = client.get("/api/councils/places/places/nowhere")
    assert problem.status_code == 404
    assert problem.headers["content-type"] == "application/problem+json"
    assert client.get("/councils/places/places/north?as_of=2026-02-30").status_code == 400


def test_an_action_page_shows_every_update_with_the_correction_marked(client: TestClient) -> None:
    response = client.get("/councils/basildon/actions/CN-1")
    assert response.status_code == 200
    html = response.text
    no_script_or_inline_style(html)
    words = text_of(html)
    assert "Co-create a communications campaign plan" in words
    assert "Community leaders and groups are engaged and empowered" in words  # the commitment it serves
    assert "Latest status completed, on 1 October 2026: Campaign launched" in words
    rows = re.findall(r"<tr>\s*<th scope=\"row\">#(\d+)</th>(.*?)</tr>", html, re.DOTALL)
    assert len(rows) == 4
    marked = {number: text_of(cells) for number, cells in rows}
    mistaken = next(number for number, cells in marked.items() if "Entered by mistake" in cells)
    assert "corrected by a later update" in marked[mistaken]
    assert any(f"corrects #{mistaken}" in cells and "in-progress (40%)" in cells for cells in marked.values())
    assert OFFICER not in html  # who recorded each is not published (docs/web.md)


def test_an_action_page_as_of_an_earlier_date_leaves_out_later_updates(client: TestClient) -> None:
    words = text_of(client.get("/councils/basildon/actions/CN-1?as_of=2026-03-31").text)
    assert "Campaign launched" not in words
    assert "Waiting for the brief" in words
    assert "Latest status in-progress (40%), on 1 February 2026" in words


def test_a_local_action_has_a_page_too(client: TestClient) -> None:
    words = text_of(client.get("/councils/places/actions/north-lighting").text)
    assert "Better lighting on the high street" in words
    assert "Agreed by North Network, on 12 June 2026, for the priority “Safer streets”" in words
    assert "Owner Highways" in words


def test_the_dashboard_links_to_each_place_and_action_page(client: TestClient) -> None:
    html = client.get("/councils/basildon?as_of=2026-03-31").text
    assert 'href="/councils/basildon/actions/CN-1?as_of=2026-03-31"' in html
    assert 'href="/councils/basildon/places/billericay?as_of=2026-03-31"' in html
    for link in sorted(set(re.findall(r'href="(/councils/basildon/(?:places|actions)/[^"]+)"', html))):
        assert client.get(link.replace("&amp;", "&")).status_code == 200, link
    assert 'href="/councils/places/places/north?as_of=2026-11-22"' in client.get("/councils/places").text


def test_a_static_site_has_no_links_to_pages_it_does_not_hold(tmp_path: Path) -> None:
    from engagekit.report import council_report
    from engagekit.web.views import StaticLinks, dashboard_page

    host = engagekit.get_plugin_host(environ={})
    council = host.council("basildon")
    report = council_report(council, D(2026, 3, 31), host=host)
    page = dashboard_page(council, report, [], StaticLinks(2), as_of_form=False)
    assert "/actions/" not in page
    assert "/places/" not in page


# -- in a browser ---------------------------------------------------------------------------


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian package 'chromium')")
def test_axe_finds_nothing_on_a_place_page_or_an_action_page(client: TestClient) -> None:
    """The pages as served, loaded into Chromium (axe-core needs script, so the policy is bypassed)."""
    playwright = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    from axe_playwright_python.sync_playwright import Axe

    pages = {
        path: client.get(path).text
        for path in ("/councils/places/places/north", "/councils/basildon/actions/CN-1", "/councils/places/places/town")
    }
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_context(bypass_csp=True, viewport={"width": 390, "height": 844}).new_page()

            def serve(route: object) -> None:
                url = route.request.url  # type: ignore[attr-defined]
                path = url.split("://", 1)[1].split("/", 1)[1].split("?", 1)[0]
                answer = client.get("/" + path)
                route.fulfill(  # type: ignore[attr-defined]
                    status=answer.status_code, body=answer.content, content_type=answer.headers["content-type"]
                )

            page.route("http://engagekit.test/**", serve)
            for path in pages:
                page.goto(f"http://engagekit.test{path}", timeout=60_000)
                assert page.evaluate("document.title")
                violations = Axe().run(page, options=WCAG).response["violations"]
                assert [f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in violations] == [], path
        finally:
            browser.close()


def test_hostile_text_on_a_place_and_an_action_page_is_escaped(tmp_path: Path, store_url: str) -> None:
    from tests.test_web_pages import HOSTILE, hostile_definition

    host = engagekit.get_plugin_host(environ={"ENGAGEKIT_DEFINITIONS": str(hostile_definition(tmp_path))})
    app = create_app(load_settings(), host=host, access_log=False)
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;double&#34; &#39;single&#39;"
    with TestClient(app) as client:
        for path in ("/councils/hostile/places/all", "/councils/hostile/actions/A-1"):
            page = client.get(path).text
            assert HOSTILE not in page
            assert "<script" not in page.lower()
            assert escaped in page, path
