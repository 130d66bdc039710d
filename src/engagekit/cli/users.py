"""``engagekit users``: the accounts that sign in to the web service, and their role on each council."""

from __future__ import annotations

import sys

import click

from engagekit.cli.app import App, UsageProblem, pass_app

ROLES = ("viewer", "editor", "admin")


@click.group()
def users() -> None:
    """Accounts for the web service: who may sign in, and their role on each council.

    \b
    Examples:
      engagekit users add alice@basildon.gov.uk --council basildon --role admin --password-stdin < password.txt
      engagekit users add bob@basildon.gov.uk --council basildon --role editor
      engagekit users list --council basildon
      engagekit users disable bob@basildon.gov.uk

    An account added without a password signs in only through single sign-on (OpenID Connect).
    """


@users.command()
@click.argument("email")
@click.option("--council", "council_id", required=True, help="The council the role is on (see 'engagekit councils').")
@click.option("--role", type=click.Choice(ROLES), required=True, help="viewer, editor or admin of that council.")
@click.option("--password-stdin", is_flag=True, help="Read the account's password from the first line of stdin.")
@pass_app
def add(app: App, email: str, council_id: str, role: str, password_stdin: bool) -> None:
    """Add an account, or give an existing one a role on another council (or a new role)."""
    from engagekit.accounts import AccountProblem, Role, normal_email, queries
    from engagekit.accounts.passwords import hash_password, problem

    council = app.council(council_id, None)
    try:
        email = normal_email(email)
    except AccountProblem as error:
        raise UsageProblem(str(error)) from None
    hashed = None
    if password_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        wrong = problem(line)
        if wrong is not None:
            raise UsageProblem(f"stdin: {wrong}; nothing was changed")
        hashed = hash_password(line)
    store = app.store()
    assert store is not None
    with store:
        account, made = queries.add_account(store, email, council.id, Role[role], password_hash=hashed)
        detail = {"email": email, "role": role, "password": hashed is not None, "made": made}
        queries.append_audit(store, app.who(None), "account.add", council.id, detail, None)
    how = "with a password" if account.has_password else "signing in by single sign-on only"
    verb = "Added" if made else "Updated"
    click.echo(f"{verb} {email}: {role} of {council.id} ({how})")


@users.command(name="list")
@click.option("--council", "council_id", help="Only accounts with a role on this council.")
@pass_app
def list_(app: App, council_id: str | None) -> None:
    """List the accounts: email, roles, how they sign in, and whether they are disabled."""
    from engagekit.accounts import queries

    if council_id is not None:
        council_id = app.council(council_id, None).id
    store = app.store(must_exist=True)
    if store is None:
        click.echo("No accounts: there is no records store yet.")
        return
    with store:
        found = queries.list_accounts(store, council_id)
    if not found:
        click.echo("No accounts." if council_id is None else f"No accounts on {council_id}.")
        return
    for account in found:
        roles = ", ".join(f"{council}:{role.name}" for council, role in sorted(account.roles.items())) or "no roles"
        how = "password" if account.has_password else "single sign-on"
        state = "  (disabled)" if account.disabled else ""
        click.echo(f"{account.email}  {roles}  [{how}]{state}")


@users.command()
@click.argument("email")
@pass_app
def disable(app: App, email: str) -> None:
    """Disable an account: it can no longer sign in, and its sessions end now."""
    from engagekit.accounts import AccountProblem, queries

    store = app.store(must_exist=True)
    if store is None:
        raise UsageProblem(f"there is no account {email!r}: there is no records store yet")
    with store:
        try:
            account = queries.set_disabled(store, email)
        except AccountProblem as error:
            raise UsageProblem(str(error)) from None
        queries.append_audit(store, app.who(None), "account.disable", None, {"email": account.email}, None)
    click.echo(f"Disabled {account.email}")
