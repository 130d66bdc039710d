"""What the benchmark scripts share: logging, the machine line, met/NOT met, and a cProfile summary."""

from __future__ import annotations

import os
import platform
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def machine() -> str:
    """``2 cores, 24 GiB, Linux, Python 3.11.7, SQLite 3.40.1``: the line results are written under."""
    memory = ""
    try:
        with Path("/proc/meminfo").open() as stream:
            kib = int(stream.readline().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass  # no /proc here: the line leaves memory out
    python = f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    return f"{os.cpu_count()} cores{memory}, {platform.system()}, {python}"


def met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def cprofile(work: Callable[[], Any], top: int) -> str:
    """Run ``work`` under cProfile; the ``top`` functions by own time, then by cumulative time."""
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    work()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return "\n".join(line for line in out.getvalue().splitlines() if line.strip())
