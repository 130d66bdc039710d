"""``engagekit --help`` stays fast: it imports no part of engagekit that only commands need."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


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
