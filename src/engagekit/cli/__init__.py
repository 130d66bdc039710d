"""The ``engagekit`` command line.

Each command lives in its own module and is imported only when it runs, so
``engagekit --help`` starts fast. Errors in what a user typed or pointed at exit with
status 2 and a message naming the problem; they never print a traceback. A records store
that cannot be used exits with the status of its kind of failure (``docs/store-problems.md``).

Before any command parses its options, :class:`LazyGroup` refuses, for every command alike,
a single-valued option given twice (``--council a --council b``) and text arguments holding
bytes that are not UTF-8.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from engagekit.cli.app import App, StoreProblem, UsageProblem

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
    "calendar": "engagekit.cli.calendar:calendar",
    "new-council": "engagekit.cli.new_council:new_council",
    "opendata": "engagekit.cli.opendata:opendata",
    "schema": "engagekit.cli.schema_cmd:schema",
    "serve": "engagekit.cli.serve:serve",
    "publish": "engagekit.cli.publish:publish",
    "users": "engagekit.cli.users:users",
    "tokens": "engagekit.cli.tokens:tokens",
}


SUMMARIES = {
    "councils": "List the councils that plugins and definition files provide.",
    "show": "Show a council's model: programme, places, commitments and action plan.",
    "report": "Report a council's programme and its findings as of a date.",
    "validate": "Check council definitions: every problem on a line of its own, with file, line and path.",
    "plugins": "List plugins with their package, version and hooks, and any load errors.",
    "db": "The records store: SQLite in your data folder by default, or ENGAGEKIT_DATABASE_URL.",
    "record": "Record what has happened: action updates, indicator readings, events and reviews.",
    "import": "Import records from FILE, all or nothing.",
    "export": "Export every record of a council, corrections included, with who recorded each and when.",
    "history": "Show an action's updates, oldest first; corrected ones are marked.",
    "compare": "Compare councils side by side: programme, commitments, actions by status, findings, engagement.",
    "calendar": "Write a council's calendar: every due date and recorded event, as iCalendar (RFC 5545).",
    "new-council": "Start a plugin package for a new council: engagekit-<id>/.",
    "opendata": "Publish a council's community hubs as an Open Referral UK API, in a folder.",
    "schema": "Print the JSON Schema (draft 2020-12) of council definition files.",
    "serve": "Serve the public pages, the JSON API and the Open Referral UK API over HTTP.",
    "publish": "Write a council's public pages as a static site, in a folder.",
    "users": "Accounts for the web service: who may sign in, and their role on each council.",
    "tokens": "API tokens for a council's systems: each is for one council, to read or to write.",
}
"""The first paragraph of each command's help, so ``engagekit --help`` lists the commands without
importing them (``tests/test_startup.py`` holds each to its command's own help)."""


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
        """Run the command; a plugin problem in strict mode becomes a one-line error (exit 2), and
        a store that cannot be used one line with its own exit status."""
        from engagekit.plugins import PluginError

        try:
            return super().invoke(ctx)
        except PluginError as error:
            raise UsageProblem(str(error)) from None
        except Exception as error:
            # The store's errors are known without loading them: if their module was never
            # imported, no command used a store, and this error is not one of them.
            errors = sys.modules.get("engagekit.records.errors")
            if errors is not None and isinstance(error, errors.StoreError):
                raise StoreProblem(str(error), error.exit_code) from None
            raise

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """Find the command, then check its arguments as every command's are checked."""
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None and not ctx.resilient_parsing:
            check_arguments(ctx, command, rest)
        return name, command, rest

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands and their short help, as click lists them, without importing lazy ones.

        A command whose module is not loaded yet is summarised from :data:`SUMMARIES` (its
        help's first paragraph, shortened as click shortens it); any other is asked itself.
        """
        rows: list[tuple[str, str | click.Command]] = []
        for name in self.list_commands(ctx):
            module = self.lazy[name].split(":")[0] if name in self.lazy else None
            if module is not None and name in SUMMARIES and module not in sys.modules:
                rows.append((name, SUMMARIES[name]))
                continue
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command))
        if not rows:
            return
        limit = formatter.width - 6 - max(len(name) for name, _ in rows)
        listed: list[tuple[str, str]] = []
        for name, item in rows:
            command = click.Command(name, help=item) if isinstance(item, str) else item  # shortened as click does
            listed.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(listed)

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


def check_arguments(parent: click.Context, command: click.Command, args: list[str]) -> None:
    """Refuse what click would take silently, for ``command`` and any subcommand it names.

    A single-valued option given twice is an error rather than "the last wins"; an argument
    holding bytes that are not UTF-8 (Python keeps them as lone surrogates) is named, unless
    it is a path, whose name may be any bytes. Anything else click's own parsing reports.
    """
    context = click.Context(command, info_name=command.name, parent=parent, resilient_parsing=True)
    try:
        values, rest, order = command.make_parser(context).parse_args(args=list(args))
    except click.ClickException:
        return
    seen: set[str | None] = set()
    for param in order:
        if isinstance(param, click.Option) and not (param.multiple or param.count or param.is_eager):
            if param.name in seen:
                raise UsageProblem(f"{_option_name(param)} given twice; give it once")
            seen.add(param.name)
    for param in command.get_params(context):
        if isinstance(param.type, (click.Path, click.File)):
            continue
        if _not_utf8(values.get(param.name)):
            label = _option_name(param) if isinstance(param, click.Option) else param.human_readable_name
            raise UsageProblem(f"{label} holds bytes that are not UTF-8")
    if isinstance(command, click.Group) and rest:
        found = command.get_command(context, rest[0])
        if found is not None:
            check_arguments(context, found, rest[1:])


def _option_name(param: click.Parameter) -> str:
    """An option's long name (``--council`` rather than ``-c``)."""
    return max(param.opts, key=len) if param.opts else param.human_readable_name


def _not_utf8(value: object) -> bool:
    """Whether ``value`` (text, or a list of texts) holds a lone surrogate, i.e. bytes that were not UTF-8."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, (list, tuple)):
        return any(_not_utf8(each) for each in value)
    return False


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
    """The console script entry point.

    Standard output and error show any character they cannot encode (a file name's bytes
    that are not UTF-8) as an escape instead of failing. The methods attrs compiles for each
    class are kept between runs (:mod:`engagekit.cli.code_cache`).

    At exit, once every other exit handler has run, the objects the run made are frozen
    (:func:`gc.freeze`), so the interpreter's last garbage collections, which walk every object
    the libraries and the council's model made only to find nearly all of them still in use,
    skip them: about a sixth of a report's time here (``docs/performance.md``). Nothing is lost
    by it: files and the store are closed by the commands themselves, standard output and error
    are still flushed, and objects no cycle holds are still freed as the modules are cleared.
    """
    import atexit
    import gc

    atexit.register(gc.freeze)  # registered first, so it runs last
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    from engagekit.cli.code_cache import enable

    enable()
    sys.exit(cli.main(prog_name="engagekit", standalone_mode=True))
