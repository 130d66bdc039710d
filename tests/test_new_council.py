"""``engagekit new-council`` and the testing kit (``engagekit.testing``) plugin authors use."""

from __future__ import annotations

import datetime as dt
import os
import site
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from engagekit.cli import cli
from engagekit.cli.new_council import REFERENCE_URL, new_council
from engagekit.definition import load_definition
from engagekit.rules import Status
from engagekit.testing import (  # the kit's fixtures, imported so pytest finds them without the plugin
    check_conformance,
    engagekit_host,
    evaluate_as_of,
    load_council,
    record_store,
    run_engagekit,
)

FIXTURES = (engagekit_host, evaluate_as_of, load_council, record_store, run_engagekit)

NAME = "Castle Point"
SLUG = "castle-point"


def scaffold(tmp_path: Path, *args: str) -> tuple[int, str, Path]:
    result = CliRunner().invoke(new_council, [*args, "--dir", str(tmp_path)], catch_exceptions=False)
    return result.exit_code, result.output, tmp_path / f"engagekit-{SLUG}"


@pytest.fixture
def package(tmp_path: Path) -> Path:
    code, output, folder = scaffold(tmp_path, NAME, "--gss", "E07000069")
    assert code == 0, output
    return folder


def definition_of(package: Path) -> Path:
    return package / "src" / "engagekit_castle_point" / f"{SLUG}.yaml"


def test_it_writes_a_plugin_package(package: Path) -> None:
    written = sorted(str(path.relative_to(package)) for path in package.rglob("*") if path.is_file())
    assert written == [
        "README.md",
        "pyproject.toml",
        "src/engagekit_castle_point/__init__.py",
        f"src/engagekit_castle_point/{SLUG}.yaml",
        "tests/test_castle_point.py",
    ]
    for path in package.rglob("*.*"):
        text = path.read_text(encoding="utf-8")
        assert "{{" not in text, path
        assert "}}" not in text, path
        if path.suffix == ".py":
            compile(text, str(path), "exec")
    project = tomllib.loads((package / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["build-system"]["build-backend"] == "hatchling.build"
    assert project["project"]["name"] == f"engagekit-{SLUG}"
    assert any(dependency.startswith("engagekit") for dependency in project["project"]["dependencies"])
    assert project["project"]["entry-points"]["engagekit"] == {SLUG: "engagekit_castle_point"}
    assert project["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == ["src/engagekit_castle_point"]
    module = (package / "src/engagekit_castle_point/__init__.py").read_text(encoding="utf-8")
    assert "@engagekit.hookimpl" in module
    assert f'"{SLUG}.yaml"' in module
    tests = (package / "tests/test_castle_point.py").read_text(encoding="utf-8")
    assert "check_conformance" in tests
    assert "# council_type:" in definition_of(package).read_text(encoding="utf-8")


def test_the_skeleton_definition_validates_and_conforms(package: Path) -> None:
    council = load_definition(definition_of(package))
    assert (council.id, council.name, council.gss_code, council.council_type) == (SLUG, NAME, "E07000069", None)
    assert len(council.documents) == 1
    assert [c.id for c in council.programme.commitments] == ["commitment-1"]
    assert [a.action.id for a in council.programme.action_plan.all_actions()] == ["A-1"]
    assert len(council.programme.governance.review_dates) == 1
    assert check_conformance(council) == []
    assert check_conformance(definition_of(package)) == []


@pytest.mark.parametrize("gss", [("--gss", "E07000069"), ()], ids=["with-gss", "without-gss"])
def test_the_skeleton_passes_validate_strict(tmp_path: Path, gss: tuple[str, ...]) -> None:
    """The skeleton is what a new author starts from, so it must carry no quality warning either."""
    code, output, folder = scaffold(tmp_path, NAME, *gss)
    assert code == 0, output
    definition = definition_of(folder)
    result = CliRunner().invoke(cli, ["validate", "--strict", "--definition", str(definition)])
    assert result.stderr == ""
    assert result.stdout == f"{definition}: valid ({NAME})\n"
    assert result.exit_code == 0


def test_the_skeleton_points_to_the_definition_reference_not_to_engagekit_sources(package: Path) -> None:
    for written in (package / "README.md", definition_of(package)):
        text = written.read_text(encoding="utf-8")
        assert REFERENCE_URL in text, written
        assert "src/engagekit/" not in text, written
        assert "definition-conventions" not in text, written


def test_without_a_gss_code_the_line_is_left_as_a_comment(tmp_path: Path) -> None:
    code, output, folder = scaffold(tmp_path, 'Castle Point: "the Borough" #1', "--id", SLUG)
    assert code == 0, output
    text = definition_of(folder).read_text(encoding="utf-8")
    assert "# gss_code:" in text
    council = load_definition(definition_of(folder))
    assert council.gss_code is None
    assert council.name == 'Castle Point: "the Borough" #1'
    assert check_conformance(council) == []


def test_it_never_overwrites_a_folder(package: Path) -> None:
    before = definition_of(package).read_text(encoding="utf-8")
    definition_of(package).write_text(before + "# my edits\n", encoding="utf-8")
    code, output, _ = scaffold(package.parent, NAME)
    assert code == 2
    assert "already exists" in output
    assert definition_of(package).read_text(encoding="utf-8").endswith("# my edits\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((NAME, "--gss", "E0700006"), "is not a GSS code"),
        ((NAME, "--id", "Castle_Point"), "cannot be a council id"),
        (("!!!",), "cannot be a council id"),
    ],
)
def test_bad_input_exits_2(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    code, output, _ = scaffold(tmp_path, *args)
    assert code == 2
    assert message in output
    assert list(tmp_path.iterdir()) == []


def test_help_has_examples() -> None:
    result = CliRunner().invoke(new_council, ["--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.output
    assert 'engagekit new-council "Castle Point" --gss E07000069' in result.output


def test_check_conformance_names_what_is_wrong(package: Path) -> None:
    definition = definition_of(package)
    text = definition.read_text(encoding="utf-8")
    action_source = (
        " " * 16
        + 'source: {document: castle-point-engagement-strategy-document, section: "Replace with the section"}\n'
    )
    unsourced = text.replace(action_source, "")
    assert unsourced != text
    definition.write_text(unsourced, encoding="utf-8")
    problems = check_conformance(definition)
    assert problems == ["no source: programme.action_plan.pillars.0.outcomes.0.actions.0"]
    assert check_conformance("no-such-council")[0].startswith("the definition does not load: no council")
    definition.write_text(text.replace("serves: [commitment-1]", "serves: [nothing]", 1), encoding="utf-8")
    [problem] = check_conformance(definition)
    assert problem.startswith("the definition does not load")


@pytest.mark.parametrize("council_id", ["basildon", "bathnes", "thurrock"])
def test_the_bundled_councils_conform(council_id: str) -> None:
    assert check_conformance(council_id) == []


# -- the fixtures -------------------------------------------------------------------------------


def test_the_fixtures_work_together(load_council, record_store, evaluate_as_of, package: Path) -> None:
    from engagekit.records import ActionStatus, ActionUpdate

    council = load_council(definition_of(package))
    assert council.id == SLUG
    assert load_council("thurrock").id == "thurrock"
    assert all(f.status is not Status.GREEN for f in evaluate_as_of(council, "2025-01-01"))
    [stored] = record_store.add(
        council,
        [
            ActionUpdate(
                council_id=SLUG,
                action_id="A-1",
                date=dt.date(2025, 1, 10),
                recorded_by="test",
                status=ActionStatus.IN_PROGRESS,
            )
        ],
    )
    assert stored.id is not None
    assert evaluate_as_of(council, "2025-02-01", store=record_store)


def test_run_engagekit_is_isolated(run_engagekit, engagekit_host, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENGAGEKIT_LOAD_PLUGINS", "")  # would hide every council if it leaked in
    result = run_engagekit("councils")
    assert result.exit_code == 0, result.output
    assert "thurrock" in result.output
    assert "thurrock" in engagekit_host.councils()
    result = run_engagekit("report", "--council", "thurrock", "--format", "json", env={"ENGAGEKIT_TODAY": "2024-01-01"})
    assert result.exit_code == 0, result.output
    assert '"2024-01-01"' in result.output


# -- end to end: install the new package in a virtual environment --------------------------------


def test_a_new_package_installs_reports_and_passes_its_own_tests(package: Path, tmp_path: Path) -> None:
    """Create a venv reusing the installed engagekit, install the package, run its report and tests."""
    venv = tmp_path / "venv"
    environ = {name: value for name, value in os.environ.items() if not name.startswith(("PIP_", "PYTHON"))}
    environ |= {"PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INDEX": "1", "PIP_NO_INPUT": "1"}
    try:
        subprocess.run(
            [sys.executable, "-m", "venv", "--system-site-packages", str(venv)],
            check=True,
            capture_output=True,
            timeout=60,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as error:
        pytest.skip(f"cannot create a virtual environment here ({error}); the package was not installed")
    python = venv / "bin" / "python"
    if not python.exists():
        pytest.skip("the virtual environment has no bin/python (not a POSIX layout)")
    # A venv made from inside a venv sees the base interpreter's packages, not this one's: point it
    # at this environment's site-packages too, so it reuses the engagekit, hatchling and pytest here.
    inner = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # An "import" line in a .pth file runs: addsitedir also reads the editable installs' own .pth files.
    lines = [f"import site; site.addsitedir({folder!r})" for folder in site.getsitepackages()]
    (Path(inner) / "outer-environment.pth").write_text("\n".join(lines) + "\n", encoding="utf-8")
    probe = subprocess.run([python, "-c", "import hatchling, engagekit, pytest"], capture_output=True, env=environ)
    if probe.returncode != 0:
        pytest.skip(f"hatchling, engagekit or pytest is not importable in the venv: {probe.stderr.decode()[-300:]}")

    def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(arg) for arg in args], cwd=package, env=environ, capture_output=True, text=True, timeout=60
        )

    installed = run(python, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "-e", package)
    assert installed.returncode == 0, installed.stdout + installed.stderr

    # The console script belongs to the engagekit installed outside the venv; use the venv's
    # own if it has one, else the same entry point through ``python -m engagekit``.
    script = venv / "bin" / "engagekit"
    command = [script] if script.exists() else [python, "-m", "engagekit"]
    report = run(*command, "report", "--council", SLUG)
    assert report.returncode == 0, report.stdout + report.stderr
    assert NAME in report.stdout

    tests = run(python, "-m", "pytest", package / "tests", "-q", "-p", "engagekit.testing", "-p", "no:cacheprovider")
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "4 passed" in tests.stdout
