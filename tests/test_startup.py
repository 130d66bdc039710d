"""``engagekit --help`` stays fast: it imports no part of engagekit that only commands need."""

from __future__ import annotations

import subprocess
import sys


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
