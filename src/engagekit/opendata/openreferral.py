"""A council's community hubs as Open Referral UK services (the UK profile of HSDS 3.0).

Each :class:`~engagekit.model.Hub` entry becomes one service, shaped as the profile's
``compiled/service.json`` (the document ``GET /services/{id}`` returns), with:

- ``organization``: the council. When the definition gives its ``org_id`` (``GB-LAE-BAI``),
  that is an ``organization_identifiers`` entry with the register as ``identifier_scheme``
  (``GB-LAE``) and the council's code in it as ``identifier`` (``BAI``). When it gives a GSS
  code, ``uri`` is the statistics.data.gov.uk address of that code.
- ``service_areas``: one per area the hub serves, named as the definition names it, with
  ``uri`` the statistics.data.gov.uk address of the area's GSS code where it has one. This key
  is left out when the hub's areas are not yet known (``None``).
- ``service_at_locations``: only when the definition names a venue. The nested location has a
  name, no address and no coordinates.

:func:`list_item` cuts a full service down to the one-to-one fields of
``compiled/service_list.json``, the shape of an item of the ``GET /services`` page.

Hub statuses map to the schema's status vocabulary as follows. ``proposed`` becomes
``inactive``, because the hub is not operating yet and the vocabulary has no "planned" value.
``defunct`` would claim the hub had ended, and ``temporarily closed`` would claim it had opened.
``pilot`` and ``established`` become ``active``, and ``closed`` becomes ``defunct``. A proposed
hub whose first hub session is recorded on or before the as-of date is ``active`` from that day,
as the reporting rules count it open. The description keeps the hub's own lifecycle word and
says what the documents leave open.

Nothing is made up. No URLs, e-mail addresses, phone numbers, addresses, schedules, costs or
dates are written, because the definitions do not give them for hubs. Ids are UUIDs made with
:func:`uuid.uuid5` from the council id and the hub id (plus the area id for a service area).
They are the same on every run and on every machine.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from engagekit.model.gss import statistics_uri
from engagekit.model.orgid import split_org_id

if TYPE_CHECKING:
    import datetime as dt

    from engagekit.model import Area, Council, Hub

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:engagekit:openreferral-uk")
"""The namespace of every id in the export (itself a name-based UUID, so anyone can re-derive it)."""

STATUS = {
    "proposed": "inactive",
    "pilot": "active",
    "established": "active",
    "closed": "defunct",
}
"""Hub lifecycle (:class:`~engagekit.model.HubStatus` value) → Open Referral UK service status."""

LIST_FIELDS = (
    "id",
    "organization_id",
    "name",
    "description",
    "url",
    "email",
    "status",
    "fees",
    "accreditations",
    "minimum_age",
    "maximum_age",
    "assured_date",
    "assurer_email",
    "alert",
    "last_modified",
)
"""The one-to-one fields of ``compiled/service_list.json`` (besides its ``organization``)."""

ORGANIZATION_LIST_FIELDS = ("id", "name", "description", "email", "website", "logo", "uri", "parent_organization_id")
"""The fields of the organisation nested in a ``service_list`` item (no identifiers there)."""

IDENTIFIER_TYPES = {"GB-LAE": "Local authority code (England)"}
"""A readable name for an org-id.guide register (``identifier_type``); other registers show their code."""

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


def hub_services(council: Council, as_of: dt.date, opened: Mapping[str, dt.date] | None = None) -> list[dict[str, Any]]:
    """The council's hubs as full Open Referral UK services, one per hub entry, in definition order.

    ``opened`` gives, for a hub whose sessions are recorded, the date of its first one; a
    proposed hub opened on or before ``as_of`` is active. The result is JSON-ready and each
    item validates against ``compiled/service.json``.
    """
    organization = organization_of(council)
    opened = opened or {}
    return [_service(council, hub, organization, _opened_by(opened.get(hub.id), as_of)) for hub in council.hubs]


def list_item(service: dict[str, Any]) -> dict[str, Any]:
    """A full service cut down to a ``service_list`` item: its one-to-one fields and organisation."""
    item = {key: service[key] for key in LIST_FIELDS if key in service}
    if "organization" in service:
        organization = service["organization"]
        item["organization"] = {key: organization[key] for key in ORGANIZATION_LIST_FIELDS if key in organization}
    return item


def organization_of(council: Council) -> dict[str, Any]:
    """The council as an Open Referral UK organisation, with its org-id and GSS URI where known."""
    organization_id = stable_id("organization", council.id)
    kind = _COUNCIL_KIND.get(council.council_type.value) if council.council_type else None
    organization: dict[str, Any] = {
        "id": organization_id,
        "name": council.name,
        "description": f"{council.name}, {kind or 'a local authority'}.",
    }
    if council.gss_code:
        organization["uri"] = statistics_uri(council.gss_code)
    if council.org_id:
        scheme, identifier = split_org_id(council.org_id)
        organization["organization_identifiers"] = [
            {
                "id": stable_id("organization-identifier", council.id, "org-id"),
                "organization_id": organization_id,
                "identifier_scheme": scheme,
                "identifier_type": IDENTIFIER_TYPES.get(scheme, scheme),
                "identifier": identifier,
            }
        ]
    return organization


def _opened_by(first_session: dt.date | None, as_of: dt.date) -> dt.date | None:
    return first_session if first_session is not None and first_session <= as_of else None


def _service(council: Council, hub: Hub, organization: dict[str, Any], opened_on: dt.date | None) -> dict[str, Any]:
    service_id = stable_id("service", council.id, hub.id)
    status = STATUS[hub.status.value]
    if opened_on is not None and hub.status.value == "proposed":
        status = "active"
    service: dict[str, Any] = {
        "id": service_id,
        "organization_id": organization["id"],
        "name": hub.name,
        "description": _service_description(council, hub, opened_on),
        "status": status,
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
        service_area["uri"] = statistics_uri(area.gss_code)
    return service_area


def _service_description(council: Council, hub: Hub, opened_on: dt.date | None) -> str:
    from engagekit.model.sources import human_date

    several = hub.count > 1
    parts: list[str] = []
    if several:
        parts.append(
            f"This entry stands for {hub.count} community hubs. The documents do not tell them apart,"
            " so they are not listed one by one."
        )
    note = _LIFECYCLE_NOTE.get(hub.status.value)
    status_words = hub.field_qualifier("status")
    opened = opened_on is not None and hub.status.value == "proposed"
    if status_words:  # the documents are not sure of the status: say so rather than the lifecycle's words
        parts.append(f"Status: {hub.status.value} ({status_words}).")
    elif opened:
        parts.append("Proposed in the documents.")
    elif note:
        parts.append(note)
    if opened and opened_on is not None:
        first = "The first session of one of them" if several else "Its first session"
        parts.append(f"{first} is recorded on {human_date(opened_on)}, so it counts as open from that day.")
    if hub.description:
        parts.append(" ".join(hub.description.split()))
    if hub.areas is None:
        parts.append(f"The areas {'they' if several else 'it'} serve{'' if several else 's'} are not yet known.")
    if not hub.venue:
        parts.append("Their venues are not yet known." if several else "Its venue is not yet known.")
    if hub.source:
        parts.append(f"Source: {hub.source.cite(council.documents_by_id())}.")
    return " ".join(parts)
