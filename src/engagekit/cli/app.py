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
    from engagekit.settings import Settings


class UsageProblem(click.ClickException):
    """Bad input from the user: shown as one line (or one per problem), exit status 2."""

    exit_code = 2

    def show(self, file: object = None) -> None:
        click.echo(f"engagekit: {shown(self.format_message())}", err=True)


class StoreProblem(UsageProblem):
    """The records store cannot be used: one line, and the exit status of its kind of failure.

    Made from an :class:`engagekit.records.errors.StoreError`, whose class gives the status
    (see ``docs/store-problems.md``).
    """

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        setattr(self, "exit_code", exit_code)  # noqa: B010 (click reads it from the instance)


def shown(text: str) -> str:
    """``text`` safe to print on any terminal or pipe: bytes that were not UTF-8 (which Python
    keeps as lone surrogates, as in a file name) are shown as ``\\xNN`` escapes."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return text


class App:
    """Shared state for one run of the command line."""

    def __init__(self) -> None:
        self._host: PluginHost | None = None
        self._settings: Settings | None = None

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

        A command that records (``must_exist`` false) is refused an in-memory SQLite store,
        whose records would be lost when the command ends (``StoreNotKept``). A store that
        cannot be used raises :class:`engagekit.records.errors.StoreError`, which the command
        line shows as one line with the exit status of its kind.
        """
        if must_exist and not store_may_exist():
            return None  # nothing configured and no default file: skip loading the database layer
        from engagekit.records.errors import StoreNotKept
        from engagekit.records.store import in_memory, open_store, redact

        settings = self.settings()
        url = settings.store_url()
        if must_exist and not settings.database_url and not (settings.data_dir / "engagekit.db").exists():
            return None
        if not must_exist and in_memory(url):
            raise StoreNotKept(
                f"{redact(url)} is a store in memory, lost when the command ends, so nothing would be kept; "
                "set ENGAGEKIT_DATABASE_URL to a file (sqlite:///records.db) or a PostgreSQL server"
            )
        return open_store(url, busy_timeout_ms=settings.busy_timeout_ms)

    def settings(self) -> Settings:
        """The settings (read once per run); a bad one is a one-line problem naming it and where it is."""
        if self._settings is None:
            from engagekit.settings import SettingsProblem, load_settings

            try:
                self._settings = load_settings()
            except SettingsProblem as problem:
                raise UsageProblem(str(problem)) from None
        return self._settings

    def who(self, given: str | None) -> str:
        """Who is recording: ``--by``, else the setting, else the login name."""
        if given:
            return given
        return self.settings().who()

    def council(self, council_id: str | None, definition: Path | None) -> Council:
        """The council named on the command line, by id or by definition file."""
        from engagekit.plugins import PluginError

        if definition is not None and council_id is not None:
            raise UsageProblem("give --council or --definition, not both")
        if definition is not None:
            from engagekit.definition import DefinitionError
            from engagekit.definition.cache import load_council
            from engagekit.definition.loading import read_definition_file

            try:  # checked as load_definition checks it; a valid one's model is kept between runs
                return load_council(read_definition_file(definition, str(definition)), str(definition))
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
    """The default --as-of date: today, or ENGAGEKIT_TODAY (YYYY-MM-DD) for reproducible runs.

    ENGAGEKIT_TODAY is read as strictly as a date in a file (:func:`engagekit.records.cells.date`).
    """
    fixed = os.environ.get("ENGAGEKIT_TODAY")
    if fixed:
        from engagekit.records.cells import date

        try:
            return date(fixed)
        except ValueError as error:
            if "is not a date written" in str(error):
                raise UsageProblem(f"ENGAGEKIT_TODAY={fixed!r} is not a date written YYYY-MM-DD") from None
            raise UsageProblem(f"ENGAGEKIT_TODAY: {error}") from None
    return dt.date.today()


def parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    """A click callback for date options: strictly YYYY-MM-DD, a day that exists, 1900 to 2199.

    Read by :func:`engagekit.records.cells.date`, as a date in an import file is, so a report
    can never be asked for a day it cannot draw (``--as-of 0001-01-01``).
    """
    if value is None:
        return None
    from engagekit.records.cells import date

    try:
        return date(value)
    except ValueError as error:
        name = param.opts[0] if param.opts else param.human_readable_name
        raise UsageProblem(f"{name}: {error}") from None


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
