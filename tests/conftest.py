"""Shared fixtures for engagekit's tests."""

from __future__ import annotations

import functools
import importlib.util
import os
import sys
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path
from types import ModuleType

import pytest
from tests.store_backends import BACKENDS, backend_url

from engagekit.definition import load_definition_bytes
from engagekit.model import Council
from engagekit.plugins import PluginHost, get_plugin_host

TESTS = Path(__file__).resolve().parent
FIXTURE_PLUGINS = TESTS / "plugins"

BUNDLED = {
    "basildon": ("engagekit_basildon", "basildon.yaml"),
    "bathnes": ("engagekit_bathnes", "bathnes.yaml"),
    "thurrock": ("engagekit_thurrock", "thurrock.yaml"),
}
"""The three bundled councils: their package and definition file."""


@pytest.fixture(autouse=True)
def _no_engagekit_environment(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep a developer's ENGAGEKIT_* variables, config file and records store out of every test."""
    for name in list(os.environ):
        if name.startswith("ENGAGEKIT_"):
            monkeypatch.delenv(name)
    home = tmp_path_factory.mktemp("engagekit-home")
    monkeypatch.setenv("ENGAGEKIT_CONFIG", str(home / "config.toml"))
    monkeypatch.setenv("ENGAGEKIT_DATA_DIR", str(home / "data"))
    # One cache folder for the whole run, away from the user's ~/.cache/engagekit.
    monkeypatch.setenv("ENGAGEKIT_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "engagekit-cache"))


@functools.cache
def load_fixture_plugin(name: str) -> ModuleType:
    """Import ``tests/plugins/<name>.py`` by path (the tests are not a package)."""
    path = FIXTURE_PLUGINS / f"{name}.py"
    module_name = f"engagekit_test_fixture_{name}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def every_hook() -> ModuleType:
    """The fixture plugin implementing every hook (tests/plugins/every_hook.py)."""
    return load_fixture_plugin("every_hook")


@pytest.fixture(scope="session")
def bundled_councils() -> dict[str, Council]:
    """The three bundled councils by id, loaded straight from their packages' definition files."""
    councils = {}
    for council_id, (package, filename) in BUNDLED.items():
        resource = files(package) / filename
        councils[council_id] = load_definition_bytes(resource.read_bytes(), filename)
    return councils


@pytest.fixture
def host() -> PluginHost:
    """A host with the built-ins and the installed council plugins, isolated from the environment."""
    return get_plugin_host(environ={})


@pytest.fixture(params=[pytest.param(backend, id=backend) for backend in BACKENDS])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL for an empty records store, once on SQLite and once on PostgreSQL (skipped if none answers)."""
    with backend_url(request.param, tmp_path) as url:
        yield url
