"""The text report colours status words at a terminal and stays plain when piped."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from engagekit.cli import cli

ESCAPE = "\x1b["
ARGS = ["report", "-c", "bathnes", "--as-of", "2013-11-09"]


def test_piped_output_is_plain() -> None:
    result = CliRunner().invoke(cli, ARGS)
    assert result.exit_code == 0
    assert ESCAPE not in result.stdout


def test_colour_can_be_asked_for_and_keeps_the_words() -> None:
    result = CliRunner().invoke(cli, [*ARGS, "--colour"])
    assert ESCAPE in result.stdout
    assert "\x1b[31m\x1b[1mRED:" in result.stdout  # red and bold, and still the word
    plain = CliRunner().invoke(cli, [*ARGS, "--no-colour"]).stdout
    assert "RED: Further report" in plain
    assert ESCAPE not in plain


def test_other_formats_are_never_coloured() -> None:
    result = CliRunner().invoke(cli, [*ARGS, "--colour", "--format", "markdown"])
    assert ESCAPE not in result.stdout


@pytest.mark.skipif(shutil.which("script") is None, reason="needs util-linux 'script' to give the report a terminal")
@pytest.mark.parametrize(("no_color", "coloured"), [(None, True), ("1", False)])
def test_a_real_terminal_gets_colour_unless_no_color(no_color: str | None, coloured: bool) -> None:
    env = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    if no_color:
        env["NO_COLOR"] = no_color
    command = " ".join([sys.executable, "-m", "engagekit", *ARGS])
    result = subprocess.run(
        ["script", "-qc", command, "/dev/null"], capture_output=True, text=True, env=env, timeout=60, check=True
    )
    assert (ESCAPE in result.stdout) is coloured
