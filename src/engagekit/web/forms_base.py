"""What the officers' pages share: their templates, the store, the council's ids, the role they need.

Used by :mod:`engagekit.web.forms` (a form per kind of record, corrections) and
:mod:`engagekit.web.upload` (an import file), which draw their pages from ``templates/forms``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import quote

import attrs
import jinja2
from fastapi import Depends
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from engagekit.records.checks import Vocabulary
from engagekit.web import auth, colours
from engagekit.web.views import ServedLinks

if TYPE_CHECKING:
    from engagekit.model import Council
    from engagekit.records.store import RecordStore
    from engagekit.web.state import Site

HTML = "text/html; charset=utf-8"

editor = auth.officer(auth.Role.editor)
Editor = Annotated[auth.Account, Depends(editor)]
"""Every page here is for an editor (or admin) of the council in the path (``_: Editor``)."""


# -- drawing pages --------------------------------------------------------------------------


@functools.cache
def environment() -> jinja2.Environment:
    """The forms' templates (``templates/forms``), autoescaped: no answer is ever read as markup."""
    from engagekit.web.forms_kinds import summary

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("engagekit.web", "templates/forms"),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.globals["summary"] = summary
    environment.globals["colours_href"] = colours.href
    return environment


def page(request: Request, template: str, council: Council, *, status: int = 200, **context: Any) -> Response:
    """A page of the forms, never cached (it carries the session's CSRF token)."""
    context.setdefault("errors", [])
    body = (
        environment()
        .get_template(template)
        .render(
            council=council,
            links=ServedLinks(),
            base=f"/councils/{quote(council.id)}/record",
            csrf=auth.csrf_field(request),
            account=auth.signed_in(request),
            **context,
        )
    )
    return Response(body, status_code=status, media_type=HTML, headers={"cache-control": "no-store"})


def site(request: Request) -> Site:
    found: Site = request.app.state.site
    return found


def store_of(request: Request) -> RecordStore:
    """The records store, or ``503`` saying how to make one."""
    found = site(request).store()
    if found is None:
        raise HTTPException(
            503, "there is no records store yet: set ENGAGEKIT_DATABASE_URL, or create one with engagekit db upgrade"
        )
    return found


def vocabulary(store: RecordStore, council: Council) -> Known:
    """The ids the council's records may name, with the instances and local actions recorded so far
    (and the names those instances were registered with, for the lists the forms offer)."""
    from engagekit.records.kinds import InstanceRecord, RecordKind

    recorded = [
        record
        for kind in (RecordKind.INSTANCE, RecordKind.LOCAL_ACTION)
        for record in store.records(council.id, kind, include_superseded=False)
    ]
    names = {record.full_id: record.name for record in recorded if isinstance(record, InstanceRecord)}
    found = Vocabulary.of(council).with_recorded(recorded)
    return Known(**attrs.asdict(found, recurse=False), instance_names=names)


@attrs.frozen
class Known(Vocabulary):
    """A council's vocabulary as the forms use it: the ids, and the name each registered instance
    was given, so a list offering them reads as the definition's own instances do."""

    instance_names: Mapping[str, str] = attrs.field(factory=dict)
