"""The report's places and communities: areas, clusters, rollout phases, hubs and communities.

Each kind is a table of short facts, each name and value with how sure it is, and a list of
notes under it holding every description, rationale and full qualifier, so that the caveats
of the documents ("proposed", "currently expected") reach every format.
"""

from __future__ import annotations

from engagekit.model.council import Council
from engagekit.model.places import Area, Cluster, Community, Hub, Phase
from engagekit.report.caveats import UNKNOWN, date_text, known_list, mark, mark_field, notes, notes_list
from engagekit.report.document import Section, Table


def places_section(council: Council) -> Section:
    """Every kind of place the council has, each a sub-section."""
    parts = [
        _areas(council) if council.areas else None,
        _clusters(council) if council.clusters else None,
        _phases(council) if council.phases else None,
        _hubs(council) if council.hubs else None,
        _communities(council) if council.communities else None,
    ]
    return Section("places", "Places and communities", sections=[part for part in parts if part])


def _area_names(council: Council) -> dict[str, str]:
    return {area.id: area.name for area in council.areas}


def _areas(council: Council) -> Section:
    names = _area_names(council)

    def row(area: Area) -> list[str]:
        return [
            mark(area, area.name, brief=True),
            mark_field(area, "kind", area.kind.value, brief=True),
            mark_field(area, "parent", names.get(area.parent, area.parent), brief=True) if area.parent else "",
            mark_field(area, "gss_code", area.gss_code or "", brief=True),
            mark_field(area, "parished", {True: "yes", False: "no", None: ""}[area.parished], brief=True),
            mark_field(area, "localities", ", ".join(area.localities), brief=True),
        ]

    columns = ["Area", "Kind", "Within", "ONS code", "Parished", "Localities"]
    found = [note for area in council.areas for note in notes(area, area.name, (None, area.description))]
    return Section(
        "areas", "Areas", [Table("Areas", columns, [row(area) for area in council.areas]), *notes_list(found)]
    )


def _clusters(council: Council) -> Section:
    """Localities, areas and parished columns appear only where some cluster gives them.

    An empty localities column would read as "none" where the documents simply do not list them.
    """
    clusters = council.clusters
    names = _area_names(council)
    phases = {phase.id: phase.name for phase in council.phases}
    show_localities = any(c.localities != [] for c in clusters)
    show_areas = any(c.areas for c in clusters)
    show_parished = any(c.parished is not None for c in clusters)

    def row(cluster: Cluster) -> list[str]:
        cells = [mark(cluster, cluster.name, brief=True)]
        if show_localities:
            cells.append(mark_field(cluster, "localities", known_list(cluster.localities, ""), brief=True))
        cells.append(mark_field(cluster, "wards", known_list(cluster.wards), brief=True))
        if show_areas:
            cells.append(mark_field(cluster, "areas", ", ".join(names.get(a, a) for a in cluster.areas), brief=True))
        if show_parished:
            parished = {True: "yes", False: "no", None: ""}[cluster.parished]
            cells.append(mark_field(cluster, "parished", parished, brief=True))
        phase = phases.get(cluster.phase, cluster.phase) if cluster.phase else ""
        cells.append(mark_field(cluster, "phase", phase, brief=True))
        return cells

    columns = ["Cluster", *["Localities"] * show_localities, "Wards", *["Areas"] * show_areas]
    columns += [*["Parished"] * show_parished, "Phase"]
    found = [note for cluster in clusters for note in notes(cluster, cluster.name, (None, cluster.description))]
    table = Table("Clusters", columns, [row(cluster) for cluster in clusters])
    return Section("clusters", "Clusters", [table, *notes_list(found)])


def _phases(council: Council) -> Section:
    cluster_names = {cluster.id: cluster.name for cluster in council.clusters}
    ordered = sorted(council.phases, key=lambda p: p.order)

    def row(phase: Phase) -> list[str]:
        clusters = [cluster_names.get(c, c) for c in phase.clusters] if phase.clusters is not None else None
        return [
            str(phase.order),
            mark(phase, phase.name, brief=True),
            mark_field(phase, "clusters", known_list(clusters), brief=True),
            mark_field(phase, "starts", date_text(phase.starts), brief=True),
        ]

    found = [
        note
        for phase in ordered
        for note in notes(phase, phase.name, ("why", phase.rationale), (None, phase.description))
    ]
    table = Table("Rollout phases", ["Order", "Phase", "Clusters", "Starts"], [row(phase) for phase in ordered])
    return Section("phases", "Rollout phases", [table, *notes_list(found)])


def _hubs(council: Council) -> Section:
    names = _area_names(council)

    def row(hub: Hub) -> list[str]:
        areas = [names.get(a, a) for a in hub.areas] if hub.areas is not None else None
        return [
            mark(hub, hub.name, brief=True),
            mark_field(hub, "count", str(hub.count), brief=True),
            mark_field(hub, "status", hub.status.value, brief=True),
            mark_field(hub, "areas", known_list(areas), brief=True),
            mark_field(hub, "venue", hub.venue or ", ".join(hub.venue_kinds) or UNKNOWN, brief=True),
            mark_field(hub, "co_located_with", hub.co_located_with or UNKNOWN, brief=True),
            mark_field(hub, "delivery_model", hub.delivery_model or "", brief=True),
        ]

    columns = ["Hub", "Number", "Status", "Areas", "Venue", "Co-located with", "Delivery"]
    found = [note for hub in council.hubs for note in notes(hub, hub.name, (None, hub.description))]
    table = Table("Community hubs", columns, [row(hub) for hub in council.hubs])
    return Section("hubs", "Community hubs", [table, *notes_list(found)])


def _communities(council: Council) -> Section:
    names = _area_names(council)
    show_areas = any(c.areas for c in council.communities)

    def row(community: Community) -> list[str]:
        cells = [
            mark(community, community.name, brief=True),
            mark_field(community, "kind", community.kind.value, brief=True),
            mark_field(community, "examples", ", ".join(community.examples), brief=True),
        ]
        if show_areas:
            areas = ", ".join(names.get(a, a) for a in community.areas)
            cells.append(mark_field(community, "areas", areas, brief=True))
        return cells

    columns = ["Community", "Of", "Examples", *["Areas"] * show_areas]
    found = [note for c in council.communities for note in notes(c, c.name, (None, c.description))]
    table = Table("Communities", columns, [row(c) for c in council.communities])
    return Section("communities", "Communities", [table, *notes_list(found)])
