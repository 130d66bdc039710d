"""Writing command output: to standard output, or to a file that is replaced whole."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import click

from engagekit.cli.app import UsageProblem


def write_output(content: str | bytes, output: Path | None, *, colour: bool | None = None) -> None:
    """Write ``content`` to ``output`` atomically (a temporary file, then a rename), or echo it."""
    if output is None:
        if isinstance(content, bytes):
            sys.stdout.buffer.write(content)
            sys.stdout.flush()
        else:
            click.echo(content, nl=False, color=colour)
        return
    data = content.encode("utf-8") if isinstance(content, str) else content
    folder = output.parent if str(output.parent) else Path()
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{output.name}.", dir=folder)
    except OSError as error:
        raise UsageProblem(f"{output}: cannot write there: {error.strerror or error}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        Path(temporary).replace(output)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise UsageProblem(f"{output}: cannot write: {error.strerror or error}") from None
