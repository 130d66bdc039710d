"""Time engagekit's start-up against a bare interpreter, and show where import time goes.

Run from the project root after installing (see README):

    python bench/startup.py [--runs 15]

It times, as whole processes in the same run: ``python -c pass``, ``engagekit --help``,
``engagekit councils`` and ``engagekit report --council basildon --format json``, then
prints the slowest imports of each engagekit command (``python -X importtime``).
Goals (docs/performance.md): --help within 5× and the report within 12× a bare start.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "engagekit --help": [sys.executable, "-m", "engagekit", "--help"],
    "engagekit councils": [sys.executable, "-m", "engagekit", "councils"],
    "engagekit report --council basildon --format json": [
        sys.executable,
        "-m",
        "engagekit",
        "report",
        "--council",
        "basildon",
        "--format",
        "json",
    ],
}
GOALS = {"engagekit --help": 5.0, "engagekit report --council basildon --format json": 12.0}


def time_command(command: list[str], runs: int) -> float:
    """The median wall-clock seconds of ``runs`` runs, after one warm-up run."""
    env = {**os.environ, "ENGAGEKIT_TODAY": "2026-11-22"}
    subprocess.run(command, check=True, capture_output=True, env=env)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=env)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def import_breakdown(command: list[str], top: int) -> list[tuple[int, str]]:
    """The ``top`` slowest imports (cumulative microseconds, module) of one run."""
    result = subprocess.run([command[0], "-X", "importtime", *command[1:]], check=True, capture_output=True, text=True)
    rows = []
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = (part.strip() for part in line[len("import time:") :].split("|"))
        if not name.startswith(" "):
            rows.append((int(cumulative), name.strip()))
    return sorted(rows, reverse=True)[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()

    timings = {name: time_command(command, args.runs) for name, command in COMMANDS.items()}
    bare = timings["python -c pass"]
    print(f"Median of {args.runs} runs, Python {sys.version.split()[0]}\n")
    print("| command | median (ms) | × bare interpreter | goal |")
    print("|---|---:|---:|---|")
    for name, seconds in timings.items():
        goal = f"≤ {GOALS[name]:g}×" if name in GOALS else ""
        met = ""
        if name in GOALS:
            met = " (met)" if seconds / bare <= GOALS[name] else " (NOT met)"
        print(f"| `{name}` | {seconds * 1000:.0f} | {seconds / bare:.1f} | {goal}{met} |")
    for name, command in COMMANDS.items():
        if name == "python -c pass":
            continue
        print(f"\nSlowest top-level imports for `{name}` (cumulative ms):\n")
        for microseconds, module in import_breakdown(command, args.top):
            print(f"- {module}: {microseconds / 1000:.1f}")


if __name__ == "__main__":
    main()
