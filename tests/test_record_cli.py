"""The record-keeping commands end to end: db, record, history, import, export and report with records.

Every command runs against a SQLite file in the test's own folder (ENGAGEKIT_DATABASE_URL), with
no config file and a data folder of its own, so no test touches the user's real records.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from tests.import_files import write_rows
from tests.store_backends import comparable, sqlite_url

from engagekit.cli import cli
from engagekit.records import ActionStatus, ActionUpdate, EngagementEvent, InstanceRecord, Record, open_store
from engagekit.records.schema import HEAD

BUSY_MS = 30_000
BASILDON = "Basildon Borough Council"
ACTION_COLUMNS = ["kind", "date", "action", "status", "percent", "note"]
FORUM = "community-forums.aveley"
"""A Thurrock forum: the body is declared for each forum officers register, so a meeting names one."""
FERNBRIDGE = Path(__file__).resolve().parent.parent / "examples" / "fernbridge" / "fernbridge.yaml"
DECIDIM_COLUMNS = ["id", "parent/id", "status/id", "title/en", "start_date", "end_date", "progress"]


# -- helpers ------------------------------------------------------------------------------


def environment(folder: Path, name: str = "records.db") -> dict[str, str]:
    """ENGAGEKIT_* variables for a store of its own in ``folder``: nothing of the user's is read or written."""
    return {
        "ENGAGEKIT_DATABASE_URL": sqlite_url(folder, name),
        "ENGAGEKIT_CONFIG": str(folder / "no-config.toml"),
        "ENGAGEKIT_DATA_DIR": str(folder / "data"),
        "ENGAGEKIT_RECORDED_BY": "tester",
    }


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, str]]:
    variables = environment(tmp_path)
    yield variables
    assert not (tmp_path / "data").exists(), "a command used the default data folder"


def invoke(env: Mapping[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=dict(env))


def run(env: Mapping[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m engagekit ARGS`` in a real process, with no ENGAGEKIT_* variables but ``env``."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("ENGAGEKIT_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "engagekit", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environment,
        timeout=60,
        check=False,
    )


def stored(env: Mapping[str, str], council_id: str) -> list[Record]:
    with open_store(env["ENGAGEKIT_DATABASE_URL"], busy_timeout_ms=BUSY_MS) as store:
        return list(store.records(council_id))


def updates_csv(path: Path, count: int = 3) -> Path:
    rows = [
        {
            "kind": "action-update",
            "date": f"2024-03-{n + 1:02d}",
            "action": "CN-4",
            "status": "in-progress",
            "percent": n,
        }
        for n in range(count)
    ]
    return write_rows(path, ACTION_COLUMNS, rows)


def register_forum(env: Mapping[str, str]) -> None:
    """Register FORUM, so Thurrock meetings may name it."""
    result = invoke(
        env,
        "record",
        "instance",
        "-c",
        "thurrock",
        "--body",
        "community-forums",
        "--id",
        "aveley",
        "--name",
        "Aveley Forum",
        "--date",
        "2019-10-01",
    )
    assert result.exit_code == 0, result.output


def finding(env: Mapping[str, str], rule_id: str, *options: str) -> dict[str, Any]:
    result = invoke(env, "report", "--council", "bathnes", "--format", "json", *options)
    assert result.exit_code == 0, result.output
    found: dict[str, Any] = next(f for f in json.loads(result.stdout)["findings"] if f["rule_id"] == rule_id)
    return found


def assert_one_line_error(result: Result | subprocess.CompletedProcess[str], *fragments: str) -> None:
    code = result.exit_code if isinstance(result, Result) else result.returncode
    assert code == 2, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("engagekit: ")
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr


# -- db -----------------------------------------------------------------------------------


def test_db_status_before_and_after_first_use(env: dict[str, str]) -> None:
    before = invoke(env, "db", "status")
    assert before.exit_code == 0, before.output
    assert before.stdout.splitlines() == [
        f"Store:   {env['ENGAGEKIT_DATABASE_URL']}",
        f"Schema:  none yet (it is created on first use, or by 'engagekit db upgrade'; latest {HEAD})",
    ]
    recorded = invoke(env, "record", "action", "-c", "basildon", "--action", "CN-1", "--status", "in-progress")
    assert recorded.exit_code == 0, recorded.output
    after = invoke(env, "db", "status")
    assert after.exit_code == 0, after.output
    assert after.stdout.splitlines() == [
        f"Store:   {env['ENGAGEKIT_DATABASE_URL']}",
        f"Schema:  {HEAD} (up to date)",
        "  action-update: 1",
        "  indicator-reading: 0",
        "  event: 0",
        "  review: 0",
        "  instance: 0",
        "  local-priority: 0",
        "  local-action: 0",
        "  member: 0",
    ]


def test_db_upgrade_creates_the_schema(env: dict[str, str]) -> None:
    result = invoke(env, "db", "upgrade")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{env['ENGAGEKIT_DATABASE_URL']}: schema {HEAD} (up to date)\n"
    assert f"Schema:  {HEAD} (up to date)" in invoke(env, "db", "status").stdout
    again = invoke(env, "db", "upgrade")
    assert again.exit_code == 0
    assert again.stdout == result.stdout


def test_db_status_of_a_bad_url_is_one_line(tmp_path: Path) -> None:
    result = invoke({**environment(tmp_path), "ENGAGEKIT_DATABASE_URL": "not a url"}, "db", "status")
    assert_one_line_error(result, "'not a url' is not a database URL")


# -- record -------------------------------------------------------------------------------


def test_record_each_kind_says_what_it_recorded(env: dict[str, str]) -> None:
    commands = [
        (
            ["action", "-c", "basildon", "--action", "CN-4", "--status", "in-progress", "--percent", "40"],
            f"Recorded action-update #1 for {BASILDON} on 2024-03-01.",
        ),
        (
            ["action", "-c", "basildon", "--action", "CN-5", "--status", "completed", "--by", "sam"],
            f"Recorded action-update #2 for {BASILDON} on 2024-03-01.",
        ),
        (
            ["reading", "-c", "basildon", "--indicator", "services-in-community-directory", "--value", "120"],
            f"Recorded indicator-reading #1 for {BASILDON} on 2024-03-01.",
        ),
        (
            ["instance", "-c", "thurrock", "--body", "community-forums", "--id", "aveley", "--name", "Aveley Forum"],
            "Recorded instance #1 for Thurrock Council on 2024-03-01.",
        ),
        (
            ["event", "-c", "thurrock", "--kind", "meeting", "--body", FORUM, "--public", "--agm"],
            "Recorded event #1 for Thurrock Council on 2024-03-01.",
        ),
        (
            ["review", "-c", "bathnes", "--obligation", "progress-report-to-cabinet", "--kind", "report"],
            "Recorded review #1 for Bath & North East Somerset Council on 2024-03-01.",
        ),
    ]
    for args, message in commands:
        result = invoke(env, "record", *args, "--date", "2024-03-01")
        assert result.exit_code == 0, result.output
        assert result.stdout == message + "\n"

    basildon = stored(env, "basildon")
    assert [(r.kind.value, r.id, r.recorded_by) for r in basildon] == [
        ("action-update", 1, "tester"),
        ("action-update", 2, "sam"),
        ("indicator-reading", 1, "tester"),
    ]
    first = basildon[0]
    assert isinstance(first, ActionUpdate)
    assert (first.action_id, first.status, first.percent) == ("CN-4", ActionStatus.IN_PROGRESS, 40)
    forum, meeting = stored(env, "thurrock")
    assert isinstance(forum, InstanceRecord)
    assert (forum.full_id, forum.name, forum.recorded_by) == (FORUM, "Aveley Forum", "tester")
    assert (getattr(meeting, "body_id", None), getattr(meeting, "public", None), getattr(meeting, "agm", None)) == (
        FORUM,
        True,
        True,
    )


def test_record_defaults_to_today(env: dict[str, str]) -> None:
    result = invoke(
        {**env, "ENGAGEKIT_TODAY": "2025-01-15"},
        "record",
        "action",
        "-c",
        "basildon",
        "--action",
        "CC-1",
        "--status",
        "delayed",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("on 2025-01-15.\n")


def test_record_takes_a_definition_file_as_report_does(env: dict[str, str]) -> None:
    """Fernbridge has no plugin: its records are kept under its id and the report by file sees them."""
    result = invoke(
        env,
        "record",
        "event",
        "--definition",
        str(FERNBRIDGE),
        "--kind",
        "meeting",
        "--body",
        "town-forums",
        "--public",
        "--agm",
        "--date",
        "2024-09-12",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "Recorded event #1 for Fernbridge District Council (fictional) on 2024-09-12.\n"
    (meeting,) = stored(env, "fernbridge")
    assert isinstance(meeting, EngagementEvent)
    assert (meeting.body_id, meeting.public, meeting.agm, meeting.date.isoformat(), meeting.recorded_by) == (
        "town-forums",
        True,
        True,
        "2024-09-12",
        "tester",
    )
    report = invoke(env, "report", "--definition", str(FERNBRIDGE), "--as-of", "2025-01-15", "--format", "json")
    assert report.exit_code == 0, report.output
    (quota,) = (f for f in json.loads(report.stdout)["findings"] if f["rule_id"] == "town-forums-meeting-quota")
    assert [item["ref"] for item in quota["evidence"]] == [f"event #{meeting.id}"]


def test_record_checks_a_definition_files_ids_and_says_which_council_in_one_line(env: dict[str, str]) -> None:
    unknown = invoke(env, "record", "action", "-d", str(FERNBRIDGE), "--action", "CN-1", "--status", "delayed")
    assert_one_line_error(unknown, "engagekit: action: no action 'CN-1' in this council (known: ")
    both = invoke(
        env, "record", "action", "-c", "basildon", "-d", str(FERNBRIDGE), "--action", "CN-1", "--status", "delayed"
    )
    assert_one_line_error(both, "engagekit: give --council or --definition, not both")
    neither = invoke(env, "record", "action", "--action", "CN-1", "--status", "delayed")
    assert_one_line_error(neither, "engagekit: say which council: --council ID")
    missing = invoke(
        env, "record", "action", "-d", str(FERNBRIDGE.with_name("nowhere.yaml")), "--action", "x", "--status", "delayed"
    )
    assert missing.exit_code == 2
    assert "Traceback" not in missing.output
    assert stored(env, "fernbridge") == []
    assert stored(env, "basildon") == []


def test_record_an_agm_with_no_body_exits_2_naming_the_body_column(env: dict[str, str]) -> None:
    result = invoke(env, "record", "event", "-d", str(FERNBRIDGE), "--kind", "meeting", "--public", "--agm")
    assert_one_line_error(
        result,
        "engagekit: body: missing: an AGM must name the body that held it "
        "(known: fernbridge-partnership-board, town-forums)",
    )
    assert stored(env, "fernbridge") == []


@pytest.mark.parametrize("with_ids", [False, True], ids=["fast-path", "general-path"])
def test_import_refuses_an_agm_with_no_body_by_either_path(env: dict[str, str], tmp_path: Path, with_ids: bool) -> None:
    """A file with an ``id`` column takes the general parser, one without the fast path: both refuse it."""
    columns = ["id"] * with_ids + ["kind", "date", "event", "body", "public", "agm"]
    rows = [
        {"id": 1, "kind": "event", "date": "2024-06-01", "event": "meeting", "body": "town-forums", "agm": "yes"},
        {"id": 2, "kind": "event", "date": "2024-06-02", "event": "meeting", "public": "yes", "agm": "yes"},
        {"id": 3, "kind": "event", "date": "2024-06-03", "event": "meeting", "public": "yes", "agm": "no"},
    ]
    if not with_ids:
        rows = [{key: value for key, value in row.items() if key != "id"} for row in rows]
    path = write_rows(tmp_path / "meetings.csv", columns, rows)
    # import takes no --definition (yet): the file is named in ENGAGEKIT_DEFINITIONS instead
    result = invoke({**env, "ENGAGEKIT_DEFINITIONS": str(FERNBRIDGE)}, "import", str(path), "--council", "fernbridge")
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [
        f"{path}: row 3, body: missing: an AGM must name the body that held it "
        "(known: fernbridge-partnership-board, town-forums)",
        f"{path}: nothing imported: 1 problem in 3 rows.",
    ]
    assert stored(env, "fernbridge") == []


def test_record_an_unknown_action_exits_2_with_one_line_and_writes_nothing(env: dict[str, str]) -> None:
    result = invoke(env, "record", "action", "-c", "basildon", "--action", "CN-9", "--status", "in-progress")
    assert_one_line_error(result, "engagekit: action: no action 'CN-9' in this council (known: CC-1, CC-2")
    assert result.stdout == ""
    bad_status = invoke(env, "record", "action", "-c", "basildon", "--action", "CN-1", "--status", "paused")
    assert_one_line_error(bad_status, "status: 'paused' is not one of: not-started, in-progress")
    bad_percent = invoke(
        env, "record", "action", "-c", "basildon", "--action", "CN-1", "--status", "delayed", "--percent", "140"
    )
    assert_one_line_error(bad_percent, "percent must be from 0 to 100, not 140")
    wrong_body = invoke(env, "record", "event", "-c", "thurrock", "--kind", "meeting", "--body", "cabinet-office")
    assert_one_line_error(wrong_body, "body: no body 'cabinet-office'")
    assert stored(env, "basildon") == []
    assert stored(env, "thurrock") == []


def test_record_an_unknown_action_in_a_subprocess_has_no_traceback(env: dict[str, str]) -> None:
    result = run(env, "record", "action", "-c", "basildon", "--action", "CN-9", "--status", "in-progress")
    assert_one_line_error(result, "no action 'CN-9'")
    assert result.stdout == ""


def test_a_correction_of_a_missing_record_exits_2(env: dict[str, str]) -> None:
    result = invoke(
        env, "record", "review", "-c", "bathnes", "--obligation", "progress-report-to-cabinet", "--supersedes", "7"
    )
    assert_one_line_error(result, "supersedes: no review record #7 to correct")


# -- history ------------------------------------------------------------------------------


def test_history_lists_updates_and_marks_corrected_ones(env: dict[str, str]) -> None:
    record = ["record", "action", "-c", "basildon", "--action", "CN-4"]
    assert invoke(env, *record, "--status", "in-progress", "--percent", "40", "--date", "2024-01-10").exit_code == 0
    assert invoke(env, *record, "--status", "at-risk", "--date", "2024-02-10", "--note", "supplier late").exit_code == 0
    correction = invoke(
        env, *record, "--status", "delayed", "--percent", "30", "--date", "2024-01-10", "--supersedes", "1"
    )
    assert correction.stdout.startswith("Recorded action-update #3 ")
    invoke(env, "record", "action", "-c", "basildon", "--action", "CN-5", "--status", "completed")

    result = invoke(env, "history", "--council", "basildon", "--action", "CN-4")
    assert result.exit_code == 0, result.output
    heading, *lines = result.stdout.splitlines()
    assert heading.startswith("CN-4: Work with VCS partners to develop an inclusive, digital community directory")
    assert len(lines) == 3
    assert lines[0].startswith("  #1 2024-01-10 in-progress 40%  [by tester, ")
    assert lines[0].endswith("]  (corrected)")
    assert lines[1].startswith("  #3 2024-01-10 delayed 30%  [by tester, ")
    assert lines[1].endswith("]  corrects #1")
    assert lines[2].startswith("  #2 2024-02-10 at-risk — supplier late  [by tester, ")
    assert lines[2].endswith("]")


def test_history_of_an_action_with_no_updates_and_of_an_unknown_action(env: dict[str, str]) -> None:
    empty = invoke(env, "history", "-c", "basildon", "--action", "CP-3")
    assert empty.exit_code == 0, empty.output
    assert empty.stdout.splitlines()[1:] == ["  No updates recorded."]
    unknown = invoke(env, "history", "-c", "basildon", "--action", "XX-1")
    assert_one_line_error(unknown, "no action 'XX-1' in basildon; actions: CN-1, CN-2")


# -- import -------------------------------------------------------------------------------


def test_import_a_csv_then_the_same_file_again(env: dict[str, str], tmp_path: Path) -> None:
    path = updates_csv(tmp_path / "updates.csv")
    first = invoke(env, "import", str(path), "--council", "basildon")
    assert first.exit_code == 0, first.output
    assert first.stdout == f"{path}: 3 rows checked; added 3 records for {BASILDON}.\n"
    again = invoke(env, "import", str(path), "--council", "basildon")
    assert again.exit_code == 0, again.output
    assert again.stdout == f"{path}: already imported for {BASILDON}; nothing added.\n"
    records = stored(env, "basildon")
    assert [getattr(r, "percent", None) for r in records] == [0, 1, 2]
    assert {r.recorded_by for r in records} == {"tester"}


def test_import_a_broken_csv_lists_each_problem_and_writes_nothing(env: dict[str, str], tmp_path: Path) -> None:
    path = write_rows(
        tmp_path / "broken.csv",
        ACTION_COLUMNS,
        [
            {"kind": "action-update", "date": "2024-03-01", "action": "CN-1", "status": "in-progress"},
            {"kind": "action-update", "date": "2024-03-01", "action": "CN-99", "status": "in-progress"},
            {"kind": "action-update", "date": "2024-31-01", "action": "CN-2", "status": "done"},
            {"kind": "action-update", "date": "2024-03-02", "action": "CN-3", "status": "completed", "percent": "x"},
        ],
    )
    result = invoke(env, "import", str(path), "--council", "basildon")
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"{path}: row 3, action: no action 'CN-99' in this council (known: CC-1")
    assert lines[1] == f"{path}: row 4, date: 2024-31-01 is not a date: there is no month 31"
    assert lines[2].startswith(f"{path}: row 4, status: 'done' is not one of: not-started, in-progress")
    assert lines[3] == f"{path}: row 5, percent: 'x' is not a whole number"
    assert lines[4:] == [f"{path}: nothing imported: 4 problems in 4 rows."]
    assert "Traceback" not in result.stderr
    assert stored(env, "basildon") == []
    assert "  action-update: 0" in invoke(env, "db", "status").stdout


def test_import_dry_run_checks_and_writes_nothing(env: dict[str, str], tmp_path: Path) -> None:
    path = updates_csv(tmp_path / "updates.csv", count=4)
    dry = invoke(env, "import", str(path), "--council", "basildon", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.stdout == f"{path}: 4 rows checked; would add 4 records for {BASILDON}.\n"
    assert stored(env, "basildon") == []
    real = invoke(env, "import", str(path), "--council", "basildon")
    assert real.stdout == f"{path}: 4 rows checked; added 4 records for {BASILDON}.\n"
    assert len(stored(env, "basildon")) == 4


def test_import_with_an_unknown_column_exits_2_naming_it(env: dict[str, str], tmp_path: Path) -> None:
    path = write_rows(
        tmp_path / "odd.csv",
        ["kind", "date", "action", "status", "colour"],
        [{"kind": "action-update", "date": "2024-03-01", "action": "CN-1", "status": "completed", "colour": "red"}],
    )
    result = invoke(env, "import", str(path), "--council", "basildon")
    assert_one_line_error(result, f"{path}: unknown column 'colour'", "columns engagekit reads: kind, id, date")
    assert stored(env, "basildon") == []


def test_import_with_kind_for_a_file_without_a_kind_column(env: dict[str, str], tmp_path: Path) -> None:
    path = write_rows(
        tmp_path / "meetings.csv",
        ["date", "event", "body", "public"],
        [{"date": "2024-03-04", "event": "meeting", "body": FORUM, "public": "yes"}],
    )
    register_forum(env)
    missing = invoke(env, "import", str(path), "--council", "thurrock")
    assert missing.exit_code == 1
    assert f"{path}: row 2, kind: missing" in missing.stderr
    result = invoke(env, "import", str(path), "--council", "thurrock", "--kind", "event")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{path}: 1 rows checked; added 1 records for Thurrock Council.\n"
    bad_kind = invoke(env, "import", str(path), "--council", "thurrock", "--kind", "meetings")
    assert_one_line_error(bad_kind, "--kind 'meetings' is not one of: action-update")


def test_import_an_xlsx_file(env: dict[str, str], tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "instance"  # the forum is registered before the sheet of its meetings
    sheet.append(["date", "body", "instance", "name"])
    sheet.append(["2019-10-01", "community-forums", "aveley", "Aveley Forum"])
    meetings = workbook.create_sheet("event")
    meetings.append(["date", "event", "body", "public", "attendance"])
    meetings.append(["2024-03-04", "meeting", FORUM, True, 25])
    meetings.append(["2024-04-04", "meeting", FORUM, "no", None])
    reviews = workbook.create_sheet("review")
    reviews.append(["date", "obligation", "review"])
    reviews.append(["2024-05-01", "draft-strategy-to-cabinet", "report"])
    path = tmp_path / "thurrock.xlsx"
    workbook.save(path)
    result = invoke(env, "import", str(path), "--council", "thurrock")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{path}: 4 rows checked; added 4 records for Thurrock Council.\n"
    forum, *records = stored(env, "thurrock")
    assert isinstance(forum, InstanceRecord)
    assert (forum.full_id, forum.name, forum.date.isoformat()) == (FORUM, "Aveley Forum", "2019-10-01")
    assert [(r.kind.value, r.date.isoformat(), getattr(r, "body_id", None)) for r in records] == [
        ("event", "2024-03-04", FORUM),
        ("event", "2024-04-04", FORUM),
        ("review", "2024-05-01", None),
    ]
    assert [(getattr(r, "public", None), getattr(r, "attendance", None)) for r in records[:2]] == [
        (True, 25),
        (False, None),
    ]


def test_import_a_decidim_results_file(env: dict[str, str], tmp_path: Path) -> None:
    path = write_rows(
        tmp_path / "results.csv",
        DECIDIM_COLUMNS,
        [
            {"id": "connected-neighbourhoods", "status/id": "in_progress", "title/en": "Connected Neighbourhoods"},
            {"id": "CN-1", "parent/id": "connected-neighbourhoods", "status/id": "executing", "progress": "40"},
            {
                "id": "17",
                "parent/id": "connected-neighbourhoods",
                "status/id": "finished",
                "title/en": "Conduct an in-depth community mapping exercise using existing and new insight to identify "
                "the local areas of opportunity and any need for community activity.",
                "progress": "100",
            },
        ],
    )
    result = invoke(env, "import", str(path), "--council", "basildon", "--date", "2024-05-31")
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(f"added 2 records for {BASILDON}.\n")
    records = [r for r in stored(env, "basildon") if isinstance(r, ActionUpdate)]
    assert [(r.action_id, r.status.value, r.percent, r.date.isoformat()) for r in records] == [
        ("CN-1", "in-progress", 40, "2024-05-31"),
        ("CN-2", "completed", 100, "2024-05-31"),
    ]
    history = invoke(env, "history", "-c", "basildon", "--action", "CN-2")
    assert "2024-05-31 completed 100% — Imported from Decidim result 17" in history.stdout

    unmatched = write_rows(
        tmp_path / "unmatched.csv", DECIDIM_COLUMNS, [{"id": "99", "status/id": "executing", "title/en": "A park"}]
    )
    failed = invoke(env, "import", str(unmatched), "--council", "basildon", "--date", "2024-05-31")
    assert failed.exit_code == 1
    assert f"{unmatched}: row 2, action: no action '99'" in failed.stderr


def test_import_in_a_subprocess_then_db_status(env: dict[str, str], tmp_path: Path) -> None:
    path = updates_csv(tmp_path / "updates.csv", count=5)
    imported = run(env, "import", str(path), "--council", "basildon")
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout == f"{path}: 5 rows checked; added 5 records for {BASILDON}.\n"
    status = run(env, "db", "status")
    assert status.returncode == 0, status.stderr
    assert f"Schema:  {HEAD} (up to date)" in status.stdout
    assert "  action-update: 5" in status.stdout
    broken = write_rows(tmp_path / "broken.csv", ACTION_COLUMNS, [{"kind": "action-update", "date": "2024-01-01"}])
    failed = run(env, "import", str(broken), "--council", "basildon")
    assert failed.returncode == 1
    assert "Traceback" not in failed.stderr
    assert failed.stderr.splitlines()[:2] == [f"{broken}: row 2, action: missing", f"{broken}: row 2, status: missing"]


# -- export -------------------------------------------------------------------------------


@pytest.mark.parametrize("format_name", ["csv", "json", "xlsx"])
def test_export_then_import_into_a_second_store_reproduces_the_records(
    env: dict[str, str], tmp_path: Path, format_name: str
) -> None:
    record = ["record", "action", "-c", "basildon", "--action", "CN-4", "--date", "2024-01-10"]
    assert invoke(env, *record, "--status", "in-progress", "--percent", "40", "--note", "a, b").exit_code == 0
    assert invoke(env, *record, "--status", "delayed", "--supersedes", "1", "--by", "sam").exit_code == 0
    assert (
        invoke(
            env, "record", "reading", "-c", "basildon", "--indicator", "new-principles-and-models", "--value", "2"
        ).exit_code
        == 0
    )
    assert (
        invoke(
            env,
            "record",
            "event",
            "-c",
            "basildon",
            "--kind",
            "consultation",
            "--date",
            "2024-02-01",
            "--closes",
            "2024-03-01",
            "--area",
            "pitsea",
            "--level",
            "consult",
        ).exit_code
        == 0
    )
    assert (
        invoke(
            env,
            "record",
            "review",
            "-c",
            "basildon",
            "--obligation",
            "sia-review",
            "--approved-by",
            "Head of Innovation",
        ).exit_code
        == 0
    )

    output = tmp_path / f"basildon.{format_name}"
    exported = invoke(env, "export", "--council", "basildon", "--format", format_name, "--output", str(output))
    assert exported.exit_code == 0, exported.output
    assert output.stat().st_size > 0

    second = environment(tmp_path, "second.db")
    imported = invoke({**second, "ENGAGEKIT_RECORDED_BY": "someone-else"}, "import", str(output), "-c", "basildon")
    assert imported.exit_code == 0, imported.output
    assert imported.stdout == f"{output}: 5 rows checked; added 5 records for {BASILDON}.\n"
    original, copied = stored(env, "basildon"), stored(second, "basildon")
    assert comparable(copied) == comparable(original)
    assert [r.recorded_by for r in copied] == ["tester", "sam", "tester", "tester", "tester"]

    history = invoke(second, "history", "-c", "basildon", "--action", "CN-4").stdout.splitlines()
    assert history[1].endswith("(corrected)")
    assert history[2].endswith("corrects #1")


def test_export_csv_and_json_to_standard_output(env: dict[str, str]) -> None:
    invoke(
        env, "record", "review", "-c", "bathnes", "--obligation", "progress-report-to-cabinet", "--date", "2013-11-06"
    )
    text = invoke(env, "export", "-c", "bathnes")
    assert text.exit_code == 0, text.output
    header, row = text.stdout.splitlines()
    assert header == "kind,id,date,note,recorded_by,recorded_at,supersedes,obligation,review,approved_by"
    assert row.startswith("review,1,2013-11-06,,tester,")
    data = json.loads(invoke(env, "export", "-c", "bathnes", "-f", "json").stdout)
    assert data["schema_version"] == 1
    assert [(r["kind"], r["obligation"], r["review"]) for r in data["records"]] == [
        ("review", "progress-report-to-cabinet", "review")
    ]
    piped = invoke(env, "export", "-c", "bathnes", "-f", "xlsx")  # not a terminal: the bytes go down the pipe
    assert piped.exit_code == 0
    assert piped.stdout_bytes.startswith(b"PK")


# -- report -------------------------------------------------------------------------------


def test_report_as_of_follows_the_records(env: dict[str, str]) -> None:
    rule, as_of = "progress-report-to-cabinet", ["--as-of", "2013-11-09"]
    before = finding(env, rule, *as_of)
    assert before["status"] == "red"
    assert before["evidence"] == []

    recorded = invoke(
        env, "record", "review", "-c", "bathnes", "--obligation", rule, "--kind", "report", "--date", "2013-11-06"
    )
    assert recorded.exit_code == 0, recorded.output
    after = finding(env, rule, *as_of)
    assert after["status"] == "green"
    assert [(e["date"], e["kind"], e["ref"]) for e in after["evidence"]] == [("2013-11-06", "report", "review #1")]

    assert finding(env, rule, "--as-of", "2013-11-05")["status"] != "green"
    assert finding(env, rule, *as_of, "--no-records")["status"] == "red"


def test_report_ignores_a_corrected_report(env: dict[str, str]) -> None:
    rule = "progress-report-to-cabinet"
    record = ["record", "review", "-c", "bathnes", "--obligation", rule, "--kind", "report"]
    assert invoke(env, *record, "--date", "2013-11-06").exit_code == 0
    assert invoke(env, *record, "--date", "2013-12-02", "--supersedes", "1", "--note", "it went later").exit_code == 0
    assert finding(env, rule, "--as-of", "2013-11-09")["status"] == "red"
    assert finding(env, rule, "--as-of", "2013-12-31")["evidence"][0]["summary"] == "it went later"


def test_report_text_in_a_subprocess_uses_the_store(env: dict[str, str]) -> None:
    rule = "progress-report-to-cabinet"
    invoke(env, "record", "review", "-c", "bathnes", "--obligation", rule, "--kind", "report", "--date", "2013-11-06")
    with_records = run(env, "report", "-c", "bathnes", "--as-of", "2013-11-09")
    assert with_records.returncode == 0, with_records.stderr
    text = " ".join(with_records.stdout.split())
    assert "RED: Further report updating on progress" not in text
    assert "no report recorded" not in text
    assert "review #1" in text
    without = run(env, "report", "-c", "bathnes", "--as-of", "2013-11-09", "--no-records")
    assert without.returncode == 0, without.stderr
    text = " ".join(without.stdout.split())
    assert "RED: Further report updating on progress" in text
    assert "no report recorded" in text
    assert "review #1" not in text


def test_record_registers_a_forum_and_its_meetings_and_members(tmp_path: Path) -> None:
    """Thurrock's forums are known only from records: register one, then record its AGM and its chair."""
    env = {"ENGAGEKIT_DATABASE_URL": f"sqlite:///{tmp_path / 'forums.db'}", "ENGAGEKIT_RECORDED_BY": "officer"}
    runner = CliRunner()

    def run(*args: str) -> Result:
        return runner.invoke(cli, list(args), env=env)

    registered = run(
        "record",
        "instance",
        "-c",
        "thurrock",
        "--body",
        "community-forums",
        "--id",
        "stanford",
        "--name",
        "Stanford Forum",
        "--date",
        "2019-10-01",
    )
    assert (registered.exit_code, registered.output) == (
        0,
        "Recorded instance #1 for Thurrock Council on 2019-10-01.\n",
    )
    agm = run(
        "record",
        "event",
        "-c",
        "thurrock",
        "--kind",
        "meeting",
        "--body",
        "community-forums.stanford",
        "--public",
        "--agm",
        "--considered",
        "annual report",
        "--date",
        "2025-06-01",
    )
    assert agm.exit_code == 0, agm.output
    wrong = run(
        "record", "event", "-c", "thurrock", "--kind", "meeting", "--body", "community-forums", "--date", "2025-06-01"
    )
    assert wrong.exit_code == 2
    assert wrong.output.endswith(
        "body: body 'community-forums' stands for one per place: name its instance (known: community-forums.stanford)\n"
    )
    chair = run(
        "record",
        "member",
        "-c",
        "thurrock",
        "--body",
        "community-forums.stanford",
        "--name",
        "Ann",
        "--office",
        "chair",
        "--councillor",
        "--date",
        "2024-05-01",
    )
    assert chair.exit_code == 0, chair.output
    exported = run("export", "-c", "thurrock", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(exported.output)))
    assert [(row["kind"], row["body"]) for row in rows] == [
        ("instance", "community-forums"),
        ("event", "community-forums.stanford"),
        ("member", "community-forums.stanford"),
    ]
    assert rows[1]["considered"] == "annual report"
    assert rows[2]["councillor"] == "yes"
