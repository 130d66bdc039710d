"""Provenance and dates: the public documents a council's facts come from.

Council documents often give dates to the month ("Strategy Review Date: March 2022") or
only the year ("2021 – 2026"). :class:`PartialDate` keeps that precision instead of
inventing a day, and tells rules the earliest and latest day it can mean.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import re

import attrs

from engagekit.model.base import Model

_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


@attrs.frozen(repr=False, eq=False)
class PartialDate(Model):
    """A date known to the year, the month or the day, written ``2022``, ``2022-03`` or ``2022-03-31``."""

    year: int
    month: int | None = None
    day: int | None = None

    def __attrs_post_init__(self) -> None:
        if self.day is not None and self.month is None:
            raise ValueError("a day needs a month")
        # Let the standard library judge the calendar (month 0 or 13, 30 February, ...).
        dt.date(self.year, 1 if self.month is None else self.month, 1 if self.day is None else self.day)

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Read ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; anything else is a :class:`ValueError`."""
        match = _PARTIAL.match(text.strip())
        if not match:
            raise ValueError(f"{text!r} is not a date written YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = match.groups()
        try:
            return cls(int(year), int(month) if month else None, int(day) if day else None)
        except ValueError:
            raise ValueError(f"{text!r} is not a real date") from None

    @classmethod
    def from_date(cls, value: dt.date) -> PartialDate:
        return cls(value.year, value.month, value.day)

    @property
    def precision(self) -> str:
        """``"day"``, ``"month"`` or ``"year"``."""
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    @property
    def earliest(self) -> dt.date:
        """The first day this date can mean."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def latest(self) -> dt.date:
        """The last day this date can mean (a deadline of "March 2022" runs to 31 March 2022)."""
        if self.day is not None and self.month is not None:
            return dt.date(self.year, self.month, self.day)
        if self.month is not None:
            return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return dt.date(self.year, 12, 31)

    def add_months(self, months: int) -> PartialDate:
        """The same precision, ``months`` later (the day is clipped to the month's end)."""
        if self.month is None:
            if months % 12:
                raise ValueError("a year-only date can only move by whole years")
            return PartialDate(self.year + months // 12)
        index = self.year * 12 + (self.month - 1) + months
        year, month = divmod(index, 12)
        day = None
        if self.day is not None:
            day = min(self.day, calendar.monthrange(year, month + 1)[1])
        return PartialDate(year, month + 1, day)

    def iso(self) -> str:
        """The form it was written in: ``2022``, ``2022-03`` or ``2022-03-31``."""
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    def human(self) -> str:
        """How a person writes it: ``2022``, ``March 2022`` or ``31 March 2022``."""
        if self.month is None:
            return str(self.year)
        month = calendar.month_name[self.month]
        if self.day is None:
            return f"{month} {self.year}"
        return f"{self.day} {month} {self.year}"

    def __str__(self) -> str:
        return self.iso()


def human_date(value: dt.date) -> str:
    """``9 November 2013``: the long form used in reports."""
    return f"{value.day} {calendar.month_name[value.month]} {value.year}"


@attrs.frozen(repr=False, eq=False)
class Period(Model):
    """A span such as a strategy's life, "2021 – 2026"; either end may be unknown."""

    start: PartialDate | None = None
    end: PartialDate | None = None

    def __attrs_post_init__(self) -> None:
        if self.start and self.end and self.end.latest < self.start.earliest:
            raise ValueError(f"the period ends ({self.end}) before it starts ({self.start})")

    def human(self) -> str:
        start = self.start.human() if self.start else "not known"
        end = self.end.human() if self.end else "not known"
        return f"{start} – {end}"


class DocumentRole(enum.Enum):
    """Whose document it is: the council's own (primary) or someone else's (secondary)."""

    PRIMARY = "primary"
    """The council's own: a strategy, a committee report, a policy it published."""
    SECONDARY = "secondary"
    """Someone else's: a national dataset, case law, a partner's or a researcher's document."""


@attrs.frozen(repr=False, eq=False)
class Document(Model):
    """A public document facts are taken from: a strategy, a committee report, a policy.

    ``role`` says whether it is the council's own (primary) or another's (secondary); ``url``
    is its public address, and ``note`` anything a reader should know about it (that the text
    held is a draft, say). Reports show all three.
    """

    id: str
    title: str
    publisher: str | None = None
    date: PartialDate | None = None
    kind: str | None = None
    url: str | None = None
    note: str | None = None
    role: DocumentRole | None = None


@attrs.frozen(repr=False, eq=False)
class Source(Model):
    """Where a fact comes from: a document (by id) and the section, table or page within it."""

    document: str
    section: str
    page: str | None = None

    def cite(self, documents: dict[str, Document] | None = None) -> str:
        """``Connected Communities Strategy 2021 – 2026, Appendix 2``."""
        title = self.document
        if documents and self.document in documents:
            title = documents[self.document].title
        text = f"{title}, {self.section}"
        if self.page:
            text += f", p. {self.page}"
        return text
