"""The methods attrs writes for each class, kept compiled between runs.

attrs writes each class's ``__init__`` (and the like) as Python source when the class is
defined and compiles it: for the model, the rules, the report and the record kinds that is
about a hundred classes, whose compiling is the largest single part of a report's start-up.
The same source always compiles to the same code, so the command line keeps each compiled
method in the user cache (:mod:`engagekit.user_cache`, folder ``code``), found by its exact
source, file name and mode and read back with :mod:`marshal`, as Python keeps a module's
bytecode in ``__pycache__``. Source never seen before (a changed class, another attrs) is
compiled as ever, and kept at the end of the run; the entry names the interpreter, so it is
only read by the version that wrote it.

Only ``compile`` as ``attr._make`` calls it is replaced (a name in that module's globals,
compiled with the ``__future__`` flags that module has, as the built-in would have done); any
other call goes to the built-in unchanged. ``ENGAGEKIT_NO_CACHE=1`` keeps nothing.
"""

from __future__ import annotations
import __future__

import atexit
import builtins
import marshal
import sys
from collections.abc import Mapping
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any

from engagekit.user_cache import cache_folder, read_entry, write_entry

FORMAT = 1

KEEP = 2048
"""Entries kept at most; beyond them, only those this run used are written."""

UNSTABLE = "def __hash__("
"""What only source that differs in every run holds: the ``__hash__`` attrs writes for a class
hashes a number that string hashing's per-process seed decides (the model's classes share
:class:`engagekit.model.base.Model`'s instead, so theirs is never written)."""

Key = tuple[str, str, str]


class CodeCache:
    """Compiled code by (source, file name, mode), read on first use and written once at exit."""

    def __init__(self, entry: Path, flags: int) -> None:
        self.entry = entry
        self.flags = flags
        self.version = [FORMAT, sys.version, sys.implementation.cache_tag]
        self.known: dict[Key, CodeType] | None = None
        self.used: dict[Key, CodeType] = {}
        self.added = False

    def compile(self, source: Any, filename: Any, mode: Any, *rest: Any, **options: Any) -> Any:
        """``compile``, answered from the cache for source text compiled as attrs compiles it."""
        if rest or options or not (isinstance(source, str) and isinstance(filename, str) and isinstance(mode, str)):
            return builtins.compile(source, filename, mode, *rest, **options)
        if self.known is None:
            self.known = self._read()
        key = (source, filename, mode)
        code = self.known.get(key)
        if code is None:
            code = builtins.compile(source, filename, mode, self.flags, True)
            if UNSTABLE in source:  # differs in every run: keeping it would only grow the entry
                return code
            self.known[key] = code
            self.added = True
        self.used[key] = code
        return code

    def _read(self) -> dict[Key, CodeType]:
        raw = read_entry(self.entry)
        if raw is None:
            return {}
        try:
            document = marshal.loads(raw)
        except (ValueError, EOFError, TypeError):
            return {}
        if not isinstance(document, dict) or document.get("version") != self.version:
            return {}
        found = document.get("code")
        return found if isinstance(found, dict) else {}

    def write(self) -> None:
        """Keep what was compiled, if anything was new (at the end of the run)."""
        if not self.added or self.known is None:
            return
        kept = self.known if len(self.known) <= KEEP else self.used
        write_entry(self.entry, marshal.dumps({"version": self.version, "code": kept}))


def enable(environ: Mapping[str, str] | None = None) -> CodeCache | None:
    """Have attrs' generated methods compiled once and kept, unless caching is off; the cache, if on."""
    folder = cache_folder("code", environ)
    if folder is None:
        return None
    import attr._make as made

    if not callable(getattr(made, "_compile_and_eval", None)):
        return None  # an attrs that compiles elsewhere: leave it alone
    cache = CodeCache(folder / f"attrs-{sys.implementation.cache_tag}.marshal", _future_flags(made))
    setattr(made, "compile", cache.compile)  # noqa: B010 (shadows the built-in for that module only)
    atexit.register(cache.write)
    return cache


def _future_flags(module: ModuleType) -> int:
    """The compiler flags of the ``__future__`` features ``module`` imports (which its own
    ``compile`` calls inherit)."""
    flags = 0
    for name in __future__.all_feature_names:
        feature: __future__._Feature = getattr(__future__, name)
        if getattr(module, name, None) is feature:
            flags |= feature.compiler_flag
    return flags
