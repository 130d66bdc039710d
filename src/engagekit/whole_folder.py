"""Writing a folder of files whole or not at all: ``engagekit opendata``'s tree and ``engagekit publish``'s site.

The files are written into a new hidden folder beside the target (``.NAME.XXXX.tmp``), each
flushed and synced, and that folder is then renamed to the target. A reader of the target sees
the earlier folder or the new one, never part of one:

- a target that does not exist is created by the rename;
- a target that an earlier run wrote (or an empty folder) is first renamed aside, the new folder
  renamed in, and the earlier one deleted. Between the two renames, for an instant, the target
  does not exist. If the second rename fails, the earlier folder is renamed back;
- a target that is a file, or a folder the caller does not recognise as its own, is refused
  before anything is written, so no one's files are deleted.

Whatever stops the write (an error, Ctrl-C, ``SystemExit``), the temporary folder is removed and
the target is as it was. A symbolic link to a folder is followed: the folder it names is replaced
and the link stays. The new folder gets the user's umask, as any output does.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path


def write_folder(
    files: Iterable[tuple[str, bytes]],
    target: Path,
    *,
    noun: str,
    foreign: Callable[[Path], str | None],
    problem: type[ValueError],
) -> None:
    """Write ``files`` (relative POSIX path, content; read only once the temporary folder is
    made, so content may be produced as it is written) under ``target``, whole or not at all.

    ``foreign(folder)`` says why an existing, non-empty ``folder`` is not one to replace (the
    words after "the folder holds "), or ``None`` if it is; a refusal raises ``problem`` with
    one line naming ``target``. ``noun`` names what is written ("tree", "site") in messages.
    """
    final = Path(os.path.realpath(target))
    if final.exists():
        if not final.is_dir():
            raise problem(f"{target}: exists and is not a folder; give a folder for the {noun}")
        reason = foreign(final) if any(final.iterdir()) else None
        if reason is not None:
            raise problem(f"{target}: the folder holds {reason}")
    parent = final.parent
    if not parent.is_dir():
        raise problem(f"{target}: the folder {parent} does not exist")
    temporary = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".tmp", dir=parent))
    try:
        _fill(temporary, files)
        _replace(temporary, final)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise


def _fill(folder: Path, files: Iterable[tuple[str, bytes]]) -> None:
    umask = os.umask(0)
    os.umask(umask)
    folder.chmod(0o777 & ~umask)  # mkdtemp makes it private; what is written here is published
    folders = {folder}
    for name, content in files:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        folders.add(path.parent)
        with path.open("wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
    for each in folders:
        sync_folder(each)


def _replace(temporary: Path, final: Path) -> None:
    if not final.exists():
        temporary.rename(final)
        sync_folder(final.parent)
        return
    aside = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".old", dir=final.parent))
    aside.rmdir()  # only its unique name is wanted: rename needs it free
    final.rename(aside)
    try:
        temporary.rename(final)
    except BaseException:
        aside.rename(final)
        raise
    sync_folder(final.parent)
    shutil.rmtree(aside, ignore_errors=True)


def sync_folder(folder: Path) -> None:
    """Make a folder's entries durable (where the system allows opening a folder)."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
