"""A test plugin implementing every hook in :mod:`engagekit.hookspecs`.

It registers a small council ("testshire") from a YAML string, a Python rule for it, an
extra report section, a renderer called "shout" and a command called "every-hook". The
test suite loads it by file path and hands it to ``get_plugin_host(plugins=...)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import click

import engagekit
from engagekit.definition import load_definition_text
from engagekit.model import Council
from engagekit.report.document import Paragraph, Report, Section
from engagekit.report.renderers import Renderer
from engagekit.report.text import render_text
from engagekit.rules import Finding, Rule, RuleContext, Status

COUNCIL_ID = "testshire"
RULE_ID = "every-hook-rule"
SECTION_ID = "every-hook-section"
SECTION_TITLE = "Every hook section"
RENDERER_NAME = "shout"
COMMAND_NAME = "every-hook"
COMMAND_OUTPUT = "every-hook plugin command ran"

DEFINITION_YAML = """\
id: testshire
name: "Testshire District Council"
council_type: district
documents:
  - id: testshire-plan-2020
    title: "Testshire Engagement Plan 2020"
programme:
  id: testshire-engagement
  name: "Testshire Engagement Plan"
  adopted: 2020-01-15
  governance:
    review_dates:
      - id: plan-review
        subject: "the Testshire Engagement Plan"
        date: 2021-06
        source: {document: testshire-plan-2020, section: "Review"}
"""


def build_council() -> Council:
    """The plugin's council, built from the YAML text above."""
    return load_definition_text(DEFINITION_YAML, "every_hook.yaml")


def every_hook_check(context: RuleContext) -> Iterable[Finding]:
    yield Finding(
        rule_id=RULE_ID,
        rule_title="The every-hook plugin's rule",
        subject="Testshire",
        status=Status.GREY,
        message=f"Every hook rule ran as of {context.as_of.isoformat()}.",
    )


def shout(report: Report) -> str:
    return render_text(report).upper()


@engagekit.hookimpl
def engagekit_register_councils(register: Callable[..., None]) -> None:
    register(build_council())


@engagekit.hookimpl
def engagekit_register_rules(council: Council, register: Callable[[Rule], None]) -> None:
    if council.id != COUNCIL_ID:
        return
    register(Rule(id=RULE_ID, title="The every-hook plugin's rule", check=every_hook_check))


@engagekit.hookimpl
def engagekit_report_sections(council: Council, context: RuleContext) -> list[Section] | None:
    if council.id != COUNCIL_ID:
        return None
    return [
        Section(
            SECTION_ID,
            SECTION_TITLE,
            [Paragraph(f"Written by the every-hook plugin; {len(context.findings)} findings so far.")],
        )
    ]


@engagekit.hookimpl
def engagekit_register_renderers(register: Callable[..., None]) -> None:
    register(Renderer(RENDERER_NAME, shout, "The text report in capitals", "txt"))


@engagekit.hookimpl
def engagekit_register_commands(cli: click.Group) -> None:
    @cli.command(COMMAND_NAME)
    def every_hook_command() -> None:
        """Say that the every-hook plugin's command ran.

        \b
        Examples:
          engagekit every-hook
        """
        click.echo(COMMAND_OUTPUT)
