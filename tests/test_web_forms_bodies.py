"""The officers' forms for a body's instances and members (``/record/instance``, ``/record/member``).

As ``tests/test_web_forms.py`` does for the other kinds: through FastAPI's TestClient, signed in
through the real sign-in form, against a SQLite store in a temporary folder; each message is
compared with the one ``engagekit record`` prints for the same answers, and each record is read
back from the store. Basildon's community huddles are a body whose instances are recorded.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from tests import web_accounts
from tests.test_web_forms import (
    BASE,
    Client,
    cli_message,
    hidden,
    record_through,
    records,
    submit,
    summary_messages,
    token,
)
from tests.test_web_matrix import CALLERS, RULES, Caller, expected, outcome

from engagekit.accounts import Role, tables
from engagekit.records.kinds import InstanceRecord, MemberRecord, RecordKind
from engagekit.records.store import open_store

accounts_store = web_accounts.accounts_store  # the fixtures this module uses
signed_in_client = web_accounts.signed_in_client
make_app = web_accounts.make_app

HUDDLE = {"body": "community-huddles", "instance": "pitsea", "name": "Pitsea huddle", "date": "2026-10-01"}


def cli_instance(url: str, answers: dict[str, str]) -> str:
    """What ``engagekit record instance`` says about the answers of the instance form."""
    options = {"body": "--body", "instance": "--id", "name": "--name", "date": "--date"}
    return cli_message(
        url, "instance", "-c", "basildon", *[part for k, o in options.items() for part in (o, answers[k])]
    )


def test_an_editor_registers_a_huddle_then_records_its_member(signed_in_client: Client, accounts_store: str) -> None:
    client = signed_in_client("basildon", Role.editor, email="officer@basildon.example.gov.uk")
    start = client.get(BASE)
    assert f'href="{BASE}/instance">Register an instance of a body</a>' in start.text
    assert f'href="{BASE}/member">Record a member of a body</a>' in start.text
    form = client.get(f"{BASE}/instance")
    assert '<option value="community-huddles">community-huddles: Community huddles</option>' in form.text
    assert 'value="community-involvement-network"' not in form.text  # its instances are not recorded
    confirmation = record_through(client, "instance", {**HUDDLE, "area": "pitsea"})
    assert "Registered instance recorded" in confirmation.text
    (huddle,) = records(accounts_store, RecordKind.INSTANCE)
    assert isinstance(huddle, InstanceRecord)
    assert (huddle.full_id, huddle.name, huddle.area_id, huddle.recorded_by) == (
        "community-huddles.pitsea",
        "Pitsea huddle",
        "pitsea",
        "officer@basildon.example.gov.uk",
    )

    member_form = client.get(f"{BASE}/member")
    assert (
        '<option value="community-huddles.pitsea">community-huddles.pitsea: Pitsea huddle</option>' in member_form.text
    )
    answers = {
        "body": "community-huddles.pitsea",
        "name": "Resident representative",
        "office": "chair",
        "councillor": "no",
        "date": "2026-10-15",
    }
    checked = submit(client, "member", answers)
    assert "Check your answers before recording this member of a body" in checked.text
    assert "Resident representative" in checked.text
    done = client.post(f"{BASE}/member/confirm", data=hidden(checked.text), follow_redirects=True)
    assert "Member of a body recorded" in done.text
    (member,) = records(accounts_store, RecordKind.MEMBER)
    assert isinstance(member, MemberRecord)
    assert (member.body_id, member.name, member.office, member.councillor, member.recorded_by) == (
        "community-huddles.pitsea",
        "Resident representative",
        "chair",
        False,
        "officer@basildon.example.gov.uk",
    )
    with open_store(accounts_store) as store:
        made = [dict(row) for row in store.read(sa.select(tables.audit_log)) if row["action"] == "record.add"]
    assert [('"instance"' in line["detail"], '"member"' in line["detail"]) for line in made] == [
        (True, False),
        (False, True),
    ]


def test_a_registered_instance_is_offered_by_its_name_as_corrected(
    signed_in_client: Client, accounts_store: str
) -> None:
    """The member and event forms offered a registered instance by its id alone, where the
    definition's own instances read "id: name"; a correction's name is the one offered."""
    client = signed_in_client("basildon", Role.editor)
    record_through(client, "instance", HUDDLE)
    (huddle,) = records(accounts_store, RecordKind.INSTANCE)
    option = '<option value="community-huddles.pitsea">community-huddles.pitsea: {}</option>'
    for slug in ("member", "event"):
        assert option.format("Pitsea huddle") in client.get(f"{BASE}/{slug}").text, slug
    renamed = {**HUDDLE, "correction": "yes", "supersedes": str(huddle.id), "name": "Pitsea & Vange huddle"}
    record_through(client, "instance", renamed)
    member_form = client.get(f"{BASE}/member").text
    assert option.format("Pitsea &amp; Vange huddle") in member_form
    assert "Pitsea huddle" not in member_form
    answers = {"body": "community-huddles.pitsea", "name": "Resident", "councillor": "no", "date": "2026-10-15"}
    checked = submit(client, "member", answers)
    assert "community-huddles.pitsea: Pitsea &amp; Vange huddle" in checked.text


def test_an_instance_of_a_body_not_recorded_gets_the_clis_message(
    signed_in_client: Client, accounts_store: str
) -> None:
    client = signed_in_client("basildon", Role.editor)
    answers = {**HUDDLE, "body": "community-involvement-network"}
    page = submit(client, "instance", answers)
    assert page.status_code == 400
    expected = cli_instance(accounts_store, answers)
    assert expected.startswith("body: body 'community-involvement-network' is not one whose instances are recorded")
    assert summary_messages(page.text) == ["Which body is it one of?: " + expected.removeprefix("body: ")]
    assert records(accounts_store) == []


def test_an_instance_id_and_dates_get_the_records_own_messages(signed_in_client: Client, accounts_store: str) -> None:
    client = signed_in_client("basildon", Role.editor)
    bad_id = submit(client, "instance", {**HUDDLE, "instance": "Pitsea Town"})
    expected = cli_instance(accounts_store, {**HUDDLE, "instance": "Pitsea Town"})
    assert summary_messages(bad_id.text) == ["A short id for it: " + expected.split(": ", 1)[1]]
    assert '<a href="#f-instance">' in bad_id.text
    backwards = submit(client, "instance", {**HUDDLE, "end_date": "2026-09-01"})
    assert summary_messages(backwards.text) == [
        "When did it stop (optional)?: it ends (2026-09-01) before it starts (2026-10-01)"
    ]
    missing = submit(client, "instance", {})
    assert summary_messages(missing.text) == [
        "Which body is it one of?: missing",
        "A short id for it: missing",
        "What is it called?: missing",
        "When did it start, or when was it first known?: missing",
    ]
    assert records(accounts_store) == []


def test_a_member_of_a_body_not_in_the_council_gets_the_clis_message(
    signed_in_client: Client, accounts_store: str
) -> None:
    client = signed_in_client("basildon", Role.editor)
    page = submit(client, "member", {"body": "no-such-body", "name": "A. Person", "date": "2026-10-01"})
    expected = cli_message(
        accounts_store,
        "member",
        "-c",
        "basildon",
        "--body",
        "no-such-body",
        "--name",
        "A. Person",
        "--date",
        "2026-10-01",
    )
    assert summary_messages(page.text) == ["Which body do they sit on?: " + expected.removeprefix("body: ")]
    declared = submit(client, "member", {"body": "community-huddles", "name": "A. Person", "date": "2026-10-01"})
    assert summary_messages(declared.text) == [
        "Which body do they sit on?: body 'community-huddles' stands for one per place: name its instance "
        "(none registered yet)"
    ]
    left_first = submit(
        client,
        "member",
        {"body": "community-involvement-network", "name": "A. Person", "date": "2026-10-01", "end_date": "2026-01-01"},
    )
    assert summary_messages(left_first.text) == [
        "When did they leave (optional)?: it ends (2026-01-01) before it starts (2026-10-01)"
    ]
    assert records(accounts_store) == []


def test_a_huddle_renamed_by_a_correction_keeps_its_history(signed_in_client: Client, accounts_store: str) -> None:
    client = signed_in_client("basildon", Role.editor)
    record_through(client, "instance", HUDDLE)
    (first,) = records(accounts_store, RecordKind.INSTANCE)
    page = client.get(f"{BASE}/correct", params={"kind": "instance", "number": str(first.id)})
    assert page.status_code == 200
    assert "Correct a registered instance" in page.text
    assert 'value="Pitsea huddle"' in page.text
    sent = {"correction": "yes", "supersedes": str(first.id), **HUDDLE, "name": "Pitsea and Vange huddle"}
    checked = submit(client, "instance", sent)
    assert checked.status_code == 200, checked.text
    client.post(f"{BASE}/instance/confirm", data=hidden(checked.text), follow_redirects=True)
    earlier, later = records(accounts_store, RecordKind.INSTANCE)
    assert (earlier.name, later.name, later.supersedes) == ("Pitsea huddle", "Pitsea and Vange huddle", first.id)


def test_a_viewer_or_another_councils_editor_may_not_register_or_record_members(
    signed_in_client: Client, accounts_store: str
) -> None:
    for client in (signed_in_client("basildon", Role.viewer), signed_in_client("thurrock", Role.editor)):
        sent = {"csrftoken": token(client.get("/sign-out").text), **HUDDLE}  # a good CSRF code: only the role is wrong
        for slug in ("instance", "member"):
            assert client.get(f"{BASE}/{slug}").status_code == 403
            assert client.post(f"{BASE}/{slug}", data=sent).status_code == 403
            assert client.post(f"{BASE}/{slug}/confirm", data=sent).status_code == 403
    assert records(accounts_store) == []


@pytest.mark.parametrize("kind", CALLERS)
def test_the_authorisation_matrix_for_instances_and_members(accounts_store: str, kind: str) -> None:
    """Each caller of ``tests/test_web_matrix.py`` on each endpoint of the two forms, as that matrix
    judges the action-update form's: an editor or admin of the council only."""
    app = make_app()
    caller = Caller(app, accounts_store, kind)
    wrong = []
    for slug in ("instance", "member"):
        for (method, path), rule in RULES.items():
            if "{slug}" not in path:
                continue
            answer = caller.ask(method, path.replace("{slug}", slug))
            assert answer.status_code < 500, (method, path, answer.text)
            want, got = expected(rule, kind), outcome(answer)
            if want != got:
                wrong.append(f"{kind} {method} {path} ({slug}): expected {want}, got {got} ({answer.status_code})")
    assert wrong == []
    assert records(accounts_store) == []
