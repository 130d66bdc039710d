"""The hooks a plugin can implement. Each takes keyword arguments; new arguments may be added.

A plugin is a module (or object) with functions decorated ``@engagekit.hookimpl`` and named
as below, published under the entry point group ``engagekit``::

    [project.entry-points.engagekit]
    mycouncil = "engagekit_mycouncil"

Registration hooks take a ``register`` callback so engagekit can check what comes in and
refuse duplicates with an error naming both plugins. The order in which plugins are called
does not change any result: councils, rules and renderers are keyed by id, and extra report
sections are ordered by plugin name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import click

    from engagekit.model import Council
    from engagekit.report.document import Section
    from engagekit.rules import Rule
    from engagekit.rules.context import RuleContext

hookspec = pluggy.HookspecMarker("engagekit")
hookimpl = pluggy.HookimplMarker("engagekit")


@hookspec
def engagekit_register_councils(register: Callable[..., None]) -> None:
    """Register the councils this plugin provides.

    :param register: call ``register(definition)`` once per council, where ``definition`` is
        the path of a definition file (a :class:`pathlib.Path` or an
        :mod:`importlib.resources` traversable) or a ready-built :class:`~engagekit.model.Council`.
        A definition file is loaded and checked at once; a problem in it is reported against
        this plugin and leaves every other council working.
    :return: nothing; everything goes through ``register``.
    """


@hookspec
def engagekit_register_rules(council: Council, register: Callable[[Rule], None]) -> None:
    """Register extra reporting rules, written in Python, for a council.

    Called once per report for the council being reported on. Most rules need no Python:
    governance review cycles, review dates, reports due, meeting quotas and the rules in a
    definition's ``rules:`` list are evaluated by engagekit itself.

    :param council: the council being evaluated; register nothing for councils you do not know.
    :param register: call ``register(rule)`` with an :class:`engagekit.rules.Rule`. A rule id
        already used by the council's definition or another plugin is refused.
    :return: nothing; everything goes through ``register``.
    """


@hookspec
def engagekit_report_sections(council: Council, context: RuleContext) -> list[Section] | None:
    """Add sections to a council's report, after engagekit's own and before the findings and sources.

    :param council: the council being reported on.
    :param context: the as-of date, the evidence and the findings already made
        (``context.as_of``, ``context.findings``).
    :return: a list of :class:`engagekit.report.document.Section`, or ``None`` for none.
        Sections from several plugins appear in the order of the plugins' names.
    """


@hookspec
def engagekit_register_renderers(register: Callable[..., None]) -> None:
    """Register output formats for reports.

    :param register: call ``register(renderer)`` with an
        :class:`engagekit.report.renderers.Renderer` (a name such as ``"csv"``, a function from
        a :class:`~engagekit.report.document.Report` to text or bytes, a description, and the
        file extension that ``--output`` recognises, such as ``"csv"``).
        A format name already registered is refused.
    :return: nothing; everything goes through ``register``.
    """


@hookspec
def engagekit_register_commands(cli: click.Group) -> None:
    """Add commands to the ``engagekit`` command line.

    :param cli: the root :class:`click.Group`; add commands with ``@cli.command()``. Keep
        heavy imports inside the command functions so ``engagekit --help`` stays fast.
    :return: nothing.
    """
