"""Definition folders (ENGAGEKIT_DEFINITIONS): what is read from them, and what is skipped with a note."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from engagekit.builtins.folders import definition_files, skipped_files
from engagekit.cli import cli


def invoke(*args: str, env: dict[str, str]) -> Result:
    """Run engagekit with no installed plugins, so only the folder's councils (and notes) appear."""
    return CliRunner().invoke(cli, list(args), env={"ENGAGEKIT_LOAD_PLUGINS": "", **env})


TINY = 'id: tiny\nname: "Tiny Parish Council"\nprogramme: {id: tiny-plan, name: "Tiny Plan"}\n'
NOT_YAML = "not a definition file (only names ending .yaml or .yml are read)"
HIDDEN = "not a definition file (hidden files are not read: an editor's lock or swap file?)"


@pytest.mark.parametrize(
    ("stray", "reason"),
    [
        ("tiny.yaml~", NOT_YAML),
        ("tiny.yaml.bak", NOT_YAML),
        ("tiny.yml.orig", NOT_YAML),
        ("tiny.yaml.swp", NOT_YAML),
        ("COPY-OF-TINY.YAML", NOT_YAML),  # read only as .yaml, lower case
        (".tiny.yaml.swp", HIDDEN),
        (".#tiny.yaml", HIDDEN),  # an Emacs lock: once read as a second 'tiny', which hid both
    ],
)
def test_a_stray_copy_in_a_definitions_folder_is_skipped_with_a_note(tmp_path: Path, stray: str, reason: str) -> None:
    (tmp_path / "tiny.yaml").write_text(TINY, encoding="utf-8")
    (tmp_path / stray).write_text(TINY, encoding="utf-8")
    for args in (("councils",), ("councils", "--json")):
        result = invoke(*args, env={"ENGAGEKIT_DEFINITIONS": str(tmp_path)})
        assert result.exit_code == 0, result.output
        assert result.stderr == f"engagekit: note: skipped {tmp_path / stray} in ENGAGEKIT_DEFINITIONS: {reason}\n"
        assert "Traceback" not in result.output
    listed = invoke("councils", env={"ENGAGEKIT_DEFINITIONS": str(tmp_path)})
    assert listed.stdout == "tiny  Tiny Parish Council — Tiny Plan [engagekit.builtins.folders]\n"


def test_other_files_in_a_definitions_folder_get_no_note(tmp_path: Path) -> None:
    """A README or a records file beside the definitions is expected there, so it is not worth a word."""
    (tmp_path / "tiny.yaml").write_text(TINY, encoding="utf-8")
    (tmp_path / "README.md").write_text("# Our councils\n", encoding="utf-8")
    (tmp_path / "records.csv").write_text("kind,date\n", encoding="utf-8")
    (tmp_path / ".gitignore").write_text("*~\n", encoding="utf-8")
    (tmp_path / "old.yaml.d").mkdir()
    result = invoke("councils", env={"ENGAGEKIT_DEFINITIONS": str(tmp_path)})
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert "tiny " in result.stdout


def test_a_stray_file_named_directly_in_engagekit_definitions_is_read(tmp_path: Path) -> None:
    """Naming a file is asking for it, whatever it is called: only folders are filtered."""
    named = tmp_path / "tiny.yaml.bak"
    named.write_text(TINY, encoding="utf-8")
    result = invoke("councils", env={"ENGAGEKIT_DEFINITIONS": str(named)})
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert "tiny " in result.stdout


def test_the_folder_functions_agree_on_what_is_read(tmp_path: Path) -> None:
    for name in ("b.yml", "a.yaml", "a.yaml~", ".#a.yaml", "notes.txt"):
        (tmp_path / name).write_text(TINY, encoding="utf-8")
    assert definition_files(str(tmp_path)) == [tmp_path / "a.yaml", tmp_path / "b.yml"]
    assert [skipped.path.name for skipped in skipped_files(str(tmp_path))] == [".#a.yaml", "a.yaml~"]
    assert skipped_files(str(tmp_path / "a.yaml")) == []  # a file named directly is read, not skipped
    assert skipped_files(str(tmp_path / "no-such-folder")) == []


def test_validate_names_a_stray_copy_too(tmp_path: Path) -> None:
    (tmp_path / "tiny.yaml").write_text(TINY, encoding="utf-8")
    (tmp_path / "tiny.yaml~").write_text(TINY, encoding="utf-8")
    result = invoke("validate", env={"ENGAGEKIT_DEFINITIONS": str(tmp_path)})
    assert result.exit_code == 0, result.output
    assert f"engagekit: note: skipped {tmp_path / 'tiny.yaml~'} in ENGAGEKIT_DEFINITIONS: {NOT_YAML}\n" in result.stderr
    assert result.stdout.startswith("tiny: valid (")
