"""A testing kit for engagekit plugin authors: pytest fixtures and a conformance check.

engagekit registers this module as a pytest plugin (the ``pytest11`` entry point
``engagekit``), so the fixtures are there in any project that has engagekit installed;
without the entry point, load it with ``pytest -p engagekit.testing``. Nothing here is
autouse and importing it loads no more of engagekit than the package itself, so it costs
projects that do not use it nothing.

A council plugin's whole test can be::

    from engagekit.testing import check_conformance

    def test_conforms(load_council):
        assert check_conformance(load_council("my-council")) == []

Fixtures:

``engagekit_host``
    A plugin host with the built-ins and the installed plugins, blind to ``ENGAGEKIT_*``
    variables in the environment.
``load_council``
    ``load_council("thurrock")`` or ``load_council(path_to_yaml)``: a checked council.
``record_store``
    A fresh SQLite records store in ``tmp_path``; add records with
    ``record_store.add(council, [...])``.
``evaluate_as_of``
    ``evaluate_as_of(council, "2025-03-31", store=None)``: the findings, with the plugins' rules.
``run_engagekit``
    ``run_engagekit("report", "--council", "thurrock")``: runs the command line in-process
    (click's ``CliRunner``) with ``ENGAGEKIT_*`` cleared and config and data kept in
    ``tmp_path``; returns the ``click.testing.Result``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import pytest

if TYPE_CHECKING:
    from click.testing import Result

    from engagekit.model import Council
    from engagekit.plugins import PluginHost
    from engagekit.records.store import RecordStore
    from engagekit.rules import Finding

__all__ = [
    "CONFORMANCE_FORMATS",
    "check_conformance",
    "engagekit_host",
    "evaluate_as_of",
    "load_council",
    "record_store",
    "run_engagekit",
]

CONFORMANCE_FORMATS = ("text", "json", "html")
"""The report formats :func:`check_conformance` renders."""


# -- the conformance check ------------------------------------------------------------------


def check_conformance(
    council: Council | str | os.PathLike[str],
    *,
    host: PluginHost | None = None,
    dates: Iterable[dt.date] | None = None,
) -> list[str]:
    """Everything wrong with a council, one problem a line; an empty list means it conforms.

    :param council: a :class:`~engagekit.model.Council`, a definition file (a path, or a string
        naming an existing ``.yaml``/``.yml`` file), or the id of an installed council.
    :param host: the plugin host whose rules and renderers to use (default: the installed
        plugins, with the ``ENGAGEKIT_*`` environment ignored).
    :param dates: the dates to evaluate at (default: today, and one, three and ten years ago).

    It checks that the definition loads and validates; that every item cites a source; that
    the report renders as text, JSON and HTML; that rule ids are unique; and that, with no
    records, no finding is green (green must rest on evidence).
    """
    from engagekit.definition import DefinitionError, load_definition
    from engagekit.model import Council, CouncilInvalid, items_without_source
    from engagekit.plugins import PluginError, get_plugin_host

    if host is None:
        host = get_plugin_host(environ={})
    problems: list[str] = []

    # The definition loads and validates.
    if not isinstance(council, Council):
        try:
            council = load_definition(Path(council)) if _is_definition_path(council) else host.council(str(council))
        except (DefinitionError, CouncilInvalid, PluginError) as error:
            return [f"the definition does not load: {error}", *(str(p) for p in host.problems)]
        except OSError as error:
            return [f"the definition cannot be read: {error}"]
    problems.extend(f"plugin problem: {problem}" for problem in host.problems)
    host.problems.clear()

    # Every item has a source.
    for path in items_without_source(council):
        problems.append(f"no source: {_dotted(path)}")

    # Rule ids are unique (the host refuses a plugin's clashing rule and says so).
    from engagekit.rules import definition_rules

    try:
        extra_rules = host.rules(council)
    except PluginError as error:
        problems.append(f"plugin rules: {error}")
        extra_rules = []
    seen: set[str] = set()
    for rule in [*definition_rules(council), *extra_rules]:
        if rule.id in seen:
            problems.append(f"rule id {rule.id!r} is used more than once")
        seen.add(rule.id)
    problems.extend(f"plugin problem: {problem}" for problem in host.problems)
    host.problems.clear()

    # The report renders.
    problems.extend(_render_problems(council, host))

    # No finding is green without evidence.
    from engagekit.rules import Status, evaluate

    today = dt.date.today()
    when = list(dates) if dates is not None else [today, *(_years_before(today, n) for n in (1, 3, 10))]
    for as_of in when:
        try:
            findings = evaluate(council, as_of, extra_rules=extra_rules)
        except Exception as error:
            problems.append(f"evaluating as of {as_of}: {type(error).__name__}: {error}")
            continue
        for finding in findings:
            if finding.status is Status.GREEN and not finding.evidence:
                problems.append(
                    f"as of {as_of}, rule {finding.rule_id!r} ({finding.subject}) is green with no evidence recorded"
                )
    return problems


def _render_problems(council: Council, host: PluginHost) -> list[str]:
    from engagekit.report import council_report

    problems: list[str] = []
    try:
        report = council_report(council, dt.date.today(), host=host)
    except Exception as error:
        return [f"the report cannot be built: {type(error).__name__}: {error}"]
    renderers = host.renderers()
    for name in CONFORMANCE_FORMATS:
        renderer = renderers.get(name)
        if renderer is None:
            problems.append(f"no {name!r} renderer is registered")
            continue
        try:
            output = renderer.render(report)
            if name == "json":
                json.loads(output)
        except Exception as error:
            problems.append(f"the report does not render as {name}: {type(error).__name__}: {error}")
            continue
        if not output:
            problems.append(f"the report renders as {name} to nothing")
    problems.extend(f"plugin problem: {problem}" for problem in host.problems)
    host.problems.clear()
    return problems


def _is_definition_path(value: str | os.PathLike[str]) -> bool:
    if isinstance(value, os.PathLike):
        return True
    return value.endswith((".yaml", ".yml")) or Path(value).is_file()


def _dotted(path: Iterable[object]) -> str:
    return ".".join(str(part) for part in path) or "(the council)"


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _as_date(value: dt.date | str) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


# -- fixtures --------------------------------------------------------------------------------


class LoadCouncil(Protocol):
    def __call__(self, council: Council | str | os.PathLike[str]) -> Council: ...


class EvaluateAsOf(Protocol):
    def __call__(
        self, council: Council | str | os.PathLike[str], as_of: dt.date | str, store: RecordStore | None = None
    ) -> list[Finding]: ...


class RunEngagekit(Protocol):
    def __call__(self, *args: str, env: Mapping[str, str] | None = None, input: str | None = None) -> Result: ...


@pytest.fixture
def engagekit_host() -> PluginHost:
    """A host with the built-ins and the installed plugins; ``ENGAGEKIT_*`` variables are ignored."""
    from engagekit.plugins import get_plugin_host

    return get_plugin_host(environ={})


@pytest.fixture
def load_council(engagekit_host: PluginHost) -> LoadCouncil:
    """A factory: ``load_council("id")`` from the installed plugins, or ``load_council(path)``."""
    from engagekit.definition import load_definition
    from engagekit.model import Council

    def load(council: Council | str | os.PathLike[str]) -> Council:
        if isinstance(council, Council):
            return council
        if _is_definition_path(council):
            return load_definition(Path(council))
        return engagekit_host.council(str(council))

    return load


@pytest.fixture
def record_store(tmp_path: Path) -> Iterator[RecordStore]:
    """A fresh, migrated SQLite records store in ``tmp_path``, closed after the test."""
    from engagekit.records.store import open_store

    store = open_store(f"sqlite:///{tmp_path / 'engagekit-records.db'}", busy_timeout_ms=30_000)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def evaluate_as_of(engagekit_host: PluginHost, load_council: LoadCouncil) -> EvaluateAsOf:
    """A factory: the findings for a council as of a date, from a store's records or none."""
    from engagekit.rules import evaluate

    def run(
        council: Council | str | os.PathLike[str], as_of: dt.date | str, store: RecordStore | None = None
    ) -> list[Finding]:
        loaded = load_council(council)
        evidence = store.evidence(loaded) if store is not None else None
        return evaluate(loaded, _as_date(as_of), evidence=evidence, extra_rules=engagekit_host.rules(loaded))

    return run


@pytest.fixture
def run_engagekit(tmp_path: Path) -> RunEngagekit:
    """A function that runs ``engagekit ARGS...`` in-process and returns click's ``Result``.

    ``ENGAGEKIT_*`` variables are cleared for the run and the config file and records store are
    kept under ``tmp_path``; ``env`` adds or overrides variables (``ENGAGEKIT_TODAY`` to fix
    the date, ``ENGAGEKIT_DEFINITIONS`` to add a definition file).
    """
    from click.testing import CliRunner

    from engagekit.cli import cli

    home = tmp_path / "engagekit-home"

    def run(*args: str, env: Mapping[str, str] | None = None, input: str | None = None) -> Result:
        environment: dict[str, str | None] = {name: None for name in os.environ if name.startswith("ENGAGEKIT_")}
        environment["ENGAGEKIT_CONFIG"] = str(home / "config.toml")
        environment["ENGAGEKIT_DATA_DIR"] = str(home / "data")
        environment.update(env or {})
        return CliRunner(env=environment).invoke(cli, list(args), input=input, prog_name="engagekit")

    return run
