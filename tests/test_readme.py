"""The README's promises: two commands first, and a library example that runs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def code_blocks(language: str | None = None) -> list[str]:
    pattern = r"```(\w*)\n(.*?)```"
    return [body for lang, body in re.findall(pattern, README, re.S) if language is None or lang == language]


def test_readme_opens_with_the_main_job_and_the_test_command() -> None:
    first = [line for line in code_blocks()[0].splitlines() if line.strip()]
    assert len(first) == 2
    assert first[0].endswith("engagekit report --council basildon")
    assert "pytest" in first[1]
    for command in first:
        for requirement in re.findall(r"-r (\S+)", command):
            assert (ROOT / requirement).is_file(), f"{requirement} is named in the README but missing"


def test_the_library_example_runs(tmp_path: Path) -> None:
    (example,) = code_blocks("python")
    result = subprocess.run(
        [sys.executable, "-c", example], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "Bath & North East Somerset Council: Connecting Communities" in result.stdout
    assert "Overdue: due by 8 November 2013; no report recorded." in result.stdout
