"""A place's and an action's part of a council's report, for their pages and the JSON API alike.

Everything here is picked out of the JSON report (``engagekit report --format json``) built
once per council, date and state of the store (:mod:`engagekit.web.state`): a place is one of
the report's areas, clusters or rollout phases (``data.places``), its arrangements and their
status are the report's ``data.place_status`` rows for it (the "Places at a glance" table),
its findings are the report's findings about those arrangements, its local plan is its rows
of the report's "Local plans" section, and its hubs are the report's hubs in it. An action is
the report's ``data.actions`` entry with the commitments (``data.commitments``) it serves.
Nothing is judged here: the rules ran once, for the report.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from engagekit.web.state import UnknownCouncil

PLACE_KINDS = {"areas": "area", "clusters": "cluster", "phases": "phase"}
"""The report's lists of places a page is made for, and the kind each holds."""


class UnknownPlace(UnknownCouncil):
    """No place (or action) with this id in the council's report: answered ``404`` as an unknown council is."""


def places(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Every area, cluster and phase of the report, each with its kind and its arrangements' status."""
    data = report["data"]
    found = []
    for plural, kind in PLACE_KINDS.items():
        for place in data["places"][plural]:
            rows = [row for row in data["place_status"] if row["place_id"] == place["id"]]
            found.append({"id": place["id"], "name": place["name"], "kind": kind, "status": rows})
    return found


def place(report: dict[str, Any], place_id: str) -> dict[str, Any]:
    """One place's part of the report, or :class:`UnknownPlace`."""
    data = report["data"]
    for plural, kind in PLACE_KINDS.items():
        for entry in data["places"][plural]:
            if entry["id"] == place_id:
                return _detail(report, {**entry, "kind": kind})
    known = ", ".join(entry["id"] for plural in PLACE_KINDS for entry in data["places"][plural])
    council_id = report["council"]["id"]
    raise UnknownPlace(f"there is no place {place_id!r} in {council_id}; places: {known or 'none'}")


def _detail(report: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
    data = report["data"]
    place_id = entry["id"]
    rows = [row for row in data["place_status"] if row["place_id"] == place_id]
    subjects = {row["subject_id"] for row in rows} | {place_id}
    labels = {row["arrangement"] for row in rows}
    hubs = [hub for hub in data["places"]["hubs"] if place_id in (hub["areas"] or []) or hub["cluster"] == place_id]
    return {
        "council_id": report["council"]["id"],
        "as_of": report["as_of"],
        "place": entry,
        "status": rows,
        "findings": [finding for finding in report["findings"] if finding["subject_id"] in subjects],
        "local_plans": _local_plans(report["sections"], labels),
        "hubs": hubs,
        "part_of": _part_of(data["places"], entry),
        "contains": _contains(data["places"], entry),
    }


def _named(kind: str, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"id": entry["id"], "name": entry["name"], "kind": kind} for entry in entries]


def _part_of(known: dict[str, Any], entry: dict[str, Any]) -> list[dict[str, Any]]:
    """The places ``entry`` is part of: an area's parent and clusters, a cluster's phase."""
    place_id = entry["id"]
    if entry["kind"] == "area":
        parents = [area for area in known["areas"] if area["id"] == entry["parent"]]
        clusters = [cluster for cluster in known["clusters"] if place_id in cluster["areas"]]
        return _named("area", parents) + _named("cluster", clusters)
    if entry["kind"] == "cluster":
        return _named("phase", [phase for phase in known["phases"] if phase["id"] == entry["phase"]])
    return []


def _contains(known: dict[str, Any], entry: dict[str, Any]) -> list[dict[str, Any]]:
    """The places within ``entry``: an area's areas, a cluster's areas, a phase's clusters."""
    place_id = entry["id"]
    if entry["kind"] == "area":
        return _named("area", [area for area in known["areas"] if area["parent"] == place_id])
    if entry["kind"] == "cluster":
        return _named("area", [area for area in known["areas"] if area["id"] in entry["areas"]])
    clusters = entry["clusters"] or []
    return _named("cluster", [cluster for cluster in known["clusters"] if cluster["id"] in clusters])


def _sections(sections: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for section in sections:
        yield section
        yield from _sections(section.get("sections") or [])


def _local_plans(sections: list[dict[str, Any]], labels: set[str]) -> list[dict[str, Any]]:
    """The report's "Local plans" rows and lists of local actions for the bodies in ``labels``."""
    section = next((found for found in _sections(sections) if found["id"] == "local-plans"), None)
    if section is None:
        return []
    blocks = section["blocks"]
    lists = {block.get("title"): block["items"] for block in blocks if block["kind"] == "list"}
    plans = []
    for block in blocks:
        if block["kind"] != "table":
            continue
        for row in block["rows"]:
            if row[0] in labels:
                plans.append(
                    {
                        "title": section["title"],
                        "body": row[0],
                        "priorities": row[1],
                        "local_actions": lists.get(row[0], []),
                    }
                )
    return plans


def action(report: dict[str, Any], action_id: str) -> dict[str, Any] | None:
    """The report's action plan entry for ``action_id`` with the commitments it serves, or ``None``."""
    data = report["data"]
    found = next((entry for entry in data["actions"] if entry["id"] == action_id), None)
    if found is None:
        return None
    serves = [
        {"id": commitment["id"], "name": commitment["name"], "kind": commitment["kind"]}
        for commitment in data["commitments"]
        if action_id in commitment["actions"]
    ]
    return {**found, "commitments": serves}
