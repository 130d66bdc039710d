"""Uploading an import file: the same all-or-nothing import as ``engagekit import``, in the browser.

The file is saved to a temporary folder under a name with its own extension, read by the same
readers as the command (CSV, XLSX, an engagekit JSON export, or a Decidim results file) and
imported by :meth:`RecordStore.import_rows`: one bad row and nothing is written. The page then
lists every bad row (row, column, message, as the command prints them), or what was imported.
The file is deleted once read. Who imported it is the account signed in.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.responses import Response

from engagekit.web import auth
from engagekit.web.forms_base import Editor, page, site, store_of

if TYPE_CHECKING:
    from engagekit.model import Council
    from engagekit.records.kinds import RecordKind
    from engagekit.records.store import ImportResult, RecordStore

router = APIRouter(include_in_schema=False)

MAX_BYTES = 20 * 1024 * 1024
"""The largest file taken through the browser (a larger import is for ``engagekit import``)."""

LISTED = 200
"""The most imported records listed one by one on the page (the counts cover every one)."""

SUFFIXES = (".csv", ".txt", ".xlsx", ".json")

SUMMARY = {
    "action-update": ("action_id", "status"),
    "indicator-reading": ("indicator_id", "value"),
    "event": ("event_kind", "title", "body_id"),
    "review": ("obligation_id", "review_kind"),
    "instance": ("body_id", "instance", "name"),
    "local-priority": ("title",),
    "local-action": ("action_id", "title"),
    "member": ("body_id", "name"),
}
"""What the page shows of each imported record besides its number and date."""


class Refused(ValueError):
    """An upload that is not a file engagekit imports; the message is one line naming it."""


@router.get("/councils/{council_id}/record/upload")
def upload_form(request: Request, council_id: str, _: Editor) -> Response:
    council = site(request).council(council_id)
    return page(request, "upload.html.j2", council, errors=[], kinds=_kinds(), given={})


@router.post("/councils/{council_id}/record/upload")
async def upload(request: Request, council_id: str, _: Editor) -> Response:
    """Import the file sent, all or nothing, and say what happened."""
    council = site(request).council(council_id)
    declared = int(request.headers.get("content-length") or 0)
    if declared > MAX_BYTES + 64 * 1024:
        return _refused(
            request, council, {}, f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB; use engagekit import"
        )
    async with request.form(max_files=1, max_fields=10) as sent:  # its spooled file closed after
        kind = sent.get("kind")
        given = {"kind": kind if isinstance(kind, str) else ""}
        file = sent.get("file")
        if not isinstance(file, UploadFile) or not file.filename:
            return _refused(request, council, given, "choose a file to import")
        name = _shown_name(file.filename)
        try:
            default_kind = _kind(given["kind"])
            with tempfile.TemporaryDirectory(prefix="engagekit-upload-") as folder:
                path = Path(folder) / ("upload" + Path(name).suffix.lower())
                await _save(file, path)
                today = site(request).today()
                store, who = store_of(request), auth.recorded_by(request)
                # the import is blocking work: in a thread, so the worker goes on answering others
                result, sha256 = await run_in_threadpool(_import, store, council, path, name, default_kind, who, today)
        except Refused as problem:
            return _refused(request, council, given, str(problem))
    if result.problems:
        return page(request, "uploaded.html.j2", council, status=400, name=name, result=result, imported=[])
    if not result.already_imported:
        detail = {"council": council.id, "file": name, "rows": result.rows, "added": result.added}
        await run_in_threadpool(auth.audit, request, "record.import", detail)
    imported = [] if result.already_imported else await run_in_threadpool(_imported, store_of(request), council, sha256)
    return page(request, "uploaded.html.j2", council, name=name, result=result, imported=imported)


def _kinds() -> list[str]:
    from engagekit.records.kinds import RecordKind

    return [kind.value for kind in RecordKind]


def _kind(text: str) -> RecordKind | None:
    """The kind of every row for a file with no ``kind`` column, as ``--kind`` reads it."""
    from engagekit.records.kinds import RecordKind

    if not text:
        return None
    try:
        return RecordKind(text)
    except ValueError:
        raise Refused(f"kind {text!r} is not one of: {', '.join(_kinds())}") from None


def _shown_name(filename: str) -> str:
    """The file's own name (no folders), safe to show: control characters and odd bytes replaced."""
    from engagekit.terminal_text import printable

    base = filename.replace("\\", "/").rsplit("/", 1)[-1][:200]
    return printable(base, multiline=False) or "upload"


async def _save(file: UploadFile, path: Path) -> None:
    """Copy the upload to ``path``, refusing one larger than :data:`MAX_BYTES`."""
    if Path(path).suffix not in SUFFIXES:
        raise Refused(f"engagekit imports .csv, .xlsx and .json files, not {path.suffix or 'a file with no extension'}")
    written = 0
    with path.open("wb") as out:
        while chunk := await file.read(1 << 20):
            written += len(chunk)
            if written > MAX_BYTES:
                raise Refused(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB; use engagekit import")
            out.write(chunk)
    if written == 0:
        raise Refused("the file is empty; it needs a header row")


def _import(
    store: RecordStore,
    council: Council,
    path: Path,
    name: str,
    default_kind: RecordKind | None,
    recorded_by: str,
    today: dt.date,
) -> tuple[ImportResult, str]:
    """Read and import the saved file as ``engagekit import`` does; a file problem is :class:`Refused`."""
    from engagekit.records.decidim import read_results, separator_of
    from engagekit.records.files import FileProblem, csv_table, file_sha256, json_rows, read_xlsx

    try:
        rows: Any
        if path.suffix in (".csv", ".txt") and separator_of(path) is not None:
            rows = iter(read_results(path, council, today).rows)
        elif path.suffix == ".xlsx":
            rows = read_xlsx(path)
        elif path.suffix == ".json":
            rows = json_rows(path)
        else:
            rows = csv_table(path)
        sha256 = file_sha256(path)
        result = store.import_rows(  # the service's store: kept open for the next request
            council, rows, source_name=name, sha256=sha256, recorded_by=recorded_by, default_kind=default_kind
        )
    except (FileProblem, ValueError) as problem:
        raise Refused(str(problem).replace(str(path), name)) from None
    return result, sha256


def _imported(store: RecordStore, council: Council, sha256: str) -> list[dict[str, Any]]:
    """The records the import added: kind, number, date and what each is about (the first :data:`LISTED`)."""
    import sqlalchemy as sa

    from engagekit.records import schema

    found = store.read(
        sa.select(schema.imports.c.id).where(
            schema.imports.c.council_id == council.id, schema.imports.c.sha256 == sha256
        )
    )
    if not found:
        return []
    import_id = found[0]["id"]
    listed: list[dict[str, Any]] = []
    for kind, table in schema.RECORD_TABLES.items():
        query = sa.select(table).where(table.c.import_id == import_id).order_by(table.c.id).limit(LISTED - len(listed))
        for row in store.read(query) if len(listed) < LISTED else []:
            about = [str(row[column]) for column in SUMMARY[kind] if row[column] is not None]
            listed.append({"kind": kind, "id": row["id"], "date": row["date"].isoformat(), "about": " · ".join(about)})
    return listed


def _refused(request: Request, council: Council, given: dict[str, str], message: str) -> Response:
    errors = [{"field": "f-file", "label": "The file", "message": message}]
    return page(request, "upload.html.j2", council, status=400, errors=errors, kinds=_kinds(), given=given)
