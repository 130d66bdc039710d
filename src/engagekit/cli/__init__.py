"""The ``engagekit`` command line.

Each command lives in its own module and is imported only when it runs, so
``engagekit --help`` starts fast. Errors in what a user typed or pointed at exit with
status 2 and a message naming the problem; they never print a traceback.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from engagekit.cli.app import App, UsageProblem

COMMANDS = {
    "councils": "engagekit.cli.councils:councils",
    "show": "engagekit.cli.show:show",
    "report": "engagekit.cli.report:report",
    "validate": "engagekit.cli.validate:validate",
    "plugins": "engagekit.cli.plugins_cmd:plugins",
    "db": "engagekit.cli.db:db",
    "record": "engagekit.cli.record:record",
    "import": "engagekit.cli.importing:import_",
    "export": "engagekit.cli.export:export",
    "history": "engagekit.cli.history:history",
    "compare": "engagekit.cli.compare:compare",
    "new-council": "engagekit.cli.new_council:new_council",
    "opendata": "engagekit.cli.opendata:opendata",
    "schema": "engagekit.cli.schema_cmd:schema",
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use; plugins may add more."""

    def __init__(self, *args: Any, lazy: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy
        self._plugins_added = False

    def _add_plugin_commands(self, ctx: click.Context) -> None:
        if self._plugins_added:
            return
        self._plugins_added = True
        app = ctx.find_object(App) or App()
        app.host.add_commands(self)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._add_plugin_commands(ctx)
        return sorted({*self.lazy, *super().list_commands(ctx)})

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a plugin problem in strict mode becomes a one-line error (exit 2)."""
        from engagekit.plugins import PluginError

        try:
            return super().invoke(ctx)
        except PluginError as error:
            raise UsageProblem(str(error)) from None

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy:
            module_name, attribute = self.lazy[name].split(":")
            command = getattr(importlib.import_module(module_name), attribute)
            assert isinstance(command, click.Command)
            return command
        found: click.Command | None = super().get_command(ctx, name)
        if found is None:
            self._add_plugin_commands(ctx)
            found = super().get_command(ctx, name)
        return found


@click.group(
    cls=LazyGroup,
    lazy=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(package_name="engagekit", prog_name="engagekit")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Describe how a council works with its communities, and report delivery.

    \b
    Start here:
      engagekit councils                      list the councils installed
      engagekit report --council basildon     a council's report, as of today
      engagekit validate --definition my.yaml check your own council's file

    Environment: ENGAGEKIT_DEFINITIONS adds councils from definition files;
    ENGAGEKIT_LOAD_PLUGINS / ENGAGEKIT_DISABLE_PLUGINS choose plugins;
    ENGAGEKIT_STRICT_PLUGINS=1 fails on any plugin problem.
    """
    ctx.obj = ctx.obj or App()


def main() -> None:
    """The console script entry point."""
    sys.exit(cli.main(prog_name="engagekit", standalone_mode=True))
