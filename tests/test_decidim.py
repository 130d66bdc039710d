"""Decidim both ways: engagekit's file for Decidim's results importer, a Decidim export filled
in, and Decidim's own export imported, on SQLite and PostgreSQL.

The fixture files in tests/decidim/ are illustrative (see its README): they are built to the
column lists of Decidim's results export in ../shared/audits/2026-12-interop.md, which
:data:`EXPORT_0_28` and :data:`EXPORT_0_27` copy. :func:`decidim_imports` stands in for what
Decidim's ``ResultsCsvImporter`` requires of a file, and :func:`decidim_exports` for its export.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from tests.import_files import write_rows

from engagekit.cli import cli
from engagekit.interop.decidim_export import ResultLine, import_columns, import_file
from engagekit.records import ActionUpdate, open_store
from engagekit.records.decidim import engagekit_status, read_table, separator_of

FIXTURES = Path(__file__).resolve().parent / "decidim"
FIXTURE_0_28 = FIXTURES / "results-0.28.csv"
FIXTURE_0_27 = FIXTURES / "results-0.27.csv"
FERNBRIDGE = Path(__file__).resolve().parent.parent / "examples" / "fernbridge" / "fernbridge.yaml"
BASILDON = "Basildon Borough Council"

EXPORT_0_28 = (
    "id;taxonomies/id;taxonomies/name;parent/id;title/<locale>;description/<locale>;start_date;end_date;"
    "status/id;status/key;status/name/<locale>;progress;created_at;updated_at;url;component/id;proposal_urls;"
    "reference;children_count;comments_count;address;latitude;longitude"
)
"""Decidim 0.28+'s results export, as the audit gives it."""

EXPORT_0_27 = EXPORT_0_28.replace(
    "taxonomies/id;taxonomies/name", "category/id;category/name/<locale>;scope/id;scope/name/<locale>"
)
"""Decidim 0.27's: ``category/*`` and ``scope/*`` instead of ``taxonomies/*``."""

IMPORTER_READS = {"id", "parent/id", "title/en", "description/en", "start_date", "end_date", "status/id"}
IMPORTER_READS |= {"progress", "proposal_urls", "category/id", "external_id", "weight"}
"""The columns Decidim's results importer reads (the audit's list, locale en)."""

STATUSES = {11: ("not_started", "Not started"), 12: ("in_progress", "In progress"), 13: ("completed", "Completed")}
"""The statuses of the illustrative component: id, key and English name."""

CN_1 = (
    "Co-create a communications campaign plan to mobilise communities behind a common goal, issue or "
    "celebration, using a 'call to action' communication style."
)
UPDATE_COLUMNS = ["kind", "date", "action", "status", "percent", "note"]


def columns(header: str, locale: str = "en") -> list[str]:
    return header.replace("<locale>", locale).split(";")


# -- helpers ------------------------------------------------------------------------------


@pytest.fixture
def env(tmp_path: Path, store_url: str) -> dict[str, str]:
    return {
        "ENGAGEKIT_DATABASE_URL": store_url,
        "ENGAGEKIT_CONFIG": str(tmp_path / "no-config.toml"),
        "ENGAGEKIT_DATA_DIR": str(tmp_path / "data"),
        "ENGAGEKIT_RECORDED_BY": "tester",
        "ENGAGEKIT_TODAY": "2026-03-20",
    }


def invoke(env: Mapping[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=dict(env))


def updates(env: Mapping[str, str]) -> list[tuple[str, str, int | None, str]]:
    with open_store(env["ENGAGEKIT_DATABASE_URL"], busy_timeout_ms=30_000) as store:
        found = [r for r in store.records("basildon") if isinstance(r, ActionUpdate)]
    return [(r.action_id, r.status.value, r.percent, r.date.isoformat()) for r in found]


def record(env: Mapping[str, str], tmp_path: Path, rows: Sequence[Mapping[str, Any]]) -> None:
    path = write_rows(tmp_path / "updates.csv", UPDATE_COLUMNS, [{"kind": "action-update", **row} for row in rows])
    result = invoke(env, "import", str(path), "--council", "basildon")
    assert result.exit_code == 0, result.output


def semicolon_rows(text: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=";")
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def decidim_imports(text: str, statuses: Mapping[int, tuple[str, str]]) -> list[dict[str, Any]]:
    """The results Decidim's importer would make from ``text``, checking what it requires.

    Its reader splits on ``;`` with the first row as the header (a BOM would become part of
    ``id``); ``id`` and ``parent/id`` are blank or integers, ``title/en`` is required,
    ``status/id`` is blank or the id of one of the component's statuses, ``progress`` a number,
    dates parse. Each row with no ``id`` is a new result with a new integer id.
    """
    header, rows = semicolon_rows(text)
    assert header[0] == "id", "the first column must be id, with no byte order mark before it"
    made: list[dict[str, Any]] = []
    for number, row in enumerate(rows, start=2):
        assert None not in row, f"row {number} has more cells than the header"
        assert row["title/en"].strip(), f"row {number}: Decidim requires a title"
        for column in ("id", "parent/id", "status/id"):
            assert row[column] == "" or row[column].isdigit(), f"row {number}, {column}: {row[column]!r}"
        if row["status/id"]:
            assert int(row["status/id"]) in statuses, f"row {number}: status {row['status/id']} is not the component's"
        if row["progress"]:
            assert 0 <= float(row["progress"]) <= 100
        for column in ("start_date", "end_date"):
            if row[column]:
                dt.date.fromisoformat(row[column])
        status_id = int(row["status/id"]) if row["status/id"] else None
        made.append(
            {
                "id": 500 + len(made),
                "parent": int(row["parent/id"]) if row["parent/id"] else None,
                "title": row["title/en"],
                "status": status_id,
                "progress": row["progress"],
            }
        )
    return made


def decidim_exports(results: Sequence[Mapping[str, Any]], statuses: Mapping[int, tuple[str, str]], when: str) -> str:
    """The component's results as Decidim 0.28 exports them (``;``, the audit's columns)."""
    header = columns(EXPORT_0_28)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, delimiter=";", lineterminator="\n")
    writer.writeheader()
    for result in results:
        key, name = statuses.get(result["status"], ("", "")) if result["status"] else ("", "")
        row = dict.fromkeys(header, "")
        row |= {"id": str(result["id"]), "title/en": result["title"], "progress": result["progress"]}
        row |= {"status/id": str(result["status"] or ""), "status/key": key, "status/name/en": name}
        row |= {"created_at": f"{when} 09:00:00 UTC", "updated_at": f"{when} 09:00:00 UTC", "component/id": "7"}
        row |= {"parent/id": str(result["parent"] or ""), "children_count": "0", "comments_count": "0"}
        writer.writerow(row)
    return buffer.getvalue()


# -- the fixtures are Decidim's columns -------------------------------------------------


def test_the_fixtures_have_exactly_decidims_export_columns() -> None:
    assert read_table(FIXTURE_0_28).header == columns(EXPORT_0_28)
    assert read_table(FIXTURE_0_27).header == columns(EXPORT_0_27)
    assert "taxonomies/id" not in columns(EXPORT_0_27)
    assert {"category/id", "scope/name/en"} <= set(columns(EXPORT_0_27))


def test_the_separator_is_found_from_the_header(tmp_path: Path) -> None:
    assert separator_of(FIXTURE_0_28) == ";"
    assert separator_of(FIXTURE_0_27) == ","
    commas_in_titles = tmp_path / "semicolons.csv"
    commas_in_titles.write_text('id;parent/id;title/en;status/key\n1;;"A, b, c";in_progress\n', encoding="utf-8")
    assert separator_of(commas_in_titles) == ";"
    semicolons_in_titles = tmp_path / "commas.csv"
    semicolons_in_titles.write_text('id,parent/id,title/en,status/key\n1,,"A; b; c",in_progress\n', encoding="utf-8")
    assert separator_of(semicolons_in_titles) == ","
    assert read_table(semicolons_in_titles).rows == [(2, ["1", "", "A; b; c", "in_progress"])]
    records = tmp_path / "records.csv"
    records.write_text("kind,date,action,status\naction-update,2026-01-01,CN-1,in-progress\n", encoding="utf-8")
    assert separator_of(records) is None


def test_status_keys_and_names_are_read_as_engagekit_statuses() -> None:
    assert engagekit_status("in_progress") == engagekit_status("In progress") == "in-progress"
    assert engagekit_status("Executing") == "in-progress"
    assert engagekit_status("finished") == engagekit_status("Finished") == "completed"
    assert engagekit_status("on_hold") is None


# -- Decidim's export into engagekit ------------------------------------------------------


def test_decidims_0_28_export_refuses_unknown_results_unless_skipped(env: dict[str, str]) -> None:
    refused = invoke(env, "import", str(FIXTURE_0_28), "--council", "basildon")
    assert refused.exit_code == 1, refused.output
    assert f"{FIXTURE_0_28}: row 5, action: no action '104'" in refused.stderr
    assert f"{FIXTURE_0_28}: row 6, action: no action '105'" in refused.stderr
    assert "--skip-unknown" in refused.stderr
    assert "nothing imported: 2 problems in 5 rows." in refused.stderr
    assert updates(env) == []

    imported = invoke(env, "import", str(FIXTURE_0_28), "--council", "basildon", "--skip-unknown")
    assert imported.exit_code == 0, imported.output
    assert f"{FIXTURE_0_28}: skipped 2 unknown results (--skip-unknown):" in imported.stderr
    assert f"{FIXTURE_0_28}: row 5: result 104 'A new skate park for Wickford'" in imported.stderr
    assert "row 6: result 105 '=HYPERLINK(" in imported.stderr
    assert "left out 1 parent result." in imported.stderr
    assert imported.stdout.endswith(f"added 3 records for {BASILDON}.\n")
    # Matched by title (CN-2's in capitals with spaces around it); dated by updated_at.
    assert updates(env) == [
        ("CN-1", "in-progress", 40, "2026-03-02"),
        ("CN-2", "completed", 100, "2026-02-20"),
        ("CC-3", "not-started", 0, "2026-01-15"),
    ]


def test_decidims_0_27_export_with_commas_reads_status_names_and_falls_back_to_the_date(
    env: dict[str, str],
) -> None:
    result = invoke(env, "import", str(FIXTURE_0_27), "--council", "basildon", "--date", "2024-01-31")
    assert result.exit_code == 0, result.output
    assert "left out 1 parent result." in result.stderr
    # CP-1 has no status/key, only the name "Finished"; CC-3 has no updated_at.
    assert updates(env) == [("CP-1", "completed", 100, "2023-11-30"), ("CC-3", "in-progress", 55, "2024-01-31")]


def test_external_id_is_matched_before_id_and_title_and_ids_through_a_map(env: dict[str, str], tmp_path: Path) -> None:
    path = write_rows(
        tmp_path / "results.csv",
        ["id", "parent/id", "external_id", "title/en", "status/key", "progress", "updated_at"],
        [
            {"id": "7", "external_id": "CC-1", "title/en": CN_1, "status/key": "completed", "updated_at": "2026-03-01"},
            {"id": "8", "title/en": "Renamed in Decidim", "status/key": "ongoing", "progress": "12.4"},
        ],
    )
    unmapped = invoke(env, "import", str(path), "--council", "basildon", "--date", "2026-03-03")
    assert unmapped.exit_code == 1
    assert f"{path}: row 3, action: no action '8'" in unmapped.stderr
    imported = invoke(
        env, "import", str(path), "--council", "basildon", "--date", "2026-03-03", "--decidim-ids", "CN-4=8"
    )
    assert imported.exit_code == 0, imported.output
    assert updates(env) == [("CC-1", "completed", None, "2026-03-01"), ("CN-4", "in-progress", 12, "2026-03-03")]


def test_two_results_matching_one_action_are_a_problem(env: dict[str, str], tmp_path: Path) -> None:
    path = write_rows(
        tmp_path / "twice.csv",
        ["id", "parent/id", "title/en", "status/key"],
        [{"id": "1", "title/en": CN_1, "status/key": "completed"}, {"id": "2", "title/en": CN_1, "status/key": "done"}],
    )
    result = invoke(env, "import", str(path), "--council", "basildon")
    assert result.exit_code == 1
    assert f"{path}: row 3, action: result '2' matches action CN-1 by title, as row 2 does" in result.stderr


@pytest.mark.parametrize(
    ("cells", "says"),
    [
        ({"status/key": "on_hold"}, "row 2, status: status/key 'on_hold' is not a status engagekit knows"),
        ({"status/key": "completed", "updated_at": "yesterday"}, "row 2, date: updated_at 'yesterday' is not a date"),
        ({"status/key": "completed", "updated_at": "2026-02-30 10:00:00 UTC"}, "row 2, date: updated_at 2026-02-30"),
        ({"status/key": "completed", "progress": "lots"}, "row 2, percent: progress 'lots' is not a number"),
        ({"status/id": "5"}, "row 2, status: status/id '5' alone does not say which status it is"),
    ],
)
def test_a_bad_cell_is_one_line_naming_row_and_column(
    env: dict[str, str], tmp_path: Path, cells: dict[str, str], says: str
) -> None:
    row = {"id": "1", "title/en": CN_1} | cells
    header = ["id", "parent/id", "title/en", *cells]
    path = write_rows(tmp_path / "bad.csv", header if "status/id" in cells else [*header, "status/id"], [row])
    result = invoke(env, "import", str(path), "--council", "basildon")
    assert result.exit_code == 1, result.output
    assert f"{path}: {says}" in result.stderr
    assert "nothing imported: 1 problem in 1 row." in result.stderr
    assert updates(env) == []


def test_a_numeric_status_id_is_read_through_a_status_map(env: dict[str, str], tmp_path: Path) -> None:
    path = write_rows(
        tmp_path / "ids.csv",
        ["id", "parent/id", "title/en", "status/id"],
        [{"id": "1", "title/en": CN_1, "status/id": "5"}],
    )
    result = invoke(
        env, "import", str(path), "-c", "basildon", "--date", "2026-01-02", "--decidim-statuses", "completed=5"
    )
    assert result.exit_code == 0, result.output
    assert updates(env) == [("CN-1", "completed", None, "2026-01-02")]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--decidim-ids", "CN-1"], "--decidim-ids: 'CN-1' is not KEY=ID"),
        (["--decidim-ids", "XX-9=4"], "--decidim-ids: 'XX-9' is no action, outcome or pillar of this council"),
        (["--decidim-ids", "CN-1=4,CN-2=4"], "Decidim id 4 is given to both 'CN-1' and 'CN-2'"),
        (["--decidim-statuses", "completed=-1"], "--decidim-statuses: 'completed' needs a Decidim id"),
    ],
)
def test_bad_maps_are_usage_problems(env: dict[str, str], args: list[str], says: str) -> None:
    result = invoke(env, "import", str(FIXTURE_0_28), "--council", "basildon", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith("engagekit: --")
    assert result.stderr.count("\n") == 1
    assert says in result.stderr


def test_decidim_options_are_refused_for_other_files(env: dict[str, str], tmp_path: Path) -> None:
    path = write_rows(
        tmp_path / "u.csv",
        UPDATE_COLUMNS,
        [{"kind": "action-update", "date": "2026-01-01", "action": "CN-1", "status": "completed"}],
    )
    result = invoke(env, "import", str(path), "--council", "basildon", "--skip-unknown")
    assert result.exit_code == 2
    assert "--skip-unknown is for Decidim results files, and this is not one" in result.stderr


def test_hostile_titles_and_council_names_print_as_plain_text(env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "hostile.csv"
    path.write_text(
        "id;parent/id;title/en;status/key\n"
        '1;;"\x1b]0;owned\x07 park\x1b[2J";in_progress\n'
        "2;;'=cmd|' /C calc'!A0;completed\n",
        encoding="utf-8",
    )
    result = invoke(env, "import", str(path), "--council", "basildon", "--skip-unknown")
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stderr
    assert "\x07" not in result.stderr
    assert "row 2: result 1" in result.stderr
    assert "row 3: result 2" in result.stderr

    definition = tmp_path / "fernbridge.yaml"
    text = FERNBRIDGE.read_text(encoding="utf-8").replace(
        'name: "Fernbridge District Council (fictional)"', 'name: "Fern\\e[2Jbridge\\e]0;x\\a Council"'
    )
    definition.write_text(text, encoding="utf-8")
    ours = write_rows(tmp_path / "none.csv", ["id", "parent/id", "title/en", "status/key"], [])
    imported = invoke(env, "import", str(ours), "--definition", str(definition))
    assert imported.exit_code == 0, imported.output
    assert imported.stdout.endswith("added 0 records for Fernbridge Council.\n")


# -- engagekit into Decidim ---------------------------------------------------------------


def test_the_import_file_is_what_decidims_importer_reads(env: dict[str, str], tmp_path: Path) -> None:
    record(env, tmp_path, [{"date": "2026-02-01", "action": "CN-1", "status": "in-progress", "percent": "40"}])
    result = invoke(
        env, "export", "-c", "basildon", "--format", "decidim", "--decidim-statuses", "in-progress=12,completed=13"
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    header, rows = semicolon_rows(result.stdout)
    assert header == import_columns("en")
    assert set(header) <= IMPORTER_READS
    assert all(row["id"] == row["parent/id"] == "" for row in rows)  # no Decidim ids known
    by_external = {row["external_id"]: row for row in rows}
    assert (by_external["CN-1"]["status/id"], by_external["CN-1"]["progress"]) == ("12", "40")
    assert by_external["CN-2"]["status/id"] == by_external["CN-2"]["progress"] == ""
    assert by_external["connected-neighbourhoods"]["title/en"] == "Connected Neighbourhoods"
    assert by_external["CN-1"]["title/en"] == CN_1
    made = decidim_imports(result.stdout, STATUSES)
    assert len(made) == len(rows)


def test_known_decidim_ids_fill_id_and_parent(env: dict[str, str]) -> None:
    result = invoke(
        env, "export", "-c", "basildon", "-f", "decidim", "--decidim-statuses", "completed=13",
        "--decidim-ids", "outcome-leaders-and-groups-empowered=40,CN-1=41", "--decidim-locale", "ca",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    header, rows = semicolon_rows(result.stdout)
    assert header == import_columns("ca")
    by_external = {row["external_id"]: row for row in rows}
    assert (by_external["CN-1"]["id"], by_external["CN-1"]["parent/id"]) == ("41", "40")
    assert (by_external["CN-2"]["id"], by_external["CN-2"]["parent/id"]) == ("", "40")


def test_a_status_with_no_decidim_id_is_an_error_naming_it(env: dict[str, str], tmp_path: Path) -> None:
    record(env, tmp_path, [{"date": "2026-02-10", "action": "CP-1", "status": "at-risk", "percent": "20"}])
    result = invoke(env, "export", "-c", "basildon", "-f", "decidim", "--decidim-statuses", "in-progress=12")
    assert result.exit_code == 2
    assert "no Decidim status for engagekit status 'at-risk' (the latest status of CP-1)" in result.stderr
    assert result.stdout == ""
    missing = invoke(env, "export", "-c", "basildon", "-f", "decidim")
    assert missing.exit_code == 2
    assert "--format decidim needs Decidim's status ids" in missing.stderr
    wrong = invoke(env, "export", "-c", "basildon", "-f", "csv", "--decidim-statuses", "in-progress=12")
    assert wrong.exit_code == 2
    assert "--decidim-statuses is for --format decidim" in wrong.stderr


def test_statuses_merged_onto_one_decidim_status_are_named(env: dict[str, str], tmp_path: Path) -> None:
    record(
        env,
        tmp_path,
        [
            {"date": "2026-02-01", "action": "CN-1", "status": "in-progress", "percent": "40"},
            {"date": "2026-02-10", "action": "CP-1", "status": "at-risk", "percent": "20"},
            {"date": "2026-02-11", "action": "CC-4", "status": "delayed"},
            {"date": "2026-01-05", "action": "CC-2", "status": "completed"},
        ],
    )
    result = invoke(
        env, "export", "-c", "basildon", "-f", "decidim", "--decidim-statuses",
        "in_progress=12,at-risk=12,delayed=12,completed=13", "-o", str(tmp_path / "results.csv"),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "engagekit: engagekit statuses at-risk, delayed, in-progress all become Decidim status 12; "
        "Decidim will not tell them apart\n"
    )


def test_round_trip_engagekit_to_decidim_and_back(env: dict[str, str], tmp_path: Path, store_url: str) -> None:
    """Export → Decidim's importer → Decidim's export → engagekit: each status comes back as the
    Decidim status it was given (at-risk, merged into in progress, comes back in progress)."""
    record(
        env,
        tmp_path,
        [
            {"date": "2026-02-01", "action": "CN-1", "status": "in-progress", "percent": "40"},
            {"date": "2026-01-05", "action": "CC-2", "status": "completed"},
            {"date": "2026-02-10", "action": "CP-1", "status": "at-risk", "percent": "20"},
        ],
    )
    exported = invoke(
        env, "export", "-c", "basildon", "-f", "decidim", "--decidim-statuses", "in-progress=12,at-risk=12,completed=13"
    )
    assert exported.exit_code == 0, exported.output
    results = decidim_imports(exported.stdout, STATUSES)
    decidim_file = tmp_path / "from-decidim.csv"
    decidim_file.write_text(decidim_exports(results, STATUSES, "2026-03-05"), encoding="utf-8")
    assert read_table(decidim_file).header == columns(EXPORT_0_28)

    other = dict(env, ENGAGEKIT_DATABASE_URL=f"sqlite:///{tmp_path / 'other.db'}")
    imported = invoke(other, "import", str(decidim_file), "--council", "basildon")
    assert imported.exit_code == 0, imported.output
    assert updates(other) == [
        ("CN-1", "in-progress", 40, "2026-03-05"),
        ("CC-2", "completed", None, "2026-03-05"),
        ("CP-1", "in-progress", 20, "2026-03-05"),
    ]


def test_fill_in_writes_decidims_file_back_with_the_latest_statuses(env: dict[str, str], tmp_path: Path) -> None:
    record(
        env,
        tmp_path,
        [
            {"date": "2026-03-10", "action": "CN-1", "status": "at-risk", "percent": "55"},
            {"date": "2026-03-11", "action": "CN-2", "status": "completed"},
            {"date": "2026-03-12", "action": "CC-3", "status": "in-progress", "percent": "30"},
            {"date": "2026-03-12", "action": "CP-2", "status": "completed"},
        ],
    )
    filled = tmp_path / "filled.csv"
    args = ["export", "-c", "basildon", "-f", "decidim", "--decidim-export", str(FIXTURE_0_28), "-o", str(filled)]
    refused = invoke(env, *args)
    assert refused.exit_code == 2
    assert "no Decidim status for engagekit status 'at-risk' (the latest status of CN-1)" in refused.stderr
    result = invoke(env, *args, "--decidim-statuses", "at-risk=12")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "engagekit: engagekit statuses at-risk, in-progress all become Decidim status 12 (in_progress); "
        "Decidim will not tell them apart",
        "engagekit: row 6, title/en: begins with '=', so it is written after an apostrophe (a spreadsheet shows it "
        "as text; Decidim will keep the apostrophe)",
        "engagekit: row 5: result 104 'A new skate park for Wickford' matches no action, outcome or pillar; "
        "left as it was",
        'engagekit: row 6: result 105 \'=HYPERLINK("http://evil.example","Click")\' matches no action, outcome or '
        "pillar; left as it was",
        "engagekit: 1 action with a recorded status has no result in results-0.28.csv: CP-2 (a file without "
        "--decidim-export adds them as new results)",
    ]
    before = read_table(FIXTURE_0_28)
    after = read_table(filled)  # read_table undoes the apostrophe, as engagekit's import does
    assert (after.separator, after.header) == (";", before.header)
    assert filled.read_text(encoding="utf-8").count('\'=HYPERLINK(""http') == 1
    changed = {"status/id", "status/key", "status/name/en", "progress"}
    old = {cells[0]: dict(zip(before.header, cells, strict=True)) for _, cells in before.rows}
    new = {cells[0]: dict(zip(after.header, cells, strict=True)) for _, cells in after.rows}
    assert list(new) == list(old)  # the same results, in the same order, with the same ids
    for result_id in old:
        assert {k: v for k, v in new[result_id].items() if k not in changed} == {
            k: v for k, v in old[result_id].items() if k not in changed
        }
    status = {rid: tuple(new[rid][c] for c in ("status/id", "status/key", "status/name/en", "progress")) for rid in new}
    assert status["102"] == ("12", "in_progress", "In progress", "55")  # CN-1, at-risk
    assert status["103"] == ("13", "completed", "Completed", "100.0")  # CN-2: no percent recorded, kept
    assert status["106"] == ("12", "in_progress", "In progress", "30")  # CC-3
    for unchanged in ("101", "104", "105"):
        assert new[unchanged] == old[unchanged]


def test_the_report_format_keeps_working_without_status_ids() -> None:
    result = CliRunner().invoke(cli, ["report", "-c", "basildon", "-f", "decidim-csv", "--no-records"], env={})
    assert result.exit_code == 0, result.output
    header, rows = semicolon_rows(result.stdout)
    assert header == import_columns("en")
    assert all(row["status/id"] == "" for row in rows)
    assert decidim_imports(result.stdout, STATUSES)


def test_import_file_cells_stay_data_and_say_so() -> None:
    lines = [
        ResultLine("P", None, "-Places", "@desc"),
        ResultLine("A", "P", "=SUM(1)", status="completed", percent=-0.0, is_action=True),
    ]
    from engagekit.interop.decidim_export import StatusMap

    text, notes = import_file(lines, statuses=StatusMap({"completed": 13}))
    _, rows = semicolon_rows(text)
    assert [row["title/en"] for row in rows] == ["'-Places", "'=SUM(1)"]
    assert rows[0]["description/en"] == "'@desc"
    assert len(notes) == 3
    assert notes[0].startswith("row 2, title/en: begins with '-'")
