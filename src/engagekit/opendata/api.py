"""The documents of a council's Open Referral UK API, built without I/O.

The Open Referral UK profile is an API (its ``schema/openapi.json``). engagekit publishes the
part of it that hubs fill:

- ``GET /``: the API's details (:func:`api_root`). ``profile`` is the address of the profile,
  which is how an HSDS publication declares the profile it conforms to (HSDS 3.0, Profiles
  reference: the ``/`` response carries the profile's URI as ``profile``); ``openapi_url`` is the
  profile's API description; ``version`` is ``HSDS-UK-3.0``, the form the Open Referral UK
  validator reads.
- ``GET /services?page=N&per_page=M``: a ``Page`` (:func:`services_page`) whose ``contents`` are
  ``compiled/service_list.json`` items.
- ``GET /services/{id}``: one full ``compiled/service.json`` (:func:`service_document`).

:func:`tree` gives every document of a static copy of the API, keyed by the path it is
published at (``index.json``, ``services.json``, ``services/page-2.json``,
``services/<id>.json``). ``engagekit opendata`` writes that tree; the web service serves the same
documents at ``/councils/{id}/oruk/...``. Each function is a function of the council, the as-of
date and, optionally, the first recorded session of each hub, so the same call gives the same
documents anywhere.

Pages are numbered from 1. ``size`` is the number of services on the page, as the profile's
``Page`` describes it. A council with no hubs has one page, empty: ``total_pages`` is 1,
``empty`` is true, and both ``first_page`` and ``last_page`` are true. A page past the last one,
or a page number or size below 1, is a :class:`PageProblem`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from engagekit.opendata.openreferral import hub_services, list_item

if TYPE_CHECKING:
    import datetime as dt

    from engagekit.model import Council

VERSION = "HSDS-UK-3.0"
"""The standard and version the API declares at ``/``."""

PROFILE_URL = "https://github.com/openreferral/uk-profile"
"""The Open Referral UK profile's canonical address: its public repository, as HSDS allows."""

OPENAPI_URL = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/openapi.json"
"""The profile's API description, beside the compiled schemas it refers to."""

PER_PAGE = 50
"""Services on a page unless asked otherwise."""

INDEX_PATH = "index.json"
SERVICES_PATH = "services.json"


class PageProblem(ValueError):
    """A page that cannot be given: a number or size below 1, or a page past the last one."""


class UnknownService(LookupError):
    """No service of the council has this id."""


def api_root() -> dict[str, Any]:
    """``GET /``: the API's version, its profile and the profile's API description."""
    return {"version": VERSION, "profile": PROFILE_URL, "openapi_url": OPENAPI_URL}


def services_page(
    council: Council,
    as_of: dt.date,
    page: int = 1,
    per_page: int = PER_PAGE,
    opened: Mapping[str, dt.date] | None = None,
) -> dict[str, Any]:
    """``GET /services``: page ``page`` of the council's services, ``per_page`` to a page."""
    items = [list_item(service) for service in hub_services(council, as_of, opened)]
    return page_of(items, page, per_page)


def service_document(
    council: Council, as_of: dt.date, service_id: str, opened: Mapping[str, dt.date] | None = None
) -> dict[str, Any]:
    """``GET /services/{id}``: the full service with this id (:class:`UnknownService` if none)."""
    for service in hub_services(council, as_of, opened):
        if service["id"] == service_id:
            return service
    raise UnknownService(f"{council.id} has no service {service_id!r}")


def page_count(total_items: int, per_page: int) -> int:
    """How many pages ``total_items`` fill, ``per_page`` to a page: at least 1 (an empty page)."""
    if per_page < 1:
        raise PageProblem(f"a page holds at least 1 service, not {per_page}")
    return max(1, math.ceil(total_items / per_page))


def page_of(items: list[dict[str, Any]], page: int, per_page: int) -> dict[str, Any]:
    """A profile ``Page`` of ``items``: page ``page`` (from 1), ``per_page`` to a page."""
    total_pages = page_count(len(items), per_page)
    if page < 1:
        raise PageProblem(f"pages are numbered from 1, not {page}")
    if page > total_pages:
        pages = "there is 1 page" if total_pages == 1 else f"there are {total_pages} pages"
        raise PageProblem(f"there is no page {page}: {pages} of {per_page}")
    contents = items[(page - 1) * per_page : page * per_page]
    return {
        "total_items": len(items),
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page == total_pages,
        "empty": not items,
        "contents": contents,
    }


def page_path(page: int) -> str:
    """Where page ``page`` of the services is in the tree: ``services.json`` for the first."""
    return SERVICES_PATH if page == 1 else f"services/page-{page}.json"


def service_path(service_id: str) -> str:
    """Where a full service is in the tree."""
    return f"services/{service_id}.json"


def tree(
    council: Council, as_of: dt.date, per_page: int = PER_PAGE, opened: Mapping[str, dt.date] | None = None
) -> dict[str, dict[str, Any]]:
    """Every document of the council's API as a static tree, by path: root, pages, services."""
    services = hub_services(council, as_of, opened)
    items = [list_item(service) for service in services]
    documents: dict[str, dict[str, Any]] = {INDEX_PATH: api_root()}
    for page in range(1, page_count(len(items), per_page) + 1):
        documents[page_path(page)] = page_of(items, page, per_page)
    for service in services:
        documents[service_path(service["id"])] = service
    return documents
