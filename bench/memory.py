"""Peak memory and time of exports and re-imports at scale: a million records, each format.

Run from the project root after installing (see README); it takes several minutes at the
default size, and is not part of the test suite:

    python bench/memory.py [--rows 1000000] [--workdir DIR] [--formats csv,xlsx,json]
    python bench/memory.py --postgresql postgresql+psycopg://postgres@127.0.0.1:5432/test

In one run it:

1. generates ``--rows`` Thurrock engagement events as CSV, the same file ``bench/records.py``
   makes (seeded), and imports it with ``engagekit import`` into a SQLite store;
2. exports that store with ``engagekit export --format F --output FILE`` for each format;
3. imports each export into an empty store of its own (``engagekit import FILE``) and checks it
   holds as many records as the first;
4. prints a Markdown table: for each step its wall time, its peak resident memory (the
   process's ``ru_maxrss``, read by GNU ``time`` or a bare interpreter in between, as
   ``bench/records.py`` reads it), that peak as a share of the goal, and met / NOT met.

With ``--postgresql URL`` the stores are schemas of that database instead of SQLite files
(``engagekit_memory_source``, ``engagekit_memory_from_csv``...), each dropped when its records
are counted; the source is kept only with ``--keep``, so that runs with ``--reuse`` can export
it side by side (a last run without ``--keep`` drops it).

Goal (docs/performance.md, "Memory"): every export and every import under 200 MB peak.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from benchkit import log, machine, met
from records import COUNCIL, environment, generate, run_measured

MEMORY_GOAL_MB = 200.0
FORMATS = ("csv", "xlsx", "json")
RECORD_TABLES = ("events", "instances")
"""The tables the generated records go into (events, and the forums registered as instances)."""


SCHEMA_PREFIX = "engagekit_memory_"
"""The PostgreSQL schemas this benchmark makes (and drops) start so."""


class Stores:
    """Where each store of a run lives: SQLite files in the work folder, or PostgreSQL schemas."""

    def __init__(self, workdir: Path, postgresql: str | None) -> None:
        self.workdir = workdir
        self.postgresql = postgresql

    def _schema(self, name: str) -> str:
        return SCHEMA_PREFIX + name.replace("-", "_")

    def _sql(self, statement: str) -> list[tuple[object, ...]]:
        import psycopg
        from sqlalchemy.engine import make_url

        assert self.postgresql is not None
        url = make_url(self.postgresql)
        conninfo = psycopg.conninfo.make_conninfo(
            host=url.host or "", port=url.port or 5432, user=url.username or "", dbname=url.database or ""
        )
        with psycopg.connect(conninfo, autocommit=True) as connection:
            cursor = connection.execute(statement.encode())  # names are this benchmark's own, never input
            return cursor.fetchall() if cursor.description else []

    def environment(self, name: str) -> dict[str, str]:
        """The environment of an engagekit command using the store ``name``."""
        env = environment(self.workdir / f"{name}.db")
        if self.postgresql is not None:
            separator = "&" if "?" in self.postgresql else "?"
            env["ENGAGEKIT_DATABASE_URL"] = f"{self.postgresql}{separator}options=-csearch_path%3D{self._schema(name)}"
        return env

    def exists(self, name: str) -> bool:
        if self.postgresql is None:
            return (self.workdir / f"{name}.db").exists()
        found = self._sql(f"SELECT 1 FROM pg_tables WHERE schemaname = '{self._schema(name)}' AND tablename = 'events'")
        return bool(found)

    def fresh(self, name: str) -> str:
        """Make ``name`` an empty store (its file removed, or its schema made anew)."""
        if self.postgresql is None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.workdir / name}.db{suffix}").unlink(missing_ok=True)
        else:
            self.drop(name)
            self._sql(f"CREATE SCHEMA {self._schema(name)}")
        return name

    def drop(self, name: str) -> None:
        if self.postgresql is not None:
            self._sql(f"DROP SCHEMA IF EXISTS {self._schema(name)} CASCADE")

    def count(self, name: str) -> int:
        """How many records the store holds, counted in SQL (independent of engagekit)."""
        if self.postgresql is not None:
            schema = self._schema(name)
            return sum(int(self._sql(f"SELECT count(*) FROM {schema}.{table}")[0][0]) for table in RECORD_TABLES)  # type: ignore[call-overload]
        with sqlite3.connect(self.workdir / f"{name}.db") as connection:
            return sum(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in RECORD_TABLES)


def step(name: str, command: list[str], env: dict[str, str]) -> tuple[str, float, float]:
    """Run one engagekit command in ``env``, measured; its name, seconds and peak MB."""
    seconds, peak_mb, output = run_measured(command, env, memory=True)
    log(f"{name}: {seconds:.1f} s, {peak_mb:.0f} MB peak {output.strip()[:200]}")
    return name, seconds, peak_mb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, help="Where the files and stores go (default: a temporary folder).")
    parser.add_argument("--formats", default=",".join(FORMATS), help="Export formats to measure (default: all).")
    parser.add_argument(
        "--reuse", action="store_true", help="Export the store an earlier run left in --workdir instead of a new one."
    )
    parser.add_argument("--postgresql", metavar="URL", help="Keep the stores in this PostgreSQL database, as schemas.")
    parser.add_argument("--keep", action="store_true", help="With --postgresql: keep the source store for --reuse.")
    args = parser.parse_args()
    formats = [name for name in args.formats.split(",") if name]
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise SystemExit(f"no format {', '.join(unknown)}; formats: {', '.join(FORMATS)}")

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="engagekit-memory-"))
    workdir.mkdir(parents=True, exist_ok=True)
    engagekit = [sys.executable, "-m", "engagekit"]
    stores = Stores(workdir, args.postgresql)
    steps = []
    try:
        if not (args.reuse and stores.exists("source")):
            source_csv = workdir / f"thurrock-events-{args.rows}.csv"
            start = time.perf_counter()
            generate(source_csv, args.rows)
            size_mb = source_csv.stat().st_size / 1e6
            log(f"generated {args.rows:,} rows ({size_mb:.0f} MB) in {time.perf_counter() - start:.1f} s")
            command = [*engagekit, "import", str(source_csv), "--council", COUNCIL]
            steps.append(step("import the generated CSV", command, stores.environment(stores.fresh("source"))))
        expected = stores.count("source")

        for format_name in formats:
            exported = workdir / f"export.{format_name}"
            exported.unlink(missing_ok=True)
            command = [*engagekit, "export", "--council", COUNCIL, "--format", format_name, "--output", str(exported)]
            steps.append(step(f"export {format_name.upper()}", command, stores.environment("source")))
            log(f"  {exported.name}: {exported.stat().st_size / 1e6:.0f} MB")
            copy = stores.fresh(f"from-{format_name}")
            command = [*engagekit, "import", str(exported), "--council", COUNCIL]
            steps.append(step(f"import the {format_name.upper()} export", command, stores.environment(copy)))
            found = stores.count(copy)
            stores.drop(copy)
            if found != expected:
                raise SystemExit(f"the {format_name} export imported {found:,} records, not {expected:,}")
    finally:
        for name in [f"from-{format_name}" for format_name in formats] + ([] if args.keep else ["source"]):
            stores.drop(name)

    backend = "PostgreSQL" if args.postgresql else "SQLite"
    print(f"Records: {expected:,} ({args.rows:,} events and the forums they meet in); {backend}; {machine()}\n")
    print(f"| Step | Time | Peak memory | Peak / goal ({MEMORY_GOAL_MB:.0f} MB) | Goal |")
    print("|---|---:|---:|---:|---|")
    for name, seconds, peak_mb in steps:
        share = peak_mb / MEMORY_GOAL_MB
        print(f"| {name} | {seconds:.1f} s | {peak_mb:.0f} MB | {share:.2f} | {met(peak_mb < MEMORY_GOAL_MB)} |")


if __name__ == "__main__":
    main()
