"""The copied Open Referral UK schemas (under ``schema/``), for checking what engagekit publishes.

The profile's ``openapi.json`` refers to its compiled schemas by their published addresses
(``https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/compiled/...``).
:func:`registry` maps those addresses onto the copies, so documents can be checked offline with
``jsonschema``; :func:`response_schema` gives the schema of one endpoint's response. engagekit
does not need any of this to write the export: ``jsonschema`` and ``referencing`` are imported
only when a registry is asked for.
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from referencing import Registry

PUBLISHED = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/"
"""Where the profile publishes its schemas; the copies keep the same relative paths."""

COPIES = ("openapi.json", "compiled/service.json", "compiled/service_list.json")
"""The copied schema files, by their path under ``schema/`` (and under :data:`PUBLISHED`)."""

ENDPOINTS = ("/", "/services", "/services/{id}")
"""The API paths engagekit publishes."""


def load(path: str) -> dict[str, Any]:
    """A copied schema file, parsed (``openapi.json``, ``compiled/service.json``, ...)."""
    resource = files("engagekit.opendata").joinpath("schema", *path.split("/"))
    document: dict[str, Any] = json.loads(resource.read_text(encoding="utf-8"))
    return document


def registry() -> Registry[Any]:
    """A ``referencing`` registry holding every copy at its published address (JSON Schema 2020-12,
    the dialect the profile's API description declares)."""
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    return Registry().with_resources(
        (PUBLISHED + path, Resource.from_contents(load(path), default_specification=DRAFT202012)) for path in COPIES
    )


def response_schema(path: str) -> dict[str, Any]:
    """A schema that refers to the ``200`` JSON response of ``GET path`` in the profile's API."""
    if path not in ENDPOINTS:
        raise KeyError(f"engagekit does not publish {path!r}; it publishes {', '.join(ENDPOINTS)}")
    pointer = path.replace("~", "~0").replace("/", "~1")
    return {"$ref": f"{PUBLISHED}openapi.json#/paths/{pointer}/get/responses/200/content/application~1json/schema"}
