"""The Open Referral UK API of community hubs (``engagekit opendata``), checked against the profile's schemas."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
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
from engagekit.definition import DefinitionError, load_definition_bytes
from engagekit.model import Council, HubStatus
from engagekit.model.gss import statistics_uri
from engagekit.model.orgid import split_org_id
from engagekit.opendata import tree as tree_module
from engagekit.opendata.api import (
    OPENAPI_URL,
    PROFILE_URL,
    VERSION,
    PageProblem,
    UnknownService,
    api_root,
    page_of,
    service_document,
    services_page,
    tree,
)
from engagekit.opendata.openreferral import STATUS, hub_services
from engagekit.opendata.schemas import COPIES, load, registry, response_schema
from engagekit.opendata.tree import TreeProblem, dumps, write_tree

COUNCIL_IDS = ["basildon", "bathnes", "thurrock"]
BASILDON_TOWNS = ["Basildon", "Billericay", "Wickford", "Laindon", "Pitsea"]
SCHEMA_DIR = files("engagekit.opendata") / "schema"
SHARED_STANDARD = Path(__file__).resolve().parents[2] / "shared" / "standards" / "openreferral-uk"
"""The standard as the project keeps it beside the checkout (``../shared``), where it is."""
AS_OF = dt.date(2026, 12, 1)

LOCAL_AUTHORITY_CODES = {"basildon": "BAI", "thurrock": "THR", "bathnes": "BAS"}
"""The GB-LAE codes (org-id.guide's register of local authorities in England) of the bundled councils."""

COUNCIL_GSS = {"basildon": "E07000066", "thurrock": "E06000034", "bathnes": "E06000022"}

INVENTED_KEYS = {
    "addresses",
    "phones",
    "contacts",
    "schedules",
    "url",
    "email",
    "website",
    "logo",
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

URI_KEYS = {"uri", "profile", "openapi_url"}
"""The only keys whose values are addresses."""


# -- helpers ------------------------------------------------------------------------------


def check(document: Any, endpoint: str) -> list[str]:
    """Every way ``document`` fails the profile's schema of ``GET endpoint`` (formats checked)."""
    validator = jsonschema.Draft202012Validator(
        response_schema(endpoint),
        registry=registry(),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    return [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(document)]


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


def ids(value: Any) -> dict[str, str]:
    """Every ``id`` in a document by its path."""
    return {path: item for path, item in walk(value) if path.endswith(".id")}


def with_hubs(council: Council, count: int) -> Council:
    """``council`` with ``count`` hubs made from its first one (ids hub-1, hub-2, ...)."""
    first = council.hubs[0]
    hubs = [attrs.evolve(first, id=f"hub-{n}", name=f"Hub {n}") for n in range(1, count + 1)]
    return attrs.evolve(council, hubs=hubs)


def read_tree(folder: Path) -> dict[str, Any]:
    """Every file under ``folder`` by its relative POSIX path, parsed."""
    return {
        path.relative_to(folder).as_posix(): json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(params=COUNCIL_IDS)
def council(request: pytest.FixtureRequest, bundled_councils: dict[str, Council]) -> Council:
    return bundled_councils[request.param]


# -- the schema copies --------------------------------------------------------------------


def test_the_schema_copies_keep_their_licence_and_attribution() -> None:
    readme = (SCHEMA_DIR / "README.md").read_text(encoding="utf-8")
    licence = (SCHEMA_DIR / "LICENSE").read_text(encoding="utf-8")
    assert "Open Referral UK" in readme
    assert "CC BY-SA 4.0" in readme
    assert "copied unchanged" in readme.lower()
    assert "Attribution-ShareAlike 4.0" in licence
    assert "Open Referral project" in licence


@pytest.mark.parametrize("name", [*COPIES, "LICENSE"])
def test_the_copies_match_the_checksums_the_readme_gives(name: str) -> None:
    readme = (SCHEMA_DIR / "README.md").read_text(encoding="utf-8")
    digest = hashlib.sha256(SCHEMA_DIR.joinpath(*name.split("/")).read_bytes()).hexdigest()
    assert f"{digest}  {name}" in readme


@pytest.mark.skipif(not SHARED_STANDARD.is_dir(), reason="the shared copy of the standard is not beside this checkout")
@pytest.mark.parametrize("name", [*(f"schema/{path}" for path in COPIES), "LICENSE"])
def test_the_copies_are_the_standard_the_project_keeps(name: str) -> None:
    copied = name.removeprefix("schema/")
    assert SCHEMA_DIR.joinpath(*copied.split("/")).read_bytes() == (SHARED_STANDARD / name).read_bytes()


def test_every_endpoint_schema_is_valid_json_schema() -> None:
    for path in COPIES[1:]:
        jsonschema.Draft202012Validator.check_schema(load(path))
    openapi = load("openapi.json")
    assert {"/", "/services", "/services/{id}"} <= set(openapi["paths"])


def test_the_checks_catch_a_broken_document(bundled_councils: dict[str, Council]) -> None:
    """The schemas resolve and bite: a wrong status, a page count as text, a service without a name."""
    page = services_page(bundled_councils["bathnes"], AS_OF)
    page["contents"][0]["status"] = "open"
    page["total_pages"] = "1"
    assert len(check(page, "/services")) == 2
    service = service_document(bundled_councils["bathnes"], AS_OF, page["contents"][0]["id"])
    del service["name"]
    service["service_areas"][0]["id"] = "not-a-uuid"
    assert len(check(service, "/services/{id}")) == 2
    with pytest.raises(KeyError, match="does not publish"):
        response_schema("/organizations")


# -- the API's documents, for every bundled council ---------------------------------------


def test_the_root_declares_version_profile_and_openapi() -> None:
    root = api_root()
    assert check(root, "/") == []
    assert root == {"version": VERSION, "profile": PROFILE_URL, "openapi_url": OPENAPI_URL}
    assert VERSION == "HSDS-UK-3.0"
    assert PROFILE_URL == "https://github.com/openreferral/uk-profile"
    # The profile's API description refers to its compiled schemas beside this address.
    published = {value for path, value in walk(load("openapi.json")) if path.endswith(".$ref") and "://" in value}
    assert published
    assert all(value.startswith(OPENAPI_URL.removesuffix("openapi.json")) for value in published)


@pytest.mark.parametrize("per_page", [1, 2, 50])
def test_every_page_validates(council: Council, per_page: int) -> None:
    documents = tree(with_hubs(council, 3), AS_OF, per_page=per_page)
    pages = [document for path, document in documents.items() if "total_items" in document]
    assert pages
    for page in pages:
        assert check(page, "/services") == []


def test_every_service_validates_and_uses_only_declared_fields(council: Council) -> None:
    services = hub_services(council, AS_OF)
    assert len(services) == len(council.hubs)
    for service in services:
        assert check(service, "/services/{id}") == []
        assert list(undeclared(service, load("compiled/service.json"))) == []


def test_list_items_are_the_one_to_one_fields_of_the_service(council: Council) -> None:
    page = services_page(council, AS_OF)
    list_schema = load("compiled/service_list.json")
    for item, service in zip(page["contents"], hub_services(council, AS_OF), strict=True):
        assert list(undeclared(item, list_schema)) == []
        assert {key: value for key, value in service.items() if key in item and key != "organization"} == {
            key: value for key, value in item.items() if key != "organization"
        }
        assert "service_areas" not in item
        assert "organization_identifiers" not in item["organization"]
        assert item["organization"]["id"] == service["organization"]["id"]


def test_the_tree_holds_the_root_the_pages_and_each_service(council: Council) -> None:
    documents = tree(council, AS_OF)
    services = hub_services(council, AS_OF)
    assert set(documents) == {"index.json", "services.json", *(f"services/{s['id']}.json" for s in services)}
    assert documents["index.json"] == api_root()
    assert documents["services.json"] == services_page(council, AS_OF)
    for service in services:
        assert documents[f"services/{service['id']}.json"] == service_document(council, AS_OF, service["id"])


def test_an_unknown_service_id_is_a_lookup_error(bundled_councils: dict[str, Council]) -> None:
    with pytest.raises(UnknownService, match="thurrock has no service 'nope'"):
        service_document(bundled_councils["thurrock"], AS_OF, "nope")


# -- pagination ---------------------------------------------------------------------------


def test_a_council_without_hubs_has_one_empty_page(bundled_councils: dict[str, Council]) -> None:
    empty = attrs.evolve(bundled_councils["thurrock"], hubs=[])
    page = services_page(empty, AS_OF)
    assert page == {
        "total_items": 0,
        "total_pages": 1,
        "page_number": 1,
        "size": 0,
        "first_page": True,
        "last_page": True,
        "empty": True,
        "contents": [],
    }
    assert check(page, "/services") == []
    assert set(tree(empty, AS_OF)) == {"index.json", "services.json"}
    with pytest.raises(PageProblem, match="there is no page 2: there is 1 page of 50"):
        services_page(empty, AS_OF, page=2)


def test_exactly_one_full_page(bundled_councils: dict[str, Council]) -> None:
    council = with_hubs(bundled_councils["bathnes"], 3)
    page = services_page(council, AS_OF, per_page=3)
    assert (page["total_items"], page["total_pages"], page["size"]) == (3, 1, 3)
    assert (page["first_page"], page["last_page"], page["empty"]) == (True, True, False)
    assert [item["name"] for item in page["contents"]] == ["Hub 1", "Hub 2", "Hub 3"]
    assert not any(path.startswith("services/page-") for path in tree(council, AS_OF, per_page=3))


def test_several_pages_split_the_services_in_order(bundled_councils: dict[str, Council]) -> None:
    council = with_hubs(bundled_councils["bathnes"], 5)
    pages = [services_page(council, AS_OF, page=n, per_page=2) for n in (1, 2, 3)]
    assert [p["size"] for p in pages] == [2, 2, 1]
    assert [p["page_number"] for p in pages] == [1, 2, 3]
    assert [(p["first_page"], p["last_page"]) for p in pages] == [(True, False), (False, False), (False, True)]
    assert {(p["total_items"], p["total_pages"], p["empty"]) for p in pages} == {(5, 3, False)}
    names = [item["name"] for p in pages for item in p["contents"]]
    assert names == [f"Hub {n}" for n in range(1, 6)]
    documents = tree(council, AS_OF, per_page=2)
    assert documents["services.json"] == pages[0]
    assert documents["services/page-2.json"] == pages[1]
    assert documents["services/page-3.json"] == pages[2]
    with pytest.raises(PageProblem, match="there is no page 4: there are 3 pages of 2"):
        services_page(council, AS_OF, page=4, per_page=2)


@pytest.mark.parametrize(
    ("page", "per_page", "message"),
    [(0, 10, "numbered from 1, not 0"), (-1, 10, "not -1"), (1, 0, "at least 1 service, not 0")],
)
def test_a_page_number_or_size_below_one_is_refused(page: int, per_page: int, message: str) -> None:
    with pytest.raises(PageProblem, match=message):
        page_of([], page, per_page)


# -- identifiers and addresses ------------------------------------------------------------


def test_the_council_carries_its_gb_lae_identifier(council: Council) -> None:
    code = LOCAL_AUTHORITY_CODES[council.id]
    assert council.org_id == f"GB-LAE-{code}"
    for service in hub_services(council, AS_OF):
        organization = service["organization"]
        assert organization["organization_identifiers"] == [
            {
                "id": organization["organization_identifiers"][0]["id"],
                "organization_id": organization["id"],
                "identifier_scheme": "GB-LAE",
                "identifier_type": "Local authority code (England)",
                "identifier": code,
            }
        ]


def test_the_council_and_its_areas_carry_statistics_uris(council: Council) -> None:
    expected = f"http://statistics.data.gov.uk/id/statistical-geography/{COUNCIL_GSS[council.id]}"
    assert statistics_uri(COUNCIL_GSS[council.id]) == expected
    areas = {area.name: area for area in council.areas}
    for service in hub_services(council, AS_OF):
        assert service["organization"]["uri"] == expected
        for service_area in service.get("service_areas", []):
            gss = areas[service_area["name"]].gss_code
            assert service_area.get("uri") == (statistics_uri(gss) if gss else None)
    for item in services_page(council, AS_OF)["contents"]:
        assert item["organization"]["uri"] == expected


def test_gss_codes_are_not_in_free_text(council: Council) -> None:
    for path, value in walk(tree(council, AS_OF)):
        if isinstance(value, str) and not path.endswith(".uri"):
            assert not re.search(r"\b[ENSW]\d{8}\b", value), f"{path}: {value!r}"


def test_a_council_without_org_id_or_gss_code_has_neither(bundled_councils: dict[str, Council]) -> None:
    bare = attrs.evolve(bundled_councils["bathnes"], org_id=None, gss_code=None)
    (service,) = hub_services(bare, AS_OF)
    assert "organization_identifiers" not in service["organization"]
    assert "uri" not in service["organization"]
    assert check(service, "/services/{id}") == []


def test_org_ids_split_into_register_and_code() -> None:
    assert split_org_id("GB-LAE-BAI") == ("GB-LAE", "BAI")
    assert split_org_id("GB-COH-01234567") == ("GB-COH", "01234567")
    assert split_org_id("XI-EXAMPLE-A-1") == ("XI-EXAMPLE", "A-1")


@pytest.mark.parametrize("bad", ["BAS", "GB-LAE", "gb-lae-bas", "GB-LAE-", "GB-LAE-B A S"])
def test_a_bad_org_id_in_a_definition_is_one_line_naming_the_place(bad: str) -> None:
    raw = (files("engagekit_bathnes") / "bathnes.yaml").read_bytes()
    assert b"org_id: GB-LAE-BAS" in raw
    broken = raw.replace(b"org_id: GB-LAE-BAS", b"org_id: " + json.dumps(bad).encode())
    with pytest.raises(DefinitionError) as caught:
        load_definition_bytes(broken, "bathnes.yaml")
    message = str(caught.value)
    assert "\n" not in message
    assert re.match(r"bathnes\.yaml:\d+: org_id .* is not an org-id\.guide identifier", message), message


def test_nothing_is_invented(council: Council) -> None:
    documents = tree(council, AS_OF)
    keys = {path.rsplit(".", 1)[-1] for path, _ in walk(documents)}
    assert keys & INVENTED_KEYS == set()
    for path, value in walk(documents):
        if not isinstance(value, str) or path.endswith("id"):
            continue
        if path.rsplit(".", 1)[-1] in URI_KEYS:
            assert value.startswith(("http://statistics.data.gov.uk/", "https://")), path
            continue
        assert "://" not in value, path
        assert "www." not in value, path
        assert "@" not in value, path
        assert not re.search(r"\+?\d[\d ]{8,}\d", value), f"{path} looks like a phone number: {value!r}"
    area_names = {area.name for area in council.areas}
    venues = {hub.venue for hub in council.hubs if hub.venue}
    for service in hub_services(council, AS_OF):
        assert {a["name"] for a in service.get("service_areas", [])} <= area_names
        assert {sal["location"]["name"] for sal in service.get("service_at_locations", [])} <= venues


def test_unknown_areas_and_venues_are_left_out_and_said_to_be_unknown(council: Council) -> None:
    for service, hub in zip(hub_services(council, AS_OF), council.hubs, strict=True):
        assert ("service_areas" in service) == (hub.areas is not None)
        assert ("service_at_locations" in service) == bool(hub.venue)
        if hub.areas is None:
            assert re.search(r"serves? are not yet known", service["description"])
        if not hub.venue:
            assert "not yet known" in service["description"]


def test_ids_are_uuid5_unique_and_the_same_every_run(council: Council) -> None:
    first = ids(tree(council, AS_OF))
    assert first == ids(tree(council, AS_OF))
    for value in first.values():
        assert uuid.UUID(value).version == 5
    services = hub_services(council, AS_OF)
    assert len({s["id"] for s in services}) == len(services)
    for service in services:
        for sal in service.get("service_at_locations", []):
            assert sal["location_id"] == sal["location"]["id"]
            assert sal["service_id"] == service["id"]
        for area in service.get("service_areas", []):
            assert area["service_id"] == service["id"]
        for identifier in service["organization"].get("organization_identifiers", []):
            assert identifier["organization_id"] == service["organization_id"]


def test_ids_are_pinned(bundled_councils: dict[str, Council]) -> None:
    """The ids depend only on the council and hub ids: a later release must not change them."""
    (service,) = hub_services(bundled_councils["basildon"], AS_OF)
    assert service["id"] == "7abb04e9-2952-54eb-8342-ccfd0b7d5d30"
    assert service["organization_id"] == "4517dfb8-3e4a-56b2-b4a0-39854651d803"
    (paulton,) = hub_services(bundled_councils["bathnes"], AS_OF)
    assert paulton["id"] == "b77283be-c916-566f-93bc-5ede3b10ff3d"
    assert paulton["service_at_locations"][0]["location_id"] == "069012be-cee3-5058-8eac-c01d5d8d39d4"


# -- each council's hubs --------------------------------------------------------------------


def test_basildon_is_one_service_for_five_proposed_hubs_in_the_five_towns(
    bundled_councils: dict[str, Council],
) -> None:
    (service,) = hub_services(bundled_councils["basildon"], AS_OF)
    assert service["name"] == "Community hubs"
    assert service["status"] == "inactive"
    assert "stands for 5 community hubs" in service["description"]
    assert "Proposed" in service["description"]
    assert [a["name"] for a in service["service_areas"]] == BASILDON_TOWNS
    assert all("uri" not in a for a in service["service_areas"])  # the towns have no GSS code
    assert "service_at_locations" not in service


def test_thurrock_is_one_active_service_for_the_five_library_hubs(bundled_councils: dict[str, Council]) -> None:
    # The report says the programme is active in six areas but only that five hubs are in
    # libraries: no sixth hub is defined, so none is exported.
    (libraries,) = hub_services(bundled_councils["thurrock"], AS_OF)
    assert libraries["name"] == "Community hubs co-located in libraries"
    assert libraries["status"] == "active"
    assert "stands for 5 community hubs" in libraries["description"]
    assert sum(hub.count for hub in bundled_councils["thurrock"].hubs) == 5
    assert "service_areas" not in libraries
    assert "service_at_locations" not in libraries


def test_bathnes_paulton_library_is_proposed_at_a_location_named_for_its_venue(
    bundled_councils: dict[str, Council],
) -> None:
    (service,) = hub_services(bundled_councils["bathnes"], AS_OF)
    assert service["name"] == "The new Paulton library"
    assert service["status"] == "inactive"
    assert service["description"].startswith("Status: proposed (the report does not say whether it is open as a hub).")
    (sal,) = service["service_at_locations"]
    location = sal["location"]
    assert location["name"] == "Paulton library"
    assert location["location_type"] == "physical"
    assert set(location) == {"id", "location_type", "name", "description"}
    (area,) = service["service_areas"]
    assert area == {
        "id": area["id"],
        "service_id": service["id"],
        "name": "Bath and North East Somerset",
        "uri": "http://statistics.data.gov.uk/id/statistical-geography/E06000022",
    }


# -- statuses, and the as-of date -----------------------------------------------------------


def test_every_hub_status_has_a_schema_status() -> None:
    enum = load("compiled/service.json")["properties"]["status"]["enum"]
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
    (service,) = hub_services(attrs.evolve(bathnes, hubs=[hub]), AS_OF)
    assert service["status"] == expected
    assert note in service["description"]
    assert service["service_areas"] == []  # known to be none: an empty list, not left out
    assert "service_at_locations" not in service
    assert check(service, "/services/{id}") == []


def test_a_proposed_hub_counts_as_open_from_its_first_recorded_session(bundled_councils: dict[str, Council]) -> None:
    bathnes = bundled_councils["bathnes"]
    hub = attrs.evolve(bathnes.hubs[0], qualifiers={})
    council = attrs.evolve(bathnes, hubs=[hub])
    opened = {hub.id: dt.date(2026, 3, 5)}
    (before,) = hub_services(council, dt.date(2026, 3, 4), opened)
    (after,) = hub_services(council, dt.date(2026, 3, 5), opened)
    assert before["status"] == "inactive"
    assert "not yet open" in before["description"]
    assert after["status"] == "active"
    assert "Its first session is recorded on 5 March 2026, so it counts as open from that day." in after["description"]
    assert "not yet open" not in after["description"]
    assert check(after, "/services/{id}") == []
    closed = attrs.evolve(council, hubs=[attrs.evolve(hub, status=HubStatus.CLOSED)])
    assert hub_services(closed, AS_OF, opened)[0]["status"] == "defunct"  # a closed hub stays closed


# -- writing the tree -----------------------------------------------------------------------


def test_write_tree_replaces_an_earlier_export_whole(tmp_path: Path, bundled_councils: dict[str, Council]) -> None:
    target = tmp_path / "oruk"
    council = with_hubs(bundled_councils["bathnes"], 3)
    write_tree(tree(council, AS_OF, per_page=1), target)
    assert (target / "services" / "page-3.json").exists()
    smaller = with_hubs(bundled_councils["bathnes"], 1)
    write_tree(tree(smaller, AS_OF), target)
    assert read_tree(target) == tree(smaller, AS_OF)  # nothing of the earlier tree is left
    assert sorted(p.name for p in tmp_path.iterdir()) == ["oruk"]


def test_write_tree_refuses_a_file_and_a_folder_of_other_things(tmp_path: Path) -> None:
    file = tmp_path / "taken"
    file.write_text("mine", encoding="utf-8")
    with pytest.raises(TreeProblem, match="exists and is not a folder"):
        write_tree({"index.json": {}}, file)
    assert file.read_text(encoding="utf-8") == "mine"
    folder = tmp_path / "papers"
    (folder / "services").mkdir(parents=True)
    (folder / "services" / "notes.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(TreeProblem, match=re.escape("'services/notes.txt', which an export does not write")):
        write_tree({"index.json": {}}, folder)
    assert (folder / "services" / "notes.txt").read_text(encoding="utf-8") == "keep"
    with pytest.raises(TreeProblem, match="does not exist"):
        write_tree({"index.json": {}}, tmp_path / "no" / "such")
    with pytest.raises(ValueError, match="not a plain relative path"):
        write_tree({"../escape.json": {}}, tmp_path / "new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["papers", "taken"]


def test_a_failure_part_way_leaves_the_earlier_tree_and_no_temporary_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bundled_councils: dict[str, Council]
) -> None:
    target = tmp_path / "oruk"
    documents = tree(bundled_councils["bathnes"], AS_OF)
    write_tree(documents, target)
    before = read_tree(target)
    written: list[Any] = []

    def fail_on_the_second(document: Any) -> str:
        written.append(document)
        if len(written) == 2:
            raise OSError(28, "No space left on device")
        return dumps(document)

    monkeypatch.setattr(tree_module, "dumps", fail_on_the_second)
    with pytest.raises(OSError, match="No space left"):
        write_tree(tree(with_hubs(bundled_councils["bathnes"], 4), AS_OF), target)
    assert read_tree(target) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["oruk"]


def test_a_failed_rename_puts_the_earlier_tree_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bundled_councils: dict[str, Council]
) -> None:
    target = tmp_path / "oruk"
    write_tree(tree(bundled_councils["bathnes"], AS_OF), target)
    before = read_tree(target)
    rename = Path.rename

    def refuse_the_new_tree(self: Path, destination: Any) -> Path:
        if self.name.endswith(".tmp"):
            raise OSError(18, "Invalid cross-device link")
        return rename(self, destination)

    monkeypatch.setattr(Path, "rename", refuse_the_new_tree)
    with pytest.raises(OSError, match="cross-device"):
        write_tree(tree(with_hubs(bundled_councils["bathnes"], 2), AS_OF), target)
    monkeypatch.undo()
    assert read_tree(target) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["oruk"]


def test_the_tree_is_readable_by_others_as_any_output_is(tmp_path: Path, bundled_councils: dict[str, Council]) -> None:
    umask = os.umask(0o022)
    try:
        write_tree(tree(bundled_councils["bathnes"], AS_OF), tmp_path / "oruk")
    finally:
        os.umask(umask)
    assert (tmp_path / "oruk").stat().st_mode & 0o777 == 0o755
    assert (tmp_path / "oruk" / "index.json").stat().st_mode & 0o777 == 0o644


# -- the command ----------------------------------------------------------------------------


@pytest.mark.parametrize("council_id", COUNCIL_IDS)
def test_the_command_writes_the_tree(council_id: str, tmp_path: Path, bundled_councils: dict[str, Council]) -> None:
    target = tmp_path / council_id
    result = CliRunner().invoke(opendata, ["--council", council_id, "--as-of", "2026-12-01", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    written = read_tree(target)
    assert written == tree(bundled_councils[council_id], AS_OF)
    assert check(written["index.json"], "/") == []
    assert check(written["services.json"], "/services") == []
    for path, document in written.items():
        if path.startswith("services/"):
            assert check(document, "/services/{id}") == []


def test_the_command_output_is_identical_run_to_run(tmp_path: Path) -> None:
    for name in ("first", "second"):
        result = CliRunner().invoke(opendata, ["-c", "thurrock", "--as-of", "2026-12-01", "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
    first = {p.relative_to(tmp_path / "first"): p.read_bytes() for p in (tmp_path / "first").rglob("*.json")}
    second = {p.relative_to(tmp_path / "second"): p.read_bytes() for p in (tmp_path / "second").rglob("*.json")}
    assert first == second


def test_the_command_pages_by_per_page(tmp_path: Path) -> None:
    result = CliRunner().invoke(opendata, ["-c", "bathnes", "--per-page", "1", "-o", str(tmp_path / "t")])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "t" / "services.json").read_text(encoding="utf-8"))["total_pages"] == 1
    result = CliRunner().invoke(opendata, ["-c", "bathnes", "--per-page", "0", "-o", str(tmp_path / "u")])
    assert result.exit_code == 2
    assert not (tmp_path / "u").exists()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_text("x", encoding="utf-8"), "exists and is not a folder"),
        (lambda p: (p.mkdir(), (p / "thesis.docx").write_bytes(b"x")), "the folder holds 'thesis.docx'"),
    ],
)
def test_the_command_refuses_a_target_it_would_destroy(tmp_path: Path, make: Any, message: str) -> None:
    target = tmp_path / "target"
    make(target)
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    result = CliRunner().invoke(opendata, ["-c", "bathnes", "-o", str(target)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"engagekit: {target}: ")
    assert message in result.stderr
    assert result.stderr.count("\n") == 1
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before


def test_the_command_refuses_a_json_file_name_as_the_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(opendata, ["-c", "bathnes", "-o", str(tmp_path / "hubs.json")])
    assert result.exit_code == 2
    assert "is a folder of JSON files" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_command_needs_an_output_folder() -> None:
    result = CliRunner().invoke(opendata, ["-c", "bathnes"])
    assert result.exit_code == 2
    assert result.stderr == "engagekit: say where to write the tree: --output DIR (a folder)\n"
    result = CliRunner().invoke(opendata, ["-c", "bathnes", "-o", "-"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "cannot go to standard output" in result.stderr


def test_an_unknown_council_exits_2_with_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(opendata, ["--council", "nowhere", "-o", str(tmp_path / "t")])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "engagekit: no council 'nowhere'; available: basildon, bathnes, thurrock\n"


def test_no_council_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(opendata, ["-o", str(tmp_path / "t")])
    assert result.exit_code == 2
    assert result.stderr.startswith("engagekit: say which council")


def test_help_has_examples() -> None:
    result = CliRunner().invoke(opendata, ["--help"])
    assert result.exit_code == 0
    examples = result.stdout.split("Examples:", 1)
    assert len(examples) == 2
    assert "engagekit opendata --council" in examples[1]


def test_the_command_takes_a_definition_file(tmp_path: Path, bundled_councils: dict[str, Council]) -> None:
    definition = Path(str(files("engagekit_bathnes") / "bathnes.yaml"))
    result = CliRunner().invoke(
        opendata, ["--definition", str(definition), "--as-of", "2026-12-01", "-o", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert read_tree(tmp_path) == tree(bundled_councils["bathnes"], AS_OF)


def test_the_command_counts_a_hub_open_from_its_first_recorded_session(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from engagekit.cli import cli

    monkeypatch.setenv("ENGAGEKIT_DATABASE_URL", f"sqlite:///{tmp_path / 'records.db'}")
    recorded = CliRunner().invoke(
        cli,
        [
            *("record", "event", "-c", "bathnes", "--kind", "hub-session", "--hub", "paulton-library"),
            *("--date", "2026-03-05", "--by", "test"),
        ],
    )
    assert recorded.exit_code == 0, recorded.output

    def status(*options: str) -> str:
        target = tmp_path / "-".join(options)
        result = CliRunner().invoke(opendata, ["-c", "bathnes", *options, "-o", str(target)])
        assert result.exit_code == 0, result.output
        return str(json.loads((target / "services.json").read_text(encoding="utf-8"))["contents"][0]["status"])

    assert status("--as-of", "2026-03-04") == "inactive"
    assert status("--as-of", "2026-03-05") == "active"
    assert status("--as-of", "2026-03-05", "--no-records") == "inactive"
