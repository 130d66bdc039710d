"""One-time submission keys: a double-clicked "Accept and record" records once.

Each "check your answers" page carries a new random key (:func:`new_key`) in a hidden field.
The confirm step writes the key beside the record, in the record's own transaction, under the
store's UNIQUE constraint on ``form_submissions.key``: of two confirms sent with one key, even
at once and on two workers, one commits and the other's transaction is undone whole. The
second is then told where the first record is (:func:`recorded_with`), so the officer sees what
was recorded rather than an error.

What is written is not the page's key itself but its digest with what the page confirms
(:func:`bound`): the council, the form, the signed-in officer and the answers. A key sent with
anything else (copied into another council's or form's confirm, by another officer, or with
answers changed after the check) is then a new submission, recorded as such, and can neither
swallow another record nor point at one.

Keys are kept for :data:`KEPT`; each confirm deletes those older, so the table stays small.
A check page left open longer than that records again when its button is pressed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, NamedTuple

import sqlalchemy as sa
from starlette.exceptions import HTTPException

from engagekit.accounts.tables import form_submissions

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from engagekit.records.kinds import Record
    from engagekit.records.store import RecordStore

FIELD = "submission"
"""The hidden field of the "Accept and record" form that carries the key."""

KEPT = dt.timedelta(days=1)
"""How long a key is remembered after its record is written."""

_BYTES = 32
_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")
"""What :func:`secrets.token_urlsafe` gives for :data:`_BYTES` bytes, and nothing else."""


class Recorded(NamedTuple):
    """Where the record written with a key is: its council, its form, its number."""

    council_id: str
    slug: str
    record_id: int


def new_key() -> str:
    """A fresh key for one "check your answers" page."""
    return secrets.token_urlsafe(_BYTES)


def key_of(sent: Mapping[str, str]) -> str:
    """The key a confirm was sent with; a 400 when it is missing or not one :func:`new_key` makes."""
    key = sent.get(FIELD, "")
    if _SHAPE.fullmatch(key) is None:
        raise HTTPException(
            400, "the form's submission key is missing or malformed; go back to the form and check your answers again"
        )
    return key


def bound(key: str, council_id: str, slug: str, officer: str, answers: Mapping[str, str]) -> str:
    """What is kept for ``key`` confirmed on ``slug`` of ``council_id`` by ``officer`` with
    ``answers``: a SHA-256 digest of them all, so one press of one page is one submission and
    the same key in any other confirm is another."""
    what = [key, council_id, slug, officer, sorted(answers.items())]
    return hashlib.sha256(json.dumps(what, ensure_ascii=False).encode("utf-8", "surrogatepass")).hexdigest()


def recorded_with(store: RecordStore, key: str) -> Recorded | None:
    """The record already written with ``key``, if one was (and its key is still kept)."""
    query = sa.select(form_submissions.c.council_id, form_submissions.c.form, form_submissions.c.record_id).where(
        form_submissions.c.key == key
    )
    rows = store.read(query)  # a key is unique, so one row at most
    return Recorded(rows[0]["council_id"], rows[0]["form"], rows[0]["record_id"]) if rows else None


def keep(key: str, council_id: str, slug: str) -> Callable[[Connection, list[Record]], None]:
    """What writes ``key`` beside the record, in the record's transaction (``RecordStore.add``'s
    ``alongside``), and forgets the keys older than :data:`KEPT`.

    A key already written breaks the table's UNIQUE constraint, which undoes the whole
    transaction, the record with it.
    """

    def write(connection: Connection, added: list[Record]) -> None:
        (record,) = added
        assert record.id is not None
        now = dt.datetime.now(dt.UTC)
        connection.execute(form_submissions.delete().where(form_submissions.c.created < now - KEPT))
        values = {"key": key, "council_id": council_id, "form": slug, "record_id": record.id, "created": now}
        connection.execute(form_submissions.insert(), values)

    return write
