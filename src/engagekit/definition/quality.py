"""Quality warnings: a definition that is valid but weak.

A council that loads has no errors (see :mod:`engagekit.model.checks`), yet it may still be
thin: actions nobody owns, commitments no action serves, hubs whose place is not yet known,
facts with no source, phases with no clusters, dates that read oddly, a programme that owes
no review or report. Each is a :class:`QualityWarning` naming the file, line and path::

    basildon.yaml:212: programme.action_plan.pillars[0].outcomes[1].actions[2]: warning: action 'CN-3' has no owner

Only what the model does not already refuse is warned about: a key date that ends before it
starts, an assessment reviewed before it is made or a programme adopted after its period ends
are errors, so they never reach here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path as FilePath

import attrs

from engagekit.definition.loading import DefinitionError, _line_for, load_definition, read_definition_file
from engagekit.definition.yaml_reader import YamlProblem, read_yaml
from engagekit.model.action_plan import Action
from engagekit.model.checks import Path, format_path, items_without_source
from engagekit.model.council import Council, Programme
from engagekit.model.instances import places_for
from engagekit.model.local import ForEach, PlaceKind
from engagekit.model.sources import PartialDate

_DEFAULT_NAME = "<definition>"


@attrs.frozen
class QualityWarning:
    """One weakness in a valid definition, at a path such as ``("hubs", 0, "areas")``."""

    file: str
    path: Path
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        if self.path:
            where += f": {format_path(self.path)}"
        return f"{where}: warning: {self.message}"


def load_with_lines(path: str | FilePath, *, display_name: str | None = None) -> tuple[Council, dict[Path, int]]:
    """Load the definition at ``path`` and return it with the line of every path in the file.

    :raises DefinitionError: as :func:`~engagekit.definition.load_definition` does.
    """
    council = load_definition(path, display_name=display_name)
    return council, definition_lines(path)


def definition_lines(path: str | FilePath) -> dict[Path, int]:
    """The line of every path in the definition file at ``path``; empty if it cannot be read.

    Warnings are given for councils already loaded, so a file that cannot be read again (or was
    never a file) only costs the warnings their lines. The file is read as the loader reads it
    (:func:`~engagekit.definition.loading.read_definition_file`): only a regular file, and no
    more than the loader's limit, so a file swapped for a FIFO, a device or something huge
    since it was loaded is not waited on or read without end.
    """
    try:
        _, lines = read_yaml(read_definition_file(path).decode("utf-8"))
    except (DefinitionError, UnicodeDecodeError, YamlProblem):
        return {}
    return lines


def quality_warnings(
    council: Council, lines: dict[Path, int] | None = None, name: str = _DEFAULT_NAME
) -> list[QualityWarning]:
    """Every quality warning for ``council``, in the order of the definition's lines.

    :param lines: the line of each path (from :func:`load_with_lines` or ``read_yaml``); without
        it the warnings have no line and keep the order they are found in.
    :param name: how to name the file in the warnings.
    """
    found: list[tuple[Path, str]] = []
    for index, programme in enumerate(council.programmes()):
        path: Path = ("programme",) if index == 0 else ("earlier_programmes", index - 1)
        found.extend(_actions(path, programme))
        found.extend(_dates(path, programme))
    found.extend(_hubs(council))
    found.extend(_phases(council))
    found.extend(_places_made_for(council))
    found.extend((item, "no source is cited") for item in items_without_source(council))
    found.extend(_governance(council.programme))
    line_map = lines or {}
    warnings = [QualityWarning(name, path, message, _line_for(path, line_map)) for path, message in found]
    if lines:
        warnings.sort(key=lambda warning: warning.line or 0)  # stable: same line keeps found order
    return warnings


def _places_made_for(council: Council) -> list[tuple[Path, str]]:
    """An arrangement made for each place of a kind the council has none of makes nothing at all."""
    found: list[tuple[Path, str]] = []
    declared: list[tuple[Path, str, ForEach | None]] = [
        (("bodies", i), body.id, body.for_each) for i, body in enumerate(council.bodies)
    ]
    g = council.programme.governance
    declared += [
        (("programme", "governance", "review_cycles", i), c.id, c.for_each) for i, c in enumerate(g.review_cycles)
    ]
    declared += [(("programme", "governance", "reports_due", i), r.id, r.for_each) for i, r in enumerate(g.reports_due)]
    for path, item_id, for_each in declared:
        if for_each is not None and for_each.place is not PlaceKind.RECORDED and not places_for(council, for_each):
            found.append(
                ((*path, "for_each"), f"{item_id!r} is made for {for_each.describe()}, but there is none: no instance")
            )
    return found


def _actions(path: Path, programme: Programme) -> list[tuple[Path, str]]:
    found: list[tuple[Path, str]] = []
    served: set[str] = set()
    has_actions = False
    for apath, action in _actions_with_paths(path, programme):
        has_actions = True
        served.update(action.serves)
        if action.owner is None:
            found.append((apath, f"action {action.id!r} has no owner"))
    if has_actions:
        for i, commitment in enumerate(programme.commitments):
            if commitment.id not in served:
                found.append(((*path, "commitments", i), f"commitment {commitment.id!r} is served by no action"))
    return found


def _before(first: PartialDate, second: PartialDate) -> bool:
    """True when ``first`` is certainly before ``second`` (whatever day each partial date means)."""
    return first.latest < second.earliest


def _dates(path: Path, p: Programme) -> list[tuple[Path, str]]:
    found: list[tuple[Path, str]] = []
    end = p.period.end if p.period else None
    if end is not None:
        for i, key_date in enumerate(p.key_dates):
            for field in ("date", "end"):
                value: PartialDate | None = getattr(key_date, field)
                if value is not None and _before(end, value):
                    found.append(
                        (
                            (*path, "key_dates", i, field),
                            f"key date {key_date.id!r} ({value}) is after the programme's period ends ({end})",
                        )
                    )
                    break
        for apath, action in _actions_with_paths(path, p):
            if action.due is not None and _before(end, action.due):
                found.append(
                    (
                        (*apath, "due"),
                        f"action {action.id!r} is due ({action.due}) after the programme's period ends ({end})",
                    )
                )
    if p.adopted is not None:
        g = p.governance
        for i, review in enumerate(g.review_dates):
            if _before(review.date, p.adopted):
                found.append(
                    (
                        (*path, "governance", "review_dates", i, "date"),
                        f"review {review.id!r} ({review.date}) is before the programme is adopted ({p.adopted})",
                    )
                )
        for i, report in enumerate(g.reports_due):
            if report.due is not None and _before(report.due, p.adopted):
                found.append(
                    (
                        (*path, "governance", "reports_due", i, "due"),
                        f"report {report.id!r} is due ({report.due}) before the programme is adopted ({p.adopted})",
                    )
                )
    return found


def _actions_with_paths(path: Path, p: Programme) -> Iterator[tuple[Path, Action]]:
    for i, pillar in enumerate(p.action_plan.pillars):
        for j, outcome in enumerate(pillar.outcomes):
            for k, action in enumerate(outcome.actions):
                yield (*path, "action_plan", "pillars", i, "outcomes", j, "actions", k), action
    for j, outcome in enumerate(p.action_plan.outcomes):
        for k, action in enumerate(outcome.actions):
            yield (*path, "action_plan", "outcomes", j, "actions", k), action


def _hubs(council: Council) -> list[tuple[Path, str]]:
    return [
        (("hubs", i, "areas"), f"hub {hub.id!r} has no area: where it will be is not yet known")
        for i, hub in enumerate(council.hubs)
        if hub.areas is None
    ]


def _phases(council: Council) -> list[tuple[Path, str]]:
    found: list[tuple[Path, str]] = []
    for i, phase in enumerate(council.phases):
        if phase.clusters is None:
            found.append((("phases", i, "clusters"), f"phase {phase.id!r} has no clusters: they are not yet known"))
        elif not phase.clusters:
            found.append((("phases", i, "clusters"), f"phase {phase.id!r} has no clusters"))
    return found


def _governance(p: Programme) -> list[tuple[Path, str]]:
    g = p.governance
    if g.review_cycles or g.review_dates or g.reports_due:
        return []
    return [
        (
            ("programme", "governance"),
            f"programme {p.id!r} owes no reviews or reports (no review cycles, review dates or reports due), "
            "so no governance rule can check it",
        )
    ]
