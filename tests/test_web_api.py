"""The web service's JSON API (``/api/``) and each council's Open Referral UK API (``/councils/{id}/oruk/``).

The JSON API is checked against its own OpenAPI document by schemathesis (a bounded number of
examples per operation; its writes too, with a write token, against a throwaway store) and by
hand: the same report as ``engagekit report --format json``, problem details for 400 and 404,
ETags. The Open Referral UK documents are validated against
the profile's schemas copied in ``engagekit/opendata/schema`` and compared with what
``engagekit opendata`` writes.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hypothesis
import jsonschema
import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient

import engagekit
from engagekit.opendata.api import tree
from engagekit.opendata.openreferral import stable_id
from engagekit.opendata.schemas import registry, response_schema
from engagekit.records.kinds import EngagementEvent, EventKind
from engagekit.records.store import open_store
from engagekit.settings import Settings, load_settings
from engagekit.web.app import create_app

TODAY = "2026-11-22"
COUNCIL_IDS = ["basildon", "bathnes", "thurrock"]


@pytest.fixture
def sqlite_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'records.db'}"
    monkeypatch.setenv("ENGAGEKIT_DATABASE_URL", url)
    monkeypatch.setenv("ENGAGEKIT_TODAY", TODAY)
    open_store(url).close()
    return url


@pytest.fixture
def app(sqlite_store: str) -> FastAPI:
    return create_app(load_settings(), host=engagekit.get_plugin_host(environ={}), access_log=False)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def problem_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert set(body) == {"type", "title", "status", "detail"}
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert "\n" not in body["detail"]
    return body


# -- schemathesis -----------------------------------------------------------------------------


def schema_app() -> FastAPI:
    """The service as schemathesis sees it: the bundled councils, no records store (made at import,
    before any fixture, so its settings are given here rather than read from the environment)."""
    settings = Settings(database_url=None, data_dir=Path(tempfile.mkdtemp(prefix="engagekit-api-")))
    return create_app(settings, host=engagekit.get_plugin_host(environ={}), access_log=False)


schema = schemathesis.openapi.from_asgi("/api/openapi.json", schema_app())


@schema.parametrize()
@hypothesis.settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(hypothesis.HealthCheck))
def test_the_api_keeps_to_its_openapi_document(case: Any) -> None:
    case.call_and_validate()


def write_app() -> tuple[FastAPI, str]:
    """The service with a throwaway store and a write token for Basildon, for schemathesis's writes."""
    from engagekit.accounts import Scope
    from engagekit.accounts import queries as account_queries

    folder = Path(tempfile.mkdtemp(prefix="engagekit-api-writes-"))
    url = f"sqlite:///{folder / 'records.db'}"
    with open_store(url) as store:
        _, secret = account_queries.create_token(store, "basildon", "schemathesis", Scope.write)
    settings = Settings(database_url=url, data_dir=folder)
    return create_app(settings, host=engagekit.get_plugin_host(environ={}), access_log=False), secret


WRITE_APP, WRITE_TOKEN = write_app()
writes = schemathesis.openapi.from_asgi("/api/openapi.json", WRITE_APP).include(method="POST")


@writes.parametrize()
@hypothesis.settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(hypothesis.HealthCheck))
def test_the_api_writes_keep_to_its_openapi_document(case: Any) -> None:
    from schemathesis.checks import positive_data_acceptance

    case.path_parameters = {**(case.path_parameters or {}), "council_id": "basildon"}
    # Whether a record of the right shape is accepted depends on the council's own ids (actions,
    # bodies, indicators) and each kind's columns, which no OpenAPI schema can say: a schema-valid
    # record may rightly be refused 400, so that one check is left out; every other check holds.
    case.call_and_validate(
        headers={"authorization": f"Bearer {WRITE_TOKEN}"}, excluded_checks=[positive_data_acceptance]
    )


# -- by hand ----------------------------------------------------------------------------------


def test_the_openapi_document_describes_every_read(client: TestClient) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {
        "/api/councils",
        "/api/councils/{council_id}",
        "/api/councils/{council_id}/report",
        "/api/councils/{council_id}/findings",
        "/api/councils/{council_id}/actions",
        "/api/councils/{council_id}/definition",
        "/api/councils/{council_id}/places",
        "/api/councils/{council_id}/places/{place_id}",
        "/api/councils/{council_id}/records",
    }
    records = document["paths"]["/api/councils/{council_id}/records"]
    assert set(records) == {"get", "post"}
    assert {parameter["name"] for parameter in records["get"]["parameters"]} >= {"kind", "since", "cursor", "per_page"}
    findings = document["paths"]["/api/councils/{council_id}/findings"]["get"]["responses"]
    assert "application/problem+json" in findings["404"]["content"]
    assert "ETag" in findings["200"]["headers"]


@pytest.mark.parametrize("read", ["findings", "actions"])
def test_a_read_taking_its_parameters_itself_documents_them_as_fastapi_would(client: TestClient, read: str) -> None:
    from fastapi import FastAPI

    from engagekit.web.api import AS_OF

    declared = FastAPI()

    @declared.get("/api/councils/{council_id}/" + read)
    def route(council_id: str, as_of: str | None = AS_OF) -> None: ...

    expected = declared.openapi()["paths"][f"/api/councils/{{council_id}}/{read}"]["get"]["parameters"]
    document = client.get("/api/openapi.json").json()
    assert document["paths"][f"/api/councils/{{council_id}}/{read}"]["get"]["parameters"] == expected


def test_a_read_takes_the_last_as_of_given_as_a_declared_parameter_would(client: TestClient) -> None:
    for read in ("findings", "actions"):
        answer = client.get(f"/api/councils/basildon/{read}?as_of=2024-01-01&as_of=2025-06-30")
        assert answer.json()["as_of"] == "2025-06-30"
    page = client.get("/councils/basildon?as_of=2024-01-01&as_of=2025-06-30").text
    assert page == client.get("/councils/basildon?as_of=2025-06-30").text


def test_councils_are_listed_with_their_links(client: TestClient) -> None:
    listed = client.get("/api/councils").json()["councils"]
    assert [council["id"] for council in listed] == COUNCIL_IDS
    basildon = listed[0]
    assert basildon["name"] == "Basildon Borough Council"
    assert basildon["links"]["findings"] == "/api/councils/basildon/findings"
    for link in basildon["links"].values():
        assert client.get(link).status_code == 200, link


@pytest.mark.parametrize("council_id", COUNCIL_IDS)
def test_the_report_is_the_json_report(client: TestClient, council_id: str) -> None:
    from engagekit.report import council_report
    from engagekit.report.json_format import render_json

    host = engagekit.get_plugin_host(environ={})
    expected = json.loads(render_json(council_report(host.council(council_id), dt.date(2025, 6, 30), host=host)))
    got = client.get(f"/api/councils/{council_id}/report", params={"as_of": "2025-06-30"}).json()
    assert got == expected
    findings = client.get(f"/api/councils/{council_id}/findings", params={"as_of": "2025-06-30"}).json()
    assert findings == {"council_id": council_id, "as_of": "2025-06-30", "findings": expected["findings"]}
    actions = client.get(f"/api/councils/{council_id}/actions", params={"as_of": "2025-06-30"}).json()
    assert actions == {"council_id": council_id, "as_of": "2025-06-30", "actions": expected["data"]["actions"]}
    if council_id == "basildon":  # the bathnes definition lists no actions
        assert actions["actions"][0]["id"] == "CN-1"


def test_the_default_as_of_date_is_today(client: TestClient) -> None:
    assert client.get("/api/councils/basildon/findings").json()["as_of"] == TODAY


def test_unknown_councils_and_bad_dates_are_problems(client: TestClient) -> None:
    for path in ("/api/councils/nowhere", "/api/councils/nowhere/report", "/api/councils/nowhere/findings"):
        assert problem_of(client.get(path), 404)["detail"].startswith("there is no council 'nowhere'")
    body = problem_of(client.get("/api/councils/basildon/actions", params={"as_of": "2026-02-29"}), 400)
    assert body["detail"] == "as_of: 2026-02-29 does not exist: February 2026 has 28 days"
    assert problem_of(client.get("/api/nothing"), 404)["detail"] == "there is no page at /api/nothing"


def test_a_get_carries_an_etag_and_answers_304_to_it(client: TestClient) -> None:
    first = client.get("/api/councils/thurrock/findings")
    tag = first.headers["etag"]
    assert tag.startswith('"')
    assert tag.endswith('"')
    again = client.get("/api/councils/thurrock/findings", headers={"if-none-match": tag})
    assert again.status_code == 304
    assert again.headers["etag"] == tag
    assert client.get("/api/councils/thurrock/findings", headers={"if-none-match": '"other"'}).status_code == 200
    other_day = client.get("/api/councils/thurrock/findings", params={"as_of": "2024-01-01"})
    assert other_day.headers["etag"] != tag


# -- Open Referral UK -------------------------------------------------------------------------


def validate(document: Any, endpoint: str) -> None:
    validator = jsonschema.Draft202012Validator(
        response_schema(endpoint), registry=registry(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    problems = [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(document)]
    assert problems == []


@pytest.mark.parametrize("council_id", COUNCIL_IDS)
def test_the_oruk_endpoints_validate_and_are_the_opendata_tree(client: TestClient, council_id: str) -> None:
    host = engagekit.get_plugin_host(environ={})
    expected = tree(host.council(council_id), dt.date.fromisoformat(TODAY), per_page=2)
    root = client.get(f"/councils/{council_id}/oruk/")
    assert root.headers["content-type"] == "application/json"
    validate(root.json(), "/")
    assert root.json() == expected["index.json"]
    first = client.get(f"/councils/{council_id}/oruk/services", params={"per_page": 2}).json()
    validate(first, "/services")
    assert first == expected["services.json"]
    for page in range(2, first["total_pages"] + 1):
        listed = client.get(f"/councils/{council_id}/oruk/services", params={"page": page, "per_page": 2}).json()
        validate(listed, "/services")
        assert listed == expected[f"services/page-{page}.json"]
    services = [path for path in expected if path.startswith("services/") and not path.startswith("services/page-")]
    assert services
    for path in services:
        service_id = path.removeprefix("services/").removesuffix(".json")
        document = client.get(f"/councils/{council_id}/oruk/services/{service_id}").json()
        validate(document, "/services/{id}")
        assert document == expected[path]


def test_oruk_errors_are_problems(client: TestClient) -> None:
    base = "/councils/basildon/oruk"
    body = problem_of(client.get(f"{base}/services", params={"page": 99}), 400)
    assert body["detail"].startswith("there is no page 99: there ")
    assert problem_of(client.get(f"{base}/services", params={"per_page": 0}), 400)["detail"] == (
        "a page holds at least 1 service, not 0"
    )
    assert problem_of(client.get(f"{base}/services", params={"page": "two"}), 400)["detail"].startswith("page: ")
    assert "no service 'none'" in problem_of(client.get(f"{base}/services/none"), 404)["detail"]
    assert problem_of(client.get("/councils/nowhere/oruk/"), 404)["detail"].startswith("there is no council")


def test_a_proposed_hub_counts_as_active_from_its_first_recorded_session(client: TestClient, sqlite_store: str) -> None:
    host = engagekit.get_plugin_host(environ={})
    for council_id in COUNCIL_IDS:
        council = host.council(council_id)
        proposed = [hub for hub in council.hubs if hub.status.value == "proposed"]
        if proposed:
            break
    else:
        pytest.skip("no bundled council has a proposed hub")
    hub = proposed[0]
    path = f"/councils/{council.id}/oruk/services"

    def status() -> str:
        listed = client.get(path, params={"per_page": 1000}).json()["contents"]
        found = [service for service in listed if service["id"] == stable_id("service", council.id, hub.id)]
        assert len(found) == 1
        return str(found[0]["status"])

    before = status()
    with open_store(sqlite_store) as store:
        event = EngagementEvent(
            council_id=council.id,
            date=dt.date(2026, 9, 1),
            recorded_by="tester",
            event_kind=EventKind.HUB_SESSION,
            hub_id=hub.id,
        )
        store.add(council, [event])
    assert before == "inactive"
    assert status() == "active"


# -- definition, places and records ------------------------------------------------------------


@pytest.mark.parametrize("council_id", COUNCIL_IDS)
def test_the_definition_is_what_engagekit_show_prints(client: TestClient, council_id: str) -> None:
    from click.testing import CliRunner

    from engagekit.cli import cli

    shown = CliRunner().invoke(cli, ["show", "--council", council_id, "--json"], env={"ENGAGEKIT_TODAY": TODAY})
    assert shown.exit_code == 0, shown.output
    response = client.get(f"/api/councils/{council_id}/definition")
    assert response.json() == json.loads(shown.output)
    again = client.get(f"/api/councils/{council_id}/definition", headers={"if-none-match": response.headers["etag"]})
    assert again.status_code == 304


def test_places_are_the_reports_places_with_their_status(client: TestClient) -> None:
    report = client.get("/api/councils/bathnes/report").json()
    listed = client.get("/api/councils/bathnes/places").json()
    expected = [
        (place["id"], kind)
        for plural, kind in (("areas", "area"), ("clusters", "cluster"), ("phases", "phase"))
        for place in report["data"]["places"][plural]
    ]
    assert [(place["id"], place["kind"]) for place in listed["places"]] == expected
    one = client.get("/api/councils/bathnes/places/keynsham-area").json()
    assert one["status"] == [row for row in report["data"]["place_status"] if row["place_id"] == "keynsham-area"]
    assert one["status"]
    assert one["part_of"] == [{"id": "phase-one", "name": one["part_of"][0]["name"], "kind": "phase"}]
    body = problem_of(client.get("/api/councils/bathnes/places/nowhere"), 404)
    assert body["detail"].startswith("there is no place 'nowhere' in bathnes; places: bathnes, ")


OFFICER = "a.officer@basildon.example.gov.uk"


def add_records(url: str) -> None:
    """Five action updates (one correcting another) and two meetings for Basildon."""
    from engagekit.records.kinds import ActionStatus, ActionUpdate

    council = engagekit.get_plugin_host(environ={}).council("basildon")
    updates = [
        ActionUpdate(
            council_id="basildon",
            recorded_by=OFFICER,
            action_id=f"CN-{number}",
            date=dt.date(2026, 3, number),
            status=ActionStatus.IN_PROGRESS,
        )
        for number in range(1, 5)
    ]
    meetings = [
        EngagementEvent(
            council_id="basildon", date=dt.date(2026, 4, day), recorded_by=OFFICER, event_kind=EventKind.NEWSLETTER
        )
        for day in (1, 2)
    ]
    with open_store(url) as store:
        stored = store.add(council, [*updates, *meetings])
        correction = ActionUpdate(
            council_id="basildon",
            recorded_by=OFFICER,
            action_id="CN-1",
            date=dt.date(2026, 3, 1),
            status=ActionStatus.DELAYED,
            supersedes=stored[0].id,
        )
        store.add(council, [correction])


def exported(url: str) -> list[dict[str, Any]]:
    """What engagekit export --format json writes for Basildon."""
    from click.testing import CliRunner

    from engagekit.cli import cli

    written = CliRunner().invoke(
        cli, ["export", "--council", "basildon", "--format", "json"], env={"ENGAGEKIT_DATABASE_URL": url}
    )
    assert written.exit_code == 0, written.output
    found: list[dict[str, Any]] = json.loads(written.output)["records"]
    return found


def walk(client: TestClient, address: str) -> tuple[list[dict[str, Any]], int]:
    """Every record from ``address`` on, following each page's next address; and how many pages."""
    found: list[dict[str, Any]] = []
    pages = 0
    next_address: str | None = address
    while next_address is not None:
        response = client.get(next_address)
        assert response.status_code == 200, response.text
        page = response.json()
        assert address.startswith(f"/api/councils/{page['council_id']}/records")
        found += page["records"]
        pages += 1
        next_address = page["next"]
        if next_address is not None:
            assert response.headers["link"] == f'<{next_address}>; rel="next"'
        else:
            assert "link" not in response.headers
    return found, pages


def test_records_page_through_what_engagekit_export_writes_without_who_recorded_them(
    client: TestClient, sqlite_store: str
) -> None:
    assert client.get("/api/councils/basildon/records").json() == {
        "council_id": "basildon",
        "records": [],
        "next": None,
    }
    add_records(sqlite_store)
    everything = exported(sqlite_store)
    assert len(everything) == 7
    assert all(record["recorded_by"] == OFFICER for record in everything)
    public = [{key: value for key, value in record.items() if key != "recorded_by"} for record in everything]
    found, pages = walk(client, "/api/councils/basildon/records?per_page=2")
    assert found == public
    assert pages == 4
    assert OFFICER not in json.dumps(found)
    assert walk(client, "/api/councils/basildon/records")[0] == public
    assert walk(client, "/api/councils/thurrock/records")[0] == []


def test_records_by_kind_and_since(client: TestClient, sqlite_store: str) -> None:
    add_records(sqlite_store)
    events, _ = walk(client, "/api/councils/basildon/records?kind=event&per_page=1")
    assert [record["kind"] for record in events] == ["event", "event"]
    assert walk(client, "/api/councils/basildon/records?kind=review")[0] == []
    today = dt.datetime.now(dt.UTC).date()
    assert len(walk(client, f"/api/councils/basildon/records?since={today.isoformat()}")[0]) == 7
    later = (today + dt.timedelta(days=1)).isoformat()
    assert walk(client, f"/api/councils/basildon/records?since={later}")[0] == []


def test_bad_record_queries_are_problems(client: TestClient) -> None:
    base = "/api/councils/basildon/records"
    assert problem_of(client.get(base, params={"kind": "vote"}), 400)["detail"].startswith("kind: input should be ")
    assert problem_of(client.get(base, params={"since": "2026-02-30"}), 400)["detail"] == (
        "since: 2026-02-30 does not exist: February 2026 has 28 days"
    )
    assert problem_of(client.get(base, params={"per_page": 0}), 400)["detail"].startswith("per_page: ")
    assert problem_of(client.get(base, params={"per_page": 1001}), 400)["detail"].startswith("per_page: ")
    assert problem_of(client.get(base, params={"cursor": "vote.3"}), 400)["detail"].startswith(
        "cursor: 'vote.3' is not"
    )
    assert problem_of(client.get(base, params={"cursor": "x"}), 400)["detail"].startswith("cursor: ")
    assert problem_of(client.get("/api/councils/nowhere/records"), 404)["detail"].startswith("there is no council")


def test_records_carry_an_etag_that_changes_with_a_new_record(client: TestClient, sqlite_store: str) -> None:
    first = client.get("/api/councils/basildon/records")
    assert (
        client.get("/api/councils/basildon/records", headers={"if-none-match": first.headers["etag"]}).status_code
        == 304
    )
    add_records(sqlite_store)
    assert (
        client.get("/api/councils/basildon/records", headers={"if-none-match": first.headers["etag"]}).status_code
        == 200
    )


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_records_page_alike_on_each_store(backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.store_backends import backend_url

    with backend_url(backend, tmp_path) as url:
        open_store(url).close()
        add_records(url)
        settings = Settings(database_url=url, data_dir=tmp_path)
        monkeypatch.setenv("ENGAGEKIT_TODAY", TODAY)
        app = create_app(settings, host=engagekit.get_plugin_host(environ={}), access_log=False)
        with TestClient(app) as client:
            public = [{key: value for key, value in record.items() if key != "recorded_by"} for record in exported(url)]
            assert walk(client, "/api/councils/basildon/records?per_page=3")[0] == public
            today = dt.datetime.now(dt.UTC).date()
            assert len(walk(client, f"/api/councils/basildon/records?since={today.isoformat()}")[0]) == 7
            later = (today + dt.timedelta(days=1)).isoformat()
            assert walk(client, f"/api/councils/basildon/records?since={later}")[0] == []
