"""The one ``repr`` every class of the model, the rules and the report document shares.

attrs writes each class's methods as Python source and compiles it when the class is defined,
so every command that loads the model pays for compiling them. Of those methods ``__repr__``
costs the most to compile (an f-string of every field) and is used the least: only when a
person prints an object while debugging or a test fails. So these classes are declared with
``@attrs.frozen(repr=False)`` and inherit :meth:`Model.__repr__`, which gives what attrs' own
would, ``Action(id='CN-1', text='...', ...)``: every field whose ``repr`` is not turned off, in
order, with ``...`` for an object met again inside itself. Their ``__init__``, ``__eq__`` and
``__hash__`` are still attrs'.
"""

from __future__ import annotations

import threading
from typing import Any

_repring = threading.local()
"""For each thread, the ids of the objects whose repr is being made (to stop at a cycle)."""


class Model:
    """A base for attrs classes declared with ``repr=False``: their repr as attrs would write it."""

    __slots__ = ()

    def __repr__(self) -> str:
        return fields_repr(self)


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
