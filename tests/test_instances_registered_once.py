"""An instance (a forum) is registered once: a second registration is refused, unless it corrects the first.

Through every door (``RecordStore.add``, both import paths, the command line and the API), on
SQLite and PostgreSQL, and when two registrations are written at the same moment.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from tests import web_accounts
from tests.import_files import write_rows
from tests.test_web_forms import Client, record_through, records, submit, summary_messages
from tests.web_accounts import add_token, make_app

from engagekit.accounts import Role, Scope
from engagekit.cli import cli
from engagekit.model import Council
from engagekit.records import InstanceRecord, RecordKind, RecordStore, RowProblem, open_store
from engagekit.records.files import csv_table, read_csv
from engagekit.records.store import ImportResult

FORUMS = "community-forums"
STANFORD = f"{FORUMS}.stanford"
COLUMNS = ["kind", "date", "body", "instance", "name"]
EXPORT_COLUMNS = ["id", "supersedes", *COLUMNS]
BUSY_MS = 30_000

accounts_store = web_accounts.accounts_store  # the fixtures this module uses
signed_in_client = web_accounts.signed_in_client


def already(record_id: int | None, full_id: str = STANFORD) -> str:
    return f"{full_id} is already registered (record {record_id}); to rename, move or end it, correct that record"


def twice(earlier: int, later: int) -> str:
    return (
        f"{STANFORD} is registered twice in this file (row {earlier} and row {later}); register it once "
        "(a later row may correct it, with supersedes naming its id)"
    )


@pytest.fixture
def thurrock(bundled_councils: dict[str, Council]) -> Council:
    return bundled_councils["thurrock"]


@pytest.fixture
def store(store_url: str) -> Iterator[RecordStore]:
    with open_store(store_url, busy_timeout_ms=BUSY_MS) as opened:
        yield opened


def forum(local: str = "stanford", **fields: Any) -> InstanceRecord:
    values = {"council_id": "thurrock", "recorded_by": "officer", "date": dt.date(2019, 10, 1)}
    return InstanceRecord(**{**values, "body_id": FORUMS, "instance": local, "name": "Stanford Forum", **fields})


def row(local: str = "stanford", **cells: str) -> dict[str, str]:
    return {"kind": "instance", "date": "2019-10-01", "body": FORUMS, "instance": local, "name": "Stanford"} | cells


def registrations(store: RecordStore) -> list[InstanceRecord]:
    return [r for r in store.records("thurrock", RecordKind.INSTANCE) if isinstance(r, InstanceRecord)]


def import_csv(
    store: RecordStore, council: Council, path: Path, *, fast: bool, name: str | None = None
) -> ImportResult:
    """Import ``path`` by the fast path (a CSV table) or the general one (its rows)."""
    rows: Any = csv_table(path) if fast else read_csv(path)
    if fast:
        assert rows.fast
    name = name or path.name
    return store.import_rows(council, rows, source_name=name, sha256=name.ljust(64, "0"), recorded_by="importer")


def problems(result: ImportResult) -> list[tuple[int, str, str]]:
    return [(problem.row, problem.column, problem.message) for problem in result.problems]


# -- RecordStore.add ---------------------------------------------------------------------------


def test_a_second_registration_is_refused_and_a_correction_is_not(store: RecordStore, thurrock: Council) -> None:
    [first] = store.add(thurrock, [forum()])
    with pytest.raises(RowProblem) as caught:
        store.add(thurrock, [forum(name="Stanford again")])
    assert caught.value.problems == [("instance", already(first.id))]
    with pytest.raises(RowProblem) as caught:  # two in one call: the first one written holds it
        store.add(thurrock, [forum("grays"), forum("grays")])
    assert caught.value.problems[0][0] == "instance"
    assert [r.id for r in registrations(store)] == [first.id]

    [moved] = store.add(thurrock, [forum(name="Stanford-le-Hope Forum", supersedes=first.id)])
    with pytest.raises(RowProblem) as caught:  # correcting the corrected one again would make two
        store.add(thurrock, [forum(name="Stale", supersedes=first.id)])
    assert caught.value.problems == [("instance", already(moved.id))]
    [renamed] = store.add(thurrock, [forum("stanford-le-hope", supersedes=moved.id)])
    [again] = store.add(thurrock, [forum()])  # a rename frees the id it held
    assert [r.id for r in registrations(store)] == [first.id, moved.id, renamed.id, again.id]


def corrected(what: str, holder: str, full_id: str = STANFORD) -> str:
    return f"{what} is already corrected: {holder} registers {full_id} now; correct that instead"


def test_a_correction_of_a_corrected_registration_is_refused_naming_the_latest(
    store: RecordStore, thurrock: Council
) -> None:
    """Correcting an earlier record of a registration, under any id, would give it two live records."""
    [first] = store.add(thurrock, [forum()])
    [moved] = store.add(thurrock, [forum(name="Stanford-le-Hope Forum", supersedes=first.id)])
    [renamed] = store.add(thurrock, [forum("stanford-le-hope", supersedes=moved.id)])
    for stale in (first, moved):
        with pytest.raises(RowProblem) as caught:
            store.add(thurrock, [forum("grays", supersedes=stale.id)])
        held = f"record {renamed.id}"
        assert caught.value.problems == [
            ("supersedes", corrected(f"instance record #{stale.id}", held, f"{STANFORD}-le-hope"))
        ]
    [ended] = store.add(thurrock, [forum("grays", supersedes=renamed.id)])  # the latest may be corrected
    live = store.records("thurrock", RecordKind.INSTANCE, include_superseded=False)
    assert [r.id for r in live] == [ended.id]


def test_one_add_registering_or_correcting_twice_names_no_record_it_undid(
    store: RecordStore, thurrock: Council
) -> None:
    """The ids written earlier in a refused call are rolled back: a message naming one would mislead."""
    with pytest.raises(RowProblem) as caught:
        store.add(thurrock, [forum("grays"), forum("grays")])
    assert caught.value.problems == [
        ("instance", f"{FORUMS}.grays is registered twice in what was given; register it once")
    ]
    [first] = store.add(thurrock, [forum()])
    with pytest.raises(RowProblem) as caught:
        store.add(thurrock, [forum("grays", supersedes=first.id), forum("tilbury", supersedes=first.id)])
    twice_corrected = f"instance record #{first.id} is corrected twice in what was given; correct it once"
    assert caught.value.problems == [("supersedes", twice_corrected)]
    assert [r.id for r in registrations(store)] == [first.id]


def test_a_rename_onto_a_registered_instance_is_refused(store: RecordStore, thurrock: Council) -> None:
    [stanford, grays] = store.add(thurrock, [forum(), forum("grays", name="Grays Forum")])
    with pytest.raises(RowProblem) as caught:
        store.add(thurrock, [forum(supersedes=grays.id)])
    assert caught.value.problems == [("instance", already(stanford.id))]


# -- imports -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "general"])
def test_an_import_registering_one_instance_twice_names_both_rows(
    store: RecordStore, thurrock: Council, tmp_path: Path, fast: bool
) -> None:
    meeting = {"kind": "event", "date": "2024-01-01", "body": STANFORD, "event": "meeting"}
    rows = [row(), meeting, row("grays"), row(name="Stanford again")]
    path = write_rows(tmp_path / "twice.csv", [*COLUMNS, "event"], rows)
    result = import_csv(store, thurrock, path, fast=fast)
    assert problems(result) == [(5, "instance", twice(2, 5))]
    assert result.added == 0
    assert registrations(store) == []


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "general"])
def test_an_import_registering_a_stored_instance_is_refused(
    store: RecordStore, thurrock: Council, tmp_path: Path, fast: bool
) -> None:
    [first] = store.add(thurrock, [forum()])
    path = write_rows(tmp_path / "again.csv", COLUMNS, [row("grays"), row()])
    result = import_csv(store, thurrock, path, fast=fast)
    assert problems(result) == [(3, "instance", already(first.id))]
    assert [r.id for r in registrations(store)] == [first.id]


def test_an_import_may_correct_a_stored_registration(store: RecordStore, thurrock: Council, tmp_path: Path) -> None:
    [first] = store.add(thurrock, [forum()])
    path = write_rows(tmp_path / "correct.csv", ["supersedes", *COLUMNS], [row(supersedes=str(first.id))])
    result = import_csv(store, thurrock, path, fast=False)
    assert result.ok, result.problems
    stale = write_rows(tmp_path / "stale.csv", ["supersedes", *COLUMNS], [row(supersedes=str(first.id))])
    [(number, column, message)] = problems(import_csv(store, thurrock, stale, fast=False))
    assert (number, column) == (2, "instance")
    assert message.startswith(f"{STANFORD} is already registered (record {first.id + 1})")


def test_an_import_correcting_a_corrected_registration_again_is_refused(
    store: RecordStore, thurrock: Council, tmp_path: Path
) -> None:
    """In a file, or against the store: a registration is corrected at its latest record only."""
    rows = [
        row(id="1"),
        row(id="2", supersedes="1", name="Stanford-le-Hope"),
        row("grays", id="3", supersedes="1"),  # corrects row 2's registration again, under another id
        row("tilbury", supersedes="2"),  # the latest may be corrected
        row("chadwell", supersedes="2"),  # and only once: row 5 holds it now
    ]
    path = write_rows(tmp_path / "fork.csv", EXPORT_COLUMNS, rows)
    assert problems(import_csv(store, thurrock, path, fast=False)) == [
        (4, "supersedes", corrected("the row with id 1", "row 3", STANFORD)),
        (6, "supersedes", corrected("the row with id 2", "row 5", f"{FORUMS}.tilbury")),
    ]
    assert registrations(store) == []

    [first] = store.add(thurrock, [forum()])
    [moved] = store.add(thurrock, [forum(name="Stanford-le-Hope Forum", supersedes=first.id)])
    stored = [row("grays", supersedes=str(first.id)), row("tilbury", supersedes=str(moved.id))]
    path = write_rows(tmp_path / "stored.csv", ["supersedes", *COLUMNS], stored)
    assert problems(import_csv(store, thurrock, path, fast=False)) == [
        (2, "supersedes", corrected(f"instance record #{first.id}", f"record {moved.id}")),
    ]
    path = write_rows(tmp_path / "stored-later.csv", ["supersedes", *COLUMNS], stored[::-1])
    assert problems(import_csv(store, thurrock, path, fast=False)) == [  # the file's row holds it by then
        (3, "supersedes", corrected(f"instance record #{first.id}", "row 2", f"{FORUMS}.tilbury")),
    ]
    assert [r.id for r in registrations(store)] == [first.id, moved.id]


def test_an_export_with_a_corrected_registration_imports_into_a_new_store(
    store: RecordStore, thurrock: Council, tmp_path: Path
) -> None:
    rows = [
        row(id="1"),
        row(id="2", supersedes="1", name="Stanford-le-Hope"),  # corrects the file's row, by its id
        row("stanford-le-hope", id="3", supersedes="2"),  # a rename: the old id is free again
        row(id="4"),
        row(id="5", supersedes="3"),  # corrects a registration no longer holding stanford: makes two
    ]
    path = write_rows(tmp_path / "export.csv", EXPORT_COLUMNS, rows)
    assert problems(import_csv(store, thurrock, path, fast=False)) == [(6, "instance", twice(5, 6))]
    path = write_rows(tmp_path / "export.csv", EXPORT_COLUMNS, rows[:4])
    result = import_csv(store, thurrock, path, fast=False)
    assert (result.ok, result.added) == (True, 4), result.problems
    found = registrations(store)
    assert [r.supersedes for r in found] == [None, found[0].id, found[1].id, None]


# -- two writers at once -----------------------------------------------------------------------


@pytest.mark.parametrize("door", ["add", "import"])
def test_two_registrations_at_once_do_not_both_land(
    store_url: str, thurrock: Council, tmp_path: Path, door: str
) -> None:
    """The first writer holds its transaction open while the second tries: the second must wait, then refuse."""
    path = write_rows(tmp_path / "one.csv", COLUMNS, [row()])
    outcome: dict[str, Any] = {}

    def second() -> None:
        with open_store(store_url, busy_timeout_ms=BUSY_MS) as other:
            try:
                if door == "add":
                    other.add(thurrock, [forum(name="Second")])
                    outcome["problems"] = []
                else:
                    outcome["problems"] = problems(import_csv(other, thurrock, path, fast=True))
            except RowProblem as problem:
                outcome["problems"] = problem.problems

    thread = threading.Thread(target=second)

    def meanwhile(*_: object) -> None:
        thread.start()
        time.sleep(1.5)  # time enough for the second to write and commit, were it not held back

    with open_store(store_url, busy_timeout_ms=BUSY_MS) as store:
        [first] = store.add(thurrock, [forum()], alongside=meanwhile)
        thread.join(timeout=60)
        assert [r.id for r in registrations(store)] == [first.id]
    [(column, message)] = [item[-2:] for item in outcome["problems"]]
    assert (column, message) == ("instance", already(first.id))


# -- the command line and the API --------------------------------------------------------------


def cli_env(tmp_path: Path) -> dict[str, str]:
    return {
        "ENGAGEKIT_DATABASE_URL": f"sqlite:///{tmp_path / 'records.db'}",
        "ENGAGEKIT_CONFIG": str(tmp_path / "no-config.toml"),
        "ENGAGEKIT_DATA_DIR": str(tmp_path / "data"),
        "ENGAGEKIT_RECORDED_BY": "officer",
    }


def test_the_command_line_refuses_a_second_registration_in_one_line(tmp_path: Path) -> None:
    env = cli_env(tmp_path)
    invoke: Callable[..., Any] = lambda *args: CliRunner().invoke(cli, list(args), env=env)  # noqa: E731
    register = ["record", "instance", "-c", "thurrock", "--body", FORUMS, "--id", "stanford", "--name", "Stanford"]
    assert invoke(*register).exit_code == 0
    refused = invoke(*register)
    assert refused.exit_code == 2
    assert refused.stderr == f"engagekit: instance: {already(1)}\n"
    with open_store(env["ENGAGEKIT_DATABASE_URL"]) as store:
        assert [r.id for r in registrations(store)] == [1]
    corrected = invoke(*register, "--supersedes", "1")
    assert corrected.exit_code == 0, corrected.output
    imported = invoke("import", "-c", "thurrock", str(write_rows(tmp_path / "again.csv", COLUMNS, [row()])))
    assert imported.exit_code != 0
    assert f"row 2, instance: {already(2)}" in imported.stderr
    with open_store(env["ENGAGEKIT_DATABASE_URL"]) as store:
        assert [r.id for r in registrations(store)] == [1, 2]


def test_the_api_refuses_a_second_registration_with_400(accounts_store: str) -> None:
    token = add_token(accounts_store, "thurrock", "thurrock-system", Scope.write)
    sent: Mapping[str, Any] = {"kind": "instance", "date": "2026-03-01", "body": FORUMS, "instance": "stanford"}
    headers = {"authorization": f"Bearer {token}"}
    with TestClient(make_app()) as client:
        made = client.post("/api/councils/thurrock/records", json={**sent, "name": "Stanford"}, headers=headers)
        assert made.status_code == 201, made.text
        first = made.json()["record"]["id"]
        answer = client.post("/api/councils/thurrock/records", json={**sent, "name": "Again"}, headers=headers)
        assert answer.status_code == 400, answer.text
        assert answer.json()["detail"] == f"record.instance: {already(first)}"
        listed = client.post("/api/councils/thurrock/records", json=[{**sent, "name": "Listed"}], headers=headers)
        assert listed.status_code == 400, listed.text
    with open_store(accounts_store) as store:
        assert [r.id for r in registrations(store)] == [first]


def test_the_form_refuses_a_second_registration_on_its_check_page(
    signed_in_client: Client, accounts_store: str
) -> None:
    client = signed_in_client("basildon", Role.editor)
    huddle = {"body": "community-huddles", "instance": "pitsea", "name": "Pitsea huddle", "date": "2026-10-01"}
    record_through(client, "instance", huddle)
    (first,) = records(accounts_store, RecordKind.INSTANCE)
    page = submit(client, "instance", {**huddle, "name": "Pitsea again"})
    assert page.status_code == 400
    [message] = summary_messages(page.text)
    assert message.endswith(already(first.id, "community-huddles.pitsea")), message
    assert records(accounts_store, RecordKind.INSTANCE) == [first]
