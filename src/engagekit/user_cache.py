"""engagekit's cache folder: what everyday commands would otherwise work out again on every run.

Two kinds of thing are kept, each in a folder of its own under the user's cache directory
(``~/.cache/engagekit`` on Linux, from platformdirs), or under ``ENGAGEKIT_CACHE_DIR`` if set:

- ``installed``: the installed plugins' entry points and packages' versions (:mod:`engagekit.installed`);
- ``definitions``: the checked model of each council definition (:mod:`engagekit.definition.cache`).

Each entry is a file named by a hash of everything its content depends on, and holds that key
itself, which must match: an entry that no longer matches is never found, and never used. The
cache only saves time: a folder that cannot be made or written, or an entry that cannot be read,
is the same as an empty cache, and ``ENGAGEKIT_NO_CACHE=1`` turns it off. An entry is used only
if it is a regular file owned by the user and writable by no one else; entries are written whole
(a temporary file renamed into place), so a reader never sees half of one. Each folder keeps its
:data:`KEEP` newest entries.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Mapping
from pathlib import Path

KEEP = 64
"""How many entries each cache folder keeps; the oldest beyond this go when a new one is written."""

MAX_ENTRY_BYTES = 16 * 1024 * 1024
"""An entry larger than this is not read (a council's model is about 100 kB)."""


def cache_folder(kind: str, environ: Mapping[str, str] | None = None) -> Path | None:
    """The folder for one kind of entry, or ``None`` when the cache is turned off."""
    environ = os.environ if environ is None else environ
    if (environ.get("ENGAGEKIT_NO_CACHE") or "").strip().lower() in {"1", "true", "yes", "on"}:
        return None
    given = environ.get("ENGAGEKIT_CACHE_DIR")
    if given:
        return Path(given).expanduser() / kind
    import platformdirs

    return Path(platformdirs.user_cache_dir("engagekit", appauthor=False)) / kind


def read_entry(path: Path) -> bytes | None:
    """The bytes of a cache entry, or ``None`` if there is none that may be trusted.

    The file is opened without following a symbolic link and checked once open: a regular file,
    owned by this user (where the system has owners) and writable by no one else.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as stream:
        try:
            found = os.fstat(descriptor)
            if not stat.S_ISREG(found.st_mode) or found.st_size > MAX_ENTRY_BYTES:
                return None
            if hasattr(os, "getuid") and (found.st_uid != os.getuid() or found.st_mode & 0o022):
                return None
            return stream.read(MAX_ENTRY_BYTES + 1)
        except OSError:
            return None


def write_entry(path: Path, data: bytes) -> None:
    """Write an entry whole (a temporary file beside it, renamed into place); any failure is ignored.

    The folder is made readable by this user only; then its oldest entries beyond :data:`KEEP`
    are removed.
    """
    import tempfile

    folder = path.parent
    temporary = None
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=folder)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        Path(temporary).replace(path)
        temporary = None
        _prune(folder)
    except OSError:
        pass
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                Path(temporary).unlink()


def _prune(folder: Path) -> None:
    """Remove the oldest entries (and temporary files left by a process that was killed) beyond :data:`KEEP`."""
    entries = []
    with os.scandir(folder) as listing:
        for entry in listing:
            with contextlib.suppress(OSError):
                entries.append((entry.stat(follow_symlinks=False).st_mtime_ns, entry.path))
    entries.sort(reverse=True)
    for _, old in entries[KEEP:]:
        with contextlib.suppress(OSError):
            Path(old).unlink()
