"""The public page of each place and of each action, linked from a council's dashboard.

``/councils/{id}/places/{place_id}``: the place's arrangements (bodies, reviews, reports made
for it) with their status, its findings, its local plan and its hubs, all picked out of the
report the dashboard draws (:mod:`engagekit.web.place_data`). ``/councils/{id}/actions/{action_id}``:
the action plan's action (or a local action a place's body agreed), its owner, due date, the
commitments it serves, its latest status and every update recorded for it, corrections
marked, as ``engagekit history`` lists them (:meth:`RecordStore.history`). Both take the
as-of date as the dashboard does; an unknown place or action is ``404``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from engagekit.web.pages import HTML, LINKS, site
from engagekit.web.place_data import UnknownPlace, action, place
from engagekit.web.responses import tagged
from engagekit.web.state import Site, read_as_of
from engagekit.web.views import action_page, place_page

router = APIRouter(include_in_schema=False)


@router.get("/councils/{council_id}/places/{place_id}")
def place_view(request: Request, council_id: str, place_id: str, as_of: str | None = None) -> Response:
    state = site(request)
    council = state.council(council_id)
    built = state.built(council, read_as_of(as_of, state.today()))
    detail = place(built.data(state.renderer("json")), place_id)
    body, _ = built.body(f"place-page:{place_id}", lambda: place_page(council, detail, LINKS).encode("utf-8"))
    return tagged(request, body, HTML)


@router.get("/councils/{council_id}/actions/{action_id}")
def action_view(request: Request, council_id: str, action_id: str, as_of: str | None = None) -> Response:
    state = site(request)
    council = state.council(council_id)
    day = read_as_of(as_of, state.today())
    report = state.built(council, day).data(state.renderer("json"))
    found = action(report, action_id) or _local_action(state, council, action_id, day, report)
    if found is None:
        known = ", ".join(entry["id"] for entry in report["data"]["actions"])
        raise UnknownPlace(f"there is no action {action_id!r} in {council.id}; actions: {known or 'none'}")
    page = action_page(council, found, updates(state, council.id, action_id, day), day, LINKS)
    return tagged(request, page.encode("utf-8"), HTML)


def _local_action(
    state: Site, council: Any, action_id: str, day: dt.date, report: dict[str, Any]
) -> dict[str, Any] | None:
    """A local action a place's body agreed on or before ``day``, shaped as the report's actions
    are; who agreed it is named as the report's "Places at a glance" names it."""
    store = state.store()
    if store is None:
        return None
    evidence = store.evidence(council)
    found = next((local for local in evidence.local_actions(day) if local.id == action_id), None)
    if found is None:
        return None
    latest = evidence.latest_action_updates(day).get(action_id)
    names = {row["subject_id"]: row["arrangement"] for row in report["data"]["place_status"]}
    return {
        "id": found.id,
        "text": found.title,
        "owner": found.owner,
        "due": found.due.isoformat() if found.due else None,
        "local": {
            "holder": names.get(found.holder, found.holder),
            "agreed": found.agreed.isoformat(),
            "priority": found.priority,
        },
        "latest": {
            "status": latest.kind,
            "date": latest.date.isoformat(),
            "percent": latest.value,
            "summary": latest.summary,
        }
        if latest
        else None,
        "commitments": [],
    }


def updates(state: Site, council_id: str, action_id: str, day: dt.date) -> list[dict[str, Any]]:
    """Every update of the action dated on or before ``day``, oldest first, each marked when a later
    one corrects it (as ``engagekit history`` marks them). Who recorded each is left out: see docs/web.md."""
    store = state.store()
    if store is None:
        return []
    found = [update for update in store.history(council_id, action_id) if update.date <= day]
    corrected = {update.supersedes for update in found if update.supersedes}
    return [
        {
            "id": update.id,
            "date": update.date,
            "status": update.status.value,
            "percent": update.percent,
            "note": update.note,
            "recorded_at": update.recorded_at,
            "supersedes": update.supersedes,
            "corrected": update.id in corrected,
        }
        for update in found
    ]
