"""Checked council models kept between runs, so an everyday command need not read YAML and check it again.

Loading a definition (parsing the YAML, building the model with cattrs, checking it) takes
about 80 ms of CPU for Basildon's, most of it cattrs writing its structuring code; unpickling
the checked model takes under 2 ms. So the host loads registered definitions through
:func:`load_council`, which keeps each valid definition's model in the user cache
(:mod:`engagekit.user_cache`, folder ``definitions``) under a key made of everything the model
depends on:

- the definition's bytes (a SHA-256 of them: an edited file is a different key, whatever its
  modification time says);
- the interpreter's version;
- the installed versions of engagekit, attrs, cattrs and PyYAML (:func:`engagekit.installed.versions`);
- the name, size and modification time of each source file of the code that builds and checks
  the model (:data:`MODEL_CODE`), so an edit to a working copy is a different key too.

An entry is found by the hash of its key and also holds the key itself, which must match. Only
valid definitions are kept: a definition with problems is loaded, and its problems reported,
every time. ``ENGAGEKIT_NO_CACHE=1`` turns the cache off.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from engagekit.user_cache import cache_folder, read_entry, write_entry

if TYPE_CHECKING:
    from engagekit.model import Council

FORMAT = 1
"""Bumped whenever what an entry holds changes, so older entries are never read."""

MAGIC = b"engagekit definition cache\n"
ID_MAGIC = b"engagekit definition id\n"

MODEL_CODE = ("__init__.py", "hookspecs.py", "values.py", "model", "definition")
"""The parts of the engagekit package (files, or folders of ``*.py``) that loading a definition
runs; ``tests/test_definition_cache.py`` checks nothing else of engagekit is imported to load one."""

LIBRARIES = ("engagekit", "attrs", "cattrs", "PyYAML")
"""The distributions whose versions the model depends on."""


def load_council(raw: bytes, name: str, environ: Mapping[str, str] | None = None) -> Council:
    """The checked model of the definition whose bytes are ``raw``: from the cache, else loaded and kept.

    :param name: how to name the definition in messages.
    :raises engagekit.definition.DefinitionError: listing every problem, as
        :func:`~engagekit.definition.load_definition_bytes` does.
    """
    from engagekit.definition.loading import load_definition_bytes

    entry = _entry(raw, environ)
    if entry is None:
        return load_definition_bytes(raw, name)
    path, key = entry
    found = _read(path, key)
    if found is not None:
        return found[1]
    council = load_definition_bytes(raw, name)
    _write(path, key, council)
    return council


def cached_id(raw: bytes, environ: Mapping[str, str] | None = None) -> str | None:
    """The id of the council whose definition is ``raw``, if the cache holds its model (not unpickled)."""
    entry = _entry(raw, environ)
    if entry is None:
        return None
    header = _header(read_entry(entry[0]), entry[1])
    return header[0] if header is not None else None


def likely_id(raw: bytes, environ: Mapping[str, str] | None = None) -> str | None:
    """The id the council whose definition is ``raw`` would have, found without loading it; ``None`` if unknown.

    From the model in the cache; else from the id read ahead before (kept in an ``.id`` entry
    under the same key, so a command asking for another council does not even parse this
    one's YAML again); else read ahead now (:func:`~engagekit.definition.yaml_reader.peek_id`)
    and kept. An id read ahead is only what a full read would give *if* the definition is
    valid: the host loads and checks a definition before using it.
    """
    entry = _entry(raw, environ)
    if entry is not None:
        path, key = entry
        header = _header(read_entry(path), key) or _header(read_entry(path.with_suffix(".id")), key, ID_MAGIC)
        if header is not None:
            return header[0]
    from engagekit.definition.yaml_reader import peek_id

    try:
        found = peek_id(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return None
    if found is not None and entry is not None:
        write_entry(entry[0].with_suffix(".id"), ID_MAGIC + json.dumps({"key": entry[1], "id": found}).encode() + b"\n")
    return found


def _entry(raw: bytes, environ: Mapping[str, str] | None) -> tuple[Path, str] | None:
    folder = cache_folder("definitions", environ)
    if folder is None:
        return None
    key = json.dumps([hashlib.sha256(raw).hexdigest(), *_code(folder, environ)], separators=(",", ":"))
    return folder / f"{hashlib.sha256(key.encode()).hexdigest()}.pickle", key


_CODE: dict[Path, tuple[object, ...]] = {}


def _code(folder: Path, environ: Mapping[str, str] | None) -> tuple[object, ...]:
    """The part of every key that is not the definition: taken once per process (and cache folder).

    Once per process is right, not merely quick: the model classes a process pickles and
    unpickles are the ones it imported, whatever happens to the files or packages meanwhile.
    """
    if folder not in _CODE:
        from engagekit.installed import versions

        _CODE[folder] = (FORMAT, sys.version, versions(LIBRARIES, environ), code_fingerprint())
    return _CODE[folder]


def code_fingerprint(package: Path | None = None) -> list[list[object]]:
    """Each source file of :data:`MODEL_CODE`: its path inside the package, size and modification time.

    :param package: the engagekit package's folder (default: the one this module is in).
    """
    package = package or Path(__file__).resolve().parent.parent
    found: list[list[object]] = []
    for part in MODEL_CODE:
        where = package / part
        files = sorted(where.glob("*.py")) if where.is_dir() else [where]
        for file in files:
            try:
                status = file.stat()
            except OSError:
                found.append([str(file.relative_to(package)), None])
                continue
            found.append([str(file.relative_to(package)), status.st_size, status.st_mtime_ns])
    return found


def _header(data: bytes | None, key: str, magic: bytes = MAGIC) -> tuple[str, int] | None:
    """The council id an entry holds and where its model starts, if the entry is for ``key``."""
    if data is None or not data.startswith(magic):
        return None
    end = data.find(b"\n", len(magic))
    if end < 0:
        return None
    try:
        header = json.loads(data[len(magic) : end])
    except ValueError:
        return None
    if not isinstance(header, dict) or header.get("key") != key or not isinstance(header.get("id"), str):
        return None
    return header["id"], end + 1


def _read(path: Path, key: str) -> tuple[str, Council] | None:
    data = read_entry(path)
    header = _header(data, key)
    if data is None or header is None:
        return None
    from engagekit.model import Council

    try:
        council = pickle.loads(data[header[1] :])
    except Exception:  # a damaged entry is no entry: load the definition instead
        return None
    if not isinstance(council, Council) or council.id != header[0]:
        return None
    return header[0], council


def _write(path: Path, key: str, council: Council) -> None:
    try:
        model = pickle.dumps(council, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # a model that cannot be pickled is simply not kept
        return
    header = json.dumps({"key": key, "id": council.id}).encode()
    write_entry(path, MAGIC + header + b"\n" + model)
