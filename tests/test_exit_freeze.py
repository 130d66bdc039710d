"""The command line freezes its objects at exit, and loses nothing by it.

``engagekit.cli.main`` registers :func:`gc.freeze` as its first exit handler, so it runs after
every other (the kept compiled code is written first) and the interpreter's last garbage
collections skip the run's objects (``docs/performance.md``). What must still happen: every
other exit handler runs, output reaches its pipe or file whole, and a SQLite store is closed
by the command itself, its write-ahead log checkpointed away.
"""

from __future__ import annotations

import atexit
import builtins
import gc
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attr._make
import pytest

import engagekit.cli


def test_the_freeze_is_registered_before_every_other_exit_handler(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registered: list[Callable[..., Any]] = []
    monkeypatch.setattr(atexit, "register", lambda function, *args, **kwargs: registered.append(function))
    monkeypatch.setenv("ENGAGEKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ENGAGEKIT_NO_CACHE", raising=False)
    monkeypatch.setattr(attr._make, "compile", builtins.compile, raising=False)  # main() replaces it; undone after
    monkeypatch.setattr(sys, "argv", ["engagekit", "--version"])
    with pytest.raises(SystemExit) as exited:
        engagekit.cli.main()
    assert exited.value.code == 0
    assert registered[0] is gc.freeze
    assert len(registered) >= 2  # the kept code's writer came after it, so it runs before it


def run(tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "ENGAGEKIT_DATABASE_URL": f"sqlite:///{tmp_path / 'records.db'}",
        "ENGAGEKIT_CACHE_DIR": str(tmp_path / "cache"),
        "ENGAGEKIT_TODAY": "2026-12-02",
        "ENGAGEKIT_RECORDED_BY": "officer",
    }
    command = [sys.executable, "-m", "engagekit", *arguments]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=True, timeout=120)


def test_a_write_leaves_its_store_closed_and_every_output_whole(tmp_path: Path) -> None:
    run(tmp_path, "record", "action", "-c", "basildon", "--action", "CN-4", "--status", "in-progress")
    assert sorted(path.name for path in tmp_path.iterdir() if path.name.startswith("records.db")) == ["records.db"]
    report = run(tmp_path, "report", "-c", "basildon", "-f", "json")
    assert json.loads(report.stdout)["council"]["id"] == "basildon"  # the whole document reached the pipe
    exported = tmp_path / "records.json"
    run(tmp_path, "export", "-c", "basildon", "--format", "json", "--output", str(exported))
    (record,) = json.loads(exported.read_text(encoding="utf-8"))["records"]
    assert (record["action"], record["status"]) == ("CN-4", "in-progress")
