"""Councils from definition files, with no plugin and no Python.

``ENGAGEKIT_DEFINITIONS`` lists definition files, or folders of ``*.yaml``/``*.yml`` files,
separated like ``PATH`` (``:`` on Linux and macOS, ``;`` on Windows). Each becomes a council
under this built-in plugin. The host passes in the environment it was built with, so a host
built for a test or an embedding application sees that mapping, not the process's.

In a folder, only visible files whose names end ``.yaml`` or ``.yml`` are read. Editors and
people leave copies beside a definition (``council.yaml~``, ``council.yaml.bak``,
``.council.yaml.swp``, Emacs's ``.#council.yaml`` lock): reading one would register the same
council twice and hide both, so they are skipped, and :func:`skipped_files` names them so a
command can say so rather than leave a council silently missing or doubled. A name that ends
``.yaml`` but is not a regular file (a FIFO, a link to ``/dev/zero``, a link to nothing) is
skipped and named too: reading it would wait for ever, or never end. A file named directly in
``ENGAGEKIT_DEFINITIONS`` is always handed to the loader, which refuses such a file in one line
and reads a regular one only up to its size limit.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import NamedTuple

from engagekit.hookspecs import hookimpl

DEFINITION_SUFFIXES = frozenset({".yaml", ".yml"})
"""The endings of the files read from a folder (exactly; ``.YAML`` is skipped and noted)."""


class SkippedFile(NamedTuple):
    """A file in a definitions folder that looks like a definition but is not read, and why.

    A named tuple rather than an attrs class: this module is imported by every command, ``--help``
    included, and a named tuple costs a third as much to define.
    """

    path: Path
    reason: str

    def __str__(self) -> str:
        return f"skipped {self.path} in ENGAGEKIT_DEFINITIONS: {self.reason}"


def _folders_and_files(value: str) -> Iterator[tuple[Path, bool]]:
    """Each path named by an ``ENGAGEKIT_DEFINITIONS`` value, and whether it is a folder."""
    for part in value.split(os.pathsep):
        if part.strip():
            path = Path(part.strip()).expanduser()
            yield path, path.is_dir()


def _is_definition(path: Path) -> bool:
    return path.suffix in DEFINITION_SUFFIXES and not path.name.startswith(".")


def definition_files(value: str) -> list[Path]:
    """The definition files named by an ``ENGAGEKIT_DEFINITIONS`` value, in a stable order.

    A file named directly is always read; from a folder, only the files :func:`skipped_files`
    does not skip (visible ones ending ``.yaml`` or ``.yml``).
    """
    files: list[Path] = []
    for path, is_folder in _folders_and_files(value):
        if is_folder:
            files.extend(sorted(p for p in path.iterdir() if _is_definition(p) and _not_regular(p) is None))
        else:
            files.append(path)
    return files


def skipped_files(value: str) -> list[SkippedFile]:
    """Files in the folders named by ``value`` that look like definitions but are not read.

    A name that mentions ``.yaml`` or ``.yml`` (in any case) without being a definition file is
    almost always a backup, swap or lock file an editor left, or a copy someone set aside:
    worth a note, since the user may expect it to be read. Other files (a README, records
    CSV) are ignored without a word. A folder that cannot be listed names no files here; the
    plugin reports it when it registers the councils.
    """
    skipped: list[SkippedFile] = []
    for folder, is_folder in _folders_and_files(value):
        if is_folder:
            try:
                skipped.extend(_skipped_in(folder))
            except OSError:
                continue
    return skipped


def _not_regular(path: Path) -> str | None:
    """Why ``path`` (its symlink followed) is not a regular file to read, or ``None`` if it is one.

    Decided from ``stat`` alone, so a FIFO is never opened (opening it would wait for a writer).
    """
    from engagekit.definition.loading import kind_of_file

    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "a link to a file that does not exist"
    except OSError as error:
        return f"cannot be looked at ({error.strerror or error})"
    if stat.S_ISREG(mode):
        return None
    return "a folder" if stat.S_ISDIR(mode) else kind_of_file(mode)


def _skipped_in(folder: Path) -> Iterator[SkippedFile]:
    for path in sorted(folder.iterdir()):
        lowered = path.name.lower()
        if _is_definition(path):
            why = _not_regular(path)
            if why is not None and why != "a folder":
                yield SkippedFile(path, f"{why}, not a regular file; only regular files are read")
            continue
        if not (".yaml" in lowered or ".yml" in lowered) or path.is_dir():
            continue
        if path.name.startswith("."):
            reason = "not a definition file (hidden files are not read: an editor's lock or swap file?)"
        else:
            reason = "not a definition file (only names ending .yaml or .yml are read)"
        yield SkippedFile(path, reason)


class DefinitionFolders:
    """The built-in plugin that registers councils from ``ENGAGEKIT_DEFINITIONS``."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.environ = environ

    @hookimpl
    def engagekit_register_councils(self, register: Callable[[Path], None]) -> None:
        for path in definition_files(self.environ.get("ENGAGEKIT_DEFINITIONS", "")):
            register(path)
