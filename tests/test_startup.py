"""``engagekit --help`` stays fast: it imports no part of engagekit that only commands need;
a report or a record with a store imports no migration machinery and no row parser it does not use."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from engagekit.cli import COMMANDS, SUMMARIES, cli


def imported_modules(*args: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "engagekit", *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}


def test_help_imports_no_model_loader_rules_or_report() -> None:
    modules = imported_modules("--help")
    heavy = {m for m in modules if m.split(".")[0] in {"cattrs", "yaml", "pydantic", "sqlalchemy", "jinja2"}}
    stages = {
        m
        for m in modules
        if m.startswith(("engagekit.model", "engagekit.definition", "engagekit.rules", "engagekit.report"))
    }
    assert heavy == set()
    assert stages == set()
    assert "engagekit.plugins" in modules  # plugins are found, so their commands are listed


def test_a_report_with_no_records_store_loads_no_database_layer(tmp_path: Path) -> None:
    env = {**os.environ, "ENGAGEKIT_DATA_DIR": str(tmp_path), "ENGAGEKIT_CONFIG": str(tmp_path / "none.toml")}
    env.pop("ENGAGEKIT_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "engagekit", "report", "-c", "basildon", "-f", "json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env=env,
    )
    modules = {
        line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")
    }
    assert {m.split(".")[0] for m in modules} & {"sqlalchemy", "pydantic", "alembic"} == set()
    assert not (tmp_path / "engagekit.db").exists()  # a report never creates a store


def test_help_imports_no_command_module() -> None:
    modules = imported_modules("--help")
    commands = {target.split(":")[0] for target in COMMANDS.values()}
    assert modules & commands == set()
    assert "engagekit.cli.output" not in modules


def test_the_help_summaries_are_the_commands_own() -> None:
    lazily = CliRunner().invoke(cli, ["--help"]).output
    assert set(SUMMARIES) == set(COMMANDS)
    for name, target in COMMANDS.items():
        module, attribute = target.split(":")
        command = getattr(importlib.import_module(module), attribute)
        assert command.short_help is None
        assert (command.help or "").split("\n\n")[0].strip() == SUMMARIES[name], name
    assert CliRunner().invoke(cli, ["--help"]).output == lazily  # the same once every command is loaded


def stored_modules(tmp_path: Path, *args: str) -> set[str]:
    """The modules a command imports with a SQLite store holding records."""
    env = {
        **os.environ,
        "ENGAGEKIT_DATA_DIR": str(tmp_path / "data"),
        "ENGAGEKIT_CONFIG": str(tmp_path / "none.toml"),
        "ENGAGEKIT_DATABASE_URL": f"sqlite:///{tmp_path / 'records.db'}",
        "ENGAGEKIT_TODAY": "2026-12-02",
    }
    example = Path(__file__).resolve().parent.parent / "examples" / "records" / "basildon.csv"
    if not (tmp_path / "records.db").exists():
        importing = [sys.executable, "-m", "engagekit", "import", str(example), "-c", "basildon"]
        subprocess.run(importing, env=env, check=True, capture_output=True, timeout=60)
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "engagekit", *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env=env,
    )
    return {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}


def test_a_report_with_a_store_loads_no_alembic_row_parser_or_postgresql_dialect(tmp_path: Path) -> None:
    modules = stored_modules(tmp_path, "report", "-c", "basildon", "-f", "json")
    assert "engagekit.records.store" in modules  # the records were read
    assert {m.split(".")[0] for m in modules} & {"alembic", "psycopg"} == set()
    assert not {"engagekit.records.fast", "engagekit.records.rows", "engagekit.records.checks"} & modules
    assert not {m for m in modules if m.startswith("sqlalchemy.dialects.postgresql")}


def test_recording_into_a_current_store_loads_no_alembic(tmp_path: Path) -> None:
    modules = stored_modules(
        tmp_path, "record", "action", "-c", "basildon", "--action", "CN-4", "--status", "in-progress"
    )
    assert "engagekit.records.store" in modules
    assert {m.split(".")[0] for m in modules} & {"alembic", "psycopg"} == set()
    assert "engagekit.records.fast" not in modules
