"""Time the records store at scale: importing a million events, and a report over them.

Run from the project root after installing (see README); it takes minutes at the default size:

    python bench/records.py [--rows 1000000] [--workdir DIR] [--runs 5] [--profile]

In one run it:

1. generates ``--rows`` engagement events for the ``thurrock`` council as CSV (seeded, so the
   same file every time): meetings of the community forums (public / AGM flags), hub sessions
   (with the hub), newsletters and events, dated 2019–2026, each in one of the nine clusters,
   with a participation level and an attendance;
2. times ``engagekit import FILE --council thurrock`` as a whole process, with
   ``ENGAGEKIT_DATABASE_URL`` at a fresh SQLite file in the work folder, and its peak memory
   (its ``ru_maxrss``, read by GNU ``time`` or a bare interpreter in between);
3. times, also as a whole process, a plain ``sqlite3`` import of the same file: ``csv.reader``,
   then one ``executemany`` in one transaction into the same tables and indexes (the DDL is
   compiled from ``engagekit.records.schema``) with the same PRAGMAs engagekit sets;
4. times ``engagekit report --council thurrock --as-of 2026-11-22 --format json`` over that
   store and a hand-written SQL aggregate answering the same questions (the questions are
   recorded from an in-process report, so the two cannot drift apart), both as whole
   processes (one warm-up, then the median of ``--runs``); the same pair in-process is shown
   too, to separate start-up from the data work;
5. prints a Markdown table of the figures, and the targets with met / NOT met.

Targets (docs/performance.md): the import at least half the plain ``executemany`` rate, with
peak memory under 200 MB; the report (whole process) under 1.5× the SQL aggregate (whole
process). ``--profile`` adds, in-process, a stage-by-stage breakdown of the import (no profiler
running, so no distortion) and a cProfile of it, both over the first ``--profile-rows`` rows,
and a cProfile of the report over the whole store.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchkit import cprofile, log, machine, met

COUNCIL = "thurrock"
AS_OF = "2026-11-22"
SEED = 20261122
BODY = "community-forums"
CLUSTERS = [
    "aveley",
    "chafford-hundred",
    "east-and-west-tilbury",
    "grays",
    "orsett-bulphan-and-horndon",
    "purfleet-west-thurrock-and-south-stifford",
    "south-ockendon",
    "stanford-le-hope-and-corringham",
    "tilbury-and-chadwell-st-mary",
]
HUBS = ["community-hubs-in-libraries"]
FORUMS = {cluster: f"{cluster}-forum" for cluster in CLUSTERS}
"""One forum per cluster, registered as instances (Thurrock's documents do not list its forums)."""
EVENTS = ["meeting", "hub-session", "newsletter", "event"]
LEVELS = ["inform", "consult", "involve", "collaborate", "empower"]
COLUMNS = [
    "kind",
    "date",
    "event",
    "body",
    "public",
    "agm",
    "cluster",
    "hub",
    "level",
    "attendance",
    "instance",
    "name",
]
FIRST_DAY = dt.date(2019, 1, 1)
DAYS = (dt.date(2026, 12, 31) - FIRST_DAY).days + 1
RECORDED_BY = "bench"

IMPORT_RATE_GOAL = 0.5  # engagekit import ≥ half the plain executemany rate
IMPORT_MEMORY_GOAL_MB = 200.0
REPORT_GOAL = 1.5  # report ≤ 1.5× the hand-written aggregate


# -- 1. the file --------------------------------------------------------------------------


def generate(path: Path, rows: int, seed: int = SEED) -> None:
    """Thurrock's forums registered (one per cluster), then ``rows`` event rows, the same for the same seed."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(COLUMNS)
        for cluster, forum in FORUMS.items():
            start = FIRST_DAY.isoformat()
            writer.writerow(["instance", start, "", BODY, "", "", cluster, "", "", "", forum, f"{forum} (bench)"])
        for _ in range(rows):
            date = (FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))).isoformat()
            event = rng.choice(EVENTS)
            cluster, level, attendance = rng.choice(CLUSTERS), rng.choice(LEVELS), rng.randrange(0, 300)
            body = public = agm = hub = ""
            if event == "meeting":
                body = f"{BODY}.{FORUMS[cluster]}"
                agm = "yes" if rng.random() < 0.05 else "no"
                public = "yes" if agm == "yes" or rng.random() < 0.7 else "no"
            elif event == "hub-session":
                hub = rng.choice(HUBS)
            writer.writerow(["event", date, event, body, public, agm, cluster, hub, level, attendance, "", ""])


# -- processes ----------------------------------------------------------------------------


def environment(database: Path) -> dict[str, str]:
    env = {**os.environ, "ENGAGEKIT_DATABASE_URL": f"sqlite:///{database}", "ENGAGEKIT_TODAY": AS_OF}
    env["ENGAGEKIT_CONFIG"] = str(database.with_suffix(".no-config.toml"))  # no user config file
    env["ENGAGEKIT_RECORDED_BY"] = RECORDED_BY
    return env


PEAK_LAUNCHER = (
    "import resource, subprocess, sys; code = subprocess.call(sys.argv[2:]); "
    "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)); sys.exit(code)"
)


def run_measured(
    command: list[str], env: dict[str, str] | None = None, memory: bool = False
) -> tuple[float, float, str]:
    """Wall seconds, the command's peak RSS in MB (``memory``; else 0) and its standard output.

    A child's ``ru_maxrss`` counts the pages of the process it was forked from, so it is read
    by a small process in between: GNU ``time``, else a bare interpreter running the command.
    """
    with tempfile.TemporaryDirectory() as scratch:
        peak_file = Path(scratch) / "peak"
        if memory and Path("/usr/bin/time").exists():
            command = ["/usr/bin/time", "-f", "%M", "-o", str(peak_file), *command]
        elif memory:
            command = [sys.executable, "-I", "-S", "-c", PEAK_LAUNCHER, str(peak_file), *command]
        start = time.perf_counter()
        result = subprocess.run(command, capture_output=True, env=env, text=True)
        seconds = time.perf_counter() - start
        if result.returncode != 0:
            output = f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
            raise SystemExit(f"{' '.join(command)} failed ({result.returncode}):\n{output}")
        peak_mb = int(peak_file.read_text().split()[-1]) / 1024 if memory else 0.0  # KiB on Linux
    return seconds, peak_mb, result.stdout


def median_run(command: list[str], env: dict[str, str], runs: int) -> tuple[float, float, str]:
    """Median wall seconds of ``runs`` runs after one warm-up (which also gives the peak RSS), the output."""
    _, peak, _ = run_measured(command, env, memory=True)
    samples, output = [], ""
    for _ in range(runs):
        seconds, _, output = run_measured(command, env)
        samples.append(seconds)
    return statistics.median(samples), peak, output


def median_call(call: Any, runs: int) -> tuple[float, Any]:
    result = call()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        result = call()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), result


# -- 3. the plain import (run as a child: ``--plain-import``) ----------------------------


def schema_ddl() -> list[str]:
    """engagekit's tables and indexes as SQLite DDL, compiled from its schema module."""
    import sqlalchemy as sa
    from sqlalchemy.dialects import sqlite

    from engagekit.records import schema

    dialect = sqlite.dialect()
    statements = []
    for table in schema.metadata.sorted_tables:
        statements.append(str(sa.schema.CreateTable(table).compile(dialect=dialect)).strip())
        for index in sorted(table.indexes, key=lambda index: index.name or ""):
            statements.append(str(sa.schema.CreateIndex(index).compile(dialect=dialect)).strip())
    return statements


def plain_import(csv_path: Path, database: Path, ddl_path: Path) -> None:
    """Read the CSV with ``csv`` and insert it with one ``executemany``, in one transaction."""
    connection = sqlite3.connect(database, isolation_level=None)
    for pragma in ("busy_timeout = 30000", "journal_mode = WAL", "foreign_keys = ON", "synchronous = NORMAL"):
        connection.execute(f"PRAGMA {pragma}")
    for statement in json.loads(ddl_path.read_text()):
        connection.execute(statement)
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")  # as SQLAlchemy writes DateTime
    connection.execute("BEGIN IMMEDIATE")
    import_id = connection.execute(
        "INSERT INTO imports (council_id, source_name, sha256, rows, recorded_by, recorded_at) "
        "VALUES (?, ?, ?, 0, ?, ?)",
        (COUNCIL, str(csv_path), "plain", RECORDED_BY, now),
    ).lastrowid
    yes = {"yes": 1, "no": 0, "": 0}

    def values() -> Any:
        with csv_path.open(newline="", encoding="utf-8-sig") as stream:
            reader = csv.reader(stream)
            index = {name: position for position, name in enumerate(next(reader))}
            k, d, e, b, p, a, c, h, lv, at, inst, nm = (index[n] for n in COLUMNS)
            for row in reader:
                if row[k] == "instance":  # the few registrations: written with the events, one by one
                    connection.execute(
                        "INSERT INTO instances (council_id, date, body_id, instance, name, cluster_id, recorded_by, "
                        "recorded_at, import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (COUNCIL, row[d], row[b], row[inst], row[nm], row[c], RECORDED_BY, now, import_id),
                    )
                    continue
                yield (
                    COUNCIL, row[d], row[e], row[b] or None, yes[row[p]], yes[row[a]], row[c], row[h] or None,
                    row[lv], int(row[at]), RECORDED_BY, now, import_id,
                )  # fmt: skip

    cursor = connection.executemany(
        "INSERT INTO events (council_id, date, event_kind, body_id, public, agm, cluster_id, hub_id, level, "
        "attendance, recorded_by, recorded_at, import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        values(),
    )
    count = cursor.rowcount
    connection.execute("UPDATE imports SET rows = ? WHERE id = ?", (count, import_id))
    connection.execute("COMMIT")
    connection.close()
    print(f"{count} rows")


# -- 4. the hand-written aggregate (run as a child: ``--sql-aggregate``, or in-process) ---

NOT_SUPERSEDED = "NOT EXISTS (SELECT 1 FROM {t} AS later WHERE later.supersedes = {t}.id)"


def sql_aggregate(
    connection: sqlite3.Connection,
    council_id: str,
    questions: list[list[Any]],
    seconds: list[float] | None = None,
    plans: list[str] | None = None,
) -> dict[str, Any]:
    """The counts each question of the report needs, straight from SQL (corrections honoured).

    ``seconds`` and ``plans``, if given, get the time each question took and SQLite's plan for it.
    """

    def run(sql: str, parameters: tuple[Any, ...]) -> sqlite3.Cursor:
        if plans is not None:
            plans.append(query_plan(connection, sql, parameters))
        return connection.execute(sql, parameters)

    answers: dict[str, Any] = {}
    events = NOT_SUPERSEDED.format(t="events")
    for method, *args in questions:
        began = time.perf_counter()
        if method in ("meetings", "meeting_counts"):  # the quota needs public meetings and AGMs in the year
            body_id, start, end = args
            held, public, agms = run(
                "SELECT count(*), coalesce(sum(public AND NOT agm), 0), coalesce(sum(agm), 0) FROM events "
                "WHERE council_id = ? AND event_kind = 'meeting' AND body_id = ? AND date >= ? AND date <= ? "
                f"AND {events}",
                (council_id, body_id, start, end),
            ).fetchone()
            answers[f"meetings {body_id} {start}..{end}"] = {"held": held, "public": public, "agm": agms}
        elif method == "reviews":  # a deadline needs the dates of the reviews recorded
            obligation_id, until = args
            rows = run(
                "SELECT date FROM reviews WHERE council_id = ? AND obligation_id = ? AND date <= ? AND "
                + NOT_SUPERSEDED.format(t="reviews"),
                (council_id, obligation_id, until),
            ).fetchall()
            answers[f"reviews {obligation_id} ..{until}"] = sorted(row[0] for row in rows)
        elif method in ("hubs_opened", "clusters_started", "hub_sessions_by_area"):  # the first event of each
            (until,) = args
            column, kind = {
                "hubs_opened": ("hub_id", "AND event_kind = 'hub-session'"),
                "clusters_started": ("cluster_id", ""),
                "hub_sessions_by_area": ("area_id", "AND event_kind = 'hub-session'"),
            }[method]
            rows = run(
                f"SELECT key, date, id FROM (SELECT {column} AS key, date, id, row_number() OVER (PARTITION BY "
                f"{column} ORDER BY date, id) AS n FROM events WHERE council_id = ? AND {column} IS NOT NULL "
                f"AND date <= ? {kind} AND {events}) WHERE n = 1",
                (council_id, until),
            ).fetchall()
            answers[f"{method} ..{until}"] = {key: [first, ref] for key, first, ref in rows}
        elif method == "recorded_instances":  # the forums registered and not ended
            body_id, until = args
            rows = run(
                "SELECT instance, name, date, cluster_id, area_id FROM instances WHERE council_id = ? AND body_id = ? "
                f"AND date <= ? AND (end_date IS NULL OR end_date >= ?) AND {NOT_SUPERSEDED.format(t='instances')} "
                "ORDER BY date, id",
                (council_id, body_id, until, until),
            ).fetchall()
            answers[f"recorded_instances {body_id} ..{until}"] = [list(row) for row in rows]
        elif method == "consultations":  # each consultation and which Gunning evidence it has
            (until,) = args
            rows = run(
                "SELECT id, title, date, end_date, coalesce(formative, '') != '', coalesce(reasons, '') != '', "
                "coalesce(responses, '') != '' FROM events WHERE council_id = ? AND event_kind = 'consultation' "
                f"AND date <= ? AND {events} ORDER BY date, id",
                (council_id, until),
            ).fetchall()
            answers[f"consultations ..{until}"] = [list(row) for row in rows]
        elif method == "latest_action_updates":  # each action's latest status
            (until,) = args
            rows = run(
                "SELECT action_id, date, status, percent, id FROM (SELECT *, row_number() OVER "
                "(PARTITION BY action_id ORDER BY date DESC, id DESC) AS n FROM action_updates WHERE council_id = ? "
                f"AND date <= ? AND {NOT_SUPERSEDED.format(t='action_updates')}) WHERE n = 1",
                (council_id, until),
            ).fetchall()
            answers[f"latest_action_updates ..{until}"] = {row[0]: list(row[1:]) for row in rows}
        elif method == "event_counts":  # events per month, cluster, area and level (the report's charts)
            start, end = args
            rows = run(
                "SELECT substr(date, 1, 7), cluster_id, area_id, level, count(*) FROM events WHERE council_id = ? "
                f"AND date >= ? AND date <= ? AND {events} GROUP BY 1, 2, 3, 4 ORDER BY 1",
                (council_id, start, end),
            ).fetchall()
            answers[f"event_counts {start}..{end}"] = [list(row) for row in rows]
        elif method == "indicator_readings":  # an indicator's readings, oldest first
            indicator_id, until = args
            rows = run(
                "SELECT date, value FROM indicator_readings WHERE council_id = ? AND indicator_id = ? AND date <= ? "
                f"AND {NOT_SUPERSEDED.format(t='indicator_readings')} ORDER BY date, id",
                (council_id, indicator_id, until),
            ).fetchall()
            answers[f"indicator_readings {indicator_id} ..{until}"] = [list(row) for row in rows]
        else:
            raise ValueError(f"no SQL for the question {method!r}")
        if seconds is not None:
            seconds.append(time.perf_counter() - began)
    return answers


def query_plan(connection: sqlite3.Connection, sql: str, parameters: tuple[Any, ...]) -> str:
    """SQLite's plan for the outer query, in a few words."""
    steps = connection.execute(f"EXPLAIN QUERY PLAN {sql}", parameters).fetchall()
    return "; ".join(step[3] for step in steps if step[1] == 0)


def sql_aggregate_child(database: Path, questions_path: Path) -> None:
    connection = sqlite3.connect(database)
    answers = sql_aggregate(connection, COUNCIL, json.loads(questions_path.read_text()))
    connection.close()
    print(json.dumps(answers))


# -- in-process report, recording its questions -------------------------------------------


class Recording:
    """Evidence that passes each question to the store's and remembers it, and how long it took."""

    def __init__(self, evidence: Any) -> None:
        self.evidence = evidence
        self.questions: list[list[Any]] = []
        self.seconds: list[float] = []

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.evidence, name)

        def ask(*args: Any) -> Any:
            self.questions.append([name, *(arg.isoformat() if isinstance(arg, dt.date) else arg for arg in args)])
            start = time.perf_counter()
            answer = method(*args)
            self.seconds.append(time.perf_counter() - start)
            return answer

        return ask


def in_process_report(database: Path) -> tuple[Any, Any, Any, Any]:
    """A function making the JSON report in-process, the store, the recorded questions, and a
    function timing each question (after a first run, so warm)."""
    from engagekit.plugins import get_plugin_host
    from engagekit.records.store import open_store
    from engagekit.report import council_report

    host = get_plugin_host()
    council = host.council(COUNCIL)
    renderer = host.renderers()["json"]
    store = open_store(f"sqlite:///{database}", upgrade=False)
    as_of = dt.date.fromisoformat(AS_OF)
    recording = Recording(store.evidence(council))
    council_report(council, as_of, host=host, evidence=recording)

    def report() -> str:
        return str(renderer.render(council_report(council, as_of, host=host, evidence=store.evidence(council))))

    def question_seconds() -> list[float]:
        timed = Recording(store.evidence(council))
        council_report(council, as_of, host=host, evidence=timed)
        return timed.seconds

    return report, store, recording.questions, question_seconds


# -- profiling ----------------------------------------------------------------------------


def _head(csv_path: Path, rows: int, target: Path) -> None:
    with csv_path.open(encoding="utf-8") as source, target.open("w", encoding="utf-8") as out:
        for number, line in enumerate(source):
            if number > rows:
                break
            out.write(line)


def import_breakdown(csv_path: Path, workdir: Path, rows: int) -> list[tuple[str, float]]:
    """Seconds per stage of engagekit's import path over the first ``rows`` rows (no profiler).

    Each stage adds one step to the previous; the last is ``RecordStore.import_rows`` itself.
    """
    from engagekit.plugins import get_plugin_host
    from engagekit.records import schema
    from engagekit.records.checks import Vocabulary
    from engagekit.records.files import read_csv
    from engagekit.records.rows import parse_row
    from engagekit.records.store import _values, open_store

    subset = workdir / f"head-{rows}.csv"
    _head(csv_path, rows, subset)
    council = get_plugin_host().council(COUNCIL)
    vocabulary = Vocabulary.of(council)
    now = dt.datetime.now(dt.UTC)
    stages: list[tuple[str, float]] = []

    def timed(name: str, work: Any) -> Any:
        start = time.perf_counter()
        result = work()
        stages.append((name, time.perf_counter() - start))
        return result

    def mappings() -> Any:
        """The mappings ``parse_row`` reads (``read_csv`` may wrap each with its row number)."""
        for item in read_csv(subset):
            yield getattr(item, "values", item)

    def read_only() -> None:
        for _ in read_csv(subset):
            pass

    def read_parse() -> None:
        for row in mappings():
            parse_row(row, council_id=COUNCIL, recorded_by=RECORDED_BY)

    def read_parse_check() -> None:
        for row in mappings():
            record, _ = parse_row(row, council_id=COUNCIL, recorded_by=RECORDED_BY)
            vocabulary.problems(record)

    def read_parse_check_values() -> list[dict[str, Any]]:
        batch = []
        for row in mappings():
            record, _ = parse_row(row, council_id=COUNCIL, recorded_by=RECORDED_BY)
            vocabulary.problems(record)
            batch.append(_values(record, now, 1))
        return batch

    timed("read_csv (csv.DictReader, a row object each)", read_only)
    timed("+ parse_row (attrs EngagementEvent)", read_parse)
    timed("+ Vocabulary.problems", read_parse_check)
    values = timed("+ _values (dict per row)", read_parse_check_values)

    def fresh(name: str) -> Any:
        path = workdir / name
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        store = open_store(f"sqlite:///{path}")
        with store.engine.begin() as connection:
            connection.execute(
                schema.imports.insert(),
                {"council_id": COUNCIL, "source_name": "x", "sha256": "x", "rows": 0, "recorded_by": "x"}
                | {"recorded_at": now},
            )
        return store

    store = fresh("stage-sa.db")

    def sqlalchemy_insert() -> None:
        with store.engine.begin() as connection:
            for start in range(0, len(values), 5_000):
                connection.execute(schema.events.insert(), values[start : start + 5_000])

    timed("SQLAlchemy insert() of those dicts, 5,000 a statement (alone)", sqlalchemy_insert)
    store.close()
    store = fresh("stage-raw.db")
    columns = list(values[0])
    sql = f"INSERT INTO events ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})"

    def raw_insert() -> None:
        proxy = store.engine.raw_connection()
        try:
            connection = proxy.driver_connection  # the sqlite3 connection (isolation_level None)
            connection.execute("BEGIN IMMEDIATE")
            connection.executemany(sql, values)
            connection.execute("COMMIT")
        finally:
            proxy.close()

    timed("raw DB-API executemany of the same dicts (alone)", raw_insert)
    store.close()
    values.clear()  # let the memory go before the last stage
    store = fresh("stage-full.db")
    timed(
        "RecordStore.import_rows (everything)",
        lambda: store.import_rows(council, read_csv(subset), source_name="x", sha256="y", recorded_by=RECORDED_BY),
    )
    store.close()
    return stages


def profile_import(csv_path: Path, workdir: Path, rows: int, top: int) -> str:
    from engagekit.plugins import get_plugin_host
    from engagekit.records.files import read_csv
    from engagekit.records.store import open_store

    subset = workdir / f"head-{rows}.csv"
    _head(csv_path, rows, subset)
    council = get_plugin_host().council(COUNCIL)
    path = workdir / "profile.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    store = open_store(f"sqlite:///{path}")
    text = cprofile(
        lambda: store.import_rows(council, read_csv(subset), source_name="x", sha256="y", recorded_by=RECORDED_BY), top
    )
    store.close()
    return text


# -- main ---------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, help="Where the CSV and databases go (default: a temporary folder).")
    parser.add_argument("--runs", type=int, default=5, help="Report timings: the median of this many runs.")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--profile", action="store_true", help="Also break down and profile the import and report.")
    parser.add_argument("--profile-rows", type=int, default=200_000)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--plain-import", nargs=3, metavar=("CSV", "DB", "DDL"), help=argparse.SUPPRESS)
    parser.add_argument("--sql-aggregate", nargs=2, metavar=("DB", "QUESTIONS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.plain_import:
        plain_import(*(Path(arg) for arg in args.plain_import))
        return
    if args.sql_aggregate:
        sql_aggregate_child(*(Path(arg) for arg in args.sql_aggregate))
        return

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="engagekit-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    csv_path = workdir / f"thurrock-events-{args.rows}.csv"
    store_db = workdir / "engagekit.db"
    plain_db = workdir / "plain.db"
    for path in (store_db, plain_db):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    start = time.perf_counter()
    generate(csv_path, args.rows, args.seed)
    size_mb = csv_path.stat().st_size / 1e6
    log(f"generated {args.rows:,} rows ({size_mb:.0f} MB) in {time.perf_counter() - start:.1f} s: {csv_path}")

    env = environment(store_db)
    engagekit = [sys.executable, "-m", "engagekit"]
    import_command = [*engagekit, "import", str(csv_path), "--council", COUNCIL]
    import_s, import_mb, output = run_measured(import_command, env, memory=True)
    log(f"engagekit import: {import_s:.1f} s, {import_mb:.0f} MB peak: {output.strip()}")

    ddl = workdir / "schema.json"
    ddl.write_text(json.dumps(schema_ddl()))
    plain_s, plain_mb, output = run_measured(
        [sys.executable, __file__, "--plain-import", str(csv_path), str(plain_db), str(ddl)], memory=True
    )
    log(f"plain executemany: {plain_s:.1f} s, {plain_mb:.0f} MB peak: {output.strip()}")
    check = "SELECT count(*), sum(attendance), sum(public), sum(agm), count(hub_id), count(body_id) FROM events"
    same = sqlite3.connect(store_db).execute(check).fetchone() == sqlite3.connect(plain_db).execute(check).fetchone()
    if not same:
        raise SystemExit("the plain import stored different rows from engagekit's")

    report, store, questions, question_seconds = in_process_report(store_db)
    questions_path = workdir / "questions.json"
    questions_path.write_text(json.dumps(questions))
    log(f"the report asks {len(questions)} questions: {questions}")
    report_command = [*engagekit, "report", "--council", COUNCIL, "--as-of", AS_OF, "--format", "json"]
    report_s, report_mb, report_out = median_run(report_command, env, args.runs)
    no_records_s, _, _ = median_run([*report_command, "--no-records"], env, args.runs)
    sql_command = [sys.executable, __file__, "--sql-aggregate", str(store_db), str(questions_path)]
    sql_s, _, sql_out = median_run(sql_command, env, args.runs)
    bare_s, _, _ = median_run([sys.executable, "-c", "pass"], env, args.runs)
    log(f"report process: {report_s * 1000:.0f} ms ({len(report_out) / 1e6:.1f} MB of JSON); SQL: {sql_out.strip()}")
    evidence_items = sum(len(finding["evidence"]) for finding in json.loads(report_out)["findings"])

    report_in_s, _ = median_call(report, args.runs)
    asked = [statistics.median(times) for times in zip(*(question_seconds() for _ in range(args.runs)), strict=True)]
    store.close()

    def aggregate_in_process() -> dict[str, Any]:
        connection = sqlite3.connect(store_db)
        try:
            return sql_aggregate(connection, COUNCIL, questions)
        finally:
            connection.close()

    sql_in_s, _ = median_call(aggregate_in_process, args.runs)
    connection = sqlite3.connect(store_db)
    answered_runs: list[list[float]] = []
    for _ in range(args.runs):
        answered_runs.append([])
        sql_aggregate(connection, COUNCIL, questions, seconds=answered_runs[-1])
    answered = [statistics.median(times) for times in zip(*answered_runs, strict=True)]
    plans: list[str] = []
    sql_aggregate(connection, COUNCIL, questions, plans=plans)
    connection.close()
    log(f"in-process: report {report_in_s * 1000:.0f} ms, SQL {sql_in_s * 1000:.0f} ms")

    import_rate, plain_rate = args.rows / import_s, args.rows / plain_s
    rate_ratio = import_rate / plain_rate
    report_ratio = report_s / sql_s
    print(f"\n{args.rows:,} events ({size_mb:.0f} MB of CSV); {machine()}; {dt.date.today().isoformat()}\n")
    print("| measure | figure | target |")
    print("|---|---:|---|")
    print(f"| `engagekit import` (whole process) | {import_s:.1f} s, {import_rate:,.0f} rows/s | |")
    print(f"| plain `sqlite3` `executemany` (whole process) | {plain_s:.1f} s, {plain_rate:,.0f} rows/s | |")
    print(
        f"| import rate ÷ plain rate | {rate_ratio:.2f} | ≥ {IMPORT_RATE_GOAL:g} "
        f"({met(rate_ratio >= IMPORT_RATE_GOAL)}) |"
    )
    print(
        f"| `engagekit import` peak memory (RSS) | {import_mb:.0f} MB | < {IMPORT_MEMORY_GOAL_MB:g} MB "
        f"({met(import_mb < IMPORT_MEMORY_GOAL_MB)}) |"
    )
    print(f"| plain `executemany` peak memory (RSS) | {plain_mb:.0f} MB | |")
    print(f"| `engagekit report … --format json` (whole process, median of {args.runs}) | {report_s * 1000:.0f} ms | |")
    print(f"| hand-written SQL aggregate (whole process, median of {args.runs}) | {sql_s * 1000:.0f} ms | |")
    print(f"| report ÷ SQL aggregate (whole processes, start-up included) | {report_ratio:.2f} | |")
    print(
        "| `engagekit report … --no-records` (whole process: start-up, definition, rules, render) | "
        f"{no_records_s * 1000:.0f} ms | |"
    )
    print(f"| `python -c pass` | {bare_s * 1000:.0f} ms | |")
    print(f"| report in-process (evaluate + render JSON, median of {args.runs}) | {report_in_s * 1000:.0f} ms | |")
    print(f"| SQL aggregate in-process (connect + queries, median of {args.runs}) | {sql_in_s * 1000:.0f} ms | |")
    in_ratio = report_in_s / sql_in_s
    print(
        f"| report ÷ SQL aggregate (in-process: the data work) | {in_ratio:.2f} | < {REPORT_GOAL:g} "
        f"({met(in_ratio < REPORT_GOAL)}) |"
    )
    print(
        f"| report output | {len(report_out) / 1e6:.1f} MB of JSON, {evidence_items:,} evidence items; "
        f"peak memory {report_mb:.0f} MB | |"
    )
    print(f"\nQuestions the report asks of the store, in-process (ms, median of {args.runs} warm runs):\n")
    print("| question | report's `StoreEvidence` | SQL aggregate | SQLite's plan for the SQL |")
    print("|---|---:|---:|---|")
    for question, mine, theirs, plan in zip(questions, asked, answered, plans, strict=True):
        name = f"{question[0]}({', '.join(map(str, question[1:]))})"
        print(f"| {name} | {mine * 1000:.0f} | {theirs * 1000:.0f} | {plan} |")
    print(f"| the rest of the in-process report (rules, layout, JSON) | {(report_in_s - sum(asked)) * 1000:.0f} | | |")

    if args.profile:
        rows = min(args.profile_rows, args.rows)
        print(f"\nStages of the import over the first {rows:,} rows (in-process, cumulative, no profiler):\n")
        print("| stage | s | µs/row |")
        print("|---|---:|---:|")
        for name, seconds in import_breakdown(csv_path, workdir, rows):
            print(f"| {name} | {seconds:.2f} | {seconds / rows * 1e6:.1f} |")
        print(f"\ncProfile of RecordStore.import_rows over {rows:,} rows:\n")
        print(profile_import(csv_path, workdir, rows, args.top))
        report, store, _, _ = in_process_report(store_db)
        print("\ncProfile of the report (evaluate + render JSON), in-process:\n")
        print(cprofile(report, args.top))
        store.close()
    if not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
