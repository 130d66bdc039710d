"""The fictional fourth council (examples/fernbridge) and the tutorial that builds it (docs/tutorial.md)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import engagekit
from engagekit.model import items_without_source
from engagekit.report import council_report
from engagekit.report.html import render_html
from engagekit.report.json_format import render_json
from engagekit.report.text import render_text

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "fernbridge"
PLACE_EXAMPLE = ROOT / "examples" / "ashworth"
DEFINITION = EXAMPLE / "fernbridge.yaml"
RECORDS = EXAMPLE / "records.csv"
TUTORIAL = ROOT / "docs" / "tutorial.md"
AS_OF = dt.date(2024, 11, 1)


def engagekit_cli(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "engagekit", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_example_validates_and_is_marked_fictional() -> None:
    council = engagekit.load_definition(DEFINITION)
    assert council.id == "fernbridge"
    assert "(fictional)" in council.name
    assert council.gss_code is None
    assert all(area.gss_code is None for area in council.areas)
    assert all("(fictional example)" in document.title for document in council.documents)
    assert items_without_source(council) == []


def test_the_example_reports_in_text_json_and_html() -> None:
    council = engagekit.load_definition(DEFINITION)
    report = council_report(council, AS_OF)
    assert "Fernbridge District Council (fictional)" in render_text(report)
    assert json.loads(render_json(report))["schema_version"]
    assert "Fernbridge District Council (fictional)" in render_html(report)


def test_the_example_records_import(tmp_path: Path) -> None:
    env = dict(os.environ)
    env["ENGAGEKIT_DEFINITIONS"] = str(EXAMPLE)
    env["ENGAGEKIT_DATABASE_URL"] = f"sqlite:///{tmp_path / 'fern.db'}"
    result = engagekit_cli(["import", str(RECORDS), "--council", "fernbridge"], ROOT, env)
    assert result.returncode == 0, result.stderr
    assert "added" in result.stdout
    assert all(line.split(",")[2].startswith("Illustrative:") for line in RECORDS.read_text().splitlines()[1:])


PLACE_CHAPTER = "## 11. Councils organised by place"
"""The tutorial's last chapter builds a second council (examples/ashworth); the chapters before it build Fernbridge."""


def tutorial_parts() -> tuple[str, str]:
    """The tutorial up to the chapter on councils organised by place, and that chapter."""
    text = TUTORIAL.read_text(encoding="utf-8")
    assert text.count(PLACE_CHAPTER) == 1
    before, chapter = text.split(PLACE_CHAPTER)
    return before, PLACE_CHAPTER + chapter


def code_blocks(text: str) -> list[tuple[str, str]]:
    """The yaml and text code blocks of ``text``, in order."""
    return re.findall(r"```(yaml|text)\n(.*?)```\n", text, flags=re.S)


def tutorial_steps() -> list[tuple[str, str]]:
    """The Fernbridge chapters' yaml and text code blocks, in order."""
    return code_blocks(tutorial_parts()[0])


def apply_fragment(current: str, fragment: str) -> str:
    """As the tutorial says: a top-level block goes above `programme:`, an indented one at the end."""
    first = next(line for line in fragment.splitlines() if line.strip() and not line.lstrip().startswith("#"))
    if first.startswith(" "):
        return current + fragment
    assert "\nprogramme:\n" in current
    return current.replace("\nprogramme:\n", "\n" + fragment + "programme:\n", 1)


def test_the_tutorial_commands_run_as_shown(tmp_path: Path) -> None:
    """Rebuild the tutorial's file step by step and run each `$ engagekit` line, checking its exit code."""
    (tmp_path / "my-council").mkdir()
    shutil.copytree(EXAMPLE, tmp_path / "examples" / "fernbridge")
    target = tmp_path / "my-council" / "fernbridge.yaml"
    env = dict(os.environ)
    database = f"sqlite:///{tmp_path / 'tutorial.db'}"
    env["ENGAGEKIT_DATABASE_URL"] = database
    mistake: str | None = None
    ran: list[str] = []
    steps = tutorial_steps()
    assert steps[0][0] == "yaml"
    target.write_text(steps[0][1])
    for language, body in steps[1:]:
        if language == "yaml":
            if body.startswith("# A deliberate mistake"):
                mistake = body
            else:
                target.write_text(apply_fragment(target.read_text(), body))
            continue
        lines = body.splitlines()
        for i, line in enumerate(lines):
            if not line.startswith("$ "):
                continue
            command = line[2:]
            if command.startswith("export "):
                name, value = command[len("export ") :].split("=", 1)
                env[name] = database if name == "ENGAGEKIT_DATABASE_URL" else value
                continue
            if not command.startswith("engagekit "):
                continue
            expected = 0
            rest = lines[i + 1 :]
            for j, later in enumerate(rest):
                if later.startswith("$ "):
                    if later == "$ echo $?":
                        expected = int(rest[j + 1])
                    break
            saved = target.read_text()
            if mistake is not None:
                target.write_text(saved + mistake)
            try:
                result = engagekit_cli(shlex.split(command)[1:], tmp_path, env)
            finally:
                target.write_text(saved)
            if mistake is not None:
                assert "not a date" in result.stdout + result.stderr
                mistake = None
            assert result.returncode == expected, f"{command}\n{result.stdout}\n{result.stderr}"
            ran.append(command)
    checked = [c for c in ran if re.match(r"engagekit (validate|report) ", c) and "fernbridge" in c]
    assert len(checked) >= 10
    assert any("--format html" in c for c in checked)
    assert (tmp_path / "fernbridge.html").read_text().lstrip().lower().startswith("<!doctype html")
    # The file the tutorial builds is the example, fact for fact.
    assert engagekit.load_definition(target) == engagekit.load_definition(DEFINITION)


@pytest.mark.parametrize("command", ["validate --definition", "report --definition"])
def test_the_finished_example_runs_from_the_command_line(command: str) -> None:
    result = engagekit_cli(
        [*command.split(), str(DEFINITION), *(["--as-of", "2024-11-01"] if "report" in command else [])],
        ROOT,
        dict(os.environ),
    )
    assert result.returncode == 0, result.stderr


def shown_output(lines: list[str]) -> list[str]:
    """The output lines the tutorial shows after a command, up to the next command."""
    shown = []
    for line in lines:
        if line.startswith("$ "):
            break
        shown.append(line)
    return shown


def assert_shown(shown: list[str], actual: str, command: str) -> None:
    """Output shown whole must be the output; with "..." lines, each part shown must be in it, in order."""
    printed = [line.rstrip() for line in actual.splitlines()]
    if "..." not in shown:
        assert shown == printed, f"{command}: the tutorial shows\n" + "\n".join(shown) + "\nbut it printed\n" + actual
        return
    parts: list[list[str]] = [[]]
    for line in shown:
        if line == "...":
            parts.append([])
        else:
            parts[-1].append(line)
    position = 0
    for part in (part for part in parts if part):
        found = next(
            (i for i in range(position, len(printed) - len(part) + 1) if printed[i : i + len(part)] == part), None
        )
        assert found is not None, f"{command}: not printed (in this order):\n" + "\n".join(part)
        position = found + len(part)


def test_the_place_chapter_commands_print_what_it_shows(tmp_path: Path) -> None:
    """Rebuild the chapter's file step by step; run each `$ engagekit` line and compare what it prints."""
    (tmp_path / "my-places").mkdir()
    shutil.copytree(PLACE_EXAMPLE, tmp_path / "examples" / "ashworth")
    target = tmp_path / "my-places" / "ashworth.yaml"
    env = {name: value for name, value in os.environ.items() if not name.startswith("ENGAGEKIT_")}
    env["ENGAGEKIT_CONFIG"] = str(tmp_path / "config.toml")
    env["ENGAGEKIT_DATA_DIR"] = str(tmp_path / "data")
    database = f"sqlite:///{tmp_path / 'places.db'}"
    chapter = tutorial_parts()[1]
    steps = code_blocks(chapter)
    assert steps[0][0] == "yaml"
    target.write_text(steps[0][1])
    ran: list[str] = []
    for language, body in steps[1:]:
        if language == "yaml":
            target.write_text(apply_fragment(target.read_text(), body))
            continue
        lines = body.splitlines()
        for i, line in enumerate(lines):
            if not line.startswith("$ "):
                continue
            command = line[2:]
            if command.startswith("export "):
                name, value = command[len("export ") :].split("=", 1)
                env[name] = database if name == "ENGAGEKIT_DATABASE_URL" else value
                continue
            if not command.startswith("engagekit "):
                continue
            shown = shown_output(lines[i + 1 :])
            rest = lines[i + 1 + len(shown) :]
            expected = int(rest[1]) if rest[:1] == ["$ echo $?"] else 0
            result = engagekit_cli(shlex.split(command)[1:], tmp_path, env)
            assert result.returncode == expected, f"{command}\n{result.stdout}\n{result.stderr}"
            assert_shown(shown, result.stdout + result.stderr, command)
            ran.append(command)
    assert len([c for c in ran if c.startswith("engagekit validate ")]) >= 4
    assert any(c.startswith("engagekit import examples/ashworth/records.csv") for c in ran)
    assert len([c for c in ran if c.startswith("engagekit report ")]) >= 3
    # The file the chapter builds is the example, fact for fact.
    assert engagekit.load_definition(target) == engagekit.load_definition(PLACE_EXAMPLE / "ashworth.yaml")
    # The rows it quotes are rows of the example's records.
    records = (PLACE_EXAMPLE / "records.csv").read_text(encoding="utf-8").splitlines()
    (quoted,) = re.findall(r"```csv\n(.*?)```\n", chapter, flags=re.S)
    assert quoted.splitlines()[0] == records[0]
    assert set(quoted.splitlines()) <= set(records)
