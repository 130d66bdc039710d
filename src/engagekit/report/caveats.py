"""How sure each fact is, and the long texts beside it, as every report and summary prints them.

Every section of a report, ``engagekit show`` and ``engagekit compare`` print a fact through
:func:`mark` (an item's name) or :func:`mark_field` (one field's value), so the qualifier a
definition gives ("currently expected", "proposed", "inferred: ...") always stands beside the
fact it qualifies. Inside a table cell the words are the brief ones (``brief=True``: no
reasoning, and a long wording summed up by its certainty), because the plain-text renderer
wraps cells; the full words, reasoning included, then go with every other long text of the
item (its description, note, rationale, ...) into the :class:`Note` list under the table
(:func:`notes_list`), where items sharing a text are named together once.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

import attrs

from engagekit.model.base import Model
from engagekit.model.certainty import Certainty, Qualified, Qualifier, qualified, qualifier_words
from engagekit.model.council import Programme
from engagekit.model.local import ForEach, PlaceKind
from engagekit.model.sources import Document, DocumentRole, PartialDate, Source
from engagekit.report.document import BulletList

UNKNOWN = "not yet known"
"""What a report prints for a fact the definition leaves open."""

NOT_RECORDED = "adoption not recorded in the documents"
"""What a programme's adoption reads when the documents record no decision (not "not adopted")."""

BRIEF_MAX = 30
"""The longest wording a table cell carries; a longer one is summed up by its certainty there."""

ROLE_WORDS = {
    DocumentRole.PRIMARY: "the council's own",
    DocumentRole.SECONDARY: "another's",
}
"""Whose document it is, as the sources list says it."""


# -- gaps -------------------------------------------------------------------------------


def date_text(value: PartialDate | None) -> str:
    """``March 2022``, or "not yet known"."""
    return value.human() if value else UNKNOWN


def known_list(values: list[str] | None, empty: str = "none") -> str:
    """The values joined; "not yet known" for ``None`` (the documents do not say), ``empty`` for none."""
    if values is None:
        return UNKNOWN
    return ", ".join(values) if values else empty


# -- the words ----------------------------------------------------------------------------


def _words(certainty: Certainty, wording: str | None, reasoning: str | None, *, brief: bool) -> str:
    """The model's words for a qualifier; the reasoning is added whatever the certainty unless ``brief``.

    The model shows reasoning only for an inferred fact; a report also shows what the
    documents say instead of a fact they do not state, so no reasoning is ever dropped.
    """
    if brief:
        return wording if wording and len(wording) <= BRIEF_MAX else certainty.label
    words = qualifier_words(certainty, wording, reasoning)
    if reasoning and reasoning not in words:
        words = f"{words}: {reasoning}" if words else reasoning
    return words


def _own_wording(item: Qualified) -> str | None:
    """The item's qualifier ``wording``, unless its class uses ``wording`` for its own text.

    An ABCD question's ``wording`` is the question itself, not how sure the question is.
    """
    field = attrs.fields_dict(type(item)).get("wording")
    return item.wording if field is not None and field.metadata.get("qualifier") else None


def item_words(item: object, *, brief: bool = False) -> str:
    """How sure an item is as a whole ("" when the documents state it plainly, or it is no item)."""
    if not isinstance(item, Qualified):
        return ""
    return _words(item.certainty, _own_wording(item), item.reasoning, brief=brief)


def qualifier_text(qualifier: Qualifier, *, brief: bool = False) -> str:
    """How sure one field is, from its :class:`Qualifier`."""
    return _words(qualifier.certainty, qualifier.wording, qualifier.reasoning, brief=brief)


def field_words(item: object, name: str, *, brief: bool = False) -> str:
    """How sure one field of an item is ("" when it is plainly stated)."""
    qualifier = item.qualifiers.get(name) if isinstance(item, Qualified) else None
    return qualifier_text(qualifier, brief=brief) if qualifier else ""


def beside(text: str, words: str) -> str:
    """``text (words)``, or ``text (TBC)`` for words the documents already put in brackets."""
    if words.startswith("(") and words.endswith(")") and words.count("(") == 1:
        return f"{text} {words}"
    return qualified(text, words)


def mark(item: object, text: str, *, brief: bool = False) -> str:
    """``Phase One (currently expected)``: ``text`` naming ``item``, with how sure the item is."""
    return beside(text, item_words(item, brief=brief))


def mark_field(item: object, name: str, text: str, *, brief: bool = False) -> str:
    """``Keynsham Area Cluster, ... (proposed)``: a field's value with how sure that field is."""
    return beside(text, field_words(item, name, brief=brief))


def adoption(programme: Programme) -> str:
    """When and by whom a programme was adopted, or that the documents record no decision.

    Without an adoption date the programme's status follows in brackets, since it says what
    the documents do record (a recommendation, a planned approval).
    """
    if programme.adopted is None:
        words = field_words(programme, "adopted")
        said = [text for text in (words if words != NOT_RECORDED else "", programme.status) if text]
        text = beside(NOT_RECORDED, "; ".join(said))
    else:
        text = mark_field(programme, "adopted", programme.adopted.human())
        if programme.adopted_by:
            text += f" by {mark_field(programme, 'adopted_by', programme.adopted_by)}"
    return text


FIELD_LABELS = {"every_months": "interval", "months_after_adoption": "timing", "months_after": "timing"}
"""How a qualified field is named in a note, where its key does not read as words."""


def declared(text: str, for_each: ForEach | None) -> str:
    """A name declared for each place as the declaration reads: ``{place}`` becomes ``cluster``.

    Each instance's own name has the place's name there (``instance_name``); the declaration
    stands for all of them.
    """
    if for_each is None or "{place}" not in text:
        return text
    if for_each.place is PlaceKind.RECORDED:
        noun = "place"
    else:
        noun = for_each.area_kind.value if for_each.area_kind else for_each.place.value
    if text.startswith("{place}"):
        noun = noun.capitalize()
    return text.replace("{place}", noun)


def cite_all(item: object, docs: dict[str, Document]) -> str:
    """Every source an item rests on, main one first: ``A, 2.5; also B, 3``."""
    sources: list[Source] = item.all_sources() if isinstance(item, Qualified) else []
    if not sources:
        main = getattr(item, "source", None)
        sources = [main] if isinstance(main, Source) else []
    if not sources:
        return "no source given"
    first, *rest = (source.cite(docs) for source in sources)
    return f"{first}; also {'; '.join(rest)}" if rest else first


def document_role(document: Document) -> str:
    """``the council's own``, ``another's`` or ``not stated``."""
    return ROLE_WORDS[document.role] if document.role is not None else "not stated"


# -- notes under a table ------------------------------------------------------------------


@attrs.frozen(repr=False, eq=False)
class Note(Model):
    """One long text about an item: ``Phase One — why: in order to ...``.

    ``label`` says what the text is (none for a description).
    """

    subject: str
    text: str
    label: str | None = None


def notes(
    item: object,
    subject: str,
    *texts: tuple[str | None, str | None],
    inline: bool = False,
    shown: Collection[str] = (),
) -> list[Note]:
    """The notes for one item: how sure it and each of its fields are, then each ``(label, text)`` given.

    ``inline`` leaves out how sure the item is as a whole, and ``shown`` how sure the named
    fields are, where those full words are already printed beside the fact (in a heading or a
    paragraph, not a table cell).
    """
    found: list[Note] = []
    if not inline and (words := item_words(item)):
        found.append(Note(subject, words, "how sure"))
    if isinstance(item, Qualified):
        for name, qualifier in item.qualifiers.items():
            if name not in shown and (words := qualifier_text(qualifier)):
                found.append(Note(subject, words, FIELD_LABELS.get(name, name.replace("_", " "))))
    found += [Note(subject, text, label) for label, text in texts if text and text.strip()]
    return found


def notes_list(found: Iterable[Note], title: str = "Notes") -> list[BulletList]:
    """The notes as one list (none if there are none), each text once with every item it is about.

    Thurrock's nine clusters share one description: it is printed once, naming all nine.
    """
    grouped: dict[tuple[str | None, str], list[str]] = {}
    for note in found:
        subjects = grouped.setdefault((note.label, " ".join(note.text.split())), [])
        if note.subject not in subjects:
            subjects.append(note.subject)
    items = [_note_line(subjects, label, text) for (label, text), subjects in grouped.items()]
    return [BulletList(items, title)] if items else []


def _note_line(subjects: Sequence[str], label: str | None, text: str) -> str:
    who = ", ".join(subjects)
    return f"{who} — {label}: {text}" if label else f"{who}: {text}"
