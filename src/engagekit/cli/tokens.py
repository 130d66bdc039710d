"""``engagekit tokens``: API tokens with which a council's own systems read and write records."""

from __future__ import annotations

import click

from engagekit.cli.app import App, UsageProblem, pass_app


@click.group()
def tokens() -> None:
    """API tokens for a council's systems: each is for one council, to read or to write.

    \b
    Examples:
      engagekit tokens create --council basildon --name performance-system --scope write
      engagekit tokens list --council basildon
      engagekit tokens revoke --council basildon --name performance-system

    A token is printed once, when it is made: only its SHA-256 digest is kept. Records written
    with it are recorded by the token's name.
    """


@tokens.command()
@click.option("--council", "council_id", required=True, help="The council the token is for.")
@click.option("--name", required=True, help="What uses it; records it writes are recorded by this name.")
@click.option("--scope", type=click.Choice(("read", "write")), required=True, help="read, or write (and read).")
@pass_app
def create(app: App, council_id: str, name: str, scope: str) -> None:
    """Make a token and print it (once: it cannot be shown again)."""
    from engagekit.accounts import AccountProblem, Scope, queries

    council = app.council(council_id, None)
    store = app.store()
    assert store is not None
    with store:
        try:
            token, secret = queries.create_token(store, council.id, name, Scope(scope))
        except AccountProblem as error:
            raise UsageProblem(str(error)) from None
        detail = {"token": token.name, "scope": scope}
        queries.append_audit(store, app.who(None), "token.create", council.id, detail, None)
    click.echo(secret)
    click.echo(
        f"engagekit: {scope} token {token.name!r} for {council.id}: keep it now, it is not shown again", err=True
    )


@tokens.command(name="list")
@click.option("--council", "council_id", help="Only this council's tokens.")
@pass_app
def list_(app: App, council_id: str | None) -> None:
    """List the tokens (never their secrets): council, name, scope, when made and last used, revoked."""
    from engagekit.accounts import queries

    if council_id is not None:
        council_id = app.council(council_id, None).id
    store = app.store(must_exist=True)
    found = []
    if store is not None:
        with store:
            found = queries.list_tokens(store, council_id)
    if not found:
        click.echo("No tokens.")
        return
    for token in found:
        used = f"last used {_moment(token.last_used)}" if token.last_used else "never used"
        revoked = f"  (revoked {_moment(token.revoked)})" if token.revoked else ""
        click.echo(
            f"{token.council_id}  {token.name}  {token.scope.value}  made {_moment(token.created)}, {used}{revoked}"
        )


def _moment(value: object) -> str:
    import datetime as dt

    return value.strftime("%Y-%m-%d %H:%M UTC") if isinstance(value, dt.datetime) else str(value)


@tokens.command()
@click.option("--council", "council_id", required=True, help="The token's council.")
@click.option("--name", required=True, help="The token's name.")
@pass_app
def revoke(app: App, council_id: str, name: str) -> None:
    """Revoke a token: it is refused from now on (and kept in the list, marked revoked)."""
    from engagekit.accounts import AccountProblem, queries

    store = app.store(must_exist=True)
    if store is None:
        raise UsageProblem(f"council {council_id!r} has no token named {name!r}: there is no records store yet")
    with store:
        try:
            token = queries.revoke_token(store, council_id, name)
        except AccountProblem as error:
            raise UsageProblem(str(error)) from None
        queries.append_audit(store, app.who(None), "token.revoke", council_id, {"token": token.name}, None)
    click.echo(f"Revoked {token.council_id} token {token.name!r}")
