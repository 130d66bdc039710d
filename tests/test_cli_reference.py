"""docs/cli.md is the commands' own help, so it cannot drift from them."""

from __future__ import annotations

from pathlib import Path

from engagekit.cli import COMMANDS
from engagekit.cli.reference import cli_reference_markdown

DOCS = Path(__file__).resolve().parent.parent / "docs" / "cli.md"


def test_the_cli_reference_is_up_to_date() -> None:
    assert DOCS.read_text(encoding="utf-8") == cli_reference_markdown(), (
        "regenerate it: python -m engagekit.cli.reference > docs/cli.md"
    )


def test_every_command_is_in_the_reference() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for name in COMMANDS:
        assert f"## `engagekit {name}`" in text
    for sub in ("db status", "db upgrade", "record action", "record event", "record reading", "record review"):
        assert f"## `engagekit {sub}`" in text
