"""How sure a fact is: stated by the documents, expected, proposed, inferred or not stated.

Councils' documents are often tentative ("currently expected", "proposed", "(TBC)") and some
facts in a definition are only inferred from them. Every item of a definition is a
:class:`Qualified` item: it says how sure it is as a whole (``certainty``, with ``reasoning``
where it is inferred and the documents' own ``wording`` where they have one), how sure each of
its fields is (``qualifiers``, keyed by field name: a date that is only expected, a list of
clusters that is only proposed), and may cite further ``sources`` beside its main ``source``.
Reports print the qualifier beside the fact, so a reader can tell a stated fact from a guess.
"""

from __future__ import annotations

import enum
from typing import Any

import attrs

from engagekit.model.base import Model
from engagekit.model.sources import Source


class Certainty(enum.Enum):
    """How sure the documents are of a fact."""

    STATED = "stated"
    """The documents state it (the default)."""
    EXPECTED = "expected"
    """The documents expect it ("currently expected", "(TBC)", "will")."""
    PROPOSED = "proposed"
    """The documents propose or recommend it; no decision is recorded."""
    INFERRED = "inferred"
    """Inferred from the documents, not stated by them: ``reasoning`` says how."""
    NOT_STATED = "not-stated"
    """The documents do not state it at all (a date or decision they never record)."""

    @property
    def label(self) -> str:
        """The words a report prints beside a fact of this certainty (none for a stated fact)."""
        return _LABELS[self]


_LABELS = {
    Certainty.STATED: "",
    Certainty.EXPECTED: "expected",
    Certainty.PROPOSED: "proposed",
    Certainty.INFERRED: "inferred",
    Certainty.NOT_STATED: "not stated in the documents",
}


def _reasoning_given(instance: Any, _: attrs.Attribute[str | None], reasoning: str | None) -> None:
    """An inferred fact must say what it is inferred from (attrs runs this once every field is set)."""
    if instance.certainty is Certainty.INFERRED and not (reasoning or "").strip():
        raise ValueError("an inferred fact needs its 'reasoning': say what it is inferred from")


@attrs.frozen(repr=False, eq=False)
class Qualifier(Model):
    """How sure one field of an item is, e.g. a phase's ``starts`` that is only expected."""

    certainty: Certainty = Certainty.STATED
    reasoning: str | None = attrs.field(
        default=None,
        validator=_reasoning_given,
        metadata={"description": "Why it is inferred, or what the documents say instead."},
    )
    wording: str | None = attrs.field(
        default=None, metadata={"description": "The documents' own word for it: 'currently expected', '(TBC)'."}
    )

    def words(self) -> str:
        """What a report prints in brackets beside the fact ("" for a plainly stated one)."""
        return qualifier_words(self.certainty, self.wording, self.reasoning)


def qualifier_words(certainty: Certainty, wording: str | None, reasoning: str | None) -> str:
    """``currently expected``, ``proposed``, ``inferred: ...``: the words shown beside a fact."""
    if certainty is Certainty.STATED and not wording:
        return ""
    words = wording or certainty.label
    if certainty is Certainty.INFERRED and reasoning:
        words = f"{words}: {reasoning}" if wording is None or wording == certainty.label else f"{words} ({reasoning})"
    return words


@attrs.frozen(repr=False, eq=False)
class Qualified(Model):
    """What every definition item can say about how sure it is, and where else it comes from.

    The fields are keyword-only so that every item class can inherit them whatever its own
    fields are.
    """

    certainty: Certainty = attrs.field(
        default=Certainty.STATED,
        kw_only=True,
        metadata={
            "description": "How sure the documents are of this item: stated (the default), expected, "
            "proposed, inferred (give the reasoning) or not-stated.",
            "qualifier": True,
        },
    )
    reasoning: str | None = attrs.field(
        default=None,
        kw_only=True,
        validator=_reasoning_given,
        metadata={"description": "For an inferred item: what it is inferred from, and how.", "qualifier": True},
    )
    wording: str | None = attrs.field(
        default=None,
        kw_only=True,
        metadata={
            "description": "The documents' own word for how sure it is ('currently expected', '(TBC)').",
            "qualifier": True,
        },
    )
    qualifiers: dict[str, Qualifier] = attrs.field(
        factory=dict,
        kw_only=True,
        metadata={
            "description": "How sure each field is, by field name: {starts: {certainty: expected}}.",
            "qualifier": True,
        },
    )
    sources: list[Source] = attrs.field(
        factory=list,
        kw_only=True,
        metadata={"description": "Further sources, beside 'source', that the item also rests on.", "qualifier": True},
    )

    def qualifier(self) -> str:
        """The words shown beside this item's name ("" when the documents state it plainly)."""
        return qualifier_words(self.certainty, self.wording, self.reasoning)

    def field_qualifier(self, name: str) -> str:
        """The words shown beside one field's value ("" when it is plainly stated)."""
        qualifier = self.qualifiers.get(name)
        return qualifier.words() if qualifier else ""

    def all_sources(self) -> list[Source]:
        """The main source (if any), then the further ones."""
        main: Source | None = getattr(self, "source", None)
        return ([main] if main is not None else []) + list(self.sources)


def qualified(text: str, words: str) -> str:
    """``Phase One (currently expected)``: ``text`` with ``words`` in brackets, if there are any."""
    return f"{text} ({words})" if words else text


def is_qualifier_field(field: attrs.Attribute[Any]) -> bool:
    """True for the fields every item inherits from :class:`Qualified`."""
    return bool(field.metadata.get("qualifier"))
