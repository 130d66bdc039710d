"""The Open Referral UK export of community hubs (``engagekit opendata``)."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest
from click.testing import CliRunner

from engagekit.cli.opendata import opendata
from engagekit.model import Council, HubStatus
from engagekit.opendata.openreferral import STATUS, dumps, hub_services, package_schema

COUNCIL_IDS = ["basildon", "bathnes", "thurrock"]
BASILDON_TOWNS = ["Basildon", "Billericay", "Wickford", "Laindon", "Pitsea"]
SCHEMA_DIR = files("engagekit.opendata") / "schema"

INVENTED_KEYS = {
    "addresses",
    "phones",
    "contacts",
    "schedules",
    "url",
    "email",
    "website",
    "logo",
    "uri",
    "latitude",
    "longitude",
    "external_identifier",
    "cost_options",
    "funding",
    "languages",
    "accessibility",
    "assured_date",
    "last_modified",
}
"""Fields no bundled hub definition gives a value for: the export must not fill them."""


# -- helpers ------------------------------------------------------------------------------


def validator() -> jsonschema.Draft202012Validator:
    """The copied schema, with formats (uuid) checked; the profile's OpenAPI uses 2020-12."""
    schema = package_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def walk(value: Any, path: str = "$") -> Iterator[tuple[str, Any]]:
    """Every (path, value) in a JSON value, the value itself first."""
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, f"{path}[{index}]")


def undeclared(value: Any, schema: dict[str, Any], path: str = "$") -> Iterator[str]:
    """Paths of keys the schema does not declare (it allows them; the export should not use them)."""
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for key, item in value.items():
            if key not in properties:
                yield f"{path}.{key}"
            else:
                yield from undeclared(item, properties[key], f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from undeclared(item, schema.get("items", {}), f"{path}[{index}]")


def ids(services: list[dict[str, Any]]) -> dict[str, str]:
    """Every ``id`` in the export by its path."""
    return {path: value for path, value in walk(services) if path.endswith(".id")}


@pytest.fixture(params=COUNCIL_IDS)
def council(request: pytest.FixtureRequest, bundled_councils: dict[str, Council]) -> Council:
    return bundled_councils[request.param]


# -- the schema copy ----------------------------------------------------------------------


def test_the_schema_copy_keeps_its_licence_and_attribution() -> None:
    readme = (SCHEMA_DIR / "README.md").read_text(encoding="utf-8")
    licence = (SCHEMA_DIR / "LICENSE").read_text(encoding="utf-8")
    assert "Open Referral UK" in readme
    assert "CC BY-SA 4.0" in readme
    assert "copied unchanged" in readme.lower()
    assert "Attribution-ShareAlike 4.0" in licence
    assert "Open Referral project" in licence


@pytest.mark.parametrize("name", ["service_package.json", "LICENSE"])
def test_the_copies_match_the_checksums_the_readme_gives(name: str) -> None:
    readme = (SCHEMA_DIR / "README.md").read_text(encoding="utf-8")
    digest = hashlib.sha256((SCHEMA_DIR / name).read_bytes()).hexdigest()
    assert f"{digest}  {name}" in readme


def test_the_package_schema_is_an_array_of_compiled_services() -> None:
    schema = package_schema()
    assert schema["type"] == "array"
    assert schema["items"]["name"] == "service"
    assert {"service_areas", "service_at_locations", "organization"} <= set(schema["items"]["properties"])


# -- every bundled council ----------------------------------------------------------------


def test_the_export_validates_against_the_copied_schema(council: Council) -> None:
    services = hub_services(council)
    errors = [f"{list(error.absolute_path)}: {error.message}" for error in validator().iter_errors(services)]
    assert errors == []
    assert len(services) == len(council.hubs)


def test_the_export_uses_only_fields_the_schema_declares(council: Council) -> None:
    assert list(undeclared(hub_services(council), package_schema())) == []


def test_the_export_survives_a_json_round_trip(council: Council) -> None:
    services = hub_services(council)
    assert json.loads(dumps(services)) == services


def test_one_service_per_hub_with_the_council_as_organisation(council: Council) -> None:
    services = hub_services(council)
    assert [s["name"] for s in services] == [hub.name for hub in council.hubs]
    for service, hub in zip(services, council.hubs, strict=True):
        assert service["status"] == STATUS[hub.status.value]
        organization = service["organization"]
        assert organization["name"] == council.name
        assert service["organization_id"] == organization["id"]
        assert organization["organization_identifiers"] == [
            {
                "id": organization["organization_identifiers"][0]["id"],
                "organization_id": organization["id"],
                "identifier_type": "GSS code",
                "identifier": council.gss_code,
            }
        ]
        if hub.count > 1:
            assert f"stands for {hub.count} community hubs" in service["description"]
            assert "do not tell them apart" in service["description"]
        else:
            assert "stands for" not in service["description"]


def test_nothing_is_invented(council: Council) -> None:
    services = hub_services(council)
    keys = {path.rsplit(".", 1)[-1] for path, _ in walk(services)}
    assert keys & INVENTED_KEYS == set()
    for path, value in walk(services):
        if not isinstance(value, str) or path.endswith("id"):
            continue
        assert "://" not in value, path
        assert "www." not in value, path
        assert "@" not in value, path
        assert not re.search(r"\+?\d[\d ]{8,}\d", value), f"{path} looks like a phone number: {value!r}"
    area_names = {area.name for area in council.areas}
    venues = {hub.venue for hub in council.hubs if hub.venue}
    for service in services:
        assert {a["name"] for a in service.get("service_areas", [])} <= area_names
        assert {sal["location"]["name"] for sal in service.get("service_at_locations", [])} <= venues


def test_unknown_areas_and_venues_are_left_out_and_said_to_be_unknown(council: Council) -> None:
    for service, hub in zip(hub_services(council), council.hubs, strict=True):
        assert ("service_areas" in service) == (hub.areas is not None)
        assert ("service_at_locations" in service) == bool(hub.venue)
        if hub.areas is None:
            assert re.search(r"serves? are not yet known", service["description"])
        if not hub.venue:
            assert "not yet known" in service["description"]


def test_ids_are_uuid5_unique_and_the_same_every_run(council: Council) -> None:
    first = ids(hub_services(council))
    assert first == ids(hub_services(council))
    for value in first.values():
        assert uuid.UUID(value).version == 5
    # The same id may appear more than once only for the same object (the organisation, a location).
    services = hub_services(council)
    assert len({s["id"] for s in services}) == len(services)
    for service in services:
        for sal in service.get("service_at_locations", []):
            assert sal["location_id"] == sal["location"]["id"]
            assert sal["service_id"] == service["id"]
        for area in service.get("service_areas", []):
            assert area["service_id"] == service["id"]


def test_ids_are_pinned(bundled_councils: dict[str, Council]) -> None:
    """The ids depend only on the council and hub ids: a later release must not change them."""
    (service,) = hub_services(bundled_councils["basildon"])
    assert service["id"] == "7abb04e9-2952-54eb-8342-ccfd0b7d5d30"
    assert service["organization_id"] == "4517dfb8-3e4a-56b2-b4a0-39854651d803"
    (paulton,) = hub_services(bundled_councils["bathnes"])
    assert paulton["id"] == "b77283be-c916-566f-93bc-5ede3b10ff3d"
    assert paulton["service_at_locations"][0]["location_id"] == "069012be-cee3-5058-8eac-c01d5d8d39d4"


# -- each council's hubs --------------------------------------------------------------------


def test_basildon_is_one_service_for_five_proposed_hubs_in_the_five_towns(
    bundled_councils: dict[str, Council],
) -> None:
    (service,) = hub_services(bundled_councils["basildon"])
    assert service["name"] == "Community hubs"
    assert service["status"] == "inactive"
    assert "stands for 5 community hubs" in service["description"]
    assert "Proposed" in service["description"]
    assert [a["name"] for a in service["service_areas"]] == BASILDON_TOWNS
    assert all("service_area" not in a for a in service["service_areas"])  # the towns have no GSS code
    assert "service_at_locations" not in service
    assert service["organization"]["organization_identifiers"][0]["identifier"] == "E07000066"


def test_thurrock_is_one_active_service_for_the_five_library_hubs(bundled_councils: dict[str, Council]) -> None:
    # The report says the programme is active in six areas but only that five hubs are in
    # libraries: no sixth hub is defined, so none is exported.
    (libraries,) = hub_services(bundled_councils["thurrock"])
    assert libraries["name"] == "Community hubs co-located in libraries"
    assert libraries["status"] == "active"
    assert "stands for 5 community hubs" in libraries["description"]
    assert sum(hub.count for hub in bundled_councils["thurrock"].hubs) == 5
    assert "service_areas" not in libraries
    assert "service_at_locations" not in libraries
    assert libraries["organization"]["organization_identifiers"][0]["identifier"] == "E06000034"


def test_bathnes_paulton_library_is_proposed_at_a_location_named_for_its_venue(
    bundled_councils: dict[str, Council],
) -> None:
    (service,) = hub_services(bundled_councils["bathnes"])
    assert service["name"] == "The new Paulton library"
    # The report names it as an example of the hubs it looks to, not as open: proposed, and the
    # definition says the report does not state its status, which the export says in its words.
    assert service["status"] == "inactive"
    assert service["description"].startswith("Status: proposed (the report does not say whether it is open as a hub).")
    (sal,) = service["service_at_locations"]
    location = sal["location"]
    assert location["name"] == "Paulton library"
    assert location["location_type"] == "physical"
    assert set(location) == {"id", "location_type", "name", "description"}
    (area,) = service["service_areas"]
    assert area["name"] == "Bath and North East Somerset"
    assert area["service_area"] == "Bath and North East Somerset (GSS code E06000022)"


# -- the status mapping ---------------------------------------------------------------------


def test_every_hub_status_has_a_schema_status() -> None:
    enum = package_schema()["items"]["properties"]["status"]["enum"]
    assert set(STATUS) == {status.value for status in HubStatus}
    assert set(STATUS.values()) <= set(enum)
    assert STATUS == {"proposed": "inactive", "pilot": "active", "established": "active", "closed": "defunct"}


@pytest.mark.parametrize(
    ("status", "expected", "note"),
    [
        (HubStatus.PILOT, "active", "Running as a pilot."),
        (HubStatus.CLOSED, "defunct", "Closed."),
        (HubStatus.PROPOSED, "inactive", "Proposed in the documents: not yet open."),
    ],
)
def test_other_statuses_and_known_empty_areas(
    bundled_councils: dict[str, Council], status: HubStatus, expected: str, note: str
) -> None:
    bathnes = bundled_councils["bathnes"]
    hub = attrs.evolve(bathnes.hubs[0], status=status, areas=[], venue=None, qualifiers={})
    (service,) = hub_services(attrs.evolve(bathnes, hubs=[hub]))
    assert service["status"] == expected
    assert note in service["description"]
    assert service["service_areas"] == []  # known to be none: an empty list, not left out
    assert "service_at_locations" not in service
    assert list(validator().iter_errors([service])) == []


# -- the command ----------------------------------------------------------------------------


@pytest.mark.parametrize("council_id", COUNCIL_IDS)
def test_the_command_prints_the_export_as_json(council_id: str, bundled_councils: dict[str, Council]) -> None:
    result = CliRunner().invoke(opendata, ["--council", council_id])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data == hub_services(bundled_councils[council_id])
    assert list(validator().iter_errors(data)) == []


def test_the_command_writes_the_file_and_prints_nothing(tmp_path: Path) -> None:
    target = tmp_path / "hubs.json"
    result = CliRunner().invoke(opendata, ["-c", "bathnes", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8"))[0]["name"] == "The new Paulton library"


def test_the_command_output_is_identical_run_to_run() -> None:
    first = CliRunner().invoke(opendata, ["-c", "thurrock"])
    second = CliRunner().invoke(opendata, ["-c", "thurrock"])
    assert first.stdout == second.stdout


def test_an_unknown_council_exits_2_with_one_line() -> None:
    result = CliRunner().invoke(opendata, ["--council", "nowhere"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "engagekit: no council 'nowhere'; available: basildon, bathnes, thurrock\n"


def test_no_council_exits_2() -> None:
    result = CliRunner().invoke(opendata, [])
    assert result.exit_code == 2
    assert result.stderr.startswith("engagekit: say which council")


def test_help_has_examples() -> None:
    result = CliRunner().invoke(opendata, ["--help"])
    assert result.exit_code == 0
    examples = result.stdout.split("Examples:", 1)
    assert len(examples) == 2
    assert "engagekit opendata --council" in examples[1]


def test_the_command_takes_a_definition_file(bundled_councils: dict[str, Council]) -> None:
    definition = Path(str(files("engagekit_bathnes") / "bathnes.yaml"))
    result = CliRunner().invoke(opendata, ["--definition", str(definition)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == hub_services(bundled_councils["bathnes"])
