"""What the web service knows: the councils, the records store, and each report built once.

Every page, download and API answer about a council as of a date comes from one
:class:`Built`: the report from :func:`engagekit.report.council_report` (the same builder as
``engagekit report``) with its renderings made on first use. Builds are kept by (council, as-of
date, the store's last change), so a new record in the store makes the next request build
afresh while every other request is answered from memory. The store's last change is read with
one query per request (:func:`store_change`), which is cheap next to building a report.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from engagekit.model import Council
    from engagekit.plugins import PluginHost
    from engagekit.records.store import RecordStore
    from engagekit.report.document import Report
    from engagekit.report.renderers import Renderer
    from engagekit.settings import Settings

CACHE_SIZE = 64
"""How many built reports are kept (the least recently used is dropped first)."""


class UnknownCouncil(LookupError):
    """No council with this id is installed."""


class BadDate(ValueError):
    """An as-of date that cannot be read; the message is the one the command line gives."""


class UnknownFormat(LookupError):
    """No report format with this name is registered."""


def read_as_of(text: str | None, default: dt.date) -> dt.date:
    """The as-of date given in a request (``YYYY-MM-DD``), read as ``--as-of`` is, or ``default``."""
    if text is None or text == "":
        return default
    from engagekit.records.cells import date

    try:
        return date(text)
    except ValueError as error:
        raise BadDate(f"as_of: {error}") from None


@attrs.define
class Built:
    """One council's report as of one date, and its renderings once made."""

    report: Report
    renderings: dict[str, str | bytes] = attrs.field(factory=dict)
    json_data: dict[str, Any] | None = None
    page: str | None = None
    """The dashboard drawn from the report (kept apart from the formats, whatever a plugin names one)."""
    lock: threading.Lock = attrs.field(factory=threading.Lock)

    def dashboard(self, draw: Callable[[Report], str]) -> str:
        """The dashboard page, drawn by ``draw`` the first time it is asked for."""
        with self.lock:
            if self.page is None:
                self.page = draw(self.report)
            return self.page

    def rendered(self, renderer: Renderer) -> str | bytes:
        """The report in ``renderer``'s format, rendered the first time it is asked for."""
        with self.lock:
            if renderer.name not in self.renderings:
                self.renderings[renderer.name] = renderer.render(self.report)
            return self.renderings[renderer.name]

    def data(self, renderer: Renderer) -> dict[str, Any]:
        """The JSON report (``renderer`` is the ``json`` format) read back as values."""
        content = self.rendered(renderer)
        with self.lock:
            if self.json_data is None:
                self.json_data = json.loads(content)
            return self.json_data


class Site:
    """The state one web service process shares between requests (thread-safe)."""

    def __init__(self, settings: Settings, host: PluginHost) -> None:
        self.settings = settings
        self.host = host
        self._store: RecordStore | None = None
        self._store_lock = threading.Lock()
        self._cache: OrderedDict[Hashable, Built] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._building: dict[Hashable, threading.Lock] = {}

    # -- councils and formats ----------------------------------------------------------------

    def councils(self) -> list[Council]:
        """Every installed council, in order of id."""
        return [registered.council for registered in self.host.councils().values()]

    def council(self, council_id: str) -> Council:
        """The council with this id, or :class:`UnknownCouncil`."""
        registered = self.host.councils().get(council_id)
        if registered is None:
            raise UnknownCouncil(f"there is no council {council_id!r}; see /api/councils for those installed")
        return registered.council

    def renderers(self) -> dict[str, Renderer]:
        """The registered report formats, by name."""
        return self.host.renderers()

    def renderer(self, name: str) -> Renderer:
        found = self.renderers().get(name)
        if found is None:
            raise UnknownFormat(f"no format {name!r}; available: {', '.join(sorted(self.renderers()))}")
        return found

    def today(self) -> dt.date:
        """The default as-of date: today, or ENGAGEKIT_TODAY, as on the command line."""
        import os

        fixed = os.environ.get("ENGAGEKIT_TODAY")
        return read_as_of(fixed, dt.date.today()) if fixed else dt.date.today()

    # -- the store ---------------------------------------------------------------------------

    def store(self) -> RecordStore | None:
        """The records store, opened on first use; ``None`` while none exists."""
        with self._store_lock:
            if self._store is None:
                settings = self.settings
                if not settings.database_url and not (settings.data_dir / "engagekit.db").exists():
                    return None
                from engagekit.records.store import open_store

                self._store = open_store(settings.store_url(), busy_timeout_ms=settings.busy_timeout_ms)
            return self._store

    def close(self) -> None:
        with self._store_lock:
            if self._store is not None:
                self._store.close()
                self._store = None

    # -- reports -----------------------------------------------------------------------------

    def built(self, council: Council, as_of: dt.date) -> Built:
        """The council's report as of ``as_of``: from memory unless the store changed since."""
        store = self.store()
        key = (council.id, as_of, store_change(store, council.id) if store else None)
        with self._cache_lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
                return found
            building = self._building.setdefault(key, threading.Lock())
        with building:  # one build per key, however many requests ask for it at once
            with self._cache_lock:
                found = self._cache.get(key)
            try:
                if found is None:
                    found = Built(self._build(council, as_of, store))
                    with self._cache_lock:
                        self._cache[key] = found
                        while len(self._cache) > CACHE_SIZE:
                            self._cache.popitem(last=False)
            finally:
                with self._cache_lock:
                    self._building.pop(key, None)
            return found

    def _build(self, council: Council, as_of: dt.date, store: RecordStore | None) -> Report:
        from engagekit.report import council_report

        evidence = store.evidence(council) if store is not None else None
        return council_report(council, as_of, host=self.host, evidence=evidence)

    def hubs_opened(self, council: Council, as_of: dt.date) -> dict[str, dt.date]:
        """Each hub's first recorded session on or before ``as_of`` (as ``engagekit opendata`` reads it)."""
        store = self.store()
        if store is None:
            return {}
        opened = store.evidence(council).hubs_opened(as_of)
        return {hub_id: item.date for hub_id, item in opened.items()}


def store_change(store: RecordStore, council_id: str) -> tuple[tuple[str, int, int], ...]:
    """The store's last change for a council: each record table's row count and largest id.

    Records are only ever added (a correction is a new record that supersedes another), so this
    changes with every record written, and it is one query however many tables there are.
    """
    import sqlalchemy as sa

    from engagekit.records import schema

    parts = [
        sa.select(
            sa.literal(name).label("kind"),
            sa.func.count().label("rows"),
            sa.func.coalesce(sa.func.max(table.c.id), 0).label("last"),
        ).where(table.c.council_id == council_id)
        for name, table in sorted(schema.RECORD_TABLES.items())
    ]
    rows = store.read(sa.union_all(*parts))
    return tuple(sorted((str(row["kind"]), int(row["rows"]), int(row["last"])) for row in rows))
