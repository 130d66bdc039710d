"""``engagekit serve`` as it runs in production, written to by several clients at once.

Each test starts the real server (uvicorn, on a free loopback port) as a process of its own and
sends concurrent writes through the API with a write token: on PostgreSQL with two worker
processes sharing one store (skipped, saying why, when no server answers at 127.0.0.1:5432),
and on SQLite with one. Afterwards every record is in the store exactly once, and the API's
reads show them. Bounded: 8 clients x 25 records.

The last tests hold the dashboard cache's check of the store's last change
(:class:`engagekit.web.state.CommitWatch`): a commit that adds no record keeps the reports
built, a record does not, and a store file replaced by another is noticed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from tests.store_backends import postgresql_url
from tests.web_accounts import SECRET_KEY, TODAY, add_token, web_environment
from tests.web_server import running

import engagekit
from engagekit.accounts import Scope
from engagekit.accounts import queries as account_queries
from engagekit.records import ActionStatus, ActionUpdate, RecordKind
from engagekit.records.store import open_store
from engagekit.settings import load_settings
from engagekit.web import state
from engagekit.web.app import create_app
from engagekit.web.responses import etag

CLIENTS = 8
PER_CLIENT = 25
COUNCIL = "basildon"
START_SECONDS = 60


@contextlib.contextmanager
def served(url: str, workers: int, folder: Path) -> Iterator[tuple[str, Path]]:
    """``engagekit serve --workers N`` on the store at ``url``: its base URL and its log, while it runs."""
    env = {
        **os.environ,
        "ENGAGEKIT_DATABASE_URL": url,
        "ENGAGEKIT_SECRET_KEY": SECRET_KEY,
        "ENGAGEKIT_TODAY": TODAY,
        "ENGAGEKIT_CONFIG": str(folder / "no-config.toml"),
    }
    log = folder / f"serve-{workers}-workers.log"
    with running(log, env, workers=workers, start_seconds=START_SECONDS) as base:
        yield base, log


def write_concurrently(base: str, token: str) -> list[int]:
    """``CLIENTS`` clients at once, each writing ``PER_CLIENT`` events one request at a time: the statuses."""

    def client(number: int) -> list[int]:
        statuses = []
        headers = {"authorization": f"Bearer {token}"}
        with httpx.Client(base_url=base, headers=headers, timeout=60) as http:
            for each in range(PER_CLIENT):
                record = {
                    "kind": "event",
                    "date": "2026-05-01",
                    "event": "newsletter",
                    "title": f"worker test {number}-{each}",
                }
                statuses.append(http.post(f"/api/councils/{COUNCIL}/records", json=record).status_code)
        return statuses

    with ThreadPoolExecutor(CLIENTS) as pool:
        return [status for statuses in pool.map(client, range(CLIENTS)) for status in statuses]


def check_every_write_kept_once(url: str, base: str, token: str) -> None:
    statuses = write_concurrently(base, token)
    assert Counter(statuses) == {201: CLIENTS * PER_CLIENT}
    with open_store(url) as store:
        events = store.records(COUNCIL, RecordKind.EVENT)
        titles = Counter(str(getattr(record, "title", "")) for record in events)
    titles.pop("", None)
    expected = {f"worker test {number}-{each}" for number in range(CLIENTS) for each in range(PER_CLIENT)}
    assert set(titles) == expected
    assert set(titles.values()) == {1}  # none lost, none twice
    # each worker answers from the store as it is now, whichever worker built a report before
    for _ in range(4):
        report = httpx.get(f"{base}/api/councils/{COUNCIL}/report", timeout=60).json()
        assert report["council"]["id"] == COUNCIL


def prepared(url: str, folder: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The store at ``url`` made and given a write token for the council: the token."""
    web_environment(monkeypatch, url)
    open_store(url).close()
    return add_token(url, COUNCIL, "worker-test", Scope.write)


def test_two_workers_on_postgresql_lose_no_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with postgresql_url() as url:
        token = prepared(url, tmp_path, monkeypatch)
        with served(url, 2, tmp_path) as (base, log):
            check_every_write_kept_once(url, base, token)
        started = log.read_text().count("Started server process")
        assert started == 2, f"expected two worker processes, the log says {started}: {log.read_text()[-2000:]}"


def test_one_worker_on_sqlite_loses_no_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'records.db'}"
    token = prepared(url, tmp_path, monkeypatch)
    with served(url, 1, tmp_path) as (base, _):
        check_every_write_kept_once(url, base, token)


# -- the cache's check of the store ------------------------------------------------------


def sqlite_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[state.Site, str, list[int]]:
    """A site on a fresh SQLite store, and a list that grows by one each time it reads the last change."""
    url = f"sqlite:///{tmp_path / 'records.db'}"
    web_environment(monkeypatch, url)
    open_store(url).close()
    reads: list[int] = []
    real = state.store_change

    def counted(store: object, council_id: str) -> state.Change:
        reads.append(1)
        return real(store, council_id)  # type: ignore[arg-type]

    monkeypatch.setattr(state, "store_change", counted)
    app = create_app(load_settings(), host=engagekit.get_plugin_host(environ={}), access_log=False)
    site: state.Site = app.state.site
    return site, url, reads


def add_update(url: str, percent: int) -> None:
    with open_store(url) as store:
        council = engagekit.get_plugin_host(environ={}).councils()[COUNCIL].council
        update = ActionUpdate(
            council_id=COUNCIL,
            date=dt.date(2026, 10, 1),
            recorded_by="tester",
            action_id="CN-1",
            status=ActionStatus.IN_PROGRESS,
            percent=percent,
        )
        store.add(council, [update])


def test_the_store_is_asked_again_only_after_a_commit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site, url, reads = sqlite_site(tmp_path, monkeypatch)
    council = site.council(COUNCIL)
    day = dt.date.fromisoformat(TODAY)
    built = site.built(council, day)
    for _ in range(20):
        assert site.built(council, day) is built
    assert len(reads) == 1  # nothing committed: the store was not asked again

    with open_store(url) as store:  # a commit that adds no record: the audit log
        account_queries.append_audit(store, "tester", "test", COUNCIL, {}, None)
    assert site.built(council, day) is built
    assert len(reads) == 2  # asked again, and the same last change found

    add_update(url, 40)
    rebuilt = site.built(council, day)
    assert rebuilt is not built
    assert len(reads) == 3
    site.close()


def test_a_store_file_replaced_by_another_is_noticed(tmp_path: Path) -> None:
    path, other = tmp_path / "records.db", tmp_path / "other.db"
    for each in (path, other):
        open_store(f"sqlite:///{each}").close()
    watch = state.CommitWatch(path)
    reads: list[int] = []

    def read() -> state.Change:
        reads.append(1)
        return (("event", 0, len(reads)),)

    first = watch.since_commit(read)
    assert watch.since_commit(read) == first
    assert len(reads) == 1
    other.rename(path)  # another file in its place: no commit to this one, but not the same file
    assert watch.since_commit(read) != first
    assert len(reads) == 2
    path.unlink()
    assert watch.since_commit(read) is None  # no file to watch: the caller asks the store itself
    watch.close()


def test_an_answer_is_made_and_hashed_once_per_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site, url, _ = sqlite_site(tmp_path, monkeypatch)
    council = site.council(COUNCIL)
    day = dt.date.fromisoformat(TODAY)
    made: list[int] = []

    def make() -> bytes:
        made.append(1)
        return b"<p>page</p>"

    first = site.built(council, day).body("dashboard", make)
    assert site.built(council, day).body("dashboard", make) is first
    assert first == (b"<p>page</p>", etag(b"<p>page</p>"))
    assert len(made) == 1
    add_update(url, 55)  # a new report: its answers are made afresh
    assert site.built(council, day).body("dashboard", make) == first
    assert len(made) == 2
    site.close()


def test_requests_arriving_together_share_the_next_query_not_one_under_way() -> None:
    shared = state.SharedQuery()
    release = threading.Event()
    started: list[int] = []

    def query() -> state.Change:
        started.append(1)
        if len(started) == 1:
            assert release.wait(10)  # the first query is slow; the others arrive meanwhile
        return (("event", 0, len(started)),)

    with ThreadPoolExecutor(6) as pool:
        first = pool.submit(shared.ask, query)
        deadline = time.monotonic() + 10
        while not started:
            assert time.monotonic() < deadline, "the first query never started"
            time.sleep(0.01)
        later = [pool.submit(shared.ask, query) for _ in range(5)]
        time.sleep(0.2)
        assert len(started) == 1  # they wait rather than each asking the store
        release.set()
        assert first.result() == (("event", 0, 1),)
        assert {future.result() for future in later} == {(("event", 0, 2),)}  # none took the early answer
    assert len(started) == 2


def test_a_failed_query_is_asked_again_by_the_next_request() -> None:
    shared = state.SharedQuery()

    def failing() -> state.Change:
        raise RuntimeError("the store is away")

    with pytest.raises(RuntimeError):
        shared.ask(failing)
    assert shared.ask(lambda: (("event", 0, 7),)) == (("event", 0, 7),)
