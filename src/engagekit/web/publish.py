"""The public pages as a static site, for a council without a server (``engagekit publish``).

The site holds what the service serves for one council as of one date, drawn by the same
templates with relative links, so it works from any static host or straight from disk
(``file://``): ``index.html`` (the list, of that council), ``councils/ID/index.html`` (the
dashboard, without the as-of form, which needs a server), the report in every registered
format beside it, ``councils/ID/oruk/`` (the Open Referral UK tree ``engagekit opendata``
writes) and ``static/`` (the stylesheets).

The site is written into a new hidden folder beside the target and renamed in, so a reader sees
the earlier site or the new one, never part of one. A target that exists must be an empty folder
or a site published before (it holds :data:`MARKER`): anything else is refused before anything is
written, so no one's files are deleted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from engagekit.opendata.api import tree
from engagekit.opendata.tree import dumps
from engagekit.web.views import STYLESHEETS, StaticLinks, dashboard_page, download_name, index_page, stylesheet

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
    final = Path(os.path.realpath(target))
    if final.exists():
        if not final.is_dir():
            raise PublishProblem(f"{target}: exists and is not a folder; give a folder for the site")
        entries = list(final.iterdir())
        if entries and not (final / MARKER).is_file():
            raise PublishProblem(
                f"{target}: the folder holds '{sorted(entries)[0].name}' and is not a published site; "
                "give a new or empty folder, or one an earlier publish wrote"
            )
    if not final.parent.is_dir():
        raise PublishProblem(f"{target}: the folder {final.parent} does not exist")
    temporary = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent))
    try:
        umask = os.umask(0)
        os.umask(umask)
        temporary.chmod(0o777 & ~umask)  # mkdtemp makes it private; the site is published
        for name, content in files.items():
            path = temporary / name
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as stream:
                stream.write(content)
                stream.flush()
                os.fsync(stream.fileno())
        _rename_in(temporary, final)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise


def _rename_in(temporary: Path, final: Path) -> None:
    if not final.exists():
        temporary.rename(final)
    else:
        aside = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".old", dir=final.parent))
        aside.rmdir()  # only its unique name is wanted: rename needs it free
        final.rename(aside)
        try:
            temporary.rename(final)
        except BaseException:
            aside.rename(final)
            raise
        shutil.rmtree(aside, ignore_errors=True)
    with contextlib.suppress(OSError):
        descriptor = os.open(final.parent, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
