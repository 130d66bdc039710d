"""Who may sign in to the web service and what they may do: accounts, roles, API tokens, the
audit log, and what sign-in throttling and sessions need.

They live in the records store beside the records (tables in :mod:`engagekit.accounts.tables`,
migration ``0004``), so every worker process and machine sharing a store shares them too.
:mod:`engagekit.accounts.queries` reads and writes them; nothing here imports SQLAlchemy, so
the command line and the web service can name roles and accounts cheaply.
"""

from __future__ import annotations

import datetime as dt
import enum

import attrs


class Role(enum.IntEnum):
    """What an account may do on one council, ordered: a role includes every lesser one."""

    viewer = 1
    """Sees the council's officer pages."""
    editor = 2
    """Also records progress and imports files."""
    admin = 3
    """Also manages the council's accounts and API tokens."""

    @classmethod
    def named(cls, name: str) -> Role:
        """The role called ``name``, or a ``ValueError`` listing the roles there are."""
        try:
            return cls[name.strip().lower()]
        except KeyError:
            raise ValueError(f"no role {name!r}; the roles are {', '.join(each.name for each in cls)}") from None


class Scope(enum.Enum):
    """What an API token may do on its council."""

    read = "read"
    write = "write"


@attrs.frozen
class Account:
    """A person who may sign in, with a role on each council they work for."""

    email: str
    roles: dict[str, Role] = attrs.field(factory=dict)
    id: int = 0
    has_password: bool = False
    disabled: bool = False

    def role(self, council_id: str) -> Role | None:
        """The account's role on a council, if it has one."""
        return self.roles.get(council_id)


@attrs.frozen
class Token:
    """An API token as stored: never its secret, only a SHA-256 digest of it."""

    id: int
    council_id: str
    name: str
    scope: Scope
    created: dt.datetime
    last_used: dt.datetime | None
    revoked: dt.datetime | None


class AccountProblem(ValueError):
    """A request about accounts or tokens that cannot be done; the message says why, in one line."""


def normal_email(text: str) -> str:
    """An email address as accounts keep it (trimmed, lower case), or :class:`AccountProblem`."""
    email = text.strip().lower()
    local, at, domain = email.rpartition("@")
    if not at or not local or "." not in domain or domain.startswith(".") or domain.endswith("."):
        raise AccountProblem(f"{text!r} is not an email address (name@council.gov.uk)")
    if len(email) > 320 or any(character.isspace() or ord(character) < 32 for character in email):
        raise AccountProblem(f"{text!r} is not an email address (name@council.gov.uk)")
    return email
