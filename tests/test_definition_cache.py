"""Checked models kept between runs (engagekit.definition.cache): used only while everything they
depend on is unchanged, and never in place of a definition's problems."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

import pytest

from engagekit.definition import DefinitionError, cache, loading
from engagekit.definition.yaml_reader import peek_id
from engagekit.model import Council
from engagekit.user_cache import KEEP

TINY = 'id: tiny\nname: "Tiny Parish Council"\nprogramme: {id: tiny-plan, name: "Tiny Plan"}\n'
BASILDON = (files("engagekit_basildon") / "basildon.yaml").read_bytes()


@pytest.fixture
def environ(tmp_path: Path) -> dict[str, str]:
    return {"ENGAGEKIT_CACHE_DIR": str(tmp_path / "cache")}


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of each definition read and checked from its bytes (not taken from the cache)."""
    names: list[str] = []
    real = loading.load_definition_bytes

    def spy(raw: bytes, name: str = "<definition>") -> Council:
        names.append(name)
        return real(raw, name)

    monkeypatch.setattr(loading, "load_definition_bytes", spy)
    return names


@pytest.fixture(autouse=True)
def _fresh_code_key() -> Iterator[None]:
    """Each test takes the code's part of the key afresh, as a new process would."""
    cache._CODE.clear()
    yield
    cache._CODE.clear()


def entries(environ: dict[str, str]) -> list[Path]:
    return sorted((Path(environ["ENGAGEKIT_CACHE_DIR"]) / "definitions").glob("*.pickle"))


def test_a_valid_definition_is_loaded_once_then_read_from_the_cache(environ: dict[str, str], loads: list[str]) -> None:
    first = cache.load_council(BASILDON, "basildon.yaml", environ)
    again = cache.load_council(BASILDON, "basildon.yaml", environ)
    assert loads == ["basildon.yaml"]
    assert again == first == loading.load_definition_bytes(BASILDON, "check.yaml")
    assert again is not first
    assert len(entries(environ)) == 1
    assert cache.cached_id(BASILDON, environ) == "basildon"


def test_an_edited_definition_is_loaded_again(environ: dict[str, str], loads: list[str]) -> None:
    assert cache.load_council(TINY.encode(), "tiny.yaml", environ).name == "Tiny Parish Council"
    edited = TINY.replace("Tiny Parish Council", "Tiny Town Council").encode()
    assert cache.cached_id(edited, environ) is None
    assert cache.load_council(edited, "tiny.yaml", environ).name == "Tiny Town Council"
    assert loads == ["tiny.yaml", "tiny.yaml"]
    assert cache.load_council(TINY.encode(), "tiny.yaml", environ).name == "Tiny Parish Council"
    assert len(loads) == 2  # each version is kept under its own content


def test_a_definition_with_problems_is_never_kept(environ: dict[str, str], loads: list[str]) -> None:
    broken = (TINY + "colour: blue\n").encode()
    for _ in range(2):
        with pytest.raises(DefinitionError, match=r"broken.yaml:4: colour: unknown key 'colour'"):
            cache.load_council(broken, "broken.yaml", environ)
    assert loads == ["broken.yaml", "broken.yaml"]
    assert entries(environ) == []


def test_an_entry_is_not_used_once_the_model_code_changes(
    environ: dict[str, str], loads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cache.load_council(TINY.encode(), "tiny.yaml", environ)
    code = cache.code_fingerprint()
    assert ["model/council.py"] in [entry[:1] for entry in code]
    edited = [[path, *rest, "edited"] if path == "model/council.py" else [path, *rest] for path, *rest in code]
    monkeypatch.setattr(cache, "code_fingerprint", lambda: edited)
    cache._CODE.clear()  # as the next process would see the edited file
    assert cache.cached_id(TINY.encode(), environ) is None
    cache.load_council(TINY.encode(), "tiny.yaml", environ)
    assert loads == ["tiny.yaml", "tiny.yaml"]


def test_the_code_fingerprint_changes_with_any_edit_to_the_model_code(tmp_path: Path) -> None:
    import shutil

    package = Path(cache.__file__).resolve().parent.parent
    copy = tmp_path / "engagekit"
    for part in cache.MODEL_CODE:
        source = package / part
        if source.is_dir():
            shutil.copytree(source, copy / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (copy / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / part)
    before = cache.code_fingerprint(copy)
    assert len(before) == len(cache.code_fingerprint())
    council = copy / "model" / "council.py"
    council.write_text(council.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    edited = cache.code_fingerprint(copy)
    assert edited != before
    (copy / "model" / "extra.py").write_text("", encoding="utf-8")
    assert len(cache.code_fingerprint(copy)) == len(edited) + 1
    (copy / "hookspecs.py").unlink()
    assert ["hookspecs.py", None] in cache.code_fingerprint(copy)


def test_an_entry_is_not_used_after_an_upgrade_of_engagekit_or_its_libraries(
    environ: dict[str, str], loads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from engagekit import installed

    cache.load_council(TINY.encode(), "tiny.yaml", environ)
    real = installed.versions(cache.LIBRARIES, environ)
    assert set(real) == {"engagekit", "attrs", "cattrs", "PyYAML"}
    assert all(real.values())
    for library in cache.LIBRARIES:
        upgraded = {**real, library: "999.0"}
        monkeypatch.setattr(installed, "versions", lambda names, environ=None, found=upgraded: found)
        cache._CODE.clear()
        assert cache.cached_id(TINY.encode(), environ) is None, library
    assert loads == ["tiny.yaml"]


def test_the_code_fingerprint_names_every_engagekit_module_the_loader_imports(tmp_path: Path) -> None:
    """Whatever of engagekit building and checking a model runs, a change to it changes the key."""
    script = (
        "import sys\n"
        "from engagekit.definition.cache import load_council\n"
        f"load_council({TINY.encode()!r}, 'tiny.yaml', {{'ENGAGEKIT_CACHE_DIR': {str(tmp_path)!r}}})\n"
        "print('\\n'.join(m.__file__ for name, m in sys.modules.items()"
        " if name.split('.')[0] == 'engagekit' and getattr(m, '__file__', None)))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60)
    package = Path(cache.__file__).resolve().parent.parent
    imported = {str(Path(file).resolve().relative_to(package)) for file in result.stdout.split()}
    fingerprinted = {path for path, *_ in cache.code_fingerprint()}
    assert imported - fingerprinted == {"user_cache.py", "installed.py"}  # the cache's own plumbing


def test_a_damaged_entry_is_loaded_again_and_replaced(environ: dict[str, str], loads: list[str]) -> None:
    cache.load_council(TINY.encode(), "tiny.yaml", environ)
    [entry] = entries(environ)
    whole = entry.read_bytes()
    entry.write_bytes(whole[: len(whole) // 2])
    assert cache.load_council(TINY.encode(), "tiny.yaml", environ).id == "tiny"
    assert loads == ["tiny.yaml", "tiny.yaml"]
    assert entry.read_bytes() == whole


def test_an_entry_holding_another_key_is_not_used(environ: dict[str, str], loads: list[str]) -> None:
    cache.load_council(TINY.encode(), "tiny.yaml", environ)
    other = TINY.replace("Tiny Parish Council", "Other").encode()
    cache.load_council(other, "other.yaml", environ)
    first, second = entries(environ)
    first.write_bytes(second.read_bytes())  # the right name, someone else's model
    cache.load_council(TINY.encode(), "tiny.yaml", environ)
    cache.load_council(other, "other.yaml", environ)
    assert loads.count("tiny.yaml") + loads.count("other.yaml") == 3


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="owners and modes are POSIX's")
def test_an_entry_others_may_write_or_a_link_is_not_used(environ: dict[str, str], loads: list[str]) -> None:
    cache.load_council(TINY.encode(), "tiny.yaml", environ)
    [entry] = entries(environ)
    entry.chmod(0o666)
    assert cache.cached_id(TINY.encode(), environ) is None
    cache.load_council(TINY.encode(), "tiny.yaml", environ)  # written again, with the user's own mode
    assert entry.stat().st_mode & 0o022 == 0
    moved = entry.with_name("elsewhere")
    entry.rename(moved)
    entry.symlink_to(moved)
    assert cache.cached_id(TINY.encode(), environ) is None
    assert len(loads) == 2


def test_the_cache_can_be_turned_off(tmp_path: Path, loads: list[str]) -> None:
    environ = {"ENGAGEKIT_CACHE_DIR": str(tmp_path / "cache"), "ENGAGEKIT_NO_CACHE": "1"}
    for _ in range(2):
        cache.load_council(TINY.encode(), "tiny.yaml", environ)
    assert loads == ["tiny.yaml", "tiny.yaml"]
    assert not (tmp_path / "cache").exists()


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() == 0, reason="root may write anywhere")
def test_a_cache_folder_that_cannot_be_written_only_costs_time(tmp_path: Path, loads: list[str]) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    environ = {"ENGAGEKIT_CACHE_DIR": str(locked)}
    for _ in range(2):
        assert cache.load_council(TINY.encode(), "tiny.yaml", environ).id == "tiny"
    assert len(loads) == 2


def test_a_cache_folder_that_is_a_file_only_costs_time(tmp_path: Path, loads: list[str]) -> None:
    occupied = tmp_path / "occupied"
    occupied.write_text("not a folder", encoding="utf-8")
    environ = {"ENGAGEKIT_CACHE_DIR": str(occupied)}
    for _ in range(2):
        assert cache.load_council(TINY.encode(), "tiny.yaml", environ).id == "tiny"
    assert len(loads) == 2


def test_only_the_newest_entries_are_kept(environ: dict[str, str]) -> None:
    for number in range(KEEP + 3):
        cache.load_council(TINY.replace("Tiny Plan", f"Plan {number}").encode(), "tiny.yaml", environ)
    kept = entries(environ)
    assert len(kept) == KEEP
    assert cache.cached_id(TINY.replace("Tiny Plan", f"Plan {KEEP + 2}").encode(), environ) == "tiny"
    assert cache.cached_id(TINY.replace("Tiny Plan", "Plan 0").encode(), environ) is None


# -- reading an id ahead --------------------------------------------------------------------


@pytest.fixture
def peeks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each text whose id is read ahead from its YAML."""
    from engagekit.definition import yaml_reader

    texts: list[str] = []
    real = yaml_reader.peek_id

    def spy(text: str) -> str | None:
        texts.append(text)
        return real(text)

    monkeypatch.setattr(yaml_reader, "peek_id", spy)
    return texts


def test_an_id_read_ahead_is_kept_under_the_definitions_content(environ: dict[str, str], peeks: list[str]) -> None:
    assert cache.likely_id(TINY.encode(), environ) == "tiny"
    assert cache.likely_id(TINY.encode(), environ) == "tiny"
    assert len(peeks) == 1
    renamed = TINY.replace("id: tiny", "id: smaller").encode()
    assert cache.likely_id(renamed, environ) == "smaller"
    assert len(peeks) == 2
    cache.load_council(BASILDON, "basildon.yaml", environ)
    assert cache.likely_id(BASILDON, environ) == "basildon"  # from the model kept
    assert len(peeks) == 2


def test_an_id_read_ahead_is_no_promise_that_the_definition_is_valid(environ: dict[str, str]) -> None:
    broken = (TINY + "colour: blue\n").encode()
    assert cache.likely_id(broken, environ) == "tiny"
    with pytest.raises(DefinitionError, match="unknown key 'colour'"):
        cache.load_council(broken, "broken.yaml", environ)
    assert cache.cached_id(broken, environ) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (TINY, "tiny"),
        ("name: x\nid: later\n", "later"),
        ("'id': quoted\n", "quoted"),
        ('id: "esc\\u0061ped"\n', "escaped"),
        ("a: {b: [1, {id: inner}]}\nid: outer\n", "outer"),
        ("id: 12\n", "12"),
        ("name: no id\n", None),
        ("[a, b]\n", None),
        ("", None),
        ("id: [a]\n", None),
        ("id: *nowhere\n", None),
        ("<<: {id: merged}\n", None),
        ("!!str id: tagged\n", None),
        ("name: [unclosed\nid: after\n", None),
        ("[" * 200 + "]" * 200, None),
    ],
)
def test_peek_id_answers_only_what_a_full_read_would(text: str, expected: str | None) -> None:
    assert peek_id(text) == expected


def test_peek_id_agrees_with_the_bundled_definitions() -> None:
    for package, name in [("engagekit_basildon", "basildon"), ("engagekit_bathnes", "bathnes")]:
        raw = (files(package) / f"{name}.yaml").read_bytes()
        assert peek_id(raw.decode("utf-8")) == loading.load_definition_bytes(raw, name).id
