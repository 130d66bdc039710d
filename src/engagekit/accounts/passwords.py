"""Passwords, hashed with argon2id (argon2-cffi) and never kept in any other form.

:func:`check` also says when a hash was made with other parameters than argon2-cffi's current
ones, so signing in can keep a fresh hash of the same password. An account with no hash (one
that signs in only through OpenID Connect) or an unknown email is checked against a dummy hash,
so a wrong email takes as long to refuse as a wrong password.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from argon2 import PasswordHasher

MINIMUM_LENGTH = 12
"""The shortest password accepted (NCSC advice is length over complexity)."""


@functools.cache
def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    return PasswordHasher()  # argon2id with argon2-cffi's recommended parameters (RFC 9106)


@functools.cache
def _dummy() -> str:
    return _hasher().hash("not any account's password")


def problem(password: str) -> str | None:
    """Why a new password cannot be used, or ``None`` if it can."""
    if len(password) < MINIMUM_LENGTH:
        return f"a password needs at least {MINIMUM_LENGTH} characters"
    if len(password) > 1000:
        return "a password can have at most 1,000 characters"
    return None


def hash_password(password: str) -> str:
    """The argon2id hash kept for ``password``."""
    return _hasher().hash(password)


def check(stored: str | None, password: str) -> tuple[bool, bool]:
    """Whether ``password`` matches the ``stored`` hash, and whether the hash should be made again."""
    from argon2.exceptions import InvalidHashError, VerificationError

    hasher = _hasher()
    try:
        hasher.verify(stored if stored is not None else _dummy(), password)
    except (VerificationError, InvalidHashError):
        return False, False
    if stored is None:
        return False, False
    return True, hasher.check_needs_rehash(stored)
