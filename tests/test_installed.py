"""Installed plugins found without importlib.metadata on every run (engagekit.installed): the kept
answer is used only while the packages on sys.path are as they were."""

from __future__ import annotations

import marshal
from importlib import metadata
from pathlib import Path

import pytest

from engagekit import installed
from engagekit.installed import InstalledEntryPoint, entry_points, versions


@pytest.fixture
def environ(tmp_path: Path) -> dict[str, str]:
    return {"ENGAGEKIT_CACHE_DIR": str(tmp_path / "cache")}


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each group importlib.metadata is asked about (not answered from the cache)."""
    groups: list[str] = []
    real = installed._entry_points_from_metadata

    def spy(group: str) -> list[dict[str, str | None]]:
        groups.append(group)
        return real(group)

    monkeypatch.setattr(installed, "_entry_points_from_metadata", spy)
    return groups


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder on sys.path for this test's own packages."""
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    return folder


def install(site: Path, name: str, entry_points_txt: str, version: str = "1.0") -> Path:
    """A distribution ``engagekit-test-NAME`` with the given ``entry_points.txt``, as a wheel installs it."""
    info = site / f"engagekit_test_{name}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: engagekit-test-{name}\nVersion: {version}\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(entry_points_txt, encoding="utf-8")
    return info


def names(environ: dict[str, str]) -> list[str]:
    return [point.name for point in entry_points("engagekit", environ)]


def test_the_entry_points_are_importlib_metadatas(environ: dict[str, str], asked: list[str]) -> None:
    expected = [
        InstalledEntryPoint(point.name, point.value, point.group, point.dist.name, point.dist.version)
        for point in sorted(metadata.entry_points(group="engagekit"), key=lambda point: point.name)
        if point.dist is not None
    ]
    assert [point.name for point in expected] == ["basildon", "bathnes", "thurrock"]
    assert entry_points("engagekit", environ) == expected
    assert entry_points("engagekit", environ) == expected
    assert asked == ["engagekit"]  # the second answer came from the cache


def test_installing_editing_and_removing_a_plugin_is_seen_at_once(
    site: Path, environ: dict[str, str], asked: list[str]
) -> None:
    assert "extra" not in names(environ)
    info = install(site, "extra", "[engagekit]\nextra = extra_plugin\n")
    assert "extra" in names(environ)
    point = next(point for point in entry_points("engagekit", environ) if point.name == "extra")
    assert (point.value, point.package, point.version) == ("extra_plugin", "engagekit-test-extra", "1.0")
    (info / "entry_points.txt").write_text("[engagekit]\nrenamed = extra_plugin:hooks\n", encoding="utf-8")
    assert "renamed" in names(environ)
    assert "extra" not in names(environ)
    for child in info.iterdir():
        child.unlink()
    info.rmdir()
    assert {"extra", "renamed"} & set(names(environ)) == set()
    # Asked once for each new state (none, installed, edited); repeated questions were answered
    # from the cache, and so was the last, whose packages are again as they were at first.
    assert len(asked) == 3


def test_an_upgrade_is_seen(site: Path, environ: dict[str, str]) -> None:
    old = install(site, "upgraded", "[engagekit]\nupgraded = upgraded_plugin\n", version="1.0")
    assert versions(("engagekit-test-upgraded",), environ) == {"engagekit-test-upgraded": "1.0"}
    for child in old.iterdir():
        child.unlink()
    old.rmdir()
    install(site, "upgraded", "[engagekit]\nupgraded = upgraded_plugin\n", version="2.0")
    assert versions(("engagekit-test-upgraded",), environ) == {"engagekit-test-upgraded": "2.0"}
    assert versions(("engagekit-test-not-installed",), environ) == {"engagekit-test-not-installed": None}


def test_a_damaged_or_foreign_cache_entry_is_asked_again(environ: dict[str, str], asked: list[str]) -> None:
    expected = entry_points("engagekit", environ)
    folder = Path(environ["ENGAGEKIT_CACHE_DIR"]) / "installed"
    [entry] = folder.glob("entry_points-*.marshal")
    for damage in (entry.read_bytes()[:-3], marshal.dumps({"key": "someone else", "answer": []}), marshal.dumps([])):
        entry.write_bytes(damage)
        assert entry_points("engagekit", environ) == expected
    assert len(asked) == 4


def test_the_cache_can_be_turned_off(tmp_path: Path, asked: list[str]) -> None:
    environ = {"ENGAGEKIT_CACHE_DIR": str(tmp_path / "cache"), "ENGAGEKIT_NO_CACHE": "1"}
    assert names(environ) == names(environ)
    assert asked == ["engagekit", "engagekit"]
    assert not (tmp_path / "cache").exists()


def test_an_entry_point_loads_the_object_it_names(site: Path) -> None:
    (site / "engagekit_test_target.py").write_text("class Hooks:\n    class Inner:\n        pass\n", encoding="utf-8")
    module = InstalledEntryPoint("t", "engagekit_test_target", "engagekit").load()
    assert module.__name__ == "engagekit_test_target"
    inner = InstalledEntryPoint("t", "engagekit_test_target : Hooks.Inner [extra]", "engagekit").load()
    assert inner is module.Hooks.Inner


def test_other_files_coming_and_going_on_sys_path_do_not_cost_a_question(
    site: Path, environ: dict[str, str], asked: list[str]
) -> None:
    before = names(environ)
    (site / "notes.txt").write_text("a working folder's files change all the time", encoding="utf-8")
    (site / "scratch").mkdir()
    assert names(environ) == before
    assert asked == ["engagekit"]
