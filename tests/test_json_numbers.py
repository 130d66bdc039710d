"""Numbers and keys a float or a message cannot hold as sent, by both ways JSON comes in.

The API (``POST /api/councils/{id}/records``) and ``engagekit import FILE.json`` decode JSON
with the same hooks (:mod:`engagekit.records.files`), so each value here gets one message at
both doors: a tiny number is no whole 0, an infinite one is named as sent (never ``inf``), a
long whole number is too large, and a long key is shortened as long values are. Nothing is
written by either.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from tests.web_accounts import accounts_store, add_token, make_app  # noqa: F401 (a fixture)

from engagekit.accounts import Scope
from engagekit.cli import cli
from engagekit.records.files import WrittenNumber, exact_float, whole_or_text
from engagekit.records.store import open_store

UPDATE = '{"kind": "action-update", "date": "2026-03-31", "action": "CN-4", "status": "in-progress", "percent": %s}'
READING = (
    '{"kind": "indicator-reading", "date": "2026-03-31", "indicator": "services-in-community-directory", "value": %s}'
)
REVIEW = '{"kind": "review", "date": "2026-03-31", "obligation": "progress-report-to-cabinet", "note": %s}'
LONG = "1" + "0" * 5000 + ".0"
TINY = "0." + "0" * 400 + "1"


@pytest.fixture
def doors(accounts_store: str, tmp_path: Path) -> Iterator[Any]:  # noqa: F811
    """Send one record by the API and by the import: both problems (``where: `` cut off), both stores' records."""
    token = add_token(accounts_store, "basildon", "system", Scope.write)
    headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
    env = {"ENGAGEKIT_DATABASE_URL": accounts_store, "ENGAGEKIT_RECORDED_BY": "tester"}
    with TestClient(make_app()) as client:

        def send(record: str) -> tuple[str, str, list[Any]]:
            answer = client.post("/api/councils/basildon/records", content=record.encode(), headers=headers)
            assert answer.status_code == 400, answer.text
            path = tmp_path / "records.json"
            path.write_text('{"schema_version": 1, "records": [' + record + "]}")
            result = CliRunner().invoke(cli, ["import", str(path), "-c", "basildon"], env=env)
            assert result.exit_code != 0, result.output
            with open_store(accounts_store) as store:
                kept = list(store.records("basildon"))
            said = result.output.splitlines()[0].removeprefix("engagekit: ").removeprefix(f"{path}: ")
            return answer.json()["detail"], said, kept

        yield send


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("1e-400", "1e-400 is not a whole number"),
        ("-1E-400", "-1E-400 is not a whole number"),
        (TINY, "'0.00000000000000000000000000000000000000' (and 363 more characters) is not a whole number"),
        ("1e400", "1e400 is not a number engagekit can keep (it must be finite)"),
        ("-1e400", "-1e400 is not a number engagekit can keep (it must be finite)"),
        (LONG, "'1000000000000000000000000000000000000000' (and 4,963 more characters) is not a number engagekit"),
        ("9" * 50, "is too large (the most is 2,147,483,647)"),
        ("-" + "9" * 4000, "is too large (the most is 2,147,483,647)"),
    ],
    ids=["tiny", "tiny-negative", "tiny-digits", "huge", "huge-negative", "long-fraction", "50-digits", "4000-digits"],
)
def test_a_whole_number_column_names_the_number_as_sent_at_both_doors(doors: Any, number: str, message: str) -> None:
    api, cli_said, kept = doors(UPDATE % number)
    assert api.startswith(f"record.percent: {message}"), api
    assert cli_said.startswith(f"row 1, percent: {message}"), cli_said
    assert api.removeprefix("record.") == cli_said.removeprefix("row 1, ")
    assert "inf" not in api.replace("engagekit", "")
    assert kept == []


@pytest.mark.parametrize("record", [REVIEW % "1e400", REVIEW % LONG], ids=["text", "text-long-fraction"])
def test_an_infinite_number_is_refused_in_a_text_column(doors: Any, record: str) -> None:
    api, cli_said, kept = doors(record)
    assert "is not a number engagekit can keep (it must be finite)" in api
    assert "inf" not in api.replace("engagekit", "")
    assert api.split(": ", 1)[1] == cli_said.split(": ", 1)[1]
    assert kept == []


def test_an_infinite_number_is_named_as_sent_in_a_number_column(doors: Any) -> None:
    api, cli_said, kept = doors(READING % "1e400")
    assert "is not a number engagekit can keep (it must be finite)" in api
    assert "inf" not in api.replace("engagekit", "")
    assert api.split(": ", 1)[1] == cli_said.split(": ", 1)[1]
    assert kept == []


def test_a_long_key_named_twice_is_shortened_at_both_doors(doors: Any) -> None:
    key = "k" * 1_000_000
    api, cli_said, kept = doors(f'{{"{key}": 1, "{key}": 2}}')
    shortened = f"field {'k' * 60!r} (and 999,940 more characters) appears twice"
    assert api == f"body: {shortened}"
    assert cli_said == f"record 1: {shortened}"
    assert kept == []


def test_a_tiny_number_is_kept_as_zero_by_a_number_column_and_as_written_by_a_text_one() -> None:
    """A float column rounds 1e-400 to 0.0 as a CSV cell of it is rounded; a text column keeps what was sent."""
    from engagekit.records.rows import cell_text, parse_float, parse_int

    tiny = exact_float("1e-400")
    assert isinstance(tiny, WrittenNumber)
    assert parse_float(tiny) == 0.0
    assert cell_text(tiny) == "1e-400"
    with pytest.raises(ValueError, match=r"^1e-400 is not a whole number$"):
        parse_int(tiny)


@pytest.mark.parametrize("text", ["0.0", "-0.0", "0e400", "0.000e-400", "1.5", "2.5e-300", "1e308"])
def test_numbers_a_float_holds_are_plain_floats(text: str) -> None:
    number = exact_float(text)
    assert type(number) is float
    assert number == float(text)
    assert json.loads(f"[{text}]", parse_float=exact_float) == [float(text)]


def test_a_whole_number_longer_than_python_converts_stays_text() -> None:
    assert whole_or_text("9" * 50) == int("9" * 50)
    assert whole_or_text("9" * 4301) == "9" * 4301
