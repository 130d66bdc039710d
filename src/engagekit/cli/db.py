"""``engagekit db``: where the records are kept, and bringing their schema up to date."""

from __future__ import annotations

import click

from engagekit.cli.app import App, pass_app


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
    # It only reads: a read-only store, or one on a full disk, is described all the same; a
    # store written by a newer engagekit is refused as such (exit status 15).
    from engagekit.records.store import open_store

    settings = app.settings()
    with open_store(settings.store_url(), upgrade=False, busy_timeout_ms=settings.busy_timeout_ms) as store:
        found = store.status()
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
    # A store written by a newer engagekit is left as it is (exit status 15).
    store = app.store()
    assert store is not None
    with store:
        found = store.status()
    click.echo(f"{found.url}: schema {found.revision} (up to date)")
