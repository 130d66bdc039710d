"""The methods attrs compiles for each class are kept between runs, and only when they can be."""

from __future__ import annotations
import __future__

import builtins
import marshal
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from engagekit.cli import code_cache
from engagekit.cli.code_cache import CodeCache

SOURCE = "def __init__(self, x: int) -> None:\n    self.x = x\n"
FLAGS = __future__.annotations.compiler_flag


def no_compiling(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("compiled again")


def test_kept_code_is_read_back_without_compiling(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    entry = tmp_path / "code.marshal"
    first = CodeCache(entry, FLAGS)
    made = first.compile(SOURCE, "<attrs generated methods X>", "exec")
    first.write()
    assert entry.exists()

    second = CodeCache(entry, FLAGS)
    monkeypatch.setattr(code_cache.builtins, "compile", no_compiling)
    again = second.compile(SOURCE, "<attrs generated methods X>", "exec")
    monkeypatch.undo()
    assert again == made
    assert again.co_filename == "<attrs generated methods X>"
    assert not second.added  # nothing new, so the entry is not written again


def test_code_is_compiled_as_the_calling_module_would_compile_it(tmp_path: Path) -> None:
    """With that module's __future__ flags, and nothing inherited from this one."""
    source = "def f(x: Undefined) -> None:\n    pass\n"
    cached = CodeCache(tmp_path / "a.marshal", FLAGS).compile(source, "<f>", "exec")
    plain = CodeCache(tmp_path / "b.marshal", 0).compile(source, "<f>", "exec")
    assert cached == builtins.compile(source, "<f>", "exec", FLAGS, True)
    assert plain == builtins.compile(source, "<f>", "exec", 0, True)
    namespace: dict[str, Any] = {}
    exec(cached, namespace)  # annotations left as text: Undefined is never looked up
    assert namespace["f"].__annotations__ == {"x": "Undefined", "return": "None"}
    with pytest.raises(NameError):
        exec(plain, {})


def test_source_that_differs_in_every_run_is_not_kept(tmp_path: Path) -> None:
    entry = tmp_path / "code.marshal"
    cache = CodeCache(entry, FLAGS)
    cache.compile("def __hash__(self):\n    return hash((1234, self.x))\n", "<h>", "exec")
    cache.write()
    assert not entry.exists()


def test_an_entry_of_another_interpreter_or_not_marshal_is_not_used(tmp_path: Path) -> None:
    entry = tmp_path / "code.marshal"
    code = builtins.compile(SOURCE, "<X>", "exec", FLAGS, True)
    other = {"version": [code_cache.FORMAT, "2.7.18", "cpython-27"], "code": {(SOURCE, "<X>", "exec"): code}}
    entry.write_bytes(marshal.dumps(other))
    entry.chmod(0o600)
    assert CodeCache(entry, FLAGS)._read() == {}
    entry.write_bytes(b"not marshal at all")
    assert CodeCache(entry, FLAGS)._read() == {}


def test_other_calls_go_to_the_built_in(tmp_path: Path) -> None:
    cache = CodeCache(tmp_path / "code.marshal", FLAGS)
    tree = cache.compile("1 + 1", "<e>", "eval", 0x400)  # ast.PyCF_ONLY_AST
    assert type(tree).__name__ == "Expression"
    assert cache.known is None  # the cache was not even read


def test_a_command_keeps_the_code_and_a_second_run_adds_nothing(tmp_path: Path) -> None:
    env = {**os.environ, "ENGAGEKIT_CACHE_DIR": str(tmp_path / "cache"), "ENGAGEKIT_TODAY": "2026-12-02"}
    env.pop("ENGAGEKIT_NO_CACHE", None)
    command = [sys.executable, "-m", "engagekit", "report", "-c", "basildon", "-f", "json"]
    first = subprocess.run(command, env=env, capture_output=True, text=True, check=True, timeout=120)
    (entry,) = (tmp_path / "cache" / "code").iterdir()
    kept = marshal.loads(entry.read_bytes())["code"]
    assert any("engagekit.model.council.Council" in filename for _, filename, _ in kept)
    before = entry.stat().st_mtime_ns
    second = subprocess.run(command, env=env, capture_output=True, text=True, check=True, timeout=120)
    assert second.stdout == first.stdout
    assert entry.stat().st_mtime_ns == before
    off = subprocess.run(
        command, env={**env, "ENGAGEKIT_NO_CACHE": "1"}, capture_output=True, text=True, check=True, timeout=120
    )
    assert off.stdout == first.stdout
