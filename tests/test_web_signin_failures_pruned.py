"""Failed sign-ins are forgotten once a day old, when the next one is noted, and the throttle still holds."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from fastapi.testclient import TestClient
from tests.web_accounts import accounts_store, add_account, make_app, sign_in  # noqa: F401 (accounts_store: a fixture)

from engagekit.accounts import Role, queries
from engagekit.accounts.tables import sign_in_failures
from engagekit.records.store import RecordStore, open_store
from engagekit.web.signin import ACCOUNT_LIMIT, WINDOW

EMAIL = "officer@basildon.example.gov.uk"
ADDRESS = "192.0.2.1"


def note(store: RecordStore, ago: dt.timedelta, email: str = EMAIL) -> None:
    """A failure noted ``ago`` (as an earlier run of the service would have left it)."""
    with store._transaction(write=True) as connection:
        connection.execute(sa.insert(sign_in_failures).values(at=queries.now() - ago, email=email, address=ADDRESS))


def kept(store: RecordStore) -> list[str]:
    return sorted(row["email"] for row in store.read(sa.select(sign_in_failures.c.email)))


def test_failures_older_than_a_day_go_when_a_failure_is_noted(store_url: str) -> None:
    with open_store(store_url) as store:
        for n in range(30):
            note(store, dt.timedelta(days=2, minutes=n), f"old{n}@example.gov.uk")
        note(store, queries.FAILURES_KEPT - dt.timedelta(minutes=5), "recent@example.gov.uk")
        assert len(kept(store)) == 31
        queries.record_failure(store, EMAIL, ADDRESS)
        assert kept(store) == [EMAIL, "recent@example.gov.uk"]
        by_email, by_address, _ = queries.failures_since(store, EMAIL, ADDRESS, queries.now() - WINDOW)
        assert (by_email, by_address) == (1, 1)


def test_a_backlog_of_old_failures_drains_a_hundred_at_a_time(store_url: str) -> None:
    """A table an earlier engagekit never pruned is not deleted in one long write."""
    with open_store(store_url) as store:
        with store._transaction(write=True) as connection:
            old = queries.now() - dt.timedelta(days=30)
            rows = [{"at": old, "email": f"old{n}@example.gov.uk", "address": ADDRESS} for n in range(250)]
            connection.execute(sa.insert(sign_in_failures), rows)
        left = []
        for _ in range(3):
            queries.record_failure(store, EMAIL, ADDRESS)
            left.append(sum(email != EMAIL for email in kept(store)))
        assert left == [150, 50, 0]
        assert kept(store) == [EMAIL] * 3


def test_the_throttle_counts_every_failure_of_its_window_while_old_ones_go(accounts_store: str) -> None:  # noqa: F811
    assert queries.FAILURES_KEPT >= 4 * WINDOW  # pruning never forgets a failure the throttle counts
    add_account(accounts_store, EMAIL, "basildon", Role.editor)
    with open_store(accounts_store) as store:
        for n in range(10):
            note(store, dt.timedelta(days=3, hours=n))
    client = TestClient(make_app())
    for _ in range(ACCOUNT_LIMIT):
        assert sign_in(client, EMAIL, password="wrong password here").status_code == 400
    assert sign_in(client, EMAIL).status_code == 429
    with open_store(accounts_store) as store:
        assert kept(store) == [EMAIL] * ACCOUNT_LIMIT
