"""How the API's writes are done: off the event loop, with their audit line in the same commit,
and checked against a council's ids worked out once.

The first test starts the real server (one worker, SQLite) and holds the store's write lock
from outside: a write then waits for it, and meanwhile the same worker still answers another
request at once. The others use the store and the checks directly, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
import time
from pathlib import Path

import httpx
import pytest
from tests.web_accounts import SECRET_KEY, TODAY, add_token
from tests.web_server import running

import engagekit
from engagekit.accounts import Scope
from engagekit.accounts import queries as account_queries
from engagekit.model import Council
from engagekit.records import EngagementEvent, InstanceRecord, RecordKind
from engagekit.records.checks import Vocabulary
from engagekit.records.kinds import EventKind, LocalAction
from engagekit.records.store import open_store

COUNCIL = "basildon"


def council(council_id: str = COUNCIL) -> Council:
    return engagekit.get_plugin_host(environ={}).councils()[council_id].council


def test_a_write_waiting_for_the_store_holds_up_no_other_request(tmp_path: Path) -> None:
    database = tmp_path / "records.db"
    url = f"sqlite:///{database}"
    open_store(url).close()
    token = add_token(url, COUNCIL, "lock-test", Scope.write)
    env = {
        **os.environ,
        "ENGAGEKIT_DATABASE_URL": url,
        "ENGAGEKIT_SECRET_KEY": SECRET_KEY,
        "ENGAGEKIT_TODAY": TODAY,
        "ENGAGEKIT_CONFIG": str(tmp_path / "no-config.toml"),
        "ENGAGEKIT_BUSY_TIMEOUT_MS": "30000",
    }
    with running(tmp_path / "serve.log", env, workers=1) as base:
        answers: list[httpx.Response] = []

        def write(title: str) -> None:
            record = {"kind": "event", "date": "2026-05-01", "event": "newsletter", "title": title}
            headers = {"authorization": f"Bearer {token}"}
            path = f"{base}/api/councils/{COUNCIL}/records"
            answers.append(httpx.post(path, json=record, headers=headers, timeout=60))

        write("before")  # the token's first use is noted now, so the next write reads it without a lock
        holder = sqlite3.connect(database, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # the write lock, held until the rollback below
        writer = threading.Thread(target=write, args=("waited",))
        try:
            writer.start()
            time.sleep(1.0)  # the write has reached the store and waits for its lock
            assert writer.is_alive()
            assert len(answers) == 1
            began = time.monotonic()
            assert httpx.get(f"{base}/healthz", timeout=5).status_code == 200
            assert time.monotonic() - began < 2  # answered while the write still waits
            assert writer.is_alive()
        finally:
            holder.execute("ROLLBACK")
            holder.close()
            writer.join(60)
    assert [answer.status_code for answer in answers] == [201, 201]
    with open_store(url) as store:
        titles = [getattr(record, "title", None) for record in store.records(COUNCIL, RecordKind.EVENT)]
    assert titles == ["before", "waited"]


def newsletter(title: str, council_id: str = COUNCIL, **values: object) -> EngagementEvent:
    return EngagementEvent(
        council_id=council_id,
        date=dt.date(2026, 5, 1),
        recorded_by="tester",
        event_kind=EventKind.NEWSLETTER,
        title=title,
        **values,  # type: ignore[arg-type]
    )


def audit_lines(store: object) -> list[dict[str, object]]:
    return list(account_queries.audit_entries(store, COUNCIL))  # type: ignore[arg-type]


def test_what_is_written_alongside_records_is_committed_with_them_or_not_at_all(store_url: str) -> None:
    with open_store(store_url) as store:

        def audited(connection: object, stored: list[object]) -> None:
            account_queries.write_audit(connection, "tester", "records.write", COUNCIL, {"added": len(stored)}, None)  # type: ignore[arg-type]

        (kept,) = store.add(council(), [newsletter("kept")], alongside=audited)
        assert kept.id is not None
        assert [(line["who"], line["detail"]) for line in audit_lines(store)] == [("tester", {"added": 1})]

        def refused(connection: object, stored: list[object]) -> None:
            audited(connection, stored)
            raise RuntimeError("the audit line could not be written")

        with pytest.raises(RuntimeError):
            store.add(council(), [newsletter("lost")], alongside=refused)
        titles = [getattr(record, "title", None) for record in store.records(COUNCIL, RecordKind.EVENT)]
        assert titles == ["kept"]  # the record went with its audit line
        assert len(audit_lines(store)) == 1


def test_a_councils_own_ids_are_worked_out_once_per_definition() -> None:
    basildon = council()
    assert Vocabulary.of(basildon) is Vocabulary.of(basildon)
    assert Vocabulary.of(council("thurrock")) is not Vocabulary.of(basildon)


def test_a_record_that_needs_no_recorded_id_has_no_problem_once_they_are_added() -> None:
    """The store reads registered instances and local actions only for a record that may need
    them; every other record must be judged the same without them."""
    thurrock = council("thurrock")
    own = Vocabulary.of(thurrock)
    forum_kind = sorted(own.recorded_kinds)[0]
    forum = InstanceRecord(
        council_id="thurrock",
        date=dt.date(2026, 1, 1),
        recorded_by="tester",
        body_id=forum_kind,
        instance="grays-forum",
        name="Grays forum",
        cluster_id="grays",
    )
    local = LocalAction(
        council_id="thurrock",
        date=dt.date(2026, 1, 1),
        recorded_by="tester",
        action_id="LA-1",
        title="A local action",
        cluster_id="grays",
    )
    extended = own.with_recorded([forum, local])
    candidates = [
        newsletter("plain", "thurrock", cluster_id="grays"),
        newsletter("unknown cluster", "thurrock", cluster_id="nowhere"),
        newsletter("a forum's meeting", "thurrock", body_id=forum.full_id),
        newsletter("an AGM of no body", "thurrock", agm=True),
        forum,
        local,
    ]
    needing = [record for record in candidates if own.needs_recorded(record)]
    for record in candidates:
        if record not in needing:
            assert own.problems(record) == extended.problems(record) == []
    assert [getattr(record, "title", None) or getattr(record, "name", None) for record in needing] == [
        "unknown cluster",
        "a forum's meeting",
        "an AGM of no body",
        "Grays forum",
        "A local action",
    ]
    assert extended.problems(candidates[2]) == []  # the forum's meeting is known once it is registered
