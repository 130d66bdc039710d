"""Peak memory and time of exports and re-imports at scale: a million records, each format.

Run from the project root after installing (see README); it takes several minutes at the
default size, and is not part of the test suite:

    python bench/memory.py [--rows 1000000] [--workdir DIR] [--formats csv,xlsx,json]

In one run it:

1. generates ``--rows`` Thurrock engagement events as CSV, the same file ``bench/records.py``
   makes (seeded), and imports it with ``engagekit import`` into a SQLite store;
2. exports that store with ``engagekit export --format F --output FILE`` for each format;
3. imports each export into an empty store of its own (``engagekit import FILE``) and checks it
   holds as many records as the first;
4. prints a Markdown table: for each step its wall time, its peak resident memory (the
   process's ``ru_maxrss``, read by GNU ``time`` or a bare interpreter in between, as
   ``bench/records.py`` reads it), that peak as a share of the goal, and met / NOT met.

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


def count_records(database: Path) -> int:
    """How many records the store holds, counted in SQL (independent of engagekit)."""
    with sqlite3.connect(database) as connection:
        return sum(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in RECORD_TABLES)


def fresh(database: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    return database


def step(name: str, command: list[str], database: Path) -> tuple[str, float, float]:
    """Run one engagekit command against ``database``, measured; its name, seconds and peak MB."""
    seconds, peak_mb, output = run_measured(command, environment(database), memory=True)
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
    args = parser.parse_args()
    formats = [name for name in args.formats.split(",") if name]
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise SystemExit(f"no format {', '.join(unknown)}; formats: {', '.join(FORMATS)}")

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="engagekit-memory-"))
    workdir.mkdir(parents=True, exist_ok=True)
    engagekit = [sys.executable, "-m", "engagekit"]
    store = workdir / "source.db"
    steps = []
    if not (args.reuse and store.exists()):
        source_csv = workdir / f"thurrock-events-{args.rows}.csv"
        start = time.perf_counter()
        generate(source_csv, args.rows)
        size_mb = source_csv.stat().st_size / 1e6
        log(f"generated {args.rows:,} rows ({size_mb:.0f} MB) in {time.perf_counter() - start:.1f} s")
        command = [*engagekit, "import", str(source_csv), "--council", COUNCIL]
        steps.append(step("import the generated CSV", command, fresh(store)))
    expected = count_records(store)

    for format_name in formats:
        exported = workdir / f"export.{format_name}"
        exported.unlink(missing_ok=True)
        command = [*engagekit, "export", "--council", COUNCIL, "--format", format_name, "--output", str(exported)]
        steps.append(step(f"export {format_name.upper()}", command, store))
        log(f"  {exported.name}: {exported.stat().st_size / 1e6:.0f} MB")
        copy = fresh(workdir / f"from-{format_name}.db")
        steps.append(
            step(
                f"import the {format_name.upper()} export",
                [*engagekit, "import", str(exported), "--council", COUNCIL],
                copy,
            )
        )
        found = count_records(copy)
        if found != expected:
            raise SystemExit(f"the {format_name} export imported {found:,} records, not {expected:,}")

    print(f"Records: {expected:,} ({args.rows:,} events and the forums they meet in); {machine()}\n")
    print(f"| Step | Time | Peak memory | Peak / goal ({MEMORY_GOAL_MB:.0f} MB) | Goal |")
    print("|---|---:|---:|---:|---|")
    for name, seconds, peak_mb in steps:
        share = peak_mb / MEMORY_GOAL_MB
        print(f"| {name} | {seconds:.1f} s | {peak_mb:.0f} MB | {share:.2f} | {met(peak_mb < MEMORY_GOAL_MB)} |")


if __name__ == "__main__":
    main()
