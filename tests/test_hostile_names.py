"""Names from a hostile definition reach no terminal through record, history, export or compare.

A definition's council name, id or action ids may hold ``\\x1b]0;...\\x07`` (which retitles the
terminal window) or other escapes; each command prints them through
:func:`engagekit.terminal_text.printable`, keeping the words and dropping the escapes.
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

OSC_TITLE = "\x1b]0;x\x07"

DEFINITION = """\
id: {id}
name: {name}
programme:
  id: p
  name: P
  action_plan:
    outcomes:
      - id: o1
        statement: Out
        actions:
          - {{id: {action}, text: "Act one"}}
"""


def write(folder: Path, *, council_id: str = "tiny", name: str = "Tiny Council", action: str = "A-1") -> Path:
    path = folder / f"{council_id.encode('ascii', 'ignore').decode()[:8] or 'tiny'}.yaml"
    text = DEFINITION.format(id=json.dumps(council_id), name=json.dumps(name), action=json.dumps(action))
    path.write_text(text, encoding="utf-8")
    return path


def has_escapes(text: str) -> bool:
    return any(ch in "\x1b\x07" or "\x80" <= ch <= "\x9f" for ch in text)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "ENGAGEKIT_DATABASE_URL": f"sqlite:///{tmp_path / 'records.db'}",
        "ENGAGEKIT_RECORDED_BY": "tester",
    }


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "engagekit", *args], capture_output=True, text=True, check=False, timeout=120, env=env
    )


def test_record_prints_the_council_name_without_escapes(tmp_path: Path, env: dict[str, str]) -> None:
    definition = write(tmp_path, name=f"Tiny {OSC_TITLE}Council")
    result = run(["record", "action", "--definition", str(definition), "--action", "A-1", "--status", "in-progress",
                  "--date", "2026-01-02"], env)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Recorded action-update #1 for Tiny Council on 2026-01-02.\n"


def test_record_problems_quote_definition_ids_without_escapes(tmp_path: Path, env: dict[str, str]) -> None:
    definition = write(tmp_path, action=f"A-{OSC_TITLE}1")
    result = run(["record", "action", "--definition", str(definition), "--action", "B", "--status", "in-progress"], env)
    assert result.returncode == 2
    assert result.stderr == "engagekit: action: no action 'B' in this council (known: A-1)\n"


def test_history_names_a_hostile_council_id_without_escapes(tmp_path: Path, env: dict[str, str]) -> None:
    definition = write(tmp_path, council_id=f"ev{OSC_TITLE}il", action=f"A-{OSC_TITLE}1")
    result = run(["history", "--definition", str(definition), "--action", "Z"], env)
    assert result.returncode == 2
    assert result.stderr == "engagekit: no action 'Z' in evil; actions: A-1\n"


def test_export_prints_nothing_of_the_definition(tmp_path: Path, env: dict[str, str]) -> None:
    definition = write(tmp_path, council_id=f"ev{OSC_TITLE}il", name=f"Tiny {OSC_TITLE}Council")
    for args in (["-f", "json"], ["-f", "csv"], ["-o", str(tmp_path / "missing" / "out.csv")]):
        result = run(["export", "--definition", str(definition), *args], env)
        assert not has_escapes(result.stdout + result.stderr), args


def on_terminal(args: list[str], env: dict[str, str]) -> tuple[int, bytes]:
    """Run with standard output on a pseudo-terminal: the exit status and what the terminal got."""
    main, terminal = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "engagekit", *args], stdout=terminal, stderr=subprocess.PIPE, env=env
        )
        os.close(terminal)
        shown = b""
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            shown += chunk
        process.communicate(timeout=120)
    finally:
        os.close(main)
    return process.returncode, shown


@pytest.mark.parametrize("format_name", ["html", "text", "markdown"])
def test_compare_on_a_terminal_shows_no_escapes(tmp_path: Path, env: dict[str, str], format_name: str) -> None:
    folder = tmp_path / "definitions"
    folder.mkdir()
    write(folder, name=f"Tiny {OSC_TITLE}Council")
    env = {**env, "ENGAGEKIT_DEFINITIONS": str(folder), "ENGAGEKIT_TODAY": "2026-01-02"}
    code, shown = on_terminal(["compare", "-c", "tiny", "-c", "basildon", "--no-records", "-f", format_name], env)
    assert code == 0
    text = shown.decode("utf-8")
    assert not has_escapes(text)
    assert "Tiny Council" in text
