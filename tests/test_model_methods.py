"""The model's, the rules' and the report document's objects print, compare and hash as attrs'
generated methods would have them.

Their classes are declared with ``repr=False, eq=False`` and share the methods of
:class:`engagekit.model.base.Model` (compiling attrs' own for each class was most of importing
them). Each object of every bundled council and of each one's report is set beside a twin
class whose methods attrs writes, holding the same values: the reprs must be equal, and so
must the answers of ``==`` between any two objects of a class.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterator
from typing import Any

import attrs
import pytest

from engagekit.model import Council
from engagekit.model.base import Model
from engagekit.model.sources import Source
from engagekit.report import council_report
from engagekit.rules.findings import Finding, Status

_TWINS: dict[type, type] = {}


def attrs_repr(value: Any) -> str:
    """``value``'s repr as the ``__repr__`` attrs generates gives it (from a twin class)."""
    return repr(twin_of(value))


def twin_of(value: Any) -> Any:
    """A copy of ``value`` in a twin of its class whose methods attrs generates."""
    cls = type(value)
    twin = _TWINS.get(cls)
    if twin is None:
        fields = {field.name: attrs.field(repr=field.repr) for field in attrs.fields(cls)}
        twin = attrs.make_class(cls.__name__, fields, frozen=True, init=False)
        twin.__qualname__ = cls.__qualname__
        _TWINS[cls] = twin
    copy = object.__new__(twin)
    for field in attrs.fields(cls):
        object.__setattr__(copy, field.name, getattr(value, field.name))
    return copy


def attrs_objects(value: Any) -> Iterator[Any]:
    """Every attrs instance anywhere below ``value`` (``value`` too, if it is one)."""
    pending = [value]
    seen: set[int] = set()
    while pending:
        item = pending.pop()
        if isinstance(item, str | int | float | enum.Enum | dt.date) or item is None or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, list | tuple | set | frozenset):
            pending.extend(item)
        elif isinstance(item, dict):
            pending.extend([*item.keys(), *item.values()])
        elif attrs.has(type(item)):
            yield item
            pending.extend(getattr(item, field.name) for field in attrs.fields(type(item)))


def test_every_object_of_each_council_and_its_report(bundled_councils: dict[str, Council]) -> None:
    checked: set[type] = set()
    for council in bundled_councils.values():
        report = council_report(council, dt.date(2026, 12, 2))
        for item in [*attrs_objects(council), *attrs_objects(report)]:
            if isinstance(item, Model):
                assert repr(item) == attrs_repr(item)
                checked.add(type(item))
    assert len(checked) > 40  # most of the classes, not a few


def test_equal_and_hash_as_attrs_has_them(bundled_councils: dict[str, Council]) -> None:
    by_class: dict[type, list[Any]] = {}
    for council in bundled_councils.values():
        report = council_report(council, dt.date(2026, 12, 2))
        for item in [*attrs_objects(council), *attrs_objects(report)]:
            if isinstance(item, Model):
                by_class.setdefault(type(item), []).append(item)
    pairs = 0
    for items in by_class.values():
        sample = items[:12]
        for first in sample:
            same = attrs.evolve(first)  # equal, a different object
            assert first == same
            assert not first != same  # noqa: SIM202 (the != operator is what is tested)
            assert hashable(first) == hashable(twin_of(first))
            if hashable(first):
                assert hash(first) == hash(same)
            for second in sample:
                expected = twin_of(first) == twin_of(second)
                assert (first == second) is expected
                assert (first != second) is not expected
                if expected and hashable(first):
                    assert hash(first) == hash(second)
                pairs += 1
    assert pairs > 1000


def hashable(value: Any) -> bool:
    """Whether ``hash(value)`` works (a frozen object holding a list cannot be hashed, by attrs' hash too)."""
    try:
        hash(value)
    except TypeError:
        return False
    return True


def test_another_class_is_never_equal() -> None:
    source = Source("doc", "2.1")
    assert source.__eq__("doc") is NotImplemented
    assert source != ("doc", "2.1", None)
    finding = Finding("rule", "A rule", "a subject", Status.GREEN, "met")
    other = Finding("rule", "A rule", "a subject", Status.RED, "met")
    assert finding != other
    assert len({Source("a", "1"), Source("a", "1"), Source("a", "2")}) == 2


def test_an_object_met_again_inside_itself() -> None:
    evidence: list[Any] = []
    finding = Finding("rule", "A rule", "a subject", Status.GREEN, "met", evidence=evidence)
    evidence.append(finding)  # a list the finding holds, holding the finding
    expected = (
        "Finding(rule_id='rule', rule_title='A rule', subject='a subject', status=<Status.GREEN: 'green'>, "
        "message='met', due=None, evidence=[...], source=None, subject_id=None)"
    )
    assert repr(finding) == expected  # as attrs' own __repr__ stops at the finding met again
    assert repr(finding) == repr(finding)  # nothing left marked as being printed


@pytest.mark.parametrize("value", [Source("doc", "2.1"), Source("doc", "Table 3", page="12")])
def test_a_small_one(value: Source) -> None:
    assert repr(value) == attrs_repr(value)
    assert repr(value).startswith("Source(document='doc', ")
