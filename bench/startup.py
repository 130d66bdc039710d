"""Time engagekit's everyday commands against the import floor of the stack they stand on.

Run from the project root after installing (see README):

    python bench/startup.py [--runs 15] [--top 12]

Each command runs as a whole process. The runs are interleaved (one of each command, then the
next round), so a machine that slows down or speeds up meanwhile affects every command alike,
and each command's median is set against its floor, timed in the same rounds:

- the stack floor, ``python -c "import click, pluggy, attrs, cattrs, yaml, sqlalchemy,
  pydantic_settings"``: what any command that reads a definition and a store must import;
- the CLI floor, ``python -c "import click, pluggy, attrs"``: what ``--help`` must import.

Goals (docs/performance.md, issue 9): ``engagekit --help`` within 1.3× the CLI floor;
``report --council basildon`` with a store, and ``record``, each within 1.15× the stack floor.
``report`` with no store is shown against the stack floor too, for reference.

The store is a SQLite file in a temporary folder holding the Basildon example records; each
``record`` run adds one record to it. Nothing of the user's settings or records is read.
Modules are timed as an installed package has them, byte-compiled (``PYTHONDONTWRITEBYTECODE``
is not passed on: the warm-up round compiles what has changed).
With ``--top N`` the slowest top-level imports of each engagekit command are listed after
the table (``python -X importtime``).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STACK_FLOOR = "import click, pluggy, attrs, cattrs, yaml, sqlalchemy, pydantic_settings"
CLI_FLOOR = "import click, pluggy, attrs"
RECORD = ["record", "action", "-c", "basildon", "--action", "CN-4", "--status", "in-progress", "--percent", "40"]


def engagekit() -> list[str]:
    """The console script installed beside this interpreter (what a user runs), else ``python -m engagekit``."""
    script = Path(sys.executable).with_name("engagekit")
    return [str(script)] if script.exists() else [sys.executable, "-m", "engagekit"]


def commands() -> dict[str, tuple[list[str], str, str | None, float | None]]:
    """Each timed command: (argv, which environment, which floor it is set against, goal)."""
    ek = engagekit()
    return {
        "stack floor": ([sys.executable, "-c", STACK_FLOOR], "none", None, None),
        "CLI floor": ([sys.executable, "-c", CLI_FLOOR], "none", None, None),
        "engagekit --help": ([*ek, "--help"], "none", "CLI floor", 1.3),
        "report -c basildon (no store)": ([*ek, "report", "-c", "basildon"], "none", "stack floor", None),
        "report -c basildon (with a store)": ([*ek, "report", "-c", "basildon"], "store", "stack floor", 1.15),
        "record action (into a store)": ([*ek, *RECORD], "store", "stack floor", 1.15),
    }


def environments(folder: Path) -> dict[str, dict[str, str]]:
    """The environment of each kind of run: no store at all, or the benchmark's own store."""
    base = {key: value for key, value in os.environ.items() if not key.startswith("ENGAGEKIT_")}
    base.pop("PYTHONDONTWRITEBYTECODE", None)  # time modules as an install has them: compiled once, not every run
    base |= {
        "ENGAGEKIT_CONFIG": str(folder / "no-config.toml"),
        "ENGAGEKIT_DATA_DIR": str(folder / "no-data"),
        "ENGAGEKIT_TODAY": "2026-12-02",
        "ENGAGEKIT_RECORDED_BY": "bench",
    }
    return {"none": base, "store": base | {"ENGAGEKIT_DATABASE_URL": f"sqlite:///{folder / 'records.db'}"}}


def make_store(env: Mapping[str, str]) -> None:
    """The benchmark's store: created and migrated, holding the Basildon example records."""
    example = ROOT / "examples" / "records" / "basildon.csv"
    subprocess.run([*engagekit(), "import", str(example), "-c", "basildon"], check=True, capture_output=True, env=env)


def time_once(command: list[str], env: Mapping[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def time_all(runs: int, envs: Mapping[str, Mapping[str, str]]) -> dict[str, float]:
    """The median seconds of each command over ``runs`` interleaved rounds, after one warm-up round."""
    timed = commands()
    samples: dict[str, list[float]] = {name: [] for name in timed}
    for round_ in range(runs + 1):
        for name, (command, which, _, _) in timed.items():
            seconds = time_once(command, envs[which])
            if round_:
                samples[name].append(seconds)
    return {name: statistics.median(values) for name, values in samples.items()}


def import_breakdown(command: list[str], env: Mapping[str, str], top: int) -> list[tuple[int, str]]:
    """The ``top`` slowest top-level imports (cumulative microseconds, module) of one run."""
    argv = [sys.executable, "-X", "importtime", "-m", "engagekit", *command[len(engagekit()) :]]
    result = subprocess.run(argv, check=True, capture_output=True, text=True, env=env)
    rows = []
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = (part.strip() for part in line[len("import time:") :].split("|"))
        if not name.startswith(" "):
            rows.append((int(cumulative), name.strip()))
    return sorted(rows, reverse=True)[:top]


def table(timings: Mapping[str, float]) -> list[str]:
    """The results as a Markdown table: each command's median, its ratio to its floor, and its goal."""
    lines = ["| command | median (ms) | against | ratio | goal |", "|---|---:|---|---:|---|"]
    for name, (_, _, floor, goal) in commands().items():
        seconds = timings[name]
        if floor is None:
            lines.append(f"| {name} | {seconds * 1000:.0f} | | | |")
            continue
        ratio = seconds / timings[floor]
        verdict = ("met" if ratio <= goal else "NOT met") if goal is not None else ""
        wanted = f"≤ {goal:g}× ({verdict})" if goal is not None else ""
        lines.append(f"| {name} | {seconds * 1000:.0f} | {floor} | {ratio:.2f}× | {wanted} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15, help="interleaved rounds to take the median of")
    parser.add_argument("--top", type=int, default=0, help="also list each command's N slowest imports")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="engagekit-bench-") as folder:
        envs = environments(Path(folder))
        make_store(envs["store"])
        timings = time_all(args.runs, envs)
        print(
            f"Median of {args.runs} interleaved runs; Python {platform.python_version()}, "
            f"{os.cpu_count()} CPUs, {platform.machine()}, {platform.system()}\n"
        )
        print("\n".join(table(timings)))
        if args.top:
            for name, (command, which, floor, _) in commands().items():
                if floor is None:
                    continue
                print(f"\nSlowest top-level imports for `{name}` (cumulative ms):\n")
                for microseconds, module in import_breakdown(command, envs[which], args.top):
                    print(f"- {module}: {microseconds / 1000:.1f}")


if __name__ == "__main__":
    main()
