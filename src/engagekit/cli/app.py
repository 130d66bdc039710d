"""The application object every command receives: the plugin host, built on first use."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from engagekit.model import Council
    from engagekit.plugins import PluginHost
    from engagekit.records.store import RecordStore


class UsageProblem(click.ClickException):
    """Bad input from the user: shown as one line (or one per problem), exit status 2."""

    exit_code = 2

    def show(self, file: object = None) -> None:
        click.echo(f"engagekit: {self.format_message()}", err=True)


class App:
    """Shared state for one run of the command line."""

    def __init__(self) -> None:
        self._host: PluginHost | None = None

    @property
    def host(self) -> PluginHost:
        if self._host is None:
            from engagekit.plugins import PluginError, get_plugin_host

            try:
                self._host = get_plugin_host()
            except PluginError as error:
                raise UsageProblem(str(error)) from None
        return self._host

    def warn_plugin_problems(self) -> None:
        """Show plugin problems on standard error (once), so the output itself stays clean."""
        for problem in self.host.problems:
            first, *rest = str(problem).splitlines()
            click.echo(f"engagekit: warning: {first}", err=True)
            for line in rest:
                click.echo(f"  {line}", err=True)
        self.host.problems.clear()

    def note_skipped_definitions(self) -> None:
        """Name, on standard error, each file in an ENGAGEKIT_DEFINITIONS folder that was not read.

        The host reads ``os.environ``, so this names the same folders its definition files came from.
        """
        from engagekit.builtins.folders import skipped_files

        for skipped in skipped_files(os.environ.get("ENGAGEKIT_DEFINITIONS", "")):
            click.echo(f"engagekit: note: {skipped}", err=True)

    def store(self, *, must_exist: bool = False) -> RecordStore | None:
        """The records store from settings; ``None`` if ``must_exist`` and there is none yet.

        The default SQLite file is created (and migrated) on first use by a command that
        records; a report only reads a store that already exists.
        """
        if must_exist and not store_may_exist():
            return None  # nothing configured and no default file: skip loading the database layer
        from engagekit.records.store import StoreError, open_store
        from engagekit.settings import Settings

        settings = Settings()
        url = settings.store_url()
        if must_exist and not settings.database_url and not (settings.data_dir / "engagekit.db").exists():
            return None
        try:
            return open_store(url, busy_timeout_ms=settings.busy_timeout_ms)
        except StoreError as error:
            raise UsageProblem(str(error)) from None

    def who(self, given: str | None) -> str:
        """Who is recording: ``--by``, else the setting, else the login name."""
        if given:
            return given
        from engagekit.settings import Settings

        return Settings().who()

    def council(self, council_id: str | None, definition: Path | None) -> Council:
        """The council named on the command line, by id or by definition file."""
        from engagekit.plugins import PluginError

        if definition is not None and council_id is not None:
            raise UsageProblem("give --council or --definition, not both")
        if definition is not None:
            from engagekit.definition import DefinitionError, load_definition

            try:
                return load_definition(definition)
            except DefinitionError as error:
                raise UsageProblem(str(error)) from None
        if council_id is None:
            raise UsageProblem("say which council: --council ID (see 'engagekit councils') or --definition FILE")
        try:
            council = self.host.council(council_id)
        except PluginError as error:
            self.warn_plugin_problems()
            raise UsageProblem(str(error)) from None
        self.warn_plugin_problems()
        return council


def store_may_exist() -> bool:
    """Whether a records store might exist, decided without loading pydantic or SQLAlchemy.

    False only when no database URL or config file is set and the default SQLite file is absent.
    """
    if os.environ.get("ENGAGEKIT_DATABASE_URL"):
        return True
    import platformdirs

    config = os.environ.get("ENGAGEKIT_CONFIG")
    if (
        Path(config).expanduser().exists()
        if config
        else (Path(platformdirs.user_config_dir("engagekit")) / "config.toml").exists()
    ):
        return True
    data = os.environ.get("ENGAGEKIT_DATA_DIR")
    folder = Path(data).expanduser() if data else Path(platformdirs.user_data_dir("engagekit"))
    return (folder / "engagekit.db").exists()


def today() -> dt.date:
    """The default --as-of date: today, or ENGAGEKIT_TODAY (YYYY-MM-DD) for reproducible runs."""
    fixed = os.environ.get("ENGAGEKIT_TODAY")
    if fixed:
        try:
            return dt.date.fromisoformat(fixed)
        except ValueError:
            raise UsageProblem(f"ENGAGEKIT_TODAY={fixed!r} is not a date written YYYY-MM-DD") from None
    return dt.date.today()


def parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    """A click callback for date options written YYYY-MM-DD."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date written YYYY-MM-DD (for example 2026-03-31)") from None


pass_app = click.make_pass_decorator(App, ensure=True)

council_option = click.option(
    "--council", "-c", "council_id", metavar="ID", help="The council's id (see 'engagekit councils')."
)
definition_option = click.option(
    "--definition",
    "-d",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="Use a council definition file directly, with no plugin.",
)
