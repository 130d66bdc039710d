"""Accounts, tokens, sessions, sign-in failures and the audit log in the store, on SQLite and PostgreSQL.

The same queries serve every backend (``engagekit.accounts.queries``); these tests run each
once per backend (PostgreSQL is skipped, saying why, when none answers).
"""

from __future__ import annotations

import datetime as dt

import pytest

from engagekit.accounts import AccountProblem, Role, Scope, normal_email, queries
from engagekit.records import schema
from engagekit.records.store import open_store


def test_a_new_store_is_at_the_head_with_the_accounts_tables(store_url: str) -> None:
    assert "0004" in schema.REVISIONS
    with open_store(store_url) as store:
        assert store.status().revision == schema.HEAD
        assert queries.list_accounts(store) == []


def test_accounts_and_roles(store_url: str) -> None:
    with open_store(store_url) as store:
        account, made = queries.add_account(store, " Alice@Example.GOV.uk ", "basildon", Role.admin, password_hash="h")
        assert made
        assert account.email == "alice@example.gov.uk"
        again, made = queries.add_account(store, "alice@example.gov.uk", "thurrock", Role.viewer)
        assert not made
        assert again.roles == {"basildon": Role.admin, "thurrock": Role.viewer}
        assert again.has_password  # a role added without a password keeps the one there is
        changed = queries.set_role(store, "alice@example.gov.uk", "thurrock", None)
        assert changed.roles == {"basildon": Role.admin}
        assert [each.email for each in queries.list_accounts(store, "thurrock")] == []
        assert [each.email for each in queries.list_accounts(store, "basildon")] == ["alice@example.gov.uk"]
        with pytest.raises(AccountProblem, match=r"there is no account nobody@example\.gov\.uk"):
            queries.set_role(store, "nobody@example.gov.uk", "basildon", Role.editor)


def test_sessions_end_on_sign_out_on_expiry_and_when_the_account_is_disabled(store_url: str) -> None:
    with open_store(store_url) as store:
        account, _ = queries.add_account(store, "a@example.gov.uk", "basildon", Role.editor)
        first = queries.start_session(store, account.id, dt.timedelta(hours=8))
        expired = queries.start_session(store, account.id, dt.timedelta(seconds=-1))
        found = queries.session_account(store, first)
        assert found is not None
        assert found.email == "a@example.gov.uk"
        assert queries.session_account(store, expired) is None
        assert queries.session_account(store, "not-a-session") is None
        queries.end_session(store, first)
        assert queries.session_account(store, first) is None
        second = queries.start_session(store, account.id, dt.timedelta(hours=8))
        queries.set_disabled(store, "a@example.gov.uk")
        assert queries.session_account(store, second) is None
        queries.set_disabled(store, "a@example.gov.uk", disabled=False)
        assert queries.session_account(store, second) is None  # an ended session stays ended


def test_tokens_are_kept_as_digests_and_found_by_their_secret(store_url: str) -> None:
    with open_store(store_url) as store:
        _, secret = queries.create_token(store, "basildon", "system", Scope.write)
        assert secret.startswith(queries.TOKEN_PREFIX)
        rows = store.read(schema.metadata.tables["api_tokens"].select())
        assert [row["digest"] for row in rows] == [queries.digest(secret)]
        assert secret not in repr(rows)
        found = queries.token_for(store, secret)
        assert found is not None
        assert (found.council_id, found.name, found.scope) == ("basildon", "system", Scope.write)
        (listed,) = queries.list_tokens(store, "basildon")
        assert listed.last_used is not None
        assert queries.token_for(store, secret + "x") is None
        with pytest.raises(AccountProblem, match="already has a token named 'system'"):
            queries.create_token(store, "basildon", "system", Scope.read)
        queries.create_token(store, "thurrock", "system", Scope.read)  # names are per council
        revoked = queries.revoke_token(store, "basildon", "system")
        assert revoked.revoked is not None
        again = queries.token_for(store, secret)
        assert again is not None
        assert again.revoked is not None


def test_failures_are_counted_by_email_and_by_address_within_the_window(store_url: str) -> None:
    with open_store(store_url) as store:
        for _ in range(3):
            queries.record_failure(store, "a@example.gov.uk", "192.0.2.1")
        queries.record_failure(store, "b@example.gov.uk", "192.0.2.1")
        since = queries.now() - dt.timedelta(minutes=15)
        by_email, by_address, earliest = queries.failures_since(store, "a@example.gov.uk", "192.0.2.1", since)
        assert (by_email, by_address) == (3, 4)
        assert earliest is not None
        assert since < earliest <= queries.now()
        later = queries.now() + dt.timedelta(seconds=1)
        assert queries.failures_since(store, "a@example.gov.uk", "192.0.2.1", later)[:2] == (0, 0)
        queries.clear_failures(store, "a@example.gov.uk")
        assert queries.failures_since(store, "a@example.gov.uk", "192.0.2.1", since)[:2] == (0, 1)


def test_the_audit_log_keeps_who_what_where_and_the_detail(store_url: str) -> None:
    with open_store(store_url) as store:
        queries.append_audit(store, "a@example.gov.uk", "signed in", None, {"method": "password"}, "192.0.2.1")
        queries.append_audit(store, "system", "records.write", "basildon", {"added": 2, "note": "<&>"}, "192.0.2.2")
        latest, first = queries.audit_entries(store)
        assert (latest["who"], latest["action"], latest["council_id"]) == ("system", "records.write", "basildon")
        assert latest["detail"] == {"added": 2, "note": "<&>"}
        assert first["address"] == "192.0.2.1"
        assert isinstance(first["at"], dt.datetime)
        assert first["at"].tzinfo is not None
        assert [entry["action"] for entry in queries.audit_entries(store, "basildon")] == ["records.write"]


NOT_EMAILS = ["", "no-at-sign", "a@b", "a@.b.c", "a b@c.gov.uk", "a\x07@b.gov.uk", "x" * 320 + "@a.gov.uk"]


@pytest.mark.parametrize("text", NOT_EMAILS)
def test_what_is_not_an_email_address_is_refused(text: str) -> None:
    with pytest.raises(AccountProblem, match="is not an email address"):
        normal_email(text)
