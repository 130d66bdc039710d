"""Councils from definition files, with no plugin and no Python.

``ENGAGEKIT_DEFINITIONS`` lists definition files, or folders of ``*.yaml``/``*.yml`` files,
separated like ``PATH`` (``:`` on Linux and macOS, ``;`` on Windows). Each becomes a council
under this built-in plugin.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from engagekit.hookspecs import hookimpl


def definition_files(value: str) -> list[Path]:
    """The definition files named by an ``ENGAGEKIT_DEFINITIONS`` value, in a stable order."""
    files: list[Path] = []
    for part in value.split(os.pathsep):
        if not part.strip():
            continue
        path = Path(part.strip()).expanduser()
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix in {".yaml", ".yml"} and p.is_file()))
        else:
            files.append(path)
    return files


@hookimpl
def engagekit_register_councils(register: Callable[[Path], None]) -> None:
    for path in definition_files(os.environ.get("ENGAGEKIT_DEFINITIONS", "")):
        register(path)
