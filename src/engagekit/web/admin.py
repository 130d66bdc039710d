"""A council's admin page, ``/councils/{council_id}/admin``: its people and its API tokens.

For an admin of that council only (:func:`engagekit.web.auth.officer`). An admin adds a person
by email with a role (they sign in by single sign-on; passwords are set with ``engagekit users
add --password-stdin``; someone who already has a role here is refused, since their role is
changed in the list, so adding cannot quietly demote anyone), changes or removes a person's
role on this council, disables an account that works for this council alone, makes a token
(shown once, on the page that answers the form, never stored) and revokes one. Each action is
a POST carrying the CSRF code, answered by going back to the page (or by the page with the new
token), and is in the audit log.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from starlette.responses import RedirectResponse, Response

from engagekit.accounts import Account, AccountProblem, Role, Scope
from engagekit.web import auth

router = APIRouter(include_in_schema=False)

Admin = Annotated[Account, Depends(auth.officer(Role.admin))]
ROLES = [role.name for role in Role]


def _path(council_id: str) -> str:
    return f"/councils/{quote(council_id)}/admin"


def _store(request: Request) -> Any:
    from engagekit.web.forms_base import store_of

    return store_of(request)


def _page(request: Request, council_id: str, *, status: int = 200, **context: Any) -> Response:
    from engagekit.accounts import queries
    from engagekit.web.forms_base import page

    council = auth.site_of(request).council(council_id)
    store = _store(request)
    errors: list[dict[str, str]] = context.pop("errors", [])
    return page(
        request,
        "admin.html.j2",
        council,
        status=status,
        errors=errors,
        errors_by={error["field"]: [error["message"]] for error in errors},
        people=queries.list_accounts(store, council.id),
        tokens=queries.list_tokens(store, council.id),
        roles=ROLES,
        admin=_path(council.id),
        given=context.pop("given", {}),
        new_token=context.pop("new_token", None),
        new_secret=context.pop("new_secret", None),
        notice=context.pop("notice", None),
    )


def _back(council_id: str) -> Response:
    return RedirectResponse(_path(council_id), status_code=303, headers={"cache-control": "no-store"})


async def _form(request: Request) -> dict[str, str]:
    """The fields of a submitted form, as text (a file is not an answer).

    A dependency, read in the event loop; the handlers that use it are plain functions, which
    FastAPI runs in its thread pool, so their queries hold up no other request.
    """
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


Given = Annotated[dict[str, str], Depends(_form)]


@router.get("/councils/{council_id}/admin")
def admin_page(request: Request, council_id: str, _: Admin) -> Response:
    return _page(request, council_id)


@router.post("/councils/{council_id}/admin/users")
def add_person(request: Request, council_id: str, _: Admin, given: Given) -> Response:
    from engagekit.accounts import normal_email, queries

    council = auth.site_of(request).council(council_id)
    role = given.get("role", "")
    try:
        email = normal_email(given.get("email", ""))
        chosen = Role.named(role)
    except (AccountProblem, ValueError) as error:
        field = "email" if isinstance(error, AccountProblem) else "role"
        problem = {"field": field, "label": "Email address" if field == "email" else "Role", "message": str(error)}
        return _page(request, council.id, status=400, errors=[problem], given=given)
    present = _person(request, council.id, email)
    if present is not None:  # adding is not the way to change a role: that is the list's own form
        held = present.role(council.id)
        message = f"{email} already has a role here ({held.name if held else 'none'}): change it in the list of people"
        problem = {"field": "email", "label": "Email address", "message": message}
        return _page(request, council.id, status=400, errors=[problem], given=given)
    account, made = queries.add_account(_store(request), email, council.id, chosen)
    auth.audit(request, "account.add", {"email": account.email, "role": chosen.name, "made": made})
    return _back(council.id)


@router.post("/councils/{council_id}/admin/users/role")
def change_role(request: Request, council_id: str, _: Admin, given: Given) -> Response:
    from engagekit.accounts import queries

    council = auth.site_of(request).council(council_id)
    email = given.get("email", "")
    person = _person(request, council.id, email)
    if person is None:
        return _no_person(request, council.id, email)
    wanted = given.get("role", "")
    try:
        role = None if wanted == "none" else Role.named(wanted)
    except ValueError as error:
        problem = {"field": "role", "label": "Role", "message": str(error)}
        return _page(request, council.id, status=400, errors=[problem])
    queries.set_role(_store(request), person.email, council.id, role)
    auth.audit(request, "account.role", {"email": person.email, "role": role.name if role else None})
    return _back(council.id)


@router.post("/councils/{council_id}/admin/users/disable")
def disable_person(request: Request, council_id: str, _: Admin, given: Given) -> Response:
    from engagekit.accounts import queries

    council = auth.site_of(request).council(council_id)
    email = given.get("email", "")
    person = _person(request, council.id, email)
    if person is None:
        return _no_person(request, council.id, email)
    others = sorted(set(person.roles) - {council.id})
    if others:
        message = (
            f"{person.email} also works for {', '.join(others)}: remove their role here instead "
            "(an account is disabled by an admin of every council it works for, or with engagekit users disable)"
        )
        return _page(
            request, council.id, status=400, errors=[{"field": "email", "label": "Disable", "message": message}]
        )
    queries.set_disabled(_store(request), person.email)
    auth.audit(request, "account.disable", {"email": person.email})
    return _back(council.id)


def _person(request: Request, council_id: str, email: str) -> Account | None:
    """The account with a role on this council (no other account is this admin's to change)."""
    from engagekit.accounts import queries

    try:
        found = queries.account(_store(request), email)
    except AccountProblem:
        return None
    return found if found is not None and found.role(council_id) is not None else None


def _no_person(request: Request, council_id: str, email: str) -> Response:
    message = f"{email!r} has no role on {council_id}"
    return _page(request, council_id, status=400, errors=[{"field": "email", "label": "Email", "message": message}])


@router.post("/councils/{council_id}/admin/tokens")
def make_token(request: Request, council_id: str, _: Admin, given: Given) -> Response:
    from engagekit.accounts import queries

    council = auth.site_of(request).council(council_id)
    try:
        scope = Scope(given.get("scope", ""))
    except ValueError:
        problem = {"field": "scope", "label": "What may it do", "message": "choose read, or read and write"}
        return _page(request, council.id, status=400, errors=[problem], given=given)
    try:
        token, secret = queries.create_token(_store(request), council.id, given.get("name", ""), scope)
    except AccountProblem as error:
        problem = {"field": "name", "label": "What will use it", "message": str(error)}
        return _page(request, council.id, status=400, errors=[problem], given=given)
    auth.audit(request, "token.create", {"token": token.name, "scope": scope.value})
    return _page(request, council.id, status=201, new_token=token, new_secret=secret)


@router.post("/councils/{council_id}/admin/tokens/revoke")
def revoke_token(request: Request, council_id: str, _: Admin, given: Given) -> Response:
    from engagekit.accounts import queries

    council = auth.site_of(request).council(council_id)
    name = given.get("name", "")
    try:
        token = queries.revoke_token(_store(request), council.id, name)
    except AccountProblem as error:
        return _page(
            request, council.id, status=400, errors=[{"field": "name", "label": "Revoke", "message": str(error)}]
        )
    auth.audit(request, "token.revoke", {"token": token.name})
    return _back(council.id)
