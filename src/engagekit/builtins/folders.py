"""Councils from definition files, with no plugin and no Python.

``ENGAGEKIT_DEFINITIONS`` lists definition files, or folders of ``*.yaml``/``*.yml`` files,
separated like ``PATH`` (``:`` on Linux and macOS, ``;`` on Windows). Each becomes a council
under this built-in plugin. The host passes in the environment it was built with, so a host
built for a test or an embedding application sees that mapping, not the process's.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
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


class DefinitionFolders:
    """The built-in plugin that registers councils from ``ENGAGEKIT_DEFINITIONS``."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.environ = environ

    @hookimpl
    def engagekit_register_councils(self, register: Callable[[Path], None]) -> None:
        for path in definition_files(self.environ.get("ENGAGEKIT_DEFINITIONS", "")):
            register(path)
