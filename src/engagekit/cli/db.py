"""``engagekit db``: where the records are kept, and bringing their schema up to date."""

from __future__ import annotations

import click

from engagekit.cli.app import App, UsageProblem, pass_app


@click.group()
def db() -> None:
    """The records store: SQLite in your data folder by default, or ENGAGEKIT_DATABASE_URL.

    \b
    Examples:
      engagekit db status
      engagekit db upgrade
      ENGAGEKIT_DATABASE_URL=postgresql+psycopg://localhost/engagekit engagekit db upgrade
    """


@db.command()
@pass_app
def status(app: App) -> None:
    """Say where the records are, the schema version, and how many there are."""
    from engagekit.records.store import StoreError, open_store
    from engagekit.settings import Settings

    settings = Settings()
    try:
        store = open_store(settings.store_url(), upgrade=False, busy_timeout_ms=settings.busy_timeout_ms)
        with store:
            found = store.status()
    except StoreError as error:
        raise UsageProblem(str(error)) from None
    click.echo(f"Store:   {found.url}")
    if found.revision is None:
        click.echo(f"Schema:  none yet (it is created on first use, or by 'engagekit db upgrade'; latest {found.head})")
        return
    state = "up to date" if found.current else f"behind: run 'engagekit db upgrade' to reach {found.head}"
    click.echo(f"Schema:  {found.revision} ({state})")
    for kind, count in found.counts.items():
        click.echo(f"  {kind}: {count:,}")


@db.command()
@pass_app
def upgrade(app: App) -> None:
    """Bring the schema up to date, keeping every record."""
    store = app.store()
    assert store is not None
    with store:
        found = store.status()
    click.echo(f"{found.url}: schema {found.revision} (up to date)")
