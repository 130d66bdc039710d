"""What is installed (plugins' entry points, packages' versions), without ``importlib.metadata`` on every run.

``importlib.metadata`` imports the ``email`` package to read packages' metadata: about 25 ms,
a third of what ``engagekit --help`` may take. So each answer it gives here (the entry points
of a group, the versions of some distributions) is kept in the user cache
(:mod:`engagekit.user_cache`) under a fingerprint of what it was read from, and read from there
while the fingerprint holds.

The fingerprint is the interpreter, ``sys.path`` and the meta path finders, then for each
folder on ``sys.path`` the name of each distribution's metadata folder in it (``*.dist-info``,
``*.egg-info``, ``EGG-INFO``) with the modification time and size of its ``entry_points.txt``
(and of an egg's ``PKG-INFO``: its folder's name may lack the version), and for a zip file on
``sys.path`` its modification time. Installing, removing or upgrading a package adds or removes a
metadata folder (a wheel's version is in its folder's name); a file edited in place changes its
own time and, most often, its size. Taking the fingerprint costs about a millisecond; on any
change, ``importlib.metadata`` is asked again.
``ENGAGEKIT_NO_CACHE=1`` asks it every time.
"""

from __future__ import annotations

import importlib
import marshal
import os
import sys
import zlib
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from engagekit.user_cache import cache_folder, read_entry, write_entry

FORMAT = 1
"""Bumped whenever what an entry holds changes, so older entries are never read."""

METADATA_FOLDERS = (".dist-info", ".egg-info")
WATCHED_FILES = {".dist-info": ("entry_points.txt",), ".egg-info": ("entry_points.txt", "PKG-INFO")}
"""The files of a metadata folder that the kept answers come from, beyond its name: a wheel's
``.dist-info`` folder is named with the version, an ``.egg-info`` folder not always."""


class InstalledEntryPoint(NamedTuple):
    """One entry point of an installed distribution: what ``importlib.metadata.EntryPoint`` says of it."""

    name: str
    value: str
    """``module`` or ``module:attribute``, as ``entry_points.txt`` writes it."""
    group: str
    package: str | None = None
    """The distribution's name (``engagekit-basildon``)."""
    version: str | None = None

    def load(self) -> Any:
        """Import the module and return the object the entry point names, as ``EntryPoint.load`` does."""
        module_name, _, attribute = self.value.partition(":")
        target: Any = importlib.import_module(module_name.strip())
        names = attribute.split("[", 1)[0].strip()
        for part in names.split(".") if names else []:
            target = getattr(target, part)
        return target


def entry_points(group: str, environ: Mapping[str, str] | None = None) -> list[InstalledEntryPoint]:
    """The entry points in ``group``, sorted by name."""
    found = _cached(["entry_points", group], lambda: _entry_points_from_metadata(group), environ)
    return [InstalledEntryPoint(**point) for point in found]


def versions(distributions: tuple[str, ...], environ: Mapping[str, str] | None = None) -> dict[str, str | None]:
    """The installed version of each distribution (``None`` for one not installed)."""
    found = _cached(["versions", *distributions], lambda: _versions_from_metadata(distributions), environ)
    return {name: found.get(name) for name in distributions}


def _cached(question: list[str], answer: Callable[[], Any], environ: Mapping[str, str] | None) -> Any:
    """``answer()``, or what it gave before for this question and fingerprint.

    An entry is written with :mod:`marshal` (built into the interpreter, so reading one imports
    nothing; the key holds the interpreter's version, so an entry is only read by the version
    that wrote it); it holds plain lists, text and numbers only.
    """
    folder = cache_folder("installed", environ)
    if folder is None:
        return answer()
    key = repr([FORMAT, question, fingerprint()])
    # Named by the question and a checksum of the key; the key inside must match, so a clash is a miss.
    entry = folder / f"{question[0]}-{zlib.crc32(key.encode('utf-8', 'surrogateescape')):08x}.marshal"
    raw = read_entry(entry)
    if raw is not None:
        try:
            document = marshal.loads(raw)
            if isinstance(document, dict) and document.get("key") == key and "answer" in document:
                return document["answer"]
        except (ValueError, EOFError, TypeError):
            pass
    found = answer()
    write_entry(entry, marshal.dumps({"key": key, "answer": found}))
    return found


def _entry_points_from_metadata(group: str) -> list[dict[str, str | None]]:
    from importlib import metadata

    found = []
    for point in sorted(metadata.entry_points(group=group), key=lambda ep: ep.name):
        dist = point.dist
        package, version = (dist.name, dist.version) if dist is not None else (None, None)
        found.append(InstalledEntryPoint(point.name, point.value, point.group, package, version)._asdict())
    return found


def _versions_from_metadata(distributions: tuple[str, ...]) -> dict[str, str | None]:
    from importlib import metadata

    found: dict[str, str | None] = {}
    for name in distributions:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def fingerprint() -> list[Any]:
    """What installed packages' metadata is read from, as plain data (see the module's description)."""
    finders = [f"{type(finder).__module__}.{type(finder).__qualname__}" for finder in sys.meta_path]
    return [sys.version, sys.executable, finders, *(_path_entry(entry) for entry in sys.path)]


def _path_entry(entry: str) -> list[Any]:
    """One ``sys.path`` entry's part of the fingerprint: its distributions, or a file's time.

    A folder's own modification time is left out on purpose: it changes whenever any file in it
    does (a working folder, ``/tmp``), while the metadata folders' names already change when a
    distribution is installed, upgraded or removed.
    """
    where = entry or "."
    children = []
    try:
        listing = os.scandir(where)
    except OSError:  # a zip file (its time stands for it), or nothing there at all
        status = _stat(where)
        return [entry, status]
    with listing:
        for child in listing:
            if child.name.endswith(METADATA_FOLDERS) or child.name == "EGG-INFO":
                folder = child.path + os.sep
                watched = WATCHED_FILES[".dist-info" if child.name.endswith(".dist-info") else ".egg-info"]
                children.append([child.name, *(_stat(folder + name) for name in watched)])
    return [entry, "folder", *sorted(children, key=lambda child: str(child[0]))]


def _stat(path: str) -> list[int] | None:
    try:
        status = os.stat(path)  # noqa: PTH116 (a Path per file would double the fingerprint's time)
    except OSError:
        return None
    return [status.st_mtime_ns, status.st_size]
