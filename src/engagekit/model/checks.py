"""The council's invariants: unique ids, references that resolve, dates in order.

Each broken invariant becomes a :class:`Problem` with the path of the offending value, in
the same shape as the definition file, so the loader can name the file and line.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import attrs

from engagekit.model import gss
from engagekit.model.base import Model
from engagekit.model.certainty import is_qualifier_field
from engagekit.model.governance import LocalPlanRule
from engagekit.model.instances import body_instances, place_ids
from engagekit.model.local import ForEach, Instance, PlaceKind
from engagekit.model.sources import Source

if TYPE_CHECKING:
    from engagekit.model.council import Council, Programme

Path = tuple[str | int, ...]
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")


@attrs.frozen(repr=False, eq=False)
class Problem(Model):
    """One thing wrong, at a path such as ``("programme", "commitments", 2, "id")``."""

    path: Path
    message: str

    def where(self) -> str:
        return format_path(self.path)


def format_path(path: Path) -> str:
    """``programme.commitments[2].id``: the path as a person reads it."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif not _PLAIN_KEY.fullmatch(part):
            text += f"[{part!r}]"  # a key with spaces, dots or newlines stays on one line, quoted
        else:
            text += f".{part}" if text else part
    return text or "(top level)"


class CouncilInvalid(ValueError):
    """A council broke one or more invariants; ``problems`` lists them all."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = [f"{problem.where()}: {problem.message}" for problem in problems]
        super().__init__("; ".join(lines))


def council_problems(council: Council) -> list[Problem]:
    """Every broken invariant of a council, in the order they appear in its definition."""
    checker = _Checker(council)
    checker.run()
    return checker.problems


class _Checker:
    def __init__(self, council: Council) -> None:
        self.council = council
        self.problems: list[Problem] = []

    def fail(self, path: Path, message: str) -> None:
        self.problems.append(Problem(path, message))

    def unique(self, path: Path, items: Iterable[Any], what: str) -> set[str]:
        """Check ids are unique among ``items`` (listed at ``path``) and return them."""
        seen: set[str] = set()
        for index, item in enumerate(items):
            if item.id in seen:
                self.fail((*path, index, "id"), f"duplicate {what} id {item.id!r}")
            seen.add(item.id)
        return seen

    def refer(self, path: Path, value: str | None, known: set[str], what: str) -> None:
        if value is not None and value not in known:
            choices = ", ".join(sorted(known)) or "none are defined"
            self.fail(path, f"no {what} has id {value!r} (known: {choices})")

    def refer_all(self, path: Path, values: Iterable[str] | None, known: set[str], what: str) -> None:
        for index, value in enumerate(values or []):
            self.refer((*path, index), value, known, what)

    def run(self) -> None:
        c = self.council
        documents = self.unique(("documents",), c.documents, "document")
        areas = self.unique(("areas",), c.areas, "area")
        clusters = self.unique(("clusters",), c.clusters, "cluster")
        phases = self.unique(("phases",), c.phases, "phase")
        self.unique(("communities",), c.communities, "community")
        self.unique(("hubs",), c.hubs, "hub")
        bodies = self.unique(("bodies",), c.bodies, "body")
        partners = self.unique(("partners",), c.partners, "partner")
        self.unique(("methods",), c.methods, "method")
        self.unique(("earlier_programmes",), [c.programme, *c.earlier_programmes][1:], "programme")
        for index, earlier in enumerate(c.earlier_programmes):
            if earlier.id == c.programme.id:
                self.fail(
                    ("earlier_programmes", index, "id"), f"programme id {earlier.id!r} is the current programme's"
                )

        for path, source in _sources(c, ()):
            self.refer((*path, "document"), source.document, documents, "document")
        for path, item in sourced_items(c):
            self._qualifiers(path, item)

        self._gss_codes()
        for i, area in enumerate(c.areas):
            self.refer(("areas", i, "parent"), area.parent, areas, "area")
            if area.parent == area.id:
                self.fail(("areas", i, "parent"), f"area {area.id!r} cannot be its own parent")
        self._no_parent_cycles()
        for i, cluster in enumerate(c.clusters):
            self.refer_all(("clusters", i, "areas"), cluster.areas, areas, "area")
            self.refer(("clusters", i, "phase"), cluster.phase, phases, "phase")
        self._phases(clusters)
        for i, community in enumerate(c.communities):
            self.refer_all(("communities", i, "areas"), community.areas, areas, "area")
        for i, hub in enumerate(c.hubs):
            self.refer_all(("hubs", i, "areas"), hub.areas, areas, "area")
            self.refer(("hubs", i, "cluster"), hub.cluster, clusters, "cluster")
            self.refer(("hubs", i, "steering_group"), hub.steering_group, bodies, "body")
        for i, body in enumerate(c.bodies):
            self.refer_all(("bodies", i, "members"), body.members, partners, "partner")
            self.refer(("bodies", i, "led_by"), body.led_by, partners, "partner")
            self.refer_all(("bodies", i, "represented_on"), body.represented_on, bodies, "body")
        for i, body in enumerate(c.bodies):
            self.refer(("bodies", i, "area"), body.area, areas, "area")
            self.refer(("bodies", i, "cluster"), body.cluster, clusters, "cluster")
            self.refer(("bodies", i, "phase"), body.phase, phases, "phase")
            if body.for_each is not None:
                self._for_each(("bodies", i), body.for_each, body.instances)
            for j, instance in enumerate(body.instances):
                self.refer_all(("bodies", i, "instances", j, "members"), instance.members, partners, "partner")
            self.unique(("bodies", i, "membership_rules"), body.membership_rules, "membership rule")
        for i, method in enumerate(c.methods):
            self.refer(("methods", i, "body"), method.body, bodies, "body")

        self._programme(("programme",), c.programme, documents, areas, partners, bodies)
        for i, earlier in enumerate(c.earlier_programmes):
            self._programme(("earlier_programmes", i), earlier, documents, areas, partners, bodies)

    def _for_each(self, path: Path, for_each: ForEach, instances: list[Instance] | None = None) -> None:
        """The places ``for_each`` names exist, and each instance is for one of them, once."""
        kind = for_each.place
        if kind is PlaceKind.BODY:
            other = next((body for body in self.council.bodies if body.id == for_each.body), None)
            if other is None:
                self.refer((*path, "for_each", "body"), for_each.body, {b.id for b in self.council.bodies}, "body")
                return
            if other.for_each is not None and other.for_each.place in (PlaceKind.RECORDED, PlaceKind.BODY):
                message = f"body {other.id!r} has no instances the definition makes (they are recorded or nested)"
                self.fail((*path, "for_each", "body"), message)
                return
            known = {placed.id for placed in body_instances(self.council, other)}
        else:
            known = place_ids(self.council, kind)
        self.refer_all((*path, "for_each", "only"), for_each.only, known, kind.value)
        if kind is PlaceKind.AREA and for_each.area_kind is not None:
            of_kind = {a.id for a in self.council.areas if a.kind is for_each.area_kind}
            if not of_kind:
                self.fail((*path, "for_each", "area_kind"), f"no area is of kind {for_each.area_kind.value!r}")
            known = of_kind
        if for_each.only is not None:
            known = known & set(for_each.only)
        seen: set[str] = set()
        for j, instance in enumerate(instances or []):
            where = (*path, "instances", j, "place")
            if kind is PlaceKind.RECORDED:
                self.fail(where, "instances of a body made for each recorded one are registered in the records store")
                continue
            if instance.place in seen:
                self.fail(where, f"place {instance.place!r} already has an instance entry")
            seen.add(instance.place)
            self.refer(where, instance.place, known, f"{for_each.describe().removeprefix('each ')} it is made for")

    def _gss_codes(self) -> None:
        """The council's GSS code fits its type, and each area's fits the area's kind (see :mod:`.gss`)."""
        c = self.council
        if c.gss_code is not None:
            problem = gss.council_code_problem(c.gss_code, c.council_type)
            if problem:
                self.fail(("gss_code",), problem)
        for i, area in enumerate(c.areas):
            if area.gss_code is not None:
                problem = gss.area_code_problem(area.gss_code, area.kind)
                if problem:
                    self.fail(("areas", i, "gss_code"), problem)

    def _qualifiers(self, path: Path, item: Any) -> None:
        """Each key of an item's ``qualifiers`` must name one of the item's own fields."""
        qualifiers = getattr(item, "qualifiers", None)
        if not qualifiers:
            return
        own = [field.name for field in attrs.fields(type(item)) if not is_qualifier_field(field)]
        for name in qualifiers:
            if name not in own:
                self.fail(
                    (*path, "qualifiers", name),
                    f"{name!r} is not a field of this item (its fields: {', '.join(own)})",
                )

    def _no_parent_cycles(self) -> None:
        parents = {area.id: area.parent for area in self.council.areas}
        for i, area in enumerate(self.council.areas):
            seen: set[str] = set()
            parent = area.parent
            while parent is not None and parent in parents and parent not in seen:
                if parent == area.id:
                    if area.parent != area.id:  # a direct self-parent is reported on its own
                        self.fail(("areas", i, "parent"), f"area {area.id!r} is inside itself through its parents")
                    break
                seen.add(parent)
                parent = parents[parent]

    def _phases(self, clusters: set[str]) -> None:
        c = self.council
        orders: dict[int, str] = {}
        for i, phase in enumerate(c.phases):
            if phase.order in orders:
                self.fail(("phases", i, "order"), f"phase {phase.id!r} has the same order as {orders[phase.order]!r}")
            orders[phase.order] = phase.id
            self.refer_all(("phases", i, "clusters"), phase.clusters, clusters, "cluster")
            for j, cluster_id in enumerate(phase.clusters or []):
                cluster = next((cl for cl in c.clusters if cl.id == cluster_id), None)
                if cluster is not None and cluster.phase not in (None, phase.id):
                    self.fail(
                        ("phases", i, "clusters", j),
                        f"cluster {cluster_id!r} is in phase {phase.id!r} here but in {cluster.phase!r} on the cluster",
                    )
        ordered = sorted(c.phases, key=lambda p: p.order)
        for position, later in enumerate(ordered):
            if later.starts is None:
                continue
            for earlier in ordered[:position]:
                if earlier.starts and later.starts.latest < earlier.starts.earliest:
                    self.fail(
                        ("phases", c.phases.index(later), "starts"),
                        f"phase {later.id!r} starts ({later.starts}) before the earlier phase "
                        f"{earlier.id!r} ({earlier.starts})",
                    )
                    break

    def _programme(
        self,
        path: Path,
        p: Programme,
        documents: set[str],
        areas: set[str],
        partners: set[str],
        bodies: set[str],
    ) -> None:
        self.refer_all((*path, "documents"), p.documents, documents, "document")
        commitments = self.unique((*path, "commitments"), p.commitments, "commitment")
        self.unique((*path, "key_dates"), p.key_dates, "key date")
        self.unique((*path, "indicators"), p.indicators, "indicator")
        self.unique((*path, "objectives"), p.objectives, "objective")
        self.unique((*path, "statements"), p.statements, "statement")
        self.unique((*path, "initiatives"), p.initiatives, "initiative")
        self.unique((*path, "offers"), p.offers, "offer")
        self.unique((*path, "funding"), p.funding, "funding")
        self.unique((*path, "assessments"), p.assessments, "assessment")
        self.unique((*path, "legal"), p.legal, "legal basis")
        self.unique((*path, "action_plan", "pillars"), p.action_plan.pillars, "pillar")

        # Rules and governance obligations share one namespace: each becomes a finding's rule id.
        # engagekit's own progress rules hold three ids of their own.
        rule_ids: set[str] = {"actions-updated", "indicators-on-target", "consultations-meet-gunning"}
        g = p.governance
        self.unique((*path, "governance", "delegations"), g.delegations, "delegation")
        obligations: list[tuple[str, list[Any]]] = [
            ("review_cycles", g.review_cycles),
            ("review_dates", g.review_dates),
            ("reports_due", g.reports_due),
        ]
        for key, items in obligations:
            for i, item in enumerate(items):
                if item.id in rule_ids:
                    self.fail((*path, "governance", key, i, "id"), f"duplicate rule id {item.id!r}")
                rule_ids.add(item.id)
        for i, rule in enumerate(p.rules):
            if isinstance(rule, LocalPlanRule):
                self.refer((*path, "rules", i, "body"), rule.body, bodies, "body")
                body = next((b for b in self.council.bodies if b.id == rule.body), None)
                if body is not None and not body.local_plans:
                    message = f"body {body.id!r} does not keep local plans (give it 'local_plans: true')"
                    self.fail((*path, "rules", i, "body"), message)
            if rule.id in rule_ids:
                self.fail((*path, "rules", i, "id"), f"duplicate rule id {rule.id!r}")
            rule_ids.add(rule.id)
        if path == ("programme",):  # meeting quotas and membership rules are rules of the current programme
            for i, body in enumerate(self.council.bodies):
                if body.quota is not None and f"{body.id}-meeting-quota" in rule_ids:
                    self.fail(("bodies", i, "quota"), f"rule id {body.id + '-meeting-quota'!r} is already used")
                for j, membership in enumerate(body.membership_rules):
                    rule_id = f"{body.id}-{membership.id}"
                    if rule_id in rule_ids or rule_id == f"{body.id}-meeting-quota":
                        self.fail(("bodies", i, "membership_rules", j, "id"), f"rule id {rule_id!r} is already used")
                    rule_ids.add(rule_id)
        repeating: list[tuple[Path, ForEach | None]] = [
            ((*path, "governance", "review_cycles", i), cycle.for_each) for i, cycle in enumerate(g.review_cycles)
        ]
        repeating += [((*path, "governance", "reports_due", i), r.for_each) for i, r in enumerate(g.reports_due)]
        for where, for_each in repeating:
            if for_each is not None and for_each.place is PlaceKind.RECORDED:
                self.fail(
                    (*where, "for_each"),
                    "an obligation cannot be made for each recorded instance (nothing registers it): "
                    "make it for each instance of a body, or each area, cluster or phase",
                )
            elif for_each is not None:
                self._for_each(where, for_each)
        for i, cycle in enumerate(g.review_cycles):
            if cycle.starts and cycle.starts.month is None and cycle.every_months and cycle.every_months % 12:
                self.fail(
                    (*path, "governance", "review_cycles", i, "every_months"),
                    f"a cycle counted from a year ({cycle.starts}) must run in whole years (12, 24, ...); "
                    "give the month it starts",
                )
        for i, report in enumerate(g.reports_due):
            months = report.months_after_adoption
            if months is not None and p.adopted and p.adopted.month is None and months % 12:
                self.fail(
                    (*path, "governance", "reports_due", i, "months_after_adoption"),
                    f"the programme's adoption is known only to the year ({p.adopted}), so a report "
                    f"{months} months after it cannot be placed; give the month of adoption",
                )
        if any(r.months_after_adoption is not None for r in g.reports_due) and p.adopted is None:
            index = next(i for i, r in enumerate(g.reports_due) if r.months_after_adoption is not None)
            self.fail(
                (*path, "governance", "reports_due", index, "months_after_adoption"),
                "a report due after adoption needs the programme's 'adopted' date",
            )

        outcome_ids: set[str] = set()
        action_ids: set[str] = set()
        for opath, outcome in _outcomes_with_paths(path, p):
            if outcome.id in outcome_ids:
                self.fail((*opath, "id"), f"duplicate outcome id {outcome.id!r}")
            outcome_ids.add(outcome.id)
            self.refer_all((*opath, "serves"), outcome.serves, commitments, "commitment")
            for k, action in enumerate(outcome.actions):
                apath = (*opath, "actions", k)
                if action.id in action_ids:
                    self.fail((*apath, "id"), f"duplicate action id {action.id!r}")
                action_ids.add(action.id)
                self.refer_all((*apath, "serves"), action.serves, commitments, "commitment")
                self.refer_all((*apath, "partners"), action.partners, partners, "partner")
        for i, indicator in enumerate(p.indicators):
            self.refer_all((*path, "indicators", i, "actions"), indicator.actions, action_ids, "action")
        for i, initiative in enumerate(p.initiatives):
            self.refer_all((*path, "initiatives", i, "partners"), initiative.partners, partners, "partner")
            self.refer_all((*path, "initiatives", i, "areas"), initiative.areas, areas, "area")
        if p.adopted and p.period and p.period.end and p.period.end.latest < p.adopted.earliest:
            self.fail(
                (*path, "adopted"), f"the programme is adopted ({p.adopted}) after its period ends ({p.period.end})"
            )


def _outcomes_with_paths(path: Path, p: Programme) -> Iterator[tuple[Path, Any]]:
    for i, pillar in enumerate(p.action_plan.pillars):
        for j, outcome in enumerate(pillar.outcomes):
            yield (*path, "action_plan", "pillars", i, "outcomes", j), outcome
    for j, outcome in enumerate(p.action_plan.outcomes):
        yield (*path, "action_plan", "outcomes", j), outcome


def sourced_items(value: Any, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    """Every model object below ``value`` that can carry a source, with its path.

    A part left at its empty default (a programme with no action plan, say) is no item: there
    is nothing in it to source.
    """
    if isinstance(value, Source) or not attrs.has(type(value)):
        if isinstance(value, list):
            for index, item in enumerate(value):
                yield from sourced_items(item, (*path, index))
        elif isinstance(value, dict):
            for item in value.values():
                yield from sourced_items(item, path)
        return
    if _is_empty_default(value):
        return
    fields = attrs.fields(type(value))
    if any(field.name == "source" for field in fields):
        yield path, value
    for field in fields:
        yield from sourced_items(getattr(value, field.name), (*path, field.name))


def items_without_source(council: Council) -> list[Path]:
    """The paths of items that could cite a source but do not (a bundled council has none)."""
    return [path for path, item in sourced_items(council) if item.source is None]


def _is_empty_default(value: Any) -> bool:
    try:
        return bool(value == type(value)())
    except TypeError:  # the class has required fields, so it has no empty default
        return False


def cited_documents(value: Any) -> Counter[str]:
    """How many times each document is cited anywhere below ``value``: every :class:`Source`
    that :func:`_sources` finds, counted by its document's id.

    The same walk without the paths, for a report's list of sources: it builds no path for each
    of the thousands of values in a council and leaves texts, numbers and dates at once.
    """
    counts: Counter[str] = Counter()
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, _LEAVES) or item is None:
            continue
        if isinstance(item, Source):
            counts[item.document] += 1
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, dict):
            pending.extend(item.values())
        else:
            fields = getattr(type(item), "__attrs_attrs__", None)
            if fields is not None:
                pending.extend(getattr(item, field.name) for field in fields)
    return counts


_LEAVES = (str, int, float, enum.Enum, dt.date)
"""Values with no :class:`Source` below them, so the walk leaves them at once."""


def _sources(value: Any, path: Path) -> Iterator[tuple[Path, Source]]:
    """Every :class:`Source` anywhere below ``value``, with its path."""
    if isinstance(value, Source):
        yield path, value
    elif attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            yield from _sources(getattr(value, field.name), (*path, field.name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _sources(item, (*path, index))
    elif isinstance(value, dict):
        for item in value.values():
            yield from _sources(item, path)
