"""Writing an Open Referral UK tree (:func:`engagekit.opendata.api.tree`) to a folder, whole or not at all
(:func:`engagekit.whole_folder.write_folder`).

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

import json
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from engagekit.opendata.api import INDEX_PATH, SERVICES_PATH
from engagekit.whole_folder import write_folder

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
    write_folder(
        ((name, dumps(document).encode("utf-8")) for name, document in documents.items()),
        target,
        noun="tree",
        foreign=_not_an_export,
        problem=TreeProblem,
    )


def _check_relative(name: str) -> None:
    path = PurePosixPath(name)
    if path.is_absolute() or not path.parts or any(part in {"", ".", ".."} for part in path.parts):
        raise ValueError(f"{name!r} is not a plain relative path inside the tree")


def _not_an_export(folder: Path) -> str | None:
    """Why ``folder`` is not an earlier export (its first entry an export would not have
    written), or ``None``."""
    stranger = _stranger(folder)
    if stranger is None:
        return None
    return f"{stranger}, which an export does not write; give a new or empty folder, or one an earlier export wrote"


def _stranger(folder: Path) -> str | None:
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
