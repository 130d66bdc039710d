"""Reading and writing accounts, roles, tokens, sessions, sign-in failures and the audit log.

Each function takes an open :class:`~engagekit.records.store.RecordStore` and runs inside the
store's own transactions and error boundary, so a store that cannot be used is the same
one-line :class:`~engagekit.records.errors.StoreError` as for records. Secrets are never kept:
a token or a session id is stored as its SHA-256 digest, a password as its argon2id hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from engagekit.accounts import Account, AccountProblem, Role, Scope, Token, normal_email
from engagekit.accounts.tables import account_roles, accounts, api_tokens, audit_log, sign_in_failures, web_sessions

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from engagekit.records.store import RecordStore

TOKEN_PREFIX = "ekt_"
"""Every API token begins so, which lets secret scanners and people recognise one."""


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def digest(secret: str) -> str:
    """The SHA-256 digest a token or session id is kept as."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _moment(value: Any) -> dt.datetime | None:
    """A stored moment in UTC (SQLite gives it back without its zone)."""
    if value is None:
        return None
    assert isinstance(value, dt.datetime)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _write(store: RecordStore) -> Any:
    return store._transaction(write=True)


def _read(store: RecordStore) -> Any:
    return store._transaction(write=False)


# -- accounts and roles ------------------------------------------------------------------


def _account_row(connection: Connection, email: str) -> Any:
    return connection.execute(sa.select(accounts).where(accounts.c.email == email)).mappings().first()


def _roles(connection: Connection, account_id: int) -> dict[str, Role]:
    rows = connection.execute(
        sa.select(account_roles.c.council_id, account_roles.c.role).where(account_roles.c.account_id == account_id)
    )
    return {council_id: Role[role] for council_id, role in rows}


def _account(connection: Connection, row: Any) -> Account:
    return Account(
        email=row["email"],
        roles=_roles(connection, row["id"]),
        id=row["id"],
        has_password=row["password_hash"] is not None,
        disabled=row["disabled"] is not None,
    )


def add_account(
    store: RecordStore, email: str, council_id: str, role: Role, *, password_hash: str | None = None
) -> tuple[Account, bool]:
    """Give ``email`` ``role`` on a council, making the account if there is none (and whether it was made).

    A password hash given replaces the account's; an account made without one signs in only
    through OpenID Connect until it has one.
    """
    email = normal_email(email)
    with _write(store) as connection:
        row = _account_row(connection, email)
        made = row is None
        if row is None:
            connection.execute(sa.insert(accounts).values(email=email, password_hash=password_hash, created=now()))
        elif password_hash is not None:
            connection.execute(
                sa.update(accounts).where(accounts.c.id == row["id"]).values(password_hash=password_hash)
            )
        row = _account_row(connection, email)
        connection.execute(
            sa.delete(account_roles).where(
                account_roles.c.account_id == row["id"], account_roles.c.council_id == council_id
            )
        )
        connection.execute(sa.insert(account_roles).values(account_id=row["id"], council_id=council_id, role=role.name))
        return _account(connection, row), made


def set_role(store: RecordStore, email: str, council_id: str, role: Role | None) -> Account:
    """Change (or with ``None`` remove) an existing account's role on a council."""
    email = normal_email(email)
    with _write(store) as connection:
        row = _account_row(connection, email)
        if row is None:
            raise AccountProblem(f"there is no account {email}; add it with 'engagekit users add'")
        connection.execute(
            sa.delete(account_roles).where(
                account_roles.c.account_id == row["id"], account_roles.c.council_id == council_id
            )
        )
        if role is not None:
            connection.execute(
                sa.insert(account_roles).values(account_id=row["id"], council_id=council_id, role=role.name)
            )
        return _account(connection, row)


def set_disabled(store: RecordStore, email: str, disabled: bool = True) -> Account:
    """Disable (or enable again) an account: a disabled one cannot sign in, and its sessions end."""
    email = normal_email(email)
    with _write(store) as connection:
        row = _account_row(connection, email)
        if row is None:
            raise AccountProblem(f"there is no account {email}")
        moment = now()
        connection.execute(
            sa.update(accounts).where(accounts.c.id == row["id"]).values(disabled=moment if disabled else None)
        )
        if disabled:
            connection.execute(
                sa.update(web_sessions)
                .where(web_sessions.c.account_id == row["id"], web_sessions.c.ended.is_(None))
                .values(ended=moment)
            )
        return _account(connection, _account_row(connection, email))


def account(store: RecordStore, email: str) -> Account | None:
    """The account with this email (disabled or not), if there is one."""
    with _read(store) as connection:
        row = _account_row(connection, normal_email(email))
        return None if row is None else _account(connection, row)


def password_hash(store: RecordStore, email: str) -> tuple[Account, str | None] | None:
    """The account and its password hash, for signing in; ``None`` if there is no such account."""
    with _read(store) as connection:
        row = _account_row(connection, email)
        return None if row is None else (_account(connection, row), row["password_hash"])


def replace_password_hash(store: RecordStore, account_id: int, new_hash: str) -> None:
    """Keep a new hash of the same password (after argon2's parameters changed)."""
    with _write(store) as connection:
        connection.execute(sa.update(accounts).where(accounts.c.id == account_id).values(password_hash=new_hash))


def list_accounts(store: RecordStore, council_id: str | None = None) -> list[Account]:
    """Every account (with a role on ``council_id``, if given), in order of email."""
    with _read(store) as connection:
        query = sa.select(accounts).order_by(accounts.c.email)
        if council_id is not None:
            query = query.where(
                accounts.c.id.in_(sa.select(account_roles.c.account_id).where(account_roles.c.council_id == council_id))
            )
        return [_account(connection, row) for row in connection.execute(query).mappings().all()]


# -- sessions ----------------------------------------------------------------------------


def start_session(store: RecordStore, account_id: int, lifetime: dt.timedelta) -> str:
    """A new session for the account: the secret id its cookie carries (kept here as a digest)."""
    secret = secrets.token_urlsafe(32)
    moment = now()
    with _write(store) as connection:
        connection.execute(
            sa.insert(web_sessions).values(
                digest=digest(secret), account_id=account_id, created=moment, expires=moment + lifetime
            )
        )
    return secret


def session_account(store: RecordStore, secret: str) -> Account | None:
    """The account signed in by this session id, if the session is current and the account enabled."""
    moment = now()
    with _read(store) as connection:
        row = (
            connection.execute(
                sa.select(accounts, web_sessions.c.expires)
                .join(web_sessions, web_sessions.c.account_id == accounts.c.id)
                .where(web_sessions.c.digest == digest(secret), web_sessions.c.ended.is_(None))
                .where(accounts.c.disabled.is_(None))
            )
            .mappings()
            .first()
        )
        if row is None:
            return None
        expires = _moment(row["expires"])
        if expires is None or expires <= moment:
            return None
        return _account(connection, row)


def end_session(store: RecordStore, secret: str) -> None:
    """End a session, so its cookie no longer signs anyone in, wherever it was copied to."""
    with _write(store) as connection:
        connection.execute(
            sa.update(web_sessions)
            .where(web_sessions.c.digest == digest(secret), web_sessions.c.ended.is_(None))
            .values(ended=now())
        )


# -- sign-in throttling ------------------------------------------------------------------


FAILURES_KEPT = dt.timedelta(days=1)
"""How long a failed sign-in is kept: the throttle counts those of its last 15 minutes
(:data:`engagekit.web.signin.WINDOW`), and a day is a generous multiple of that, so a longer
window would still find them all. Nothing else reads them: the audit log has its own line for
each failure. Without pruning the table grew by a row per wrong password, for ever."""

PRUNED_AT_ONCE = 100
"""The oldest failures looked at, and forgotten if old enough, each time one is noted."""


def record_failure(store: RecordStore, email: str, address: str) -> None:
    """Note a failed sign-in for this email from this address, and forget those older than :data:`FAILURES_KEPT`.

    Both in one transaction. Failures are noted in the order they happen, so the oldest have
    the lowest ids: only the :data:`PRUNED_AT_ONCE` lowest are read (by the primary key) and
    those old enough deleted. Deleting by age alone would read the whole table each time (no
    index leads with the time: 13 ms a failure with 100,000 kept, against 0.4 ms), and a
    table left unpruned by an earlier engagekit would be deleted in one long write; this way
    each failure forgets up to 100 and adds one, so the table drains to a day of failures.
    """
    moment = now()
    table = sign_in_failures
    oldest = sa.select(table.c.id).order_by(table.c.id).limit(PRUNED_AT_ONCE).scalar_subquery()
    with _write(store) as connection:
        connection.execute(sa.delete(table).where(table.c.id.in_(oldest), table.c.at < moment - FAILURES_KEPT))
        connection.execute(sa.insert(table).values(at=moment, email=email, address=address))


def failures_since(
    store: RecordStore, email: str, address: str, since: dt.datetime
) -> tuple[int, int, dt.datetime | None]:
    """Failed sign-ins since ``since``: for the email, from the address, and the earliest of them."""
    table = sign_in_failures
    with _read(store) as connection:
        by_email = connection.execute(
            sa.select(sa.func.count(), sa.func.min(table.c.at)).where(table.c.email == email, table.c.at > since)
        ).one()
        by_address = connection.execute(
            sa.select(sa.func.count(), sa.func.min(table.c.at)).where(table.c.address == address, table.c.at > since)
        ).one()
    firsts = [_moment(each) for each in (by_email[1], by_address[1]) if each is not None]
    return int(by_email[0]), int(by_address[0]), min((each for each in firsts if each), default=None)


def clear_failures(store: RecordStore, email: str) -> None:
    """Forget an account's failed sign-ins once it has signed in (its address's stay counted)."""
    with _write(store) as connection:
        connection.execute(sa.delete(sign_in_failures).where(sign_in_failures.c.email == email))


# -- API tokens --------------------------------------------------------------------------


def _token(row: Any) -> Token:
    return Token(
        id=row["id"],
        council_id=row["council_id"],
        name=row["name"],
        scope=Scope(row["scope"]),
        created=_moment(row["created"]) or now(),  # never null in the table
        last_used=_moment(row["last_used"]),
        revoked=_moment(row["revoked"]),
    )


def create_token(store: RecordStore, council_id: str, name: str, scope: Scope) -> tuple[Token, str]:
    """A new token for a council: the token as kept, and its secret (shown once, never stored)."""
    name = name.strip()
    if not name or len(name) > 200 or any(ord(character) < 32 for character in name):
        raise AccountProblem(f"{name!r} cannot name a token: give 1 to 200 printable characters")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with _write(store) as connection:
        taken = connection.execute(
            sa.select(api_tokens.c.id).where(api_tokens.c.council_id == council_id, api_tokens.c.name == name)
        ).first()
        if taken is not None:
            raise AccountProblem(f"council {council_id!r} already has a token named {name!r}; choose another name")
        connection.execute(
            sa.insert(api_tokens).values(
                council_id=council_id, name=name, scope=scope.value, digest=digest(secret), created=now()
            )
        )
        row = connection.execute(sa.select(api_tokens).where(api_tokens.c.digest == digest(secret))).mappings().one()
        return _token(row), secret


def list_tokens(store: RecordStore, council_id: str | None = None) -> list[Token]:
    """Every token (of one council, if given), revoked ones included, by council and name."""
    query = sa.select(api_tokens).order_by(api_tokens.c.council_id, api_tokens.c.name)
    if council_id is not None:
        query = query.where(api_tokens.c.council_id == council_id)
    with _read(store) as connection:
        return [_token(row) for row in connection.execute(query).mappings().all()]


def revoke_token(store: RecordStore, council_id: str, name: str) -> Token:
    """Revoke a council's token by name: it is refused from then on, and kept for the record."""
    with _write(store) as connection:
        found = (
            connection.execute(
                sa.select(api_tokens).where(api_tokens.c.council_id == council_id, api_tokens.c.name == name)
            )
            .mappings()
            .first()
        )
        if found is None:
            raise AccountProblem(f"council {council_id!r} has no token named {name!r}; see 'engagekit tokens list'")
        if found["revoked"] is None:
            connection.execute(sa.update(api_tokens).where(api_tokens.c.id == found["id"]).values(revoked=now()))
        row = connection.execute(sa.select(api_tokens).where(api_tokens.c.id == found["id"])).mappings().one()
        return _token(row)


def token_for(store: RecordStore, secret: str) -> Token | None:
    """The token whose secret this is (revoked or not), noting when it was used; ``None`` if none is.

    The lookup is by digest, so the secret itself is never compared with anything stored. When
    it was last used is written at most once a :data:`LAST_USED_EVERY`, so a system writing
    many records does not add a write to every request.
    """
    wanted = digest(secret)
    with _read(store) as connection:
        row = connection.execute(sa.select(api_tokens).where(api_tokens.c.digest == wanted)).mappings().first()
    if row is None or not secrets.compare_digest(row["digest"], wanted):
        return None
    token = _token(row)
    moment = now()
    if token.revoked is None and (token.last_used is None or moment - token.last_used >= LAST_USED_EVERY):
        with _write(store) as connection:
            connection.execute(sa.update(api_tokens).where(api_tokens.c.id == token.id).values(last_used=moment))
    return token


LAST_USED_EVERY = dt.timedelta(minutes=1)


# -- the audit log -----------------------------------------------------------------------


def append_audit(
    store: RecordStore, who: str, action: str, council_id: str | None, detail: dict[str, Any], address: str | None
) -> None:
    """Add one line to the audit log, in a transaction of its own."""
    with _write(store) as connection:
        write_audit(connection, who, action, council_id, detail, address)


def write_audit(
    connection: Connection, who: str, action: str, council_id: str | None, detail: dict[str, Any], address: str | None
) -> None:
    """Add one line to the audit log in the caller's transaction: it is kept only if what it
    describes is (records written through the API and their line are one commit)."""
    text = json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)
    values = {"at": now(), "who": who[:320], "action": action[:100], "council_id": council_id, "detail": text}
    connection.execute(audit_log.insert(), {**values, "address": address})


def audit_entries(store: RecordStore, council_id: str | None = None, limit: int = 100) -> Iterator[dict[str, Any]]:
    """The latest lines of the audit log (of one council, if given), newest first."""
    query = sa.select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    if council_id is not None:
        query = query.where(audit_log.c.council_id == council_id)
    for row in store.read(query):
        yield {**row, "at": _moment(row["at"]), "detail": json.loads(row["detail"])}
