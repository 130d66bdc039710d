"""What the web service knows: the councils, the records store, and each report built once.

Every page, download and API answer about a council as of a date comes from one
:class:`Built`: the report from :func:`engagekit.report.council_report` (the same builder as
``engagekit report``) with its renderings made on first use. Builds are kept by (council, as-of
date, the store's last change), so a new record in the store makes the next request build
afresh while every other request is answered from memory.

The store's last change (:func:`store_change`) is asked for on every request, so it must cost
next to nothing at any number of records: on SQLite it is each record table's largest id, read
from the primary key, and it is read again only when :class:`CommitWatch` sees that something
was committed to the file since; on PostgreSQL, each table's count of the council's rows and
their largest id, one query.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    import sqlite3
    from pathlib import Path

    from engagekit.model import Council
    from engagekit.plugins import PluginHost
    from engagekit.records.store import RecordStore
    from engagekit.report.document import Report
    from engagekit.report.renderers import Renderer
    from engagekit.settings import Settings

Change = tuple[tuple[str, int, int], ...]
"""The store's last change (:func:`store_change`): each record table's name, count and largest id."""

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


@functools.lru_cache(maxsize=8)
def _fixed_today(text: str) -> dt.date:
    """ENGAGEKIT_TODAY read as a date (kept: it is asked for on every request)."""
    return read_as_of(text, dt.date.today())


@attrs.define
class Built:
    """One council's report as of one date, and its renderings once made."""

    report: Report
    renderings: dict[str, str | bytes] = attrs.field(factory=dict)
    json_data: dict[str, Any] | None = None
    page: str | None = None
    """The dashboard drawn from the report (kept apart from the formats, whatever a plugin names one)."""
    bodies: dict[str, tuple[bytes, str]] = attrs.field(factory=dict)
    """Answers kept as sent (:meth:`body`): their bytes and ETag, by name."""
    lock: threading.Lock = attrs.field(factory=threading.Lock)

    def dashboard(self, draw: Callable[[Report], str]) -> str:
        """The dashboard page, drawn by ``draw`` the first time it is asked for."""
        with self.lock:
            if self.page is None:
                self.page = draw(self.report)
            return self.page

    def body(self, name: str, make: Callable[[], bytes]) -> tuple[bytes, str]:
        """An answer's bytes and their ETag (:func:`engagekit.web.responses.etag`), made by
        ``make`` the first time ``name`` is asked for and kept with the report.

        A page or API answer drawn from this report is then sent as it is: no encoding, no JSON
        and no hashing per request (for a 136 kB dashboard those were most of a cached request's
        own cost).
        """
        found = self.bodies.get(name)
        if found is not None:
            return found
        from engagekit.web.responses import etag

        content = make()  # outside the lock: make may itself ask for a rendering
        with self.lock:
            return self.bodies.setdefault(name, (content, etag(content)))

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
        self._watch: CommitWatch | None = None
        self._shared: dict[str, SharedQuery] = {}

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
        fixed = os.environ.get("ENGAGEKIT_TODAY")
        return _fixed_today(fixed) if fixed else dt.date.today()

    # -- the store ---------------------------------------------------------------------------

    def store(self) -> RecordStore | None:
        """The records store, opened on first use; ``None`` while none exists."""
        opened = self._store
        if opened is not None:
            return opened  # asked on every request: no lock once the store is open
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
            if self._watch is not None:
                self._watch.close()
                self._watch = None
            if self._store is not None:
                self._store.close()
                self._store = None

    def change(self, store: RecordStore, council_id: str) -> Change:
        """The store's last change for a council (:func:`store_change`), asked of the store only
        when something was committed to it since this thread last asked.

        On a SQLite file, :class:`CommitWatch` tells in microseconds, with no connection from the
        pool, whether anything at all was committed since; only then is the (global, on SQLite)
        last change read again. A commit that adds no record (a sign-in, the audit log) reads
        the same last change, so the reports built stay. Elsewhere (PostgreSQL, where the query
        counts rows) requests that arrive together share one query (:class:`SharedQuery`).
        """
        watch = self._commit_watch(store)
        found = watch.since_commit(lambda: store_change(store, council_id)) if watch is not None else None
        if found is not None:
            return found
        if store.path is not None or store.engine.dialect.name == "sqlite":
            return store_change(store, council_id)
        with self._cache_lock:
            shared = self._shared.setdefault(council_id, SharedQuery())
        return shared.ask(lambda: store_change(store, council_id))

    def _commit_watch(self, store: RecordStore) -> CommitWatch | None:
        if store.path is None or store.engine.dialect.name != "sqlite":
            return None
        if self._watch is None:
            with self._store_lock:
                if self._watch is None:
                    self._watch = CommitWatch(store.path)
        return self._watch

    # -- reports -----------------------------------------------------------------------------

    def built(self, council: Council, as_of: dt.date) -> Built:
        """The council's report as of ``as_of``: from memory unless the store changed since."""
        store = self.store()
        key = (council.id, as_of, self.change(store, council.id) if store else None)
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


class CommitWatch:
    """Tells whether anything was committed to a SQLite file, by ``PRAGMA data_version``.

    SQLite changes a connection's ``data_version`` whenever another connection, in this process
    or another, commits to the file. Each thread keeps a read-only connection of its own for
    asking (it never reads a table or writes), so the answer costs a few microseconds, takes no
    lock and no connection from the store's pool. A file replaced by another (its device and
    inode differ) is opened afresh. When the file cannot be opened so, :meth:`since_commit`
    answers ``None`` and the caller asks the store itself.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        self._opened_lock = threading.Lock()

    def since_commit(self, read: Callable[[], Change]) -> Change | None:
        """What ``read`` gave when this thread last called it, unless something was committed
        since (then ``read`` is called again); ``None`` when the file cannot be watched."""
        import sqlite3

        local = self._local
        try:
            found = self.path.stat()
        except OSError:
            return None
        identity = (found.st_dev, found.st_ino)
        try:
            if getattr(local, "identity", None) != identity:
                self._open(identity)
            (version,) = local.connection.execute("PRAGMA data_version").fetchone()
        except sqlite3.Error:
            local.identity = None
            return None
        seen: tuple[int, Change] | None = local.seen
        if seen is not None and seen[0] == version:
            return seen[1]
        value = read()  # read after the version was: at least as new as it
        local.seen = (version, value)
        return value

    def _open(self, identity: tuple[int, int]) -> None:
        import sqlite3
        import urllib.parse

        location = urllib.parse.quote(str(self.path.resolve()))
        connection = sqlite3.connect(f"file:{location}?mode=ro", uri=True, check_same_thread=False)
        with self._opened_lock:
            self._opened.append(connection)
        self._local.connection, self._local.identity, self._local.seen = connection, identity, None

    def close(self) -> None:
        with self._opened_lock:
            for connection in self._opened:
                connection.close()
            self._opened.clear()


class SharedQuery:
    """One query at a time, its answer shared by every request that arrived before it started.

    A request never takes an answer from a query that was already under way when it arrived
    (that query may have read the store before this request's own client wrote to it): it waits
    for the next one, which the first of the waiting requests starts as soon as the running
    one ends. However many requests come at once, the store is asked at most twice for them,
    and one after another rather than all at the same time.
    """

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._started = 0
        """How many queries have started."""
        self._running = False
        self._answered = 0
        """The number of the latest query that answered (queries are numbered from 1 as they start)."""
        self._answer: Change = ()

    def ask(self, query: Callable[[], Change]) -> Change:
        """An answer of ``query`` from a run that started after this call began."""
        with self._condition:
            wanted = self._started + 1  # the next query to start; one running now is too early
            while True:
                if self._answered >= wanted:
                    return self._answer
                if not self._running:
                    self._running = True
                    self._started += 1
                    number = self._started
                    break
                self._condition.wait()
        try:
            answer = query()
        except BaseException:
            with self._condition:
                self._running = False
                self._condition.notify_all()  # a waiting request starts its own
            raise
        with self._condition:
            self._running = False
            self._answered, self._answer = number, answer
            self._condition.notify_all()
        return answer


def store_change(store: RecordStore, council_id: str) -> Change:
    """The store's last change for a council, read with one query that costs little at any size.

    Records are only ever added (a correction is a new record that supersedes another), never
    updated or deleted. On SQLite one writer at a time holds the write lock from its first
    insert to its commit, so ids become visible in the order they were given: the largest id
    of each record table, read from its primary key, changes exactly when a record is added
    (to any council: a record for another council makes this one's next report build afresh,
    which costs a build, never a stale answer). On PostgreSQL two transactions may commit in
    the opposite order to their ids, so a largest id alone could miss the one that commits
    second; there each table's count of the council's rows is read with its largest id.
    """
    if store.engine.dialect.name == "sqlite":
        (row,) = store.read(_largest_ids())
        return tuple((name, 0, int(row[name])) for name in sorted(_record_tables()))
    rows = store.read(_counts_and_largest_ids().params(council_id=council_id))
    return tuple(sorted((str(row["kind"]), int(row["rows"]), int(row["last"])) for row in rows))


@functools.cache
def _record_tables() -> dict[str, Any]:
    from engagekit.records import schema

    return dict(sorted(schema.RECORD_TABLES.items()))


@functools.cache
def _largest_ids() -> Any:
    """``SELECT (SELECT max(id) FROM action_updates) AS "action-update", ...``: one primary-key
    lookup per table. Built once: building the statement would cost more than running it."""
    import sqlalchemy as sa

    return sa.select(
        *(
            sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0)).scalar_subquery().label(name)
            for name, table in _record_tables().items()
        )
    )


@functools.cache
def _counts_and_largest_ids() -> Any:
    """Each record table's count of one council's rows (``:council_id``) and their largest id."""
    import sqlalchemy as sa

    council_id = sa.bindparam("council_id", type_=sa.String())
    return sa.union_all(
        *(
            sa.select(
                sa.literal(name).label("kind"),
                sa.func.count().label("rows"),
                sa.func.coalesce(sa.func.max(table.c.id), 0).label("last"),
            ).where(table.c.council_id == council_id)
            for name, table in _record_tables().items()
        )
    )
