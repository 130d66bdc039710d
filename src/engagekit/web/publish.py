"""The public pages as a static site, for a council without a server (``engagekit publish``).

The site holds what the service serves for one council as of one date, drawn by the same
templates with relative links, so it works from any static host or straight from disk
(``file://``): ``index.html`` (the list, of that council), ``councils/ID/index.html`` (the
dashboard, without the as-of form, which needs a server), the report in every registered
format beside it, ``councils/ID/oruk/`` (the Open Referral UK tree ``engagekit opendata``
writes) and ``static/`` (the stylesheets, with the council's own colours where it has some).

The site is written into a new hidden folder beside the target and renamed in, so a reader sees
the earlier site or the new one, never part of one. A target that exists must be an empty folder
or a site published before (it holds :data:`MARKER`): anything else is refused before anything is
written, so no one's files are deleted.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from engagekit.opendata.api import tree
from engagekit.opendata.tree import dumps
from engagekit.web import colours
from engagekit.web.views import STYLESHEETS, StaticLinks, dashboard_page, download_name, index_page, stylesheet
from engagekit.whole_folder import write_folder

if TYPE_CHECKING:
    from engagekit.model import Council
    from engagekit.report.document import Report
    from engagekit.report.renderers import Renderer

MARKER = ".engagekit-site"
"""The file at the top of every published site: it says the folder may be replaced whole."""


class PublishProblem(ValueError):
    """The target cannot take the site; nothing was written."""


def site_files(
    council: Council,
    report: Report,
    renderers: list[Renderer],
    opened: dict[str, dt.date],
) -> dict[str, bytes]:
    """Every file of the site, by relative POSIX path."""
    top = f"councils/{council.id}"
    out: dict[str, bytes] = {
        MARKER: f"engagekit static site: {council.id} as of {report.as_of.isoformat()}\n".encode(),
        "index.html": index_page([council], StaticLinks(0)).encode("utf-8"),
        f"{top}/index.html": dashboard_page(council, report, renderers, StaticLinks(2), as_of_form=False).encode(
            "utf-8"
        ),
    }
    for name in STYLESHEETS:
        out[f"static/{name}"] = stylesheet(name).encode("utf-8")
    out.update(colours.site_files(council))
    for renderer in renderers:
        content = renderer.render(report)
        out[f"{top}/{download_name(council.id, renderer, report.as_of)}"] = (
            content.encode("utf-8") if isinstance(content, str) else content
        )
    for path, document in tree(council, report.as_of, opened=opened).items():
        out[f"{top}/oruk/{path}"] = dumps(document).encode("utf-8")
    return out


def write_site(files: dict[str, bytes], target: Path) -> None:
    """Write ``files`` under ``target`` whole or not at all (see the module's docstring)."""
    write_folder(files.items(), target, noun="site", foreign=_not_a_site, problem=PublishProblem)


def _not_a_site(folder: Path) -> str | None:
    """Why ``folder`` is not a site published before (it lacks :data:`MARKER`), or ``None``."""
    if (folder / MARKER).is_file():
        return None
    first = sorted(folder.iterdir())[0].name
    return f"'{first}' and is not a published site; give a new or empty folder, or one an earlier publish wrote"
