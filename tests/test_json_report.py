"""The JSON report carries the council's data as data, and its shape is published as a schema.

Every bundled council's JSON report, with and without records, validates against the JSON
Schema generated from the report's classes, which is the committed ``docs/report-schema.json``;
the data under ``data`` are the definition's own values (ids, ISO dates) and the records'.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import BUNDLED

import engagekit
from engagekit.model import Council
from engagekit.plugins import PluginHost
from engagekit.records import ActionStatus, ActionUpdate, InstanceRecord, open_store
from engagekit.report import SCHEMA_VERSION, Report, council_report
from engagekit.report.document import Table
from engagekit.report.json_format import render_json
from engagekit.report.json_schema import report_schema, schema_json

jsonschema = pytest.importorskip("jsonschema")

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = ROOT / "docs" / "report-schema.json"
REGENERATE = "python -m engagekit.report.json_schema > docs/report-schema.json"
AS_OF = dt.date(2026, 3, 1)
BUSY_MS = 30_000


@pytest.fixture(scope="module")
def host() -> PluginHost:
    return engagekit.get_plugin_host(environ={})


@pytest.fixture(scope="module")
def recorded(host: PluginHost, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Report]:
    """Basildon with two action updates, Thurrock with a registered forum."""
    made = {}
    basildon, thurrock = host.council("basildon"), host.council("thurrock")
    records: list[tuple[Council, list[Any]]] = [
        (basildon, [
            ActionUpdate(council_id="basildon", action_id="CN-1", status=ActionStatus.NOT_STARTED,
                         date=dt.date(2025, 12, 1), recorded_by="officer"),
            ActionUpdate(council_id="basildon", action_id="CN-1", status=ActionStatus.IN_PROGRESS, percent=40,
                         date=dt.date(2026, 2, 1), recorded_by="officer"),
        ]),
        (thurrock, [
            InstanceRecord(council_id="thurrock", body_id="community-forums", instance="aveley", name="Aveley Forum",
                           cluster_id="aveley", date=dt.date(2024, 4, 1), recorded_by="officer"),
        ]),
    ]  # fmt: skip
    for council, made_records in records:
        url = f"sqlite:///{tmp_path_factory.mktemp(council.id) / 'records.db'}"
        with open_store(url, busy_timeout_ms=BUSY_MS) as store:
            store.add(council, made_records)
            made[council.id] = council_report(council, AS_OF, host=host, evidence=store.evidence(council))
    return made


def report_json(report: Report) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(render_json(report))
    return data


def validator() -> Any:
    schema = json.loads(PUBLISHED.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


# -- the schema ---------------------------------------------------------------------------


def test_the_published_schema_is_the_generated_one() -> None:
    assert PUBLISHED.read_text(encoding="utf-8") == schema_json(), f"regenerate it: {REGENERATE}"


def test_engagekit_schema_of_report_prints_the_published_schema() -> None:
    from click.testing import CliRunner

    from engagekit.cli import cli

    result = CliRunner().invoke(cli, ["schema", "--of", "report"])
    assert result.exit_code == 0, result.output
    assert result.stdout == (Path(__file__).parent.parent / "docs" / "report-schema.json").read_text(encoding="utf-8")
    assert json.loads(result.stdout)["title"] == "engagekit report"


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = report_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["schema_version"] == {**schema["properties"]["schema_version"], "const": 1}
    assert SCHEMA_VERSION == 1


@pytest.mark.parametrize("council_id", list(BUNDLED))
def test_every_bundled_councils_json_report_validates(host: PluginHost, council_id: str) -> None:
    report = council_report(host.council(council_id), AS_OF, host=host)
    errors = [f"{e.json_path}: {e.message[:200]}" for e in validator().iter_errors(report_json(report))]
    assert errors == []


@pytest.mark.parametrize("council_id", ["basildon", "thurrock"])
def test_a_json_report_with_records_validates(recorded: dict[str, Report], council_id: str) -> None:
    errors = [f"{e.json_path}: {e.message[:200]}" for e in validator().iter_errors(report_json(recorded[council_id]))]
    assert errors == []


def test_the_schema_refuses_what_the_report_never_writes(host: PluginHost) -> None:
    """So a key added to the report without the schema (or a wrong type) fails the test above."""
    data = report_json(council_report(host.council("bathnes"), AS_OF, host=host))
    check = validator()
    data["data"]["programme"]["unexpected"] = 1
    assert not check.is_valid(data)
    del data["data"]["programme"]["unexpected"]
    data["data"]["programme"]["key_dates"][0]["date"] = "8 May 2013"
    assert not check.is_valid(data)
    data["data"]["programme"]["key_dates"][0]["date"] = "2013-05"
    assert check.is_valid(data), "a date to the month is ISO 8601"


# -- the data -----------------------------------------------------------------------------


def test_the_programme_and_its_dates_are_iso_8601(host: PluginHost) -> None:
    council = host.council("bathnes")
    data = report_json(council_report(council, AS_OF, host=host))["data"]
    programme = data["programme"]
    assert programme["id"] == council.programme.id
    assert programme["adopted_by"] == "Cabinet"
    assert programme["caveats"]["fields"]["adopted_by"] == "recommended"
    key_dates = {d["id"]: d for d in programme["key_dates"]}
    assert key_dates["cabinet-decision"]["date"] == "2013-05-08"
    assert key_dates["funding-agreed"]["date"] == "2012-05"
    assert key_dates["psb-adoption"]["caveats"]["fields"]["date"].startswith("inferred")
    assert data["gss_code"] == "E06000022"
    assert data["council_type"] == "unitary"
    basildon = report_json(council_report(host.council("basildon"), AS_OF, host=host))["data"]
    assert (basildon["programme"]["start"], basildon["programme"]["end"]) == ("2021", "2026")
    assert [p["name"] for p in basildon["earlier_programmes"]] == ["Strengthening Communities Policy"]


def test_places_and_commitments_are_the_definitions(host: PluginHost) -> None:
    council = host.council("bathnes")
    data = report_json(council_report(council, AS_OF, host=host))["data"]
    places = data["places"]
    assert [a["id"] for a in places["areas"]] == [a.id for a in council.areas]
    assert [c["id"] for c in places["clusters"]] == [c.id for c in council.clusters]
    assert [p["order"] for p in places["phases"]] == sorted(p.order for p in council.phases)
    assert [h["status"] for h in places["hubs"]] == [h.status.value for h in council.hubs]
    unknown = [c for c in council.clusters if c.wards is None]
    assert unknown
    assert all(c["wards"] is None for c in places["clusters"] if c["id"] in {u.id for u in unknown})
    assert [c["name"] for c in data["commitments"]] == [c.name for c in council.programme.commitments]


def test_actions_carry_their_place_in_the_plan_and_latest_update(recorded: dict[str, Report]) -> None:
    data = report_json(recorded["basildon"])["data"]
    actions = {a["id"]: a for a in data["actions"]}
    assert len(actions) == 15
    assert actions["CN-1"]["latest"] == {"status": "in-progress", "date": "2026-02-01", "percent": 40.0,
                                         "summary": actions["CN-1"]["latest"]["summary"]}  # fmt: skip
    assert actions["CN-2"]["latest"] is None
    assert actions["CN-1"]["pillar"] == "connected-neighbourhoods"
    serving = {c["id"]: c["actions"] for c in data["commitments"]}
    assert all(set(ids) <= set(actions) for ids in serving.values())


def test_each_places_status_matches_the_places_at_a_glance_table(recorded: dict[str, Report]) -> None:
    report = recorded["thurrock"]
    data = report_json(report)["data"]
    glance = next(section for section in report.sections if section.id == "places-at-a-glance")
    table = next(block for block in glance.blocks if isinstance(block, Table))
    assert [(row[0], row[1]) for row in table.rows] == [
        (status["place"] or "place not recorded", status["arrangement"]) for status in data["place_status"]
    ]
    aveley = next(status for status in data["place_status"] if status["arrangement"] == "Aveley Forum")
    assert aveley["place_id"] == "aveley"
    assert aveley["subject_id"] == "community-forums.aveley"
    labels = {"green": "Green", "amber": "Amber", "red": "Red", "grey": "Grey", None: "not judged"}
    for row, status in zip(table.rows, data["place_status"], strict=True):
        assert row[2].startswith(labels[status["status"]])


def test_the_findings_keep_their_evidence_and_the_sections_stay(recorded: dict[str, Report]) -> None:
    report = recorded["basildon"]
    data = report_json(report)
    assert [f["rule_id"] for f in data["findings"]] == [f.rule_id for f in report.findings]
    assert [s["id"] for s in data["sections"]] == [s.id for s in report.sections]
    assert data["council"] == {"id": "basildon", "name": "Basildon Borough Council"}
    assert data["as_of"] == "2026-03-01"
