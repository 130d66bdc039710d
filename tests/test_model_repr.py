"""The model's, the rules' and the report document's objects print as attrs would print them.

Their classes are declared with ``repr=False`` and share :class:`engagekit.model.base.Model`'s
``__repr__`` (compiling attrs' own for each class was a tenth of a report's start-up). Each
object of every bundled council and of each one's report is set beside a twin class that
attrs writes the ``__repr__`` of, holding the same values: the two texts must be equal.
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
    cls = type(value)
    twin = _TWINS.get(cls)
    if twin is None:
        fields = {field.name: attrs.field(repr=field.repr) for field in attrs.fields(cls)}
        twin = attrs.make_class(cls.__name__, fields, frozen=True, init=False, eq=False)
        twin.__qualname__ = cls.__qualname__
        _TWINS[cls] = twin
    copy = object.__new__(twin)
    for field in attrs.fields(cls):
        object.__setattr__(copy, field.name, getattr(value, field.name))
    return repr(copy)


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
