"""Time engagekit's everyday commands against the import floor of the stack they stand on.

Run from the project root after installing (see README):

    python bench/startup.py [--runs 15] [--top 12]

Each command runs as a whole process. The runs are interleaved (one of each command, then the
next round), so a machine that slows down or speeds up meanwhile affects every command alike,
and each command is set against its floor, timed in the same rounds: the ratio shown is the
median over the rounds of the command's time over its floor's in that round. Two clocks are
read for every run: wall-clock time (what a user waits) and CPU time, user and system, from
``getrusage`` (what the process itself costs; on a machine other work keeps busy it varies far
less than the wall clock, which counts the time spent waiting for a CPU). The floors:

- the stack floor, ``python -c "import click, pluggy, attrs, cattrs, yaml, sqlalchemy,
  pydantic_settings"``: what any command that reads a definition and a store must import;
- the CLI floor, ``python -c "import click, pluggy, attrs"``: what ``--help`` must import.

Goals (docs/performance.md, issue 9): ``engagekit --help`` within 1.3× the CLI floor;
``report --council basildon`` with a store, and ``record``, each within 1.15× the stack floor.
``report`` with no store is shown against the stack floor too, for reference.

The store is a SQLite file in a temporary folder holding the Basildon example records; each
``record`` run adds one record to it. Nothing of the user's settings, records or cache is read:
what engagekit keeps between runs (installed plugins' entry points, checked council models;
``docs/performance.md``) goes in a cache folder of the benchmark's own, which the warm-up round
fills, as any first run would. The same commands with ``ENGAGEKIT_NO_CACHE=1`` (every run
reading package metadata and definitions afresh) are timed alongside, for reference.

engagekit freezes the objects its run made once it is done (``gc.freeze`` at exit, in
``engagekit.cli.main``), so the interpreter's last garbage collections skip them; each floor
pays its own last collections in full. So that the goals are not read as more than they are,
the floors are timed a second time doing the same (``FROZEN_AT_EXIT`` before their imports),
and each goal's command is set against those too, in a table of its own, for reference.
Modules are timed as an installed package has them, byte-compiled (``PYTHONDONTWRITEBYTECODE``
is not passed on: the warm-up round compiles what has changed).
With ``--top N`` the slowest top-level imports of each engagekit command are listed after
the table (``python -X importtime``). With ``--phases`` the time ``report -c basildon`` with a
store spends beyond its floor is split into its parts, measured in one process (see
:data:`PHASES`).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
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
FROZEN_AT_EXIT = "import atexit, gc; atexit.register(gc.freeze); "
"""What engagekit's command line does at exit (``engagekit.cli.main``), for a floor to do the same."""
RECORD = ["record", "action", "-c", "basildon", "--action", "CN-4", "--status", "in-progress", "--percent", "40"]


PHASES = """
import json, sys, time
clock = time.process_time
marks = [("start", clock())]
def mark(name):
    marks.append((name, clock()))
import click, pluggy, attrs, cattrs, yaml, sqlalchemy, pydantic_settings
marks = [("floor", clock())]
import engagekit.cli
from engagekit.cli.code_cache import enable
enable()  # as engagekit.cli.main does: attrs' compiled methods read back from the cache
mark("engagekit.cli and the package")
import engagekit.model
mark("importing the model (engagekit.model)")
import engagekit.rules
mark("importing the rules (engagekit.rules)")
import engagekit.report.build, engagekit.report.text
mark("importing the report (engagekit.report: build, data, charts, caveats, text)")
import engagekit.records.store
mark("importing the store (records.store, schema, accounts tables)")
from engagekit.settings import load_settings
settings = load_settings()
mark("the settings (imported and read)")
from engagekit.plugins import get_plugin_host
host = get_plugin_host()
mark("the plugin host (installed plugins from the cache, registered)")
council = host.council("basildon")
mark("finding the council (its checked model from the cache)")
store = engagekit.records.store.open_store(settings.store_url(), busy_timeout_ms=settings.busy_timeout_ms)
evidence = store.evidence(council)
mark("opening the store (and checking its schema)")
from engagekit.report import council_report
report = council_report(council, __import__("datetime").date(2026, 12, 2), host=host, evidence=evidence)
mark("building the report (the rules and the store's queries, the sections, the data)")
host.renderers()["text"].render(report)
mark("rendering the text")
print(json.dumps([(name, (at - marks[i][1]) * 1000) for i, (name, at) in enumerate(marks[1:])]))
"""
"""A script timing each part of ``report -c basildon`` with a store, in one process, after the
stack floor's imports: each part's CPU milliseconds. Each import counts what it imports that is
not yet loaded, so an import's figure includes the modules it is the first to need."""


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
        "stack floor, frozen at exit": ([sys.executable, "-c", FROZEN_AT_EXIT + STACK_FLOOR], "none", None, None),
        "CLI floor, frozen at exit": ([sys.executable, "-c", FROZEN_AT_EXIT + CLI_FLOOR], "none", None, None),
        "engagekit --help": ([*ek, "--help"], "none", "CLI floor", 1.3),
        "report -c basildon (no store)": ([*ek, "report", "-c", "basildon"], "none", "stack floor", None),
        "report -c basildon (with a store)": ([*ek, "report", "-c", "basildon"], "store", "stack floor", 1.15),
        "record action (into a store)": ([*ek, *RECORD], "store", "stack floor", 1.15),
        "engagekit --help (no cache)": ([*ek, "--help"], "none, no cache", "CLI floor", None),
        "report -c basildon (with a store, no cache)": (
            [*ek, "report", "-c", "basildon"],
            "store, no cache",
            "stack floor",
            None,
        ),
        "record action (into a store, no cache)": ([*ek, *RECORD], "store, no cache", "stack floor", None),
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
    if sys.platform in {"win32", "darwin"}:
        base["ENGAGEKIT_CACHE_DIR"] = str(folder / "cache")
    else:  # the user cache folder found as a user's is (platformdirs reads XDG_CACHE_HOME), in the benchmark's own
        base["XDG_CACHE_HOME"] = str(folder / "cache")
    store = base | {"ENGAGEKIT_DATABASE_URL": f"sqlite:///{folder / 'records.db'}"}
    uncached = {"ENGAGEKIT_NO_CACHE": "1"}
    return {"none": base, "store": store, "none, no cache": base | uncached, "store, no cache": store | uncached}


def make_store(env: Mapping[str, str]) -> None:
    """The benchmark's store: created and migrated, holding the Basildon example records."""
    example = ROOT / "examples" / "records" / "basildon.csv"
    subprocess.run([*engagekit(), "import", str(example), "-c", "basildon"], check=True, capture_output=True, env=env)


def time_once(command: list[str], env: Mapping[str, str]) -> tuple[float, float]:
    """The wall-clock seconds of one run, and the CPU seconds (user and system) the process used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


Samples = dict[str, dict[str, list[float]]]
"""For each clock (``wall``, ``cpu``), each command's seconds in each round."""


def time_all(runs: int, envs: Mapping[str, Mapping[str, str]]) -> Samples:
    """The seconds of each command in each of ``runs`` interleaved rounds, after one warm-up round."""
    timed = commands()
    samples: Samples = {clock: {name: [] for name in timed} for clock in ("wall", "cpu")}
    for round_ in range(runs + 1):
        for name, (command, which, _, _) in timed.items():
            wall, cpu = time_once(command, envs[which])
            if round_:
                samples["wall"][name].append(wall)
                samples["cpu"][name].append(cpu)
    return samples


def import_breakdown(command: list[str], env: Mapping[str, str], top: int) -> list[tuple[int, str]]:
    """The ``top`` slowest top-level imports (cumulative microseconds, module) of one run.

    The command runs as it was timed (``PYTHONPROFILEIMPORTTIME`` is ``-X importtime`` set from
    the environment), so it finds what the timed runs kept in the cache.
    """
    profiled = {**env, "PYTHONPROFILEIMPORTTIME": "1"}
    result = subprocess.run(command, check=True, capture_output=True, text=True, env=profiled)
    rows = []
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = (part.strip() for part in line[len("import time:") :].split("|"))
        if not name.startswith(" "):
            rows.append((int(cumulative), name.strip()))
    return sorted(rows, reverse=True)[:top]


def table(samples: Mapping[str, list[float]]) -> list[str]:
    """The results as a Markdown table: each command's median, its ratio to its floor, and its goal.

    The ratio is the median of the ratios of each round (the command against its floor in the
    same round, moments apart), so a burst of load elsewhere on the machine skews one round's
    ratio rather than every command's median; the lowest and highest of those ratios are shown
    beside it.
    """
    lines = [
        "| command | median (ms) | against | ratio (median) | ratios (range) | goal |",
        "|---|---:|---|---:|---|---|",
    ]
    for name, (_, _, floor, goal) in commands().items():
        median = statistics.median(samples[name])
        if floor is None:
            lines.append(f"| {name} | {median * 1000:.0f} | | | | |")
            continue
        ratios = [seconds / base for seconds, base in zip(samples[name], samples[floor], strict=True)]
        ratio = statistics.median(ratios)
        verdict = ("met" if ratio <= goal else "NOT met") if goal is not None else ""
        wanted = f"≤ {goal:g}× ({verdict})" if goal is not None else ""
        spread = f"{min(ratios):.2f}–{max(ratios):.2f}"
        lines.append(f"| {name} | {median * 1000:.0f} | {floor} | {ratio:.2f}× | {spread} | {wanted} |")
    return lines


def frozen_table(samples: Mapping[str, list[float]]) -> list[str]:
    """Each goal's command against its floor frozen at exit, as engagekit's own run is: for reference."""
    lines = ["| command | against | ratio (median) | ratios (range) |", "|---|---|---:|---|"]
    for name, (_, _, floor, goal) in commands().items():
        if floor is None or goal is None:
            continue
        frozen = f"{floor}, frozen at exit"
        ratios = [seconds / base for seconds, base in zip(samples[name], samples[frozen], strict=True)]
        spread = f"{min(ratios):.2f}–{max(ratios):.2f}"
        lines.append(f"| {name} | {frozen} | {statistics.median(ratios):.2f}× | {spread} |")
    return lines


def phases(env: Mapping[str, str], runs: int) -> list[tuple[str, float]]:
    """The median CPU milliseconds of each part of :data:`PHASES` over ``runs`` runs, after a warm-up."""
    import json

    taken: dict[str, list[float]] = {}
    for round_ in range(runs + 1):
        result = subprocess.run([sys.executable, "-c", PHASES], check=True, capture_output=True, text=True, env=env)
        if round_:
            for name, ms in json.loads(result.stdout.strip().splitlines()[-1]):
                taken.setdefault(name, []).append(ms)
    return [(name, statistics.median(values)) for name, values in taken.items()]


def load() -> str:
    """The load averages over 1, 5 and 15 minutes, where the system tells them."""
    try:
        return ", ".join(f"{value:.1f}" for value in os.getloadavg())
    except (AttributeError, OSError):
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15, help="interleaved rounds to take the median of")
    parser.add_argument("--top", type=int, default=0, help="also list each command's N slowest imports")
    parser.add_argument(
        "--phases", action="store_true", help="also split the report's time beyond its floor into its parts"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="engagekit-bench-") as folder:
        envs = environments(Path(folder))
        make_store(envs["store"])
        before = load()
        samples = time_all(args.runs, envs)
        print(
            f"Median of {args.runs} interleaved runs; Python {platform.python_version()}, "
            f"{os.cpu_count()} CPUs, {platform.machine()}, {platform.system()}; "
            f"load average {before} before, {load()} after\n"
        )
        print("Wall-clock time (what a user waits):\n")
        print("\n".join(table(samples["wall"])))
        print("\nCPU time, user and system (what the command itself costs, less sensitive to other load):\n")
        print("\n".join(table(samples["cpu"])))
        print(
            "\nFor reference, CPU time against floors that also freeze their objects at exit, as engagekit "
            "does (each floor then skips its own last collections too):\n"
        )
        print("\n".join(frozen_table(samples["cpu"])))
        if args.phases:
            parts = phases(envs["store"], args.runs)
            print(
                "\nWhere `report -c basildon (with a store)` spends its time beyond the stack floor, in one process "
                f"(CPU ms, median of {args.runs}):\n"
            )
            print("| part | ms |\n|---|---:|")
            for name, ms in parts:
                print(f"| {name} | {ms:.1f} |")
            print(f"| total | {sum(ms for _, ms in parts):.1f} |")
        if args.top:
            for name, (command, which, floor, _) in commands().items():
                if floor is None:
                    continue
                print(f"\nSlowest top-level imports for `{name}` (cumulative ms):\n")
                for microseconds, module in import_breakdown(command, envs[which], args.top):
                    print(f"- {module}: {microseconds / 1000:.1f}")


if __name__ == "__main__":
    main()
