"""The ``repr``, ``==`` and ``hash`` every class of the model, the rules, the report document and
the plugin host shares.

A module of its own, outside :mod:`engagekit.model` (whose package loads the whole model), so that
``engagekit --help``, which loads the plugin host and nothing of the model, can use it too.

attrs writes each class's methods as Python source and compiles it when the class is defined,
so every command that loads the model pays for compiling them: for these 69 classes that was
most of the time importing them took. ``__init__`` stays attrs' (it is what structuring a
definition calls, thousands of times); the others are written once here instead. The classes
are declared with ``@attrs.frozen(repr=False, eq=False)`` and inherit from :class:`Model`,
whose methods give what attrs' generated ones give:

- ``repr``: ``Action(id='CN-1', text='...', ...)``, every field whose ``repr`` is not turned
  off, in order, with ``...`` for an object met again inside itself;
- ``==``: ``NotImplemented`` for an object of another class (so a subclass is never equal to
  its base), else each compared field (``eq``, through its ``eq_key`` where it has one) equal
  by ``==``, in order, stopping at the first that is not;
- ``hash``: of the class and the same fields (those whose ``hash`` is not turned off), so
  equal objects hash alike, as attrs makes a frozen class's hash.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

_repring = threading.local()
"""For each thread, the ids of the objects whose repr is being made (to stop at a cycle)."""

Compared = tuple[tuple[str, Callable[[Any], Any] | None], ...]
"""A class's compared fields: each one's name, and the key it is compared by (``None``: itself)."""

_EQ: dict[type, Compared] = {}
_HASH: dict[type, Compared] = {}


class Model:
    """A base for attrs classes declared with ``repr=False, eq=False``: repr, ``==`` and hash as attrs'."""

    __slots__ = ()

    def __repr__(self) -> str:
        return fields_repr(self)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        compared = _EQ.get(self.__class__) or _compared(self.__class__)
        for name, key in compared:
            if key is None:
                if not getattr(self, name) == getattr(other, name):
                    return False
            elif not key(getattr(self, name)) == key(getattr(other, name)):
                return False
        return True

    def __hash__(self) -> int:
        hashed = _HASH.get(self.__class__)
        if hashed is None:
            _compared(self.__class__)
            hashed = _HASH[self.__class__]
        values = (getattr(self, name) if key is None else key(getattr(self, name)) for name, key in hashed)
        return hash((self.__class__, *values))


def _compared(cls: type) -> Compared:
    """The fields ``==`` and hash look at for ``cls``, worked out once for each class."""
    fields = cls.__attrs_attrs__  # type: ignore[attr-defined]
    _EQ[cls] = tuple((field.name, field.eq_key) for field in fields if field.eq)
    hashed = (field.eq if field.hash is None else field.hash for field in fields)
    _HASH[cls] = tuple((field.name, field.eq_key) for field, used in zip(fields, hashed, strict=True) if used)
    return _EQ[cls]


def fields_repr(value: Any) -> str:
    """``Name(field=repr, ...)`` for an attrs instance, as the ``__repr__`` attrs generates gives it."""
    active: set[int] | None = getattr(_repring, "ids", None)
    if active is None:
        active = _repring.ids = set()
    if id(value) in active:
        return "..."
    active.add(id(value))
    try:
        parts = []
        for field in type(value).__attrs_attrs__:
            if field.repr is False:
                continue
            shown = field.repr(getattr(value, field.name)) if callable(field.repr) else repr(getattr(value, field.name))
            parts.append(f"{field.name}={shown}")
        return f"{type(value).__qualname__.rsplit('>.', 1)[-1]}({', '.join(parts)})"
    finally:
        active.discard(id(value))
