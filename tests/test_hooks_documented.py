"""Every hook is documented with its exact signature and has a test of its own."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from engagekit import hookspecs

ROOT = Path(__file__).resolve().parent.parent
DOCS = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
HOOKS = sorted(name for name, _ in inspect.getmembers(hookspecs, inspect.isfunction) if name.startswith("engagekit_"))

TESTS_OF_EACH_HOOK = {
    "engagekit_register_councils": "test_fixture_plugin_council_is_listed",
    "engagekit_register_rules": "test_fixture_plugin_rule_is_evaluated",
    "engagekit_report_sections": "test_fixture_plugin_section_is_in_the_report",
    "engagekit_register_renderers": "test_fixture_plugin_renderer_is_usable",
    "engagekit_register_commands": "test_fixture_plugin_command_is_in_the_cli",
}


def signature_line(name: str) -> str:
    """``def engagekit_x(a: T, b: U) -> R:`` exactly as the hookspec writes it."""
    function = getattr(hookspecs, name)
    annotations = function.__annotations__
    parameters = ", ".join(f"{p}: {annotations[p]}" for p in inspect.signature(function).parameters)
    return f"def {name}({parameters}) -> {annotations['return']}:"


def test_the_hooks_listed_here_are_all_the_hooks() -> None:
    assert sorted(TESTS_OF_EACH_HOOK) == HOOKS


@pytest.mark.parametrize("name", HOOKS)
def test_each_hook_is_documented_with_its_exact_signature(name: str) -> None:
    assert signature_line(name) in DOCS, f"docs/plugins.md lacks: {signature_line(name)}"


@pytest.mark.parametrize("name", HOOKS)
def test_each_hook_has_a_test_of_its_own(name: str) -> None:
    tree = ast.parse((ROOT / "tests" / "test_plugin_host.py").read_text(encoding="utf-8"))
    tests = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    test = TESTS_OF_EACH_HOOK[name]
    assert test in tests, f"no {test} in tests/test_plugin_host.py"


def test_the_fixture_plugin_implements_every_hook() -> None:
    source = (ROOT / "tests" / "plugins" / "every_hook.py").read_text(encoding="utf-8")
    implemented = {node.name for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)}
    assert set(HOOKS) <= implemented
