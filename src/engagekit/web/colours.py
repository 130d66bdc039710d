"""A council's own colours on its pages: a tiny stylesheet of CSS custom properties, per council.

The content security policy allows stylesheets from the service only (``style-src 'self'``, no
inline style), so a council's colours (:class:`engagekit.model.colours.Colours`) are not put in
the page: they are a stylesheet of their own that sets custom properties, which the pages'
stylesheets read with engagekit's neutral palette as the fallback (``web.css`` for the public
pages, ``forms.css`` and GOV.UK Frontend's own properties for the officers' pages). A council
whose definition gives no colours has no such stylesheet, and its pages keep the neutral palette.

On the service the stylesheet is ``/councils/{id}/colours.css?v=DIGEST``: the digest is of the
stylesheet itself, so a page names the version it was drawn with and the file can be cached for
a year; a changed definition is a new digest. A static site holds it as ``static/colours.css``
(a site is one council's).
"""

from __future__ import annotations

import functools
import hashlib
from typing import TYPE_CHECKING
from urllib.parse import quote

from fastapi import APIRouter, Request
from starlette.exceptions import HTTPException
from starlette.responses import Response

if TYPE_CHECKING:
    from engagekit.model import Council
    from engagekit.model.colours import Colours
    from engagekit.web.views import Links

router = APIRouter(include_in_schema=False)
CSS = "text/css; charset=utf-8"
SITE_FILE = "static/colours.css"
"""Where a static site keeps its council's colours."""


def stylesheet(colours: Colours) -> str:
    """The custom properties the pages' stylesheets read for these colours."""
    return _stylesheet(colours.brand, colours.text_on_brand, colours.link)


@functools.lru_cache(maxsize=64)
def _stylesheet(brand: str, text_on_brand: str, link: str) -> str:
    properties = {
        "--ek-brand": brand,
        "--ek-text-on-brand": text_on_brand,
        "--ek-link": link,
        "--ek-link-visited": link,
        "--ek-link-hover": link,
        "--govuk-brand-colour": brand,
        "--govuk-link-colour": link,
        "--govuk-link-visited-colour": link,
        "--govuk-link-hover-colour": link,
    }
    lines = "".join(f"  {name}: {value};\n" for name, value in properties.items())
    return (
        "/* The council's own colours, from its definition (checked against WCAG 2.2 AA when it was loaded).\n"
        "   Links keep one colour when visited or hovered: hover thickens the underline. */\n"
        f":root {{\n{lines}}}\n"
    )


def digest(colours: Colours) -> str:
    """A short digest of the stylesheet, which names its version in a page's link to it."""
    return hashlib.sha256(stylesheet(colours).encode("utf-8")).hexdigest()[:16]


def href(council: Council, links: Links) -> str | None:
    """Where a page of ``council`` links to its colours (``None``: it has none, the neutral palette)."""
    from engagekit.web.views import StaticLinks

    if council.colours is None:
        return None
    if isinstance(links, StaticLinks):
        return links.top + SITE_FILE
    return f"/councils/{quote(council.id)}/colours.css?v={digest(council.colours)}"


def site_files(council: Council) -> dict[str, bytes]:
    """The colours' file in a static site, if the council has colours."""
    if council.colours is None:
        return {}
    return {SITE_FILE: stylesheet(council.colours).encode("utf-8")}


@router.get("/councils/{council_id}/colours.css")
def colours_css(request: Request, council_id: str, v: str | None = None) -> Response:
    """A council's colours; ``404`` for a council without any (its pages do not link here)."""
    from engagekit.web.responses import tagged

    council = request.app.state.site.council(council_id)
    if council.colours is None:
        raise HTTPException(404)
    cache = "public, max-age=31536000, immutable" if v == digest(council.colours) else "public, max-age=300"
    return tagged(request, stylesheet(council.colours).encode("utf-8"), CSS, {"cache-control": cache})
