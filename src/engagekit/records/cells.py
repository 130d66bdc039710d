"""What a cell may hold: the strict reading of text, dates and numbers from untrusted input.

Every value that reaches the records store from outside (a file's cell, a command-line option,
a JSON field, a setting) is read here, so SQLite and PostgreSQL are given the same things and
a report never meets a value it cannot draw. The rules:

- text is bounded in length, and holds no control characters (no NUL, no terminal escapes)
  and no lone surrogates; only long text (a note, consultation evidence) may hold line
  breaks and tabs;
- dates are written ``YYYY-MM-DD`` in ASCII digits, exist in the calendar, and fall between
  :data:`FIRST_DATE` and :data:`LAST_DATE`;
- numbers are written in ASCII digits (``-12``, ``3.5``, ``1e3``) and are finite, within
  :data:`LARGEST_NUMBER`.

Each reader raises :class:`ValueError` with a message that says what is wrong, for the caller
to put after the file, row and column.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re

FIRST_DATE = dt.date(1900, 1, 1)
LAST_DATE = dt.date(2199, 12, 31)
"""The dates a record, a report's ``--as-of`` or a file may name (wider than any programme)."""

LARGEST_NUMBER = 1e15
"""The largest magnitude of a reading: finite, and exact to the unit in a double."""

LARGEST_WHOLE = 2**31 - 1
"""The largest whole number a record holds (counts, percentages, years, record ids)."""

LONG_TEXT = 20_000
"""The most characters of a note or other long text (a CSV field of this size round-trips)."""

LINE = 500
"""The most characters of a one-line text, unless its column says otherwise."""

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_DATETIME = re.compile(
    r"(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:\d{2})?", re.ASCII
)
_WHOLE = re.compile(r"[+-]?\d+", re.ASCII)
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?", re.ASCII)
CONTROLS = r"\x00-\x1f\x7f-\x9f"
"""The control characters one-line text may not hold, as a regular-expression character range."""
CONTROLS_EXCEPT_LINES = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
"""The control characters long text may not hold (it may hold tabs and line breaks)."""
SURROGATES = "\ud800-\udfff"
"""Lone UTF-16 surrogates, which no text may hold."""
_CONTROL_ANYWHERE = re.compile(f"[{CONTROLS}]")
_CONTROL_EXCEPT_LINES = re.compile(f"[{CONTROLS_EXCEPT_LINES}]")
_NOT_FINITE = {"inf", "infinity", "nan"}
_SURROGATE = re.compile(f"[{SURROGATES}]")


def text(value: str, *, max_length: int = LINE, multiline: bool = False) -> str:
    """``value``, once it is known to be safe to store and show: one-line text stripped of spaces at its ends.

    One-line text may hold no control character at all; long text (``multiline``) may hold
    line breaks (``\\n``, ``\\r\\n``) and tabs, and is kept as written (a note that starts
    with a tab imports back as it was exported).
    """
    stripped = value if multiline else value.strip()
    if _SURROGATE.search(stripped):
        raise ValueError("holds a character that is not valid text (bytes that are not UTF-8, or a lone surrogate)")
    found = (_CONTROL_EXCEPT_LINES if multiline else _CONTROL_ANYWHERE).search(stripped)
    if found:
        what = "a line break" if found.group() in "\r\n" else f"a control character (U+{ord(found.group()):04X})"
        raise ValueError(f"holds {what}; remove it")
    if len(stripped) > max_length:
        raise ValueError(f"is {len(stripped):,} characters long; the most is {max_length:,}")
    return stripped


def date(value: str) -> dt.date:
    """A date written ``YYYY-MM-DD`` that exists and lies within :data:`FIRST_DATE`–:data:`LAST_DATE`."""
    written = value.strip()
    found = _DATE.fullmatch(written)
    if not found:
        raise ValueError(f"{_shown(value)} is not a date written YYYY-MM-DD (for example 2026-03-31)")
    year, month, day = (int(part) for part in found.groups())
    if not 1 <= month <= 12:
        raise ValueError(f"{written} is not a date: there is no month {month}")
    if not FIRST_DATE.year <= year <= LAST_DATE.year:
        raise _outside(written)
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise ValueError(f"{written} does not exist: {calendar.month_name[month]} {year} has {days} days")
    return dt.date(year, month, day)


def within(moment: dt.date, written: str | None = None) -> dt.date:
    """``moment`` itself, once it is known to lie within :data:`FIRST_DATE`–:data:`LAST_DATE`."""
    day = moment.date() if isinstance(moment, dt.datetime) else moment
    if not FIRST_DATE <= day <= LAST_DATE:
        raise _outside(written or moment.isoformat())
    return moment


def _outside(written: str) -> ValueError:
    return ValueError(
        f"{written} is outside the dates engagekit keeps ({FIRST_DATE.isoformat()} to {LAST_DATE.isoformat()})"
    )


def datetime(value: str) -> dt.datetime:
    """A moment written ``YYYY-MM-DDTHH:MM[:SS[.ffffff]][Z|±HH:MM]``; a time with no zone is UTC."""
    written = value.strip()
    found = _DATETIME.fullmatch(written)
    if not found:
        raise ValueError(f"{_shown(value)} is not a date and time written YYYY-MM-DDTHH:MM:SS")
    day = date(found.group(1))
    hour, minute = int(found.group(2)), int(found.group(3))
    second = int(found.group(4) or 0)
    micro = int((found.group(5) or "0").ljust(6, "0"))
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(f"{written} is not a time of day")
    zone = found.group(6)
    tz = dt.UTC
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        hours, minutes = int(zone[1:3]), int(zone[4:6])
        if hours > 23 or minutes > 59:
            raise ValueError(f"{written} has no such time zone offset")
        tz = dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))
    moment = dt.datetime(day.year, day.month, day.day, hour, minute, second, micro, tzinfo=tz)
    if day in (FIRST_DATE, LAST_DATE):  # a zone could carry the moment outside when it is made UTC
        within(moment.astimezone(dt.UTC) if dt.date.min < day < dt.date.max else day, written)
    return moment


def whole(value: str) -> int:
    """A whole number written in ASCII digits, within ±:data:`LARGEST_WHOLE`."""
    written = value.strip()
    if len(written) > 20 or not _WHOLE.fullmatch(written):
        raise ValueError(f"{_shown(value)} is not a whole number")
    number = int(written)
    if abs(number) > LARGEST_WHOLE:
        raise ValueError(f"{number:,} is too large (the most is {LARGEST_WHOLE:,})")
    return number


def number(value: str) -> float:
    """A finite number written in ASCII digits, within ±:data:`LARGEST_NUMBER`."""
    written = value.strip()
    if written.lower().lstrip("+-") in _NOT_FINITE:
        raise ValueError(f"{_shown(value)} is not a number engagekit can keep (it must be finite)")
    if len(written) > 40 or not _NUMBER.fullmatch(written):
        raise ValueError(f"{_shown(value)} is not a number")
    return finite(float(written), written)


def finite(value: float, written: str | None = None) -> float:
    """``value`` itself, once it is known to be finite and within ±:data:`LARGEST_NUMBER`."""
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"{written or value} is not a number engagekit can keep (it must be finite)")
    if abs(value) > LARGEST_NUMBER:
        raise ValueError(f"{written or value} is too large (the most is {LARGEST_NUMBER:,.0f})")
    return value


def _shown(value: str, limit: int = 40) -> str:
    """``value`` quoted for a message: its control characters escaped, and cut short if long."""
    shown = repr(value[:limit])
    return shown + f" (and {len(value) - limit:,} more characters)" if len(value) > limit else shown
