"""Writing an Open Referral UK tree (:func:`engagekit.opendata.api.tree`) to a folder, whole or not at all.

The documents are written into a new hidden folder beside the target (``.NAME.XXXX.tmp``), each
file flushed and synced, and that folder is then renamed to the target. A reader of the target
sees the earlier tree or the new one, never part of one:

- a target that does not exist is created by the rename;
- a target that is an earlier export (or an empty folder) is first renamed aside, the new tree
  renamed in, and the earlier one deleted. Between the two renames, for an instant, the target
  does not exist. If the second rename fails, the earlier tree is renamed back;
- a target that is a file, or a folder holding anything an export does not write, is refused
  before anything is written, so no one's files are deleted.

Whatever stops the write (an error, Ctrl-C, ``SystemExit``), the temporary folder is removed and
the target is as it was. A symbolic link to a folder is followed: the folder it names is replaced
and the link stays.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from engagekit.opendata.api import INDEX_PATH, SERVICES_PATH

SERVICES_FOLDER = "services"


class TreeProblem(ValueError):
    """The target cannot take the tree (a file, or a folder of other things); nothing was written."""


def dumps(document: Any) -> str:
    """A document as JSON text: indented, UTF-8 characters kept, ending in a newline."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write_tree(documents: Mapping[str, Any], target: Path) -> None:
    """Write ``documents`` (relative POSIX path → JSON value) as files under ``target``, atomically."""
    for name in documents:
        _check_relative(name)
    final = Path(os.path.realpath(target))
    if final.exists():
        if not final.is_dir():
            raise TreeProblem(f"{target}: exists and is not a folder; give a folder for the tree")
        stranger = _not_an_export(final)
        if stranger is not None:
            raise TreeProblem(
                f"{target}: the folder holds {stranger}, which an export does not write; "
                "give a new or empty folder, or one an earlier export wrote"
            )
    parent = final.parent
    if not parent.is_dir():
        raise TreeProblem(f"{target}: the folder {parent} does not exist")
    temporary = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".tmp", dir=parent))
    try:
        _fill(temporary, documents)
        _replace(temporary, final)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise


def _check_relative(name: str) -> None:
    path = PurePosixPath(name)
    if path.is_absolute() or not path.parts or any(part in {"", ".", ".."} for part in path.parts):
        raise ValueError(f"{name!r} is not a plain relative path inside the tree")


def _not_an_export(folder: Path) -> str | None:
    """The first entry of ``folder`` an export would not have written, or ``None``."""
    for entry in sorted(folder.iterdir()):
        if entry.name in {INDEX_PATH, SERVICES_PATH} and entry.is_file() and not entry.is_symlink():
            continue
        if entry.name == SERVICES_FOLDER and entry.is_dir() and not entry.is_symlink():
            for inner in sorted(entry.iterdir()):
                if inner.suffix != ".json" or not inner.is_file() or inner.is_symlink():
                    return f"'{SERVICES_FOLDER}/{inner.name}'"
            continue
        return f"'{entry.name}'"
    return None


def _fill(folder: Path, documents: Mapping[str, Any]) -> None:
    umask = os.umask(0)
    os.umask(umask)
    folder.chmod(0o777 & ~umask)  # mkdtemp makes it private; the tree is published, like any output
    folders = {folder}
    for name, document in documents.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        folders.add(path.parent)
        with path.open("wb") as stream:
            stream.write(dumps(document).encode("utf-8"))
            stream.flush()
            os.fsync(stream.fileno())
    for each in folders:
        _sync_folder(each)


def _replace(temporary: Path, final: Path) -> None:
    if not final.exists():
        temporary.rename(final)
        _sync_folder(final.parent)
        return
    aside = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".old", dir=final.parent))
    aside.rmdir()  # only its unique name is wanted: rename needs it free
    final.rename(aside)
    try:
        temporary.rename(final)
    except BaseException:
        aside.rename(final)
        raise
    _sync_folder(final.parent)
    shutil.rmtree(aside, ignore_errors=True)


def _sync_folder(folder: Path) -> None:
    """Make a folder's entries durable (where the system allows opening a folder)."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
