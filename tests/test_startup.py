"""``engagekit --help`` stays fast: it imports no part of engagekit that only commands need;
a report or a record with a store imports no migration machinery and no row parser it does not use."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from engagekit.cli import COMMANDS, SUMMARIES, cli


def imported_modules(*args: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "engagekit", *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}


def test_help_imports_no_model_loader_rules_or_report() -> None:
    modules = imported_modules("--help")
    heavy = {m for m in modules if m.split(".")[0] in {"cattrs", "yaml", "pydantic", "sqlalchemy", "jinja2"}}
    stages = {
        m
        for m in modules
        if m.startswith(("engagekit.model", "engagekit.definition", "engagekit.rules", "engagekit.report"))
    }
    assert heavy == set()
    assert stages == set()
    assert "engagekit.plugins" in modules  # plugins are found, so their commands are listed


def test_a_report_with_no_records_store_loads_no_database_layer(tmp_path: Path) -> None:
    env = {**os.environ, "ENGAGEKIT_DATA_DIR": str(tmp_path), "ENGAGEKIT_CONFIG": str(tmp_path / "none.toml")}
    env.pop("ENGAGEKIT_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "engagekit", "report", "-c", "basildon", "-f", "json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env=env,
    )
    modules = {
        line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")
    }
    assert {m.split(".")[0] for m in modules} & {"sqlalchemy", "pydantic", "alembic"} == set()
    assert not (tmp_path / "engagekit.db").exists()  # a report never creates a store


def test_help_imports_no_command_module() -> None:
    modules = imported_modules("--help")
    commands = {target.split(":")[0] for target in COMMANDS.values()}
    assert modules & commands == set()
    assert "engagekit.cli.output" not in modules


def test_the_help_summaries_are_the_commands_own() -> None:
    lazily = CliRunner().invoke(cli, ["--help"]).output
    assert set(SUMMARIES) == set(COMMANDS)
    for name, target in COMMANDS.items():
        module, attribute = target.split(":")
        command = getattr(importlib.import_module(module), attribute)
        assert command.short_help is None
        assert (command.help or "").split("\n\n")[0].strip() == SUMMARIES[name], name
    assert CliRunner().invoke(cli, ["--help"]).output == lazily  # the same once every command is loaded


def stored_modules(tmp_path: Path, *args: str) -> set[str]:
    """The modules a command imports with a SQLite store holding records."""
    env = {
        **os.environ,
        "ENGAGEKIT_DATA_DIR": str(tmp_path / "data"),
        "ENGAGEKIT_CONFIG": str(tmp_path / "none.toml"),
        "ENGAGEKIT_DATABASE_URL": f"sqlite:///{tmp_path / 'records.db'}",
        "ENGAGEKIT_TODAY": "2026-12-02",
    }
    example = Path(__file__).resolve().parent.parent / "examples" / "records" / "basildon.csv"
    if not (tmp_path / "records.db").exists():
        importing = [sys.executable, "-m", "engagekit", "import", str(example), "-c", "basildon"]
        subprocess.run(importing, env=env, check=True, capture_output=True, timeout=60)
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "engagekit", *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env=env,
    )
    return {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}


def test_a_report_with_a_store_loads_no_alembic_row_parser_or_postgresql_dialect(tmp_path: Path) -> None:
    modules = stored_modules(tmp_path, "report", "-c", "basildon", "-f", "json")
    assert "engagekit.records.store" in modules  # the records were read
    assert {m.split(".")[0] for m in modules} & {"alembic", "psycopg"} == set()
    assert not {"engagekit.records.fast", "engagekit.records.rows", "engagekit.records.checks"} & modules
    assert not {m for m in modules if m.startswith("sqlalchemy.dialects.postgresql")}
    assert not {"engagekit.accounts", "engagekit.accounts.tables"} & modules  # the web service's tables
    assert "engagekit.report.svg" not in modules  # a text or JSON report draws no chart


def test_recording_into_a_current_store_loads_no_alembic(tmp_path: Path) -> None:
    modules = stored_modules(
        tmp_path, "record", "action", "-c", "basildon", "--action", "CN-4", "--status", "in-progress"
    )
    assert "engagekit.records.store" in modules
    assert {m.split(".")[0] for m in modules} & {"alembic", "psycopg"} == set()
    assert "engagekit.records.fast" not in modules


# -- what is kept between runs ------------------------------------------------------------

COMMAND_PLUGIN = """\
import engagekit


@engagekit.hookimpl
def engagekit_register_commands(cli):
    @cli.command("wave")
    def wave():
        '''Wave from a plugin that adds a command.'''
"""


def run_engagekit(env: dict[str, str], *args: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """``engagekit ARGS`` in a process of its own, and the modules it imported."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "engagekit", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env=env,
    )
    modules = {
        line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")
    }
    return result, modules


def cache_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "ENGAGEKIT_CACHE_DIR": str(tmp_path / "cache"),
        "ENGAGEKIT_DATA_DIR": str(tmp_path / "data"),
        "ENGAGEKIT_CONFIG": str(tmp_path / "none.toml"),
        "ENGAGEKIT_TODAY": "2026-12-02",
        **extra,
    }


def test_help_with_a_warm_cache_reads_no_package_metadata_and_no_store_or_yaml(tmp_path: Path) -> None:
    env = cache_env(tmp_path)
    cold, first = run_engagekit(env, "--help")
    warm, modules = run_engagekit(env, "--help")
    assert "importlib.metadata" in first  # the first run asks importlib.metadata, and keeps its answer
    assert warm.returncode == 0
    assert warm.stdout == cold.stdout
    assert {m.split(".")[0] for m in modules} & {
        "sqlalchemy",
        "alembic",
        "yaml",
        "cattrs",
        "pydantic",
        "email",
    } == set()
    assert "importlib.metadata" not in modules


def test_a_plugins_commands_are_in_help_from_a_cold_or_warm_cache_until_it_is_removed(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "waving_plugin.py").write_text(COMMAND_PLUGIN, encoding="utf-8")
    info = site / "engagekit_test_waving-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: engagekit-test-waving\nVersion: 1.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text("[engagekit]\nwaving = waving_plugin\n", encoding="utf-8")
    env = cache_env(tmp_path, PYTHONPATH=os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")])))
    for _ in range(2):
        result, _modules = run_engagekit(env, "--help")
        assert "  wave " in result.stdout, result.stderr
    assert "Wave from a plugin" in result.stdout
    assert "importlib.metadata" not in _modules
    for child in info.iterdir():
        child.unlink()
    info.rmdir()
    result, _modules = run_engagekit(env, "--help")
    assert result.returncode == 0
    assert "  wave " not in result.stdout


def test_a_report_with_a_warm_cache_reads_no_yaml_and_says_the_same(tmp_path: Path) -> None:
    env = cache_env(tmp_path)
    uncached, _ = run_engagekit({**env, "ENGAGEKIT_NO_CACHE": "1"}, "report", "-c", "basildon", "-f", "json")
    run_engagekit(env, "report", "-c", "basildon", "-f", "json")
    warm, modules = run_engagekit(env, "report", "-c", "basildon", "-f", "json")
    assert warm.returncode == 0, warm.stderr
    assert warm.stdout == uncached.stdout
    assert {m.split(".")[0] for m in modules} & {"yaml", "cattrs", "docx", "xlsxwriter", "jinja2"} == set()
    assert not {"engagekit.definition.yaml_reader", "engagekit.definition.converter"} & modules
    assert not {"engagekit.report.docx", "engagekit.report.tables", "engagekit.report.html"} & modules
    assert "importlib.metadata" not in modules


def test_a_report_on_one_council_does_not_load_another_councils_definition(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: broken\nname: Broken\nprogramme: {id: p, name: P}\ncolour: blue\n", encoding="utf-8")
    env = cache_env(tmp_path, ENGAGEKIT_DEFINITIONS=str(broken), ENGAGEKIT_NO_CACHE="1")
    command = [sys.executable, "-m", "engagekit"]
    report = subprocess.run([*command, "report", "-c", "basildon"], env=env, capture_output=True, text=True, timeout=60)
    assert report.returncode == 0
    assert report.stderr == ""  # the broken file was never loaded, so there is nothing to warn of
    listed = subprocess.run([*command, "councils"], env=env, capture_output=True, text=True, timeout=60)
    assert f"{broken}:4: colour: unknown key 'colour'" in listed.stderr  # but it is when all are listed


def test_a_definition_file_given_on_the_command_line_is_kept_and_read_again_once_edited(tmp_path: Path) -> None:
    definition = tmp_path / "tiny.yaml"
    definition.write_text(
        'id: tiny\nname: "Tiny Parish Council"\nprogramme: {id: tiny-plan, name: "Tiny Plan"}\n', encoding="utf-8"
    )
    env = cache_env(tmp_path)
    show = ["report", "--definition", str(definition), "-f", "markdown", "--no-records"]
    first, _ = run_engagekit(env, *show)
    again, modules = run_engagekit(env, *show)
    assert first.stdout == again.stdout
    assert again.stdout.startswith("# Tiny Parish Council: Tiny Plan\n")
    assert "yaml" not in modules
    definition.write_text(definition.read_text(encoding="utf-8").replace("Tiny Plan", "Small Plan"), encoding="utf-8")
    edited, modules = run_engagekit(env, *show)
    assert edited.stdout.startswith("# Tiny Parish Council: Small Plan\n")
    assert "yaml" in modules  # the edited file was read and checked afresh
    definition.write_text(definition.read_text(encoding="utf-8") + "colour: blue\n", encoding="utf-8")
    broken, _ = run_engagekit(env, *show)
    assert broken.returncode == 2
    assert f"{definition}:4: colour: unknown key 'colour'" in broken.stderr


def test_no_class_of_the_model_rules_or_report_document_has_attrs_compile_its_repr_eq_or_hash() -> None:
    """Each shares engagekit.model.base.Model's (docs/performance.md): attrs compiling them was most of
    importing the model, so a class added with a plain ``@attrs.frozen`` would slow every command
    (and its ``__hash__``, which differs in every run, keeps its other methods out of the code cache)."""
    import pkgutil

    import attrs

    import engagekit.definition.loading
    import engagekit.model
    import engagekit.plugins
    import engagekit.report.caveats
    import engagekit.report.data
    import engagekit.report.document
    import engagekit.report.renderers
    import engagekit.report.svg
    import engagekit.rules
    from engagekit.model.base import Model

    modules = [
        engagekit.definition.loading,
        engagekit.plugins,  # the plugin host's, which --help builds: their methods kept compiled too
        engagekit.report.caveats,
        engagekit.report.data,
        engagekit.report.document,
        engagekit.report.renderers,
        engagekit.report.svg,
    ]
    for package in (engagekit.model, engagekit.rules):
        names = [f"{package.__name__}.{info.name}" for info in pkgutil.iter_modules(package.__path__)]
        modules += [importlib.import_module(name) for name in names]
    classes = [
        value
        for module in modules
        for value in vars(module).values()
        if isinstance(value, type) and attrs.has(value) and value.__module__ == module.__name__
    ]
    assert len(classes) > 60
    for cls in classes:
        assert issubclass(cls, Model), cls
        for method in ("__repr__", "__eq__", "__hash__"):
            assert getattr(cls, method) is getattr(Model, method), (cls, method)
