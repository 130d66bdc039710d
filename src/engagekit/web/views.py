"""The public pages as HTML, for the web service and for a static site alike.

A council's dashboard is the HTML report's own view of the report
(:mod:`engagekit.report.html`: its page view and its block macros in ``_blocks.html.j2``),
set in a page that adds the as-of form, the downloads and the open data. Nothing in the page
is computed here: every section, table and chart comes from the report. Autoescaping is on
for every template, so no text from a definition or a record is read as HTML.

The page links to its stylesheets instead of inlining them, so the content security policy
needs no ``'unsafe-inline'``; it holds no script at all. Where links point is a
:class:`Links`: absolute paths on the server (:class:`ServedLinks`), relative file paths in a
static site (:class:`StaticLinks`), which then work from any host or from disk.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Sequence
from importlib.resources import files
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote, urlencode

import attrs
import jinja2

from engagekit.model.sources import human_date

if TYPE_CHECKING:
    from engagekit.model import Council
    from engagekit.report.document import Report
    from engagekit.report.renderers import Renderer

STYLESHEETS = {"report.css": ("engagekit.report", "report.css"), "web.css": ("engagekit.web", "web.css")}
"""The stylesheets pages link to: the HTML report's own, and the few rules the pages add."""


class Links(Protocol):
    """Where a page's links point."""

    def home(self) -> str: ...
    def council(self, council_id: str) -> str: ...
    def stylesheet(self, name: str) -> str: ...
    def download(self, council_id: str, renderer: Renderer, as_of: dt.date) -> str: ...
    def oruk(self, council_id: str) -> str: ...
    def record(self, council_id: str) -> str | None: ...
    def place(self, council_id: str, place_id: str, as_of: dt.date) -> str | None: ...
    def action(self, council_id: str, action_id: str, as_of: dt.date) -> str | None: ...


@attrs.frozen
class ServedLinks:
    """Links on the web service: absolute paths, the as-of date in the query."""

    def home(self) -> str:
        return "/"

    def council(self, council_id: str) -> str:
        return f"/councils/{quote(council_id)}"

    def stylesheet(self, name: str) -> str:
        return f"/static/{name}"

    def download(self, council_id: str, renderer: Renderer, as_of: dt.date) -> str:
        return f"/councils/{quote(council_id)}/report.{quote(renderer.name)}?{urlencode({'as_of': as_of.isoformat()})}"

    def oruk(self, council_id: str) -> str:
        return f"/councils/{quote(council_id)}/oruk/"

    def record(self, council_id: str) -> str | None:
        """Where the council's officers record progress (they are asked to sign in first)."""
        return f"/councils/{quote(council_id)}/record"

    def place(self, council_id: str, place_id: str, as_of: dt.date) -> str | None:
        """A place's page (:mod:`engagekit.web.place_pages`) as of the dashboard's date."""
        return (
            f"/councils/{quote(council_id)}/places/{quote(place_id, safe='')}?{urlencode({'as_of': as_of.isoformat()})}"
        )

    def action(self, council_id: str, action_id: str, as_of: dt.date) -> str | None:
        """An action's page (:mod:`engagekit.web.place_pages`) as of the dashboard's date."""
        query = urlencode({"as_of": as_of.isoformat()})
        return f"/councils/{quote(council_id)}/actions/{quote(action_id, safe='')}?{query}"


@attrs.frozen
class StaticLinks:
    """Links in a static site, relative to the page (``depth`` folders below the site's top)."""

    depth: int

    @property
    def top(self) -> str:
        return "../" * self.depth

    def home(self) -> str:
        return f"{self.top}index.html"

    def council(self, council_id: str) -> str:
        return f"{self.top}councils/{quote(council_id)}/index.html"

    def stylesheet(self, name: str) -> str:
        return f"{self.top}static/{name}"

    def download(self, council_id: str, renderer: Renderer, as_of: dt.date) -> str:
        return f"{self.top}councils/{quote(council_id)}/{quote(download_name(council_id, renderer, as_of))}"

    def oruk(self, council_id: str) -> str:
        return f"{self.top}councils/{quote(council_id)}/oruk/index.json"

    def record(self, council_id: str) -> str | None:
        """None: a static site has no server to record progress on."""
        return None

    def place(self, council_id: str, place_id: str, as_of: dt.date) -> str | None:
        """None: a static site holds the dashboard, not a page per place."""
        return None

    def action(self, council_id: str, action_id: str, as_of: dt.date) -> str | None:
        """None: a static site holds the dashboard, not a page per action."""
        return None


def download_name(council_id: str, renderer: Renderer, as_of: dt.date) -> str:
    """A download's file name: ``basildon-2026-11-22-findings-csv.csv``, safe on any system."""
    extension = renderer.extension.rsplit(".", 1)[-1]
    name = f"{council_id}-{as_of.isoformat()}-{renderer.name}.{extension}"
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name)


@attrs.frozen
class Download:
    """One format of the report offered for download."""

    name: str
    description: str
    href: str
    file_name: str


@functools.cache
def _environment() -> jinja2.Environment:
    from engagekit.web import colours

    environment = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [jinja2.PackageLoader("engagekit.web", "templates"), jinja2.PackageLoader("engagekit.report", "templates")]
        ),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.globals["colours_href"] = colours.href  # a council's own colours (base.html.j2)
    return environment


def stylesheet(name: str) -> str:
    """A stylesheet's text (a name of :data:`STYLESHEETS`)."""
    if name == "report.css":
        environment = _environment()
        assert environment.loader is not None
        text, _, _ = environment.loader.get_source(environment, "report.css")  # as the report itself reads it
        return text
    package, resource = STYLESHEETS[name]
    return (files(package) / "templates" / resource).read_text(encoding="utf-8")


def index_page(councils: Sequence[Council], links: Links) -> str:
    """The list of councils."""
    rows = sorted(councils, key=lambda council: council.name.casefold())
    return _environment().get_template("index.html.j2").render(councils=rows, links=links)


def dashboard_page(
    council: Council,
    report: Report,
    renderers: Sequence[Renderer],
    links: Links,
    *,
    as_of_form: bool,
) -> str:
    """A council's dashboard: the report's page, the as-of form (on the server) and the downloads."""
    from engagekit.report.html import _page  # the report's view model, the one the HTML report draws

    page = _page(report)
    downloads = [
        Download(
            renderer.name,
            renderer.description,
            links.download(council.id, renderer, report.as_of),
            download_name(council.id, renderer, report.as_of),
        )
        for renderer in renderers
    ]
    index = _index(council, report, links)
    return (
        _environment()
        .get_template("council.html.j2")
        .render(page=page, council=council, links=links, downloads=downloads, as_of_form=as_of_form, index=index)
    )


@attrs.frozen
class Entry:
    """A place or action in the dashboard's index of pages: its id, its name and its page."""

    id: str
    name: str
    href: str


def _index(council: Council, report: Report, links: Links) -> dict[str, list[Entry]]:
    """The places and actions the dashboard links to a page for (none where ``links`` has no such
    pages, as in a static site). The report's tables are its own, so the index sits beside them."""
    data = report.data
    found: dict[str, list[Entry]] = {"places": [], "actions": []}
    if data is None:
        return found
    named: list[tuple[str, str]] = [(area.id, area.name) for area in data.places.areas]
    named += [(cluster.id, cluster.name) for cluster in data.places.clusters]
    named += [(phase.id, phase.name) for phase in data.places.phases]
    for place_id, name in named:
        href = links.place(council.id, place_id, report.as_of)
        if href is not None:
            found["places"].append(Entry(place_id, name, href))
    for planned in data.actions:
        href = links.action(council.id, planned.id, report.as_of)
        if href is not None:
            found["actions"].append(Entry(planned.id, planned.text, href))
    return found


def place_page(council: Council, detail: dict[str, Any], links: Links) -> str:
    """A place's page from its part of the report (:func:`engagekit.web.place_data.place`)."""
    from engagekit.rules.findings import Status

    as_of = dt.date.fromisoformat(detail["as_of"])
    return (
        _environment()
        .get_template("place.html.j2")
        .render(
            council=council,
            detail=detail,
            place=detail["place"],
            as_of=as_of,
            as_of_text=human_date(as_of),
            status=lambda value: Status(value) if value else None,
            links=links,
        )
    )


def action_page(
    council: Council, action: dict[str, Any], updates: Sequence[dict[str, Any]], as_of: dt.date, links: Links
) -> str:
    """An action's page: the report's entry for it (:func:`engagekit.web.place_data.action`) and
    its updates as :func:`engagekit.web.place_pages.updates` lists them."""
    return (
        _environment()
        .get_template("action.html.j2")
        .render(
            council=council,
            action=action,
            updates=updates,
            as_of=as_of,
            as_of_text=human_date(as_of),
            day=lambda text: human_date(dt.date.fromisoformat(text)) if len(text) == 10 else text,
            links=links,
        )
    )


def error_page(status: int, title: str, message: str, links: Links) -> str:
    """A page for an error: what went wrong in one line, and the way back."""
    return _environment().get_template("error.html.j2").render(status=status, title=title, message=message, links=links)
