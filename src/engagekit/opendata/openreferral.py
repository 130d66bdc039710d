"""A council's community hubs as Open Referral UK services (the UK profile of HSDS 3.0).

The export is a JSON array of fully nested ``service`` objects, the shape of the Open Referral
UK schema ``schema/compiled/service_package.json`` (an array whose items are
``compiled/service.json``). A copy of that schema and its licence are under ``schema/`` here.
The other "list" schema, ``compiled/service_list.json``, is a single item of the paginated
``/services`` API listing. It carries one-to-one fields only, so it has no place for service
areas or locations, and it is not used.

Each :class:`~engagekit.model.Hub` entry becomes one service, with:

- ``organization``: the council. Its GSS code is an ``organization_identifiers`` entry with
  ``identifier_type`` "GSS code". No ``identifier_scheme`` is set, because no org-id.guide
  scheme for GSS codes is known here.
- ``service_areas``: one per area the hub serves, named as the definition names it. An area's
  GSS code is put in the free-text ``service_area`` field. This key is left out when the hub's
  areas are not yet known (``None``).
- ``service_at_locations``: only when the definition names a venue. The nested location has a
  name, no address and no coordinates.

Hub statuses map to the schema's status vocabulary as follows. ``proposed`` becomes
``inactive``, because the hub is not operating yet and the vocabulary has no "planned" value.
``defunct`` would claim the hub had ended, and ``temporarily closed`` would claim it had opened.
``pilot`` and ``established`` become ``active``, and ``closed`` becomes ``defunct``. The
description keeps the hub's own lifecycle word and says what the documents leave open.

Nothing is made up. No URLs, e-mail addresses, phone numbers, addresses, schedules, costs or
dates are written, because the definitions do not give them for hubs. Ids are UUIDs made with
:func:`uuid.uuid5` from the council id and the hub id (plus the area id for a service area).
They are the same on every run and on every machine.
"""

from __future__ import annotations

import json
import uuid
from importlib.resources import files
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engagekit.model import Area, Council, Hub

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:engagekit:openreferral-uk")
"""The namespace of every id in the export (itself a name-based UUID, so anyone can re-derive it)."""

SCHEMA_FILE = "service_package.json"
"""The copied Open Referral UK schema the export validates against (under ``schema/``)."""

STATUS = {
    "proposed": "inactive",
    "pilot": "active",
    "established": "active",
    "closed": "defunct",
}
"""Hub lifecycle (:class:`~engagekit.model.HubStatus` value) → Open Referral UK service status."""

_LIFECYCLE_NOTE = {
    "proposed": "Proposed in the documents: not yet open.",
    "pilot": "Running as a pilot.",
    "closed": "Closed.",
}

_COUNCIL_KIND = {
    "district": "a district council",
    "unitary": "a unitary authority",
    "county": "a county council",
    "metropolitan": "a metropolitan district council",
    "london-borough": "a London borough council",
}


def stable_id(*parts: str) -> str:
    """A UUID derived from ``parts`` (kind, council id, hub id, ...): the same on every run."""
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def hub_services(council: Council) -> list[dict[str, Any]]:
    """The council's hubs as Open Referral UK services, one per hub entry, in definition order.

    The result is JSON-ready and validates against :func:`package_schema`.
    """
    organization = _organization(council)
    return [_service(council, hub, organization) for hub in council.hubs]


def dumps(services: list[dict[str, Any]]) -> str:
    """The export as JSON text: indented, UTF-8 characters kept, ending in a newline."""
    return json.dumps(services, indent=2, ensure_ascii=False) + "\n"


def package_schema() -> dict[str, Any]:
    """The Open Referral UK ``service_package`` JSON schema (copied unchanged, CC BY-SA 4.0)."""
    text = (files("engagekit.opendata") / "schema" / SCHEMA_FILE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _organization(council: Council) -> dict[str, Any]:
    organization_id = stable_id("organization", council.id)
    kind = _COUNCIL_KIND.get(council.council_type.value) if council.council_type else None
    description = f"{council.name}, {kind or 'a local authority'}"
    description += f" (GSS code {council.gss_code})." if council.gss_code else "."
    organization: dict[str, Any] = {
        "id": organization_id,
        "name": council.name,
        "description": description,
    }
    if council.gss_code:
        organization["organization_identifiers"] = [
            {
                "id": stable_id("organization-identifier", council.id, "gss"),
                "organization_id": organization_id,
                "identifier_type": "GSS code",
                "identifier": council.gss_code,
            }
        ]
    return organization


def _service(council: Council, hub: Hub, organization: dict[str, Any]) -> dict[str, Any]:
    service_id = stable_id("service", council.id, hub.id)
    service: dict[str, Any] = {
        "id": service_id,
        "organization_id": organization["id"],
        "name": hub.name,
        "description": _service_description(council, hub),
        "status": STATUS[hub.status.value],
        "organization": organization,
    }
    if hub.areas is not None:
        service["service_areas"] = [
            _service_area(council, hub, council.area(area_id), service_id) for area_id in hub.areas
        ]
    if hub.venue:
        location_id = stable_id("location", council.id, hub.id)
        service["service_at_locations"] = [
            {
                "id": stable_id("service-at-location", council.id, hub.id),
                "service_id": service_id,
                "location_id": location_id,
                "location": {
                    "id": location_id,
                    "location_type": "physical",
                    "name": hub.venue,
                    "description": "The venue as the documents name it. They do not give its address.",
                },
            }
        ]
    return service


def _service_area(council: Council, hub: Hub, area: Area, service_id: str) -> dict[str, Any]:
    service_area: dict[str, Any] = {
        "id": stable_id("service-area", council.id, hub.id, area.id),
        "service_id": service_id,
        "name": area.name,
    }
    if area.gss_code:
        service_area["service_area"] = f"{area.name} (GSS code {area.gss_code})"
    return service_area


def _service_description(council: Council, hub: Hub) -> str:
    several = hub.count > 1
    parts: list[str] = []
    if several:
        parts.append(
            f"This entry stands for {hub.count} community hubs. The documents do not tell them apart,"
            " so they are not listed one by one."
        )
    note = _LIFECYCLE_NOTE.get(hub.status.value)
    status_words = hub.field_qualifier("status")
    if status_words:  # the documents are not sure of the status: say so rather than the lifecycle's words
        parts.append(f"Status: {hub.status.value} ({status_words}).")
    elif note:
        parts.append(note)
    if hub.description:
        parts.append(" ".join(hub.description.split()))
    if hub.areas is None:
        parts.append(f"The areas {'they' if several else 'it'} serve{'' if several else 's'} are not yet known.")
    if not hub.venue:
        parts.append("Their venues are not yet known." if several else "Its venue is not yet known.")
    if hub.source:
        parts.append(f"Source: {hub.source.cite(council.documents_by_id())}.")
    return " ".join(parts)
