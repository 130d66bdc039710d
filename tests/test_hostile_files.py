"""Hostile files and values at the import boundary: every input case of the December 2026 audit.

Each case runs the real command line against a store on SQLite and on PostgreSQL (the
``store_url`` fixture) and checks three things: the exit status, a message of one line that
names the file, the row (and sheet) and the column, and that the store is unchanged. Big
inputs (a zip bomb, a header of a million columns, JSON nested 100,000 deep) are made here at
small cost, not kept as files; small fixed ones are in ``tests/hostile/``.

The audit is ``shared/audits/2026-12-hostile-inputs.md``: "Data silently lost", "Non-finite and
extreme values" and "Files that are too big or malformed".
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

from engagekit.cli import cli
from engagekit.records import cells, schema

HOSTILE = Path(__file__).parent / "hostile"

READING = ["reading", "-c", "basildon", "--indicator", "services-in-community-directory"]
"""``engagekit record reading`` for Basildon, missing only its ``--value``."""


@pytest.fixture
def env(store_url: str, tmp_path: Path) -> dict[str, str]:
    """ENGAGEKIT_* for the store under test, with one record already in it (so it exists)."""
    variables = {
        "ENGAGEKIT_DATABASE_URL": store_url,
        "ENGAGEKIT_CONFIG": str(tmp_path / "no-config.toml"),
        "ENGAGEKIT_DATA_DIR": str(tmp_path / "data"),
        "ENGAGEKIT_RECORDED_BY": "tester",
    }
    seeded = invoke(variables, "record", *READING, "--value", "1", "--date", "2024-01-01")
    assert seeded.exit_code == 0, seeded.output
    return variables


def invoke(env: Mapping[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=dict(env))


def stored(env: Mapping[str, str]) -> int:
    """Every row of the store: records of each kind, and the imports that brought them."""
    engine = sa.create_engine(env["ENGAGEKIT_DATABASE_URL"])
    try:
        with engine.connect() as connection:
            tables = [*schema.RECORD_TABLES.values(), schema.imports]
            return sum(connection.execute(sa.select(sa.func.count()).select_from(t)).scalar_one() for t in tables)
    finally:
        engine.dispose()


def refused(env: Mapping[str, str], *args: str, fragments: tuple[str, ...] = ()) -> str:
    """Run a command that must be refused with one line (exit 2), leaving the store as it was."""
    before = stored(env)
    result = invoke(env, *args)
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("engagekit: "), result.stderr
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr
    assert stored(env) == before
    return result.stderr


def bad_rows(env: Mapping[str, str], path: Path, *args: str, where: list[str]) -> list[str]:
    """Import ``path``, which must be refused row by row (exit 1), each line naming its row and column."""
    before = stored(env)
    result = invoke(env, "import", str(path), *args)
    assert result.exit_code == 1, (result.exit_code, result.output)
    lines = result.stderr.splitlines()
    assert lines[-1].startswith(f"{path}: nothing imported"), result.stderr
    assert len(lines) == len(where) + 1, result.stderr
    for line, place in zip(lines, where, strict=False):
        assert line.startswith(f"{path}: {place}"), (line, place)
    assert "Traceback" not in result.output
    assert stored(env) == before
    return lines[:-1]


def write_csv(path: Path, header: list[str], *rows: list[str]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerows(rows)
    return path


READING_COLUMNS = ["kind", "date", "indicator", "value"]


def reading_row(value: str, date: str = "2024-03-01") -> list[str]:
    return ["indicator-reading", date, "services-in-community-directory", value]


def rewrite_zip(path: Path, part: str, change: object) -> None:
    """Rewrite one part of a zip (a sheet's XML) through ``change(text) -> text``."""
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts[part] = change(parts[part].decode()).encode()  # type: ignore[operator]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


def review_workbook(path: Path, rows: int = 5) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "review"
    sheet.append(["date", "obligation", "review", "note"])
    for n in range(rows):
        sheet.append([f"2013-11-{n + 1:02d}", "progress-report-to-cabinet", "report", f"review {n + 1}"])
    workbook.save(path)
    return path


# -- data silently lost -------------------------------------------------------------------


def test_an_xlsx_with_a_stale_dimension_imports_every_row(env: dict[str, str], tmp_path: Path) -> None:
    path = review_workbook(tmp_path / "stale.xlsx")
    rewrite_zip(
        path, "xl/worksheets/sheet1.xml", lambda xml: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:D2"', xml)
    )
    assert 'ref="A1:D2"' in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    before = stored(env)
    result = invoke(env, "import", str(path), "-c", "bathnes")
    assert result.exit_code == 0, result.output
    assert "5 rows checked; added 5 records" in result.stdout
    assert stored(env) == before + 5 + 1  # five reviews and the import itself


def test_a_formula_with_no_saved_value_is_a_problem_on_its_cell(env: dict[str, str], tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "event"
    sheet.append(["date", "event", "title"])
    sheet.append(["2026-03-04", "meeting", '=HYPERLINK("http://x","click")'])
    path = tmp_path / "formula.xlsx"
    workbook.save(path)
    (line,) = bad_rows(env, path, "-c", "thurrock", where=["sheet 'event', row 2, title: cell C2 is a formula"])
    assert "no saved value" in line


def test_a_formula_with_a_saved_value_imports_that_value(env: dict[str, str], tmp_path: Path) -> None:
    path = review_workbook(tmp_path / "cached.xlsx", rows=1)
    rewrite_zip(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(
            r'<c r="D2"[^>]*>.*?</c>', '<c r="D2" t="str"><f>"from "&amp;"a formula"</f><v>from a formula</v></c>', xml
        ),
    )
    result = invoke(env, "import", str(path), "-c", "bathnes")
    assert result.exit_code == 0, result.output
    exported = json.loads(invoke(env, "export", "-c", "bathnes", "-f", "json").stdout)
    assert [r["note"] for r in exported["records"]] == ["from a formula"]


def test_an_error_value_in_a_cell_is_a_problem_on_its_cell(env: dict[str, str], tmp_path: Path) -> None:
    path = review_workbook(tmp_path / "error.xlsx", rows=1)
    rewrite_zip(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(r'<c r="D2"[^>]*>.*?</c>', '<c r="D2" t="e"><v>#N/A</v></c>', xml),
    )
    bad_rows(
        env, path, "-c", "bathnes", where=["sheet 'review', row 2, note: cell D2 holds the spreadsheet error #N/A"]
    )


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_neutralised_spreadsheet_cells_import_as_the_text_they_stand_for(
    env: dict[str, str], tmp_path: Path, suffix: str
) -> None:
    titles = ['\'=HYPERLINK("http://x","click")', "'+44 1234", "''quoted", "'@home", "-3"]
    rows = [[f"2026-03-0{n + 1}", "meeting", title] for n, title in enumerate(titles)]
    path = tmp_path / f"neutralised.{suffix}"
    if suffix == "csv":
        write_csv(path, ["date", "event", "title"], *rows)
    else:
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.title = "event"
        sheet.append(["date", "event", "title"])
        for row in rows:
            sheet.append(row)
        workbook.save(path)
    result = invoke(env, "import", str(path), "-c", "thurrock", "--kind", "event")
    assert result.exit_code == 0, result.output
    exported = json.loads(invoke(env, "export", "-c", "thurrock", "-f", "json").stdout)
    assert [r.get("title") for r in exported["records"]] == [
        '=HYPERLINK("http://x","click")',
        "+44 1234",
        "'quoted",
        "@home",
        "-3",
    ]


# -- non-finite and extreme values ----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("inf", "'inf' is not a number engagekit can keep (it must be finite)"),
        ("-inf", "'-inf' is not a number engagekit can keep"),
        ("nan", "'nan' is not a number engagekit can keep"),
        ("NaN", "'NaN' is not a number engagekit can keep"),
        ("1e308", "1e308 is too large"),
        ("1_0", "'1_0' is not a number"),
        ("\u0661\u0662", "is not a number"),
        ("0x10", "'0x10' is not a number"),
    ],
)
def test_record_reading_refuses_values_no_report_can_draw(env: dict[str, str], value: str, says: str) -> None:
    refused(env, "record", *READING, "--value", value, fragments=("engagekit: value: ", says))


@pytest.mark.parametrize("value", ["inf", "nan", "1e308", "1_0", "\u0661\u0662", " 1e400"])
def test_an_imported_reading_must_be_finite_and_written_in_ascii_digits(
    env: dict[str, str], tmp_path: Path, value: str
) -> None:
    path = write_csv(tmp_path / "readings.csv", READING_COLUMNS, reading_row("12"), reading_row(value))
    bad_rows(env, path, "-c", "basildon", where=["row 3, value: "])


@pytest.mark.parametrize(
    ("date", "says"),
    [
        ("20240102", "'20240102' is not a date written YYYY-MM-DD"),
        ("2024-W01-3", "'2024-W01-3' is not a date written YYYY-MM-DD"),
        ("2023-02-29", "2023-02-29 does not exist: February 2023 has 28 days"),
        ("0001-01-01", "0001-01-01 is outside the dates engagekit keeps"),
        ("\u0662\u0660\u0662\u0664-01-02", "'\u0662\u0660\u0662\u0664-01-02' is not a date written YYYY-MM-DD"),
    ],
)
def test_dates_are_read_strictly_in_files_and_options(
    env: dict[str, str], tmp_path: Path, date: str, says: str
) -> None:
    path = write_csv(tmp_path / "dates.csv", READING_COLUMNS, reading_row("12", date))
    (line,) = bad_rows(env, path, "-c", "basildon", where=["row 2, date: "])
    assert says in line
    refused(env, "record", *READING, "--value", "1", "--date", date, fragments=(f"date: {says}",))


def test_a_recorded_at_past_the_last_date_is_refused(env: dict[str, str], tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "late.csv",
        [*READING_COLUMNS, "recorded_at"],
        [*reading_row("12"), "9999-12-31T23:59:59-05:00"],
    )
    (line,) = bad_rows(env, path, "-c", "basildon", where=["row 2, recorded_at: "])
    assert "outside the dates engagekit keeps" in line


def test_a_decidim_progress_of_inf_is_a_problem_on_its_row(env: dict[str, str], tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "results.csv",
        ["id", "parent/id", "status/id", "title/en", "progress"],
        ["CN-1", "", "in_progress", "x", "40"],
        ["CN-2", "", "in_progress", "y", "inf"],
    )
    (line,) = bad_rows(env, path, "-c", "basildon", "--date", "2026-03-31", where=["row 3, percent: "])
    assert "progress 'inf' is not a number engagekit can keep" in line


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--percent", "1_0", "percent: '1_0' is not a whole number"),
        ("--percent", "\u0664\u0660", "is not a whole number"),
        ("--supersedes", "abc", "supersedes: 'abc' is not a whole number"),
        ("--supersedes", "0", "supersedes: 0 is not a record id"),
        ("--supersedes", "99999999999", "supersedes: 99,999,999,999 is too large"),
        ("--note", "a\x1b]0;owned\x07b", "note: holds a control character (U+001B)"),
        ("--note", "bad \udcff byte", "not UTF-8"),
        ("--by", "bad \udcff byte", "not UTF-8"),
        ("--by", "y" * 201, "recorded_by: is 201 characters long; the most is 200"),
    ],
)
def test_every_option_of_record_meets_the_same_checks(env: dict[str, str], option: str, value: str, says: str) -> None:
    message = refused(
        env,
        "record",
        "action",
        "-c",
        "basildon",
        "--action",
        "CN-4",
        "--status",
        "in-progress",
        option,
        value,
        fragments=(says,),
    )
    assert "\udcff" not in message
    assert "\x1b" not in message


# -- what SQLite would take and PostgreSQL would not ---------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "says"),
    [
        ("title", "t" * 501, "title: is 501 characters long; the most is 500"),
        ("recorded_by", "r" * 201, "recorded_by: is 201 characters long; the most is 200"),
        ("title", "nul\x00byte", "title: holds a control character (U+0000)"),
        ("note", "n" * (cells.LONG_TEXT + 1), "note: is 20,001 characters long; the most is 20,000"),
        ("body", "b" * 101, "body: is 101 characters long; the most is 100"),
    ],
)
def test_text_past_its_column_size_is_refused_on_both_backends(
    env: dict[str, str], tmp_path: Path, column: str, value: str, says: str
) -> None:
    columns = ["kind", "date", "event", column]
    path = write_csv(
        tmp_path / "long.csv",
        columns,
        ["event", "2026-03-04", "meeting", ""],
        ["event", "2026-03-05", "meeting", value],
    )
    lines = bad_rows(env, path, "-c", "thurrock", where=["row 3, "])
    assert says in lines[-1]
    option = {"recorded_by": "--by"}.get(column, f"--{column}")
    refused(env, "record", "event", "-c", "thurrock", "--kind", "meeting", option, value, fragments=(says,))


# -- files that are too big or malformed ----------------------------------------------------


def test_an_xlsx_zip_bomb_is_refused_before_it_is_read(env: dict[str, str], tmp_path: Path) -> None:
    path = review_workbook(tmp_path / "bomb.xlsx", rows=1)
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    head, tail = sheet.split("</sheetData>")
    cell_start = '<row r="3"><c r="D3" t="inlineStr"><is><t>'
    cell_end = "</t></is></c></row></sheetData>" + tail
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            if name != "xl/worksheets/sheet1.xml":
                target.writestr(name, data)
        with target.open("xl/worksheets/sheet1.xml", "w") as part:  # 40 MB of one cell, in about 40 KB
            part.write((head + cell_start).encode())
            block = b"A" * (1 << 20)
            for _ in range(40):
                part.write(block)
            part.write(cell_end.encode())
    assert path.stat().st_size < 200_000
    refused(env, "import", str(path), "-c", "bathnes", fragments=(f"{path}: part 'xl/worksheets/sheet1.xml' expands",))


def test_a_file_that_is_not_a_zip_given_as_xlsx(env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "not.xlsx"
    path.write_text("date,obligation\n2013-11-06,progress-report-to-cabinet\n")
    refused(env, "import", str(path), "-c", "bathnes", fragments=(f"{path}: not an XLSX workbook",))


def test_an_xml_entity_bomb_in_a_sheet_is_refused(env: dict[str, str], tmp_path: Path) -> None:
    path = review_workbook(tmp_path / "entities.xlsx", rows=1)
    entities = (
        '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        + "".join(f'<!ENTITY {chr(99 + n)} "{("&" + chr(98 + n) + ";") * 10}">' for n in range(7))
        + "]>"
    )
    rewrite_zip(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace("?>", "?>" + entities, 1).replace(">review 1<", ">&i;<"),
    )
    refused(env, "import", str(path), "-c", "bathnes", fragments=(f"{path}, sheet 'review': cannot be read",))


def test_an_xlsx_row_past_the_last_row_a_sheet_has_is_refused(env: dict[str, str], tmp_path: Path) -> None:
    path = review_workbook(tmp_path / "far.xlsx", rows=1)
    rewrite_zip(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace('r="2"', 'r="99999999999"').replace('2"', '99999999999"'),
    )
    refused(env, "import", str(path), "-c", "bathnes", fragments=("past the last row a sheet has",))


def test_a_value_under_a_column_with_no_name_is_refused(env: dict[str, str], tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "review"
    sheet.append(["date", "obligation", None, "note"])
    sheet.append(["2013-11-06", "progress-report-to-cabinet", "lost?", "n"])
    path = tmp_path / "nameless.xlsx"
    workbook.save(path)
    refused(env, "import", str(path), "-c", "bathnes", fragments=("cell C2 has a value but its column has no name",))


def test_json_nested_100000_deep_is_refused(env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    depth = 100_000
    path.write_text('{"schema_version": 1, "records": [{"kind": "review", "note": ' + "[" * depth + "]" * depth + "}]}")
    refused(env, "import", str(path), "-c", "bathnes", fragments=(f"{path}: record 1 is nested too deeply",))


def test_json_records_with_hostile_values_are_refused_field_by_field(env: dict[str, str], tmp_path: Path) -> None:
    good = {"kind": "review", "date": "2013-11-06", "obligation": "progress-report-to-cabinet"}
    text = json.dumps({"schema_version": 1, "records": [good, {**good, "note": "NOTE"}, {**good, "date": "DATE"}]})
    text = text.replace('"NOTE"', '{"an": "object"}').replace('"DATE"', "9" * 5000)
    text = text.replace(
        "]}",
        ', {"kind": "review", "date": "2013-11-06", "obligation": "\\ud800"},'
        ' {"kind": "indicator-reading", "date": "2013-11-06", "indicator": "x", "value": NaN}]}',
    )
    path = tmp_path / "hostile.json"
    path.write_text(text)
    lines = bad_rows(
        env,
        path,
        "-c",
        "bathnes",
        where=[
            "row 2, note: must be text, not an object",
            "row 3, date: ",
            "row 4, obligation: holds a character",
            "row 5, value: ",
        ],
    )
    assert "is not a date written YYYY-MM-DD" in lines[1]
    assert len(lines[1]) < 300
    assert "must be finite" in lines[3]


def test_a_key_twice_in_a_json_record_is_refused(env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "twice.json"
    path.write_text('{"schema_version": 1, "records": [{"kind": "review", "note": "a", "note": "b"}]}')
    refused(env, "import", str(path), "-c", "bathnes", fragments=(f"{path}: record 1: field 'note' appears twice",))


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('{"schema_version": 2, "records": []}', "schema_version 2 is not one this engagekit reads"),
        ('{"records": []} []', "has more after the export's closing '}'"),
        ('{"records": [{"kind": "review"}', "ends early"),
        ('{"records": [1]}', "record 1 is not an object"),
        ('{"records": [{"kind": "review", "colour": "red"}]}', "unknown field 'colour' in record 1"),
        ("[]", "not an engagekit export"),
        ('{"records": [{"kind": "review" "date": 1}]}', "record 1 is not valid JSON"),
    ],
)
def test_json_that_is_not_an_engagekit_export_is_refused(
    env: dict[str, str], tmp_path: Path, text: str, says: str
) -> None:
    path = tmp_path / "odd.json"
    path.write_text(text)
    refused(env, "import", str(path), "-c", "bathnes", fragments=(f"{path}: ", says))


def test_a_header_of_a_million_unknown_columns_gives_a_short_message(env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{n}" for n in range(1_000_000)) + "\n")
    message = refused(env, "import", str(path), "-c", "bathnes", fragments=(f"{path}: row 1 has 1,000,000 cells",))
    assert len(message) < 300


def test_unknown_columns_are_named_a_few_at_a_time(env: dict[str, str], tmp_path: Path) -> None:
    path = write_csv(tmp_path / "unknown.csv", ["date", *[f"extra{n}" for n in range(12)]], ["2026-01-01", *"x" * 12])
    message = refused(env, "import", str(path), "-c", "bathnes")
    assert "unknown columns 'extra0', 'extra1', 'extra2', 'extra3', 'extra4' and 7 more" in message


def test_a_column_named_twice_is_refused(env: dict[str, str], tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "twice.csv", ["kind", "date", "obligation", "date"], ["review", "2013-11-06", "x", "2014-01-01"]
    )
    refused(
        env,
        "import",
        str(path),
        "-c",
        "bathnes",
        fragments=("column 'date' appears twice in the header (columns 2 and 4)",),
    )


def test_an_unterminated_quote_is_refused_naming_its_row(env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "quote.csv"
    path.write_text(
        "kind,date,obligation,note\n"
        "review,2013-11-06,progress-report-to-cabinet,fine\n"
        'review,2013-11-07,progress-report-to-cabinet,"never closed\n'
    )
    refused(env, "import", str(path), "-c", "bathnes", fragments=(f"{path}: row 3: a quoted cell is never closed",))


def test_text_after_a_closing_quote_is_refused(env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "stray.csv"
    path.write_text('kind,date,obligation,note\nreview,2013-11-06,progress-report-to-cabinet,"a"b\n')
    refused(env, "import", str(path), "-c", "bathnes", fragments=(f"{path}: row 2: text follows a closing quote",))


def test_a_huge_cell_is_reported_on_its_own_row(env: dict[str, str], tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "huge.csv",
        ["kind", "date", "obligation", "note"],
        ["review", "2013-11-06", "progress-report-to-cabinet", "fine"],
        ["review", "2013-11-07", "progress-report-to-cabinet", "x" * 200_000],
        ["review", "2013-11-08", "progress-report-to-cabinet", "fine"],
    )
    refused(
        env,
        "import",
        str(path),
        "-c",
        "bathnes",
        fragments=(f"{path}: row 3: a cell holds more than 100,000 characters",),
    )


def test_a_long_note_under_the_cell_limit_is_refused_on_its_column(env: dict[str, str], tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "long-note.csv",
        ["kind", "date", "obligation", "note"],
        ["review", "2013-11-06", "progress-report-to-cabinet", "n\n" * 10],
        ["review", "2013-11-07", "progress-report-to-cabinet", "x" * 50_000],
    )
    bad_rows(env, path, "-c", "bathnes", where=["row 3, note: is 50,000 characters long; the most is 20,000"])


def test_a_note_of_the_longest_kept_length_round_trips_through_csv(env: dict[str, str], tmp_path: Path) -> None:
    note = ('word, "quoted"\n' * 2000)[: cells.LONG_TEXT].strip()
    path = write_csv(
        tmp_path / "longest.csv",
        ["kind", "date", "obligation", "note"],
        ["review", "2013-11-06", "progress-report-to-cabinet", note],
    )
    assert invoke(env, "import", str(path), "-c", "bathnes").exit_code == 0
    exported = tmp_path / "export.csv"
    assert invoke(env, "export", "-c", "bathnes", "-o", str(exported)).exit_code == 0
    with exported.open(newline="", encoding="utf-8") as stream:
        assert [row["note"] for row in csv.DictReader(stream)] == [note]


def test_a_file_that_is_not_utf8_names_its_row(env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        "kind,date,obligation,note\nreview,2013-11-06,progress-report-to-cabinet,caf\u00e9\n".encode("latin-1")
    )
    refused(env, "import", str(path), "-c", "bathnes", fragments=(f"{path}: line 2 is not UTF-8 text",))


def test_identical_rows_are_two_records(env: dict[str, str], tmp_path: Path) -> None:
    """Two rows alike in every cell are two events (two sessions of a hub on one day), not one refused."""
    row = ["event", "2026-03-04", "hub-session", "community-hubs-in-libraries"]
    path = write_csv(tmp_path / "twins.csv", ["kind", "date", "event", "hub"], row, row)
    result = invoke(env, "import", str(path), "-c", "thurrock")
    assert result.exit_code == 0, result.output
    assert "added 2 records" in result.stdout


def test_each_fixture_in_the_hostile_folder_is_refused_cleanly(env: dict[str, str]) -> None:
    """Small fixed files (tests/hostile/): each is refused with exit 1 or 2 and no traceback."""
    for path in sorted(HOSTILE.iterdir()):
        if path.suffix not in (".csv", ".json", ".xlsx"):
            continue
        before = stored(env)
        result = invoke(env, "import", str(path), "-c", "thurrock")
        assert result.exit_code in (1, 2), (path, result.output)
        assert "Traceback" not in result.output, path
        assert all(line.startswith((f"{path}", "engagekit: ")) for line in result.stderr.splitlines()), result.stderr
        assert stored(env) == before, path


def test_the_csv_escape_is_undone_only_where_engagekit_would_have_made_it(tmp_path: Path) -> None:
    from engagekit.records.fast import csv_cells

    data = io.StringIO()
    csv.writer(data).writerows([["note"], ["'=1"], ["'plain"], ["''x"], ["'"], ["'-3 people"]])
    path = tmp_path / "escaped.csv"
    path.write_text(data.getvalue())
    assert [cells_ for _, cells_ in csv_cells(path)][1:] == [["=1"], ["'plain"], ["'x"], ["'"], ["-3 people"]]


def test_xlsx_deflate_bound_is_what_a_bomb_exceeds() -> None:
    """A deflated run of one byte expands about 1,000 times: past the bound, which real workbooks stay under."""
    from engagekit.records.files import XLSX_MAX_RATIO

    compressed = zlib.compress(b"A" * (1 << 24), 9)
    assert (1 << 24) / len(compressed) > 2 * XLSX_MAX_RATIO


# -- one table of column sizes, and the store's tables -------------------------------------


def test_the_text_limits_are_the_store_column_sizes() -> None:
    """Every text column of every record table is bounded by TEXT_LIMITS at the size the table declares.

    SQLite does not enforce ``String(N)`` and PostgreSQL does, so a limit larger than its column
    would let SQLite keep what PostgreSQL refuses (an export that cannot be loaded elsewhere);
    a smaller one would refuse what the store could keep.
    """
    from engagekit.model.engagement import ParticipationLevel
    from engagekit.records.kinds import ActionStatus, EventKind, RecordKind, ReviewKind
    from engagekit.records.rows import ENUM_FIELDS, TEXT_LIMITS

    words = {"status": ActionStatus, "event_kind": EventKind, "review_kind": ReviewKind, "level": ParticipationLevel}
    for kind in RecordKind:
        table = schema.RECORD_TABLES[kind.value]
        declared: dict[str, int] = {}
        for column in table.columns:
            if column.name in ENUM_FIELDS:  # a word from a fixed list: each must fit
                assert isinstance(column.type, sa.String)
                assert max(len(member.value) for member in words[column.name]) <= (column.type.length or 0)
                continue
            if column.name == "council_id":
                continue  # the council's own id, from its definition
            if isinstance(column.type, sa.Text):
                declared[column.name] = cells.LONG_TEXT
            elif isinstance(column.type, sa.String):
                assert column.type.length is not None
                declared[column.name] = column.type.length
        assert TEXT_LIMITS[kind] == declared, kind


def test_xlsx_text_in_office_open_xml_escapes_reads_back_as_written(tmp_path: Path) -> None:
    """Excel (and engagekit's export) write ``_xHHHH_`` for what a cell cannot hold; the reader undoes it."""
    import datetime as dt

    from engagekit.records.exports import write_xlsx
    from engagekit.records.files import read_xlsx
    from engagekit.records.kinds import EngagementEvent, EventKind

    notes = ["_x0041_ as written", "a carriage\rreturn", "=1+1", "'quoted", "two\nlines", "_x005F_", "plain_x_text"]
    records = [
        EngagementEvent(
            council_id="thurrock",
            id=n + 1,
            date=dt.date(2024, 1, 1),
            recorded_by="tester",
            recorded_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            event_kind=EventKind.MEETING,
            note=note,
        )
        for n, note in enumerate(notes)
    ]
    path = tmp_path / "escaped.xlsx"
    path.write_bytes(write_xlsx(records))
    assert [row.values.get("note") for row in read_xlsx(path) if row.sheet == "event"] == notes
