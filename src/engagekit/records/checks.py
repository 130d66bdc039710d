"""Check records against a council's definition: every id must be one the definition has.

Some ids come from the records themselves: instances officers registered (a forum, for a body
declared ``for_each: recorded``) and local actions a place's body agreed. The store passes
those in (:meth:`Vocabulary.with_recorded`), so a meeting of a registered forum or an update
of a local action is checked like any other. An instance is registered once: a second
registration is refused unless it corrects the one that holds the instance (``supersedes``),
whether that one is stored (:attr:`Vocabulary.registered`) or an earlier row of the same
import (:class:`Registrations`).

These checks need the council, so they run where a record meets it (the store's ``add`` and
imports), after :func:`~engagekit.records.rows.parse_row` has checked each column on its own;
they check each value again too, for records built in Python that never met the row parser.
Each problem is ``(column, message)``, like the row parser's, so a person sees the column of
the file, or the option of ``engagekit record``, to fix.
"""

from __future__ import annotations

import difflib
import threading
from collections.abc import Callable, Iterable, Mapping, Set

import attrs

from engagekit.model.council import Council
from engagekit.model.instances import Place, all_instances, obligation_places
from engagekit.model.local import ForEach, PlaceKind
from engagekit.records.kinds import (
    ActionUpdate,
    EngagementEvent,
    IndicatorReading,
    InstanceRecord,
    LocalAction,
    LocalPriority,
    MemberRecord,
    Record,
    ReviewRecord,
)
from engagekit.records.rows import value_problems


@attrs.frozen
class Vocabulary:
    """The ids a council's records may refer to."""

    actions: frozenset[str]
    indicators: frozenset[str]
    bodies: frozenset[str]
    areas: frozenset[str]
    clusters: frozenset[str]
    hubs: frozenset[str]
    obligations: frozenset[str]
    plan_actions: frozenset[str] = frozenset()
    """The council-wide action plan's ids (a local action may not take one)."""
    recorded_kinds: frozenset[str] = frozenset()
    """Bodies declared for each recorded instance: instances are registered under these."""
    repeating: frozenset[str] = frozenset()
    """Bodies that stand for instances (made per place, or recorded): records name an instance, not them."""
    local_plan_bodies: frozenset[str] = frozenset()
    """Bodies (declared ids) whose instances keep local plans."""
    places: Mapping[str, Place] = attrs.field(factory=dict)
    """The place each body instance is for, by instance id."""
    declared: Mapping[str, str] = attrs.field(factory=dict)
    """The declared body each instance comes from, by instance id."""
    cluster_areas: Mapping[str, frozenset[str]] = attrs.field(factory=dict)
    registered: Mapping[str, int] = attrs.field(factory=dict)
    """The stored record that registers each instance now (not corrected since), by full id."""
    given: frozenset[int] = frozenset()
    """Registrations written earlier in the transaction checking this one (a rollback undoes their ids)."""

    @classmethod
    def of(cls, council: Council) -> Vocabulary:
        """The ids ``council``'s definition gives (none that records add), worked out once per definition.

        A definition is not changed once loaded (a new one is a new object), and a vocabulary is
        never changed either (:meth:`with_recorded` makes another), so each one is kept, by the
        definition's identity, and shared by every thread: the web service checks each record it
        is sent against the same one.
        """
        kept = _KEPT.get(id(council))
        if kept is not None and kept[0] is council:
            return kept[1]
        vocabulary = cls._of(council)
        with _KEPT_LOCK:
            if len(_KEPT) >= KEPT_DEFINITIONS:
                _KEPT.pop(next(iter(_KEPT)))  # the one kept longest
            _KEPT[id(council)] = (council, vocabulary)
        return vocabulary

    @classmethod
    def _of(cls, council: Council) -> Vocabulary:
        programme = council.programme
        governance = programme.governance
        obligations: set[str] = {*(item.id for item in governance.delegations)}
        obligations.update(item.id for item in governance.review_dates)
        repeating: list[tuple[str, ForEach | None]] = [(c.id, c.for_each) for c in governance.review_cycles]
        repeating += [(r.id, r.for_each) for r in governance.reports_due]
        for declared_id, for_each in repeating:
            obligations.add(declared_id)
            if for_each is not None:  # each place's review or report is recorded under its own id
                obligations.update(oid for oid, _ in obligation_places(council, declared_id, for_each))
        instances = all_instances(council)
        recorded_kinds = frozenset(
            body.id
            for body in council.bodies
            if body.for_each is not None and body.for_each.place is PlaceKind.RECORDED
        )
        plan_actions = frozenset(planned.action.id for planned in programme.action_plan.all_actions())
        return cls(
            actions=plan_actions,
            indicators=frozenset(indicator.id for indicator in programme.indicators),
            bodies=frozenset(placed.id for placed in instances),
            areas=frozenset(area.id for area in council.areas),
            clusters=frozenset(cluster.id for cluster in council.clusters),
            hubs=frozenset(hub.id for hub in council.hubs),
            obligations=frozenset(obligations),
            plan_actions=plan_actions,
            recorded_kinds=recorded_kinds,
            repeating=frozenset(p.declared_id for p in instances if p.id != p.declared_id) | recorded_kinds,
            local_plan_bodies=frozenset(body.id for body in council.bodies if body.local_plans),
            places={placed.id: placed.place for placed in instances if placed.place is not None},
            declared={placed.id: placed.declared_id for placed in instances},
            cluster_areas={cluster.id: frozenset(cluster.areas) for cluster in council.clusters},
        )

    def with_recorded(self, records: Iterable[Record]) -> Vocabulary:
        """This vocabulary and the ids that registrations and local actions in ``records`` add.

        A stored registration (one with its id) is also noted as the one that holds its instance
        (:attr:`registered`); a correction frees the id the registration it corrects held.
        """
        bodies, actions = set(self.bodies), set(self.actions)
        places, declared = dict(self.places), dict(self.declared)
        registered = dict(self.registered)
        for record in records:
            if isinstance(record, InstanceRecord):
                bodies.add(record.full_id)
                declared[record.full_id] = record.body_id
                if record.supersedes is not None:
                    registered = {key: held for key, held in registered.items() if held != record.supersedes}
                if record.id is not None:
                    registered[record.full_id] = record.id
                if record.cluster_id is not None:
                    places[record.full_id] = Place(PlaceKind.CLUSTER, record.cluster_id, record.cluster_id)
                elif record.area_id is not None:
                    places[record.full_id] = Place(PlaceKind.AREA, record.area_id, record.area_id)
            elif isinstance(record, LocalAction):
                actions.add(record.action_id)
        return attrs.evolve(
            self,
            bodies=frozenset(bodies),
            actions=frozenset(actions),
            places=places,
            declared=declared,
            registered=registered,
        )

    def needs_recorded(self, record: Record) -> bool:
        """Whether checking ``record`` may need the ids that records add, beside this vocabulary's.

        Those ids (registered instances, local actions) only ever add a body, its place, or an
        action. So a record that names no body, registers nothing, and has no problem against
        this vocabulary has none once they are added either, and the store need not read them.
        """
        if isinstance(record, InstanceRecord | LocalAction) or getattr(record, "body_id", None) is not None:
            return True
        return bool(self.problems(record))

    def problems(self, record: Record) -> list[tuple[str, str]]:
        """``(column, message)`` for each value ``record`` may not hold, and each id the council does not have.

        Values are checked first (:func:`~engagekit.records.rows.value_problems`: bounded text,
        finite numbers, dates in range), since a record built in Python never met the row
        parser; the ids only once the values are sound. An unknown id's message says which ids
        it could have meant (see :func:`known_ids`). An AGM counts towards its body's meeting
        commitment, so an AGM naming no body would count for nothing: it is refused, on the
        ``body`` column, with the bodies to choose from.
        """
        found = value_problems(record)
        if found:
            return found

        def check(column: str, value: str | None, known: frozenset[str], what: str) -> None:
            if value is not None and value not in known:
                message = f"no {what} {value!r} in this council ({known_ids(known, value)})"
                if what == "body" and self.recorded_kinds:  # their instances are known only once registered
                    kinds = ", ".join(sorted(self.recorded_kinds))
                    message += f"; instances of {kinds} are named <body>.<id> once registered"
                found.append((column, message))

        if isinstance(record, ActionUpdate):
            check("action", record.action_id, self.actions, "action")
        elif isinstance(record, IndicatorReading):
            check("indicator", record.indicator_id, self.indicators, "indicator")
        elif isinstance(record, EngagementEvent):
            if record.agm and record.body_id is None:
                found.append(("body", f"missing: an AGM must name the body that held it ({known_ids(self.bodies)})"))
            if not self._declared_only(record.body_id, found):
                check("body", record.body_id, self.bodies, "body")
            check("area", record.area_id, self.areas, "area")
            check("cluster", record.cluster_id, self.clusters, "cluster")
            check("hub", record.hub_id, self.hubs, "hub")
            if not found:
                found.extend(self.place_disagreements(record.body_id, record.area_id, record.cluster_id))
        elif isinstance(record, ReviewRecord):
            check("obligation", record.obligation_id, self.obligations, "review, report or delegation")
        elif isinstance(record, InstanceRecord):
            if record.body_id not in self.recorded_kinds:
                kinds = ", ".join(sorted(self.recorded_kinds)) or "none: no body is declared 'for_each: recorded'"
                found.append(
                    ("body", f"body {record.body_id!r} is not one whose instances are recorded (those are: {kinds})")
                )
            check("area", record.area_id, self.areas, "area")
            check("cluster", record.cluster_id, self.clusters, "cluster")
            held = self.registered.get(record.full_id)
            if held is not None and held != record.supersedes:
                message = given_twice(record.full_id) if held in self.given else None
                found.append(("instance", message or already_registered(record.full_id, held)))
        elif isinstance(record, MemberRecord):
            if not self._declared_only(record.body_id, found):
                check("body", record.body_id, self.bodies, "body")
            check("area", record.area_id, self.areas, "area")
        elif isinstance(record, LocalPriority | LocalAction):
            if record.body_id is not None and not self._declared_only(record.body_id, found):
                check("body", record.body_id, self.bodies, "body")
                declared = self.declared.get(record.body_id, record.body_id)
                if record.body_id in self.bodies and declared not in self.local_plan_bodies:
                    found.append(("body", f"body {record.body_id!r} does not keep local plans in this council"))
            check("area", record.area_id, self.areas, "area")
            check("cluster", record.cluster_id, self.clusters, "cluster")
            if isinstance(record, LocalAction) and record.action_id in self.plan_actions:
                found.append(("action", f"{record.action_id!r} is an action of the council-wide plan: give a new id"))
        return found

    def _declared_only(self, body_id: str | None, found: list[tuple[str, str]]) -> bool:
        """A record naming a body declared for each place must name one of its instances."""
        if body_id is None or body_id in self.bodies or body_id not in self.repeating:
            return False
        mine = {instance for instance, declared in self.declared.items() if declared == body_id}
        listed = known_ids(mine) if mine else "none registered yet"
        found.append(("body", f"body {body_id!r} stands for one per place: name its instance ({listed})"))
        return True

    def place_disagreements(
        self, body_id: str | None, area_id: str | None, cluster_id: str | None
    ) -> list[tuple[str, str]]:
        """A meeting of a body that is for one place cannot be in another."""
        place = self.places.get(body_id or "")
        if place is None:
            return []
        if place.kind is PlaceKind.CLUSTER:
            if cluster_id is not None and cluster_id != place.id:
                return [("cluster", f"body {body_id!r} is for cluster {place.id!r}, not {cluster_id!r}")]
            areas = self.cluster_areas.get(place.id, frozenset())
            if area_id is not None and areas and area_id not in areas:
                return [
                    ("area", f"body {body_id!r} is for cluster {place.id!r}, which does not include area {area_id!r}")
                ]
        if place.kind is PlaceKind.AREA and area_id is not None and area_id != place.id:
            return [("area", f"body {body_id!r} is for area {place.id!r}, not {area_id!r}")]
        return []


def already_registered(full_id: str, record_id: int) -> str:
    """Why a second registration of ``full_id`` is refused, and what to do instead."""
    return f"{full_id} is already registered (record {record_id}); to rename, move or end it, correct that record"


def given_twice(full_id: str) -> str:
    """Why a registration of ``full_id`` is refused when an earlier record of the same call registers it."""
    return f"{full_id} is registered twice in what was given; register it once"


def already_corrected(corrected: str, holder: str, full_id: str) -> str:
    """Why a correction of a registration that is already corrected is refused, and what to correct instead.

    A registration is corrected at its latest record only: a second correction of an earlier
    one would leave two live registrations where there was one.
    """
    return f"{corrected} is already corrected: {holder} registers {full_id} now; correct that instead"


class Registrations:
    """Which registration holds each instance id while an import reads its file.

    A row registering an instance another registration holds is refused, unless it corrects
    that registration (``supersedes``): a stored one is named by its record id, an earlier row
    of the file by the row. The stored registrations are read when the file's first one is
    met, by ``stored`` (the store takes its lock for registrations first, so none can land
    meanwhile from another import or record), and each accepted row then holds its instance.

    A correction must correct a registration's latest record: one correcting a registration
    already corrected (by an earlier row, or in the store, which ``current`` answers) is
    refused, naming the one that holds the instance now, since it would leave two where there
    was one.

    A reference to a registration is ``("record", id)`` for a stored record and ``("file", id)``
    for a row of the file by the ``id`` it carries; a row without one cannot be corrected by
    a later row, and holds its instance under a reference of its own.
    """

    def __init__(
        self,
        stored: Callable[[], Mapping[str, int]],
        current: Callable[[int], tuple[int, str] | None] = lambda _: None,
    ) -> None:
        self._stored = stored
        self._current = current
        self._held: dict[str, tuple[tuple[str, int], str | None]] | None = None
        """What holds each full id: its reference, and its place in the file (``None`` if stored)."""
        self._live: set[int] = set()
        """The stored registrations not corrected before the import, by record id."""
        self._corrected: dict[tuple[str, int], tuple[str, int]] = {}
        """Each registration an accepted row corrected, and the reference of the row that did."""
        self._rows = 0

    def problems(
        self,
        record: InstanceRecord,
        where: str,
        *,
        own: tuple[str, int] | None = None,
        corrects: tuple[str, int] | None = None,
    ) -> list[tuple[str, str]]:
        """The problem with the row at ``where`` registering ``record`` (none: it now holds its instance).

        ``own`` is how later rows may name this row (``("file", id)``); ``corrects`` is the
        registration it corrects, if any.
        """
        if self._held is None:
            stored = self._stored()
            self._held = {full_id: (("record", held), None) for full_id, held in stored.items()}
            self._live = set(stored.values())
        held = self._held.get(record.full_id)
        if held is not None and held[0] != corrects:
            reference, earlier = held
            if earlier is None:
                return [("instance", already_registered(record.full_id, reference[1]))]
            return [
                (
                    "instance",
                    f"{record.full_id} is registered twice in this file ({earlier} and {where}); register it once "
                    "(a later row may correct it, with supersedes naming its id)",
                )
            ]
        if corrects is not None:
            stale = self._stale(corrects)
            if stale is not None:
                return [("supersedes", stale)]
            # a correction frees the id the corrected registration held
            self._held = {full_id: item for full_id, item in self._held.items() if item[0] != corrects}
        self._rows += 1
        mine = own or ("row", self._rows)
        if corrects is not None:
            self._corrected[corrects] = mine
        self._corrected.pop(mine, None)  # a file's id given again names the later row, not yet corrected
        self._held[record.full_id] = (mine, where)
        return []

    def _stale(self, corrects: tuple[str, int]) -> str | None:
        """Why correcting ``corrects`` is refused, if a correction of it is already stored or accepted."""
        kind, number = corrects
        corrected = f"instance record #{number}" if kind == "record" else f"the row with id {number}"
        holder = self._corrected.get(corrects)
        if holder is None:
            if kind != "record" or number in self._live:
                return None
            current = self._current(number)  # it exists (checked before), so a stored record corrected it
            if current is None:
                return None
            if ("record", current[0]) not in self._corrected:
                return already_corrected(corrected, f"record {current[0]}", current[1])
            holder = ("record", current[0])
        while holder in self._corrected:  # corrected again further down the file: name the latest
            holder = self._corrected[holder]
        assert self._held is not None
        for full_id, (reference, place) in self._held.items():
            if reference == holder:
                return already_corrected(corrected, place or f"record {reference[1]}", full_id)
        return f"{corrected} is already corrected; correct its latest record instead"


KEPT_DEFINITIONS = 64
"""How many definitions' vocabularies are kept (a process loads a few; tests load many)."""
_KEPT: dict[int, tuple[Council, Vocabulary]] = {}
"""Each vocabulary with its definition, by the definition's ``id()`` (kept with it, so never reused)."""
_KEPT_LOCK = threading.Lock()


LIST_ALL_UP_TO = 20
"""With at most this many ids of a kind, a message about one lists them all."""

CLOSEST = 5
"""With more, it names at most this many of the closest and counts the rest."""


def known_ids(known: Set[str], wanted: str | None = None) -> str:
    """The ids someone could have meant when ``wanted`` is not found (or none was given).

    Every known id when there are few enough to read (``known: a, b, c``); otherwise the ones
    closest to ``wanted`` and a count of the rest (``closest: forums, forum-a; 38 others``),
    since a line listing a hundred hubs, or only the first twelve alphabetically, helps nobody.
    """
    if not known:
        return "known: none"
    ordered = sorted(known)
    if len(ordered) <= LIST_ALL_UP_TO:
        return "known: " + ", ".join(ordered)
    closest = _closest(wanted, ordered) if wanted is not None else []
    if not closest:
        return f"{len(ordered)} known, none close to it" if wanted is not None else f"{len(ordered)} known"
    others = len(ordered) - len(closest)
    return f"closest: {', '.join(closest)}; {others} other{'' if others == 1 else 's'}"


def _closest(wanted: str, ordered: list[str]) -> list[str]:
    """Up to :data:`CLOSEST` of ``ordered`` most like ``wanted``, best first and alphabetical among equals.

    ``get_close_matches`` alone breaks ties in reverse alphabetical order (``forum-h`` before
    ``forum-a``), which reads as a mistake, so every match is taken and ranked again here.
    """
    matches = difflib.get_close_matches(wanted, ordered, n=len(ordered))

    def rank(candidate: str) -> tuple[float, str]:
        return -difflib.SequenceMatcher(None, candidate, wanted).ratio(), candidate

    return sorted(matches, key=rank)[:CLOSEST]
