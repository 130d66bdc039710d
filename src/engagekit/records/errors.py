"""Why the records store could not be used, each with its own exit status.

These carry no database code, so the command line can recognise them without loading
SQLAlchemy. The store (:mod:`engagekit.records.store`) raises them; the command line prints
the message as one line and exits with the class's ``exit_code``:

====  =================================================================================
code  what happened
====  =================================================================================
2     a record or file would break the store's rules (``StoreIntegrityError``), or the
      store's URL is not one engagekit can use (``StoreUrlInvalid``)
10    the store cannot be reached or opened: a server not answering, a folder that
      cannot exist (``StoreUnavailable``)
11    the file is not an engagekit store: corrupt, not a database, a folder
      (``StoreCorrupt``)
12    the store is read-only, and the command would write (``StoreReadOnly``)
13    the disk or the database is full (``StoreFull``)
14    another process holds the store's write lock for longer than the busy timeout
      (``StoreBusy``)
15    the store was written by a newer engagekit (``StoreTooNew``)
16    the store's file was deleted or replaced while a command was writing to it, or an
      in-memory store was given to a command that writes (``StoreNotKept``)
====  =================================================================================
"""

from __future__ import annotations


class StoreError(RuntimeError):
    """The store cannot be opened or used; the message says which store and what is wrong."""

    exit_code = 10


class StoreUnavailable(StoreError):
    """The store cannot be reached or opened (a server not answering, a folder that cannot exist)."""

    exit_code = 10


class StoreUrlInvalid(StoreError):
    """The store's URL is not a database URL, or names a database engagekit cannot use: a setting
    to correct, like any other bad setting."""

    exit_code = 2


class StoreCorrupt(StoreError):
    """The store's file is not a database engagekit can read (corrupt, random bytes, a folder)."""

    exit_code = 11


class StoreReadOnly(StoreError):
    """The store cannot be written, and the command needs to write."""

    exit_code = 12


class StoreFull(StoreError):
    """The disk or the database is full."""

    exit_code = 13


class StoreBusy(StoreError):
    """Another process held the store's write lock for longer than the busy timeout."""

    exit_code = 14


class StoreTooNew(StoreError):
    """The store's schema is from a newer engagekit than this one."""

    exit_code = 15


class StoreNotKept(StoreError):
    """What was written would not be kept: the file was replaced mid-write, or the store is in memory."""

    exit_code = 16


class StoreIntegrityError(StoreError):
    """A record or file would break one of the store's rules (other than being imported before)."""

    exit_code = 2
