"""The JSON Schema of definition files: generated from the model, it accepts what the loader does."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from engagekit.cli.schema_cmd import schema
from engagekit.definition.converter import make_converter
from engagekit.definition.jsonschema import definition_schema, reference_markdown, schema_json
from engagekit.definition.yaml_reader import YamlDecimal, read_yaml
from engagekit.model import Council

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
BUNDLED = sorted(ROOT.glob("plugins/*/src/engagekit_*/*.yaml"))
REGENERATE = "python -c \"from engagekit.definition.jsonschema import write_docs; write_docs('docs')\""


def as_editor_sees(value: Any) -> Any:
    """An unquoted decimal is a number to an editor; engagekit's reader keeps it as text."""
    if isinstance(value, YamlDecimal):
        return float(value)
    if isinstance(value, dict):
        return {key: as_editor_sees(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_editor_sees(item) for item in value]
    return value


def load(path: Path) -> Any:
    data, _ = read_yaml(path.read_text(encoding="utf-8"))
    return as_editor_sees(data)


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema_ = definition_schema()
    Draft202012Validator.check_schema(schema_)
    return Draft202012Validator(schema_)


@pytest.fixture(scope="module")
def basildon() -> Any:
    (path,) = [path for path in BUNDLED if path.name == "basildon.yaml"]
    return load(path)


def test_three_bundled_definitions_are_found():
    assert [path.name for path in BUNDLED] == ["basildon.yaml", "bathnes.yaml", "thurrock.yaml"]


@pytest.mark.parametrize("path", BUNDLED, ids=lambda path: path.name)
def test_bundled_definitions_validate(validator, path):
    errors = [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(load(path))]
    assert errors == []


def test_schema_shape():
    schema_ = definition_schema()
    assert schema_["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema_["$id"]
    assert schema_["title"]
    assert schema_["$ref"] == "#/$defs/Council"
    defs = schema_["$defs"]
    assert next(iter(defs)) == "Council"
    for name, definition in defs.items():
        assert definition["description"], name
        if definition.get("type") == "object":
            assert definition["additionalProperties"] is False, name
    assert defs["Council"]["required"] == ["id", "name", "programme"]
    assert defs["Council"]["description"] == "A local authority's whole model. Building one checks every invariant."
    assert defs["HubStatus"]["enum"] == ["proposed", "pilot", "established", "closed"]
    assert defs["PartialDate"]["anyOf"][0]["pattern"] == r"^\d{4}(-\d{2}(-\d{2})?)?$"
    assert defs["Cluster"]["properties"]["wards"]["type"] == ["array", "null"]
    assert defs["Cluster"]["properties"]["areas"]["type"] == "array"
    assert defs["Hub"]["properties"]["count"] == {"type": "integer", "minimum": 1, "default": 1}
    rules = defs["Programme"]["properties"]["rules"]["items"]["oneOf"]
    kinds = [defs[rule["$ref"].rsplit("/", 1)[1]]["properties"]["kind"]["const"] for rule in rules]
    assert kinds == ["coverage", "phase-order", "local-plan"]


def test_schema_is_deterministic():
    assert schema_json() == schema_json()


def minimal() -> dict[str, Any]:
    return {"id": "x", "name": "X", "programme": {"id": "p", "name": "P"}}


def test_minimal_and_partial_dates_validate(validator):
    document = minimal()
    document["programme"]["adopted"] = 2021
    document["programme"]["period"] = {"start": "2021-04", "end": "2026-03-31"}
    document["programme"]["rules"] = [{"kind": "phase-order", "id": "order", "title": "In order"}]
    document["phases"] = [{"id": "one", "name": "One", "order": 1, "clusters": None}]
    assert list(validator.iter_errors(document)) == []


def broken(change) -> dict[str, Any]:
    document = copy.deepcopy(minimal())
    change(document)
    return document


BROKEN = {
    "unknown top-level key": lambda d: d.update(colour="blue"),
    "unknown nested key": lambda d: d["programme"].update(adopted_on="2021"),
    "bad enum": lambda d: d.update(council_type="parish"),
    "bad nested enum": lambda d: d.update(hubs=[{"id": "h", "name": "H", "status": "open"}]),
    "wrong type: text for a mapping": lambda d: d.update(programme="the strategy"),
    "wrong type: text for a whole number": lambda d: d.update(phases=[{"id": "a", "name": "A", "order": "first"}]),
    "wrong type: yes for a boolean": lambda d: d.update(
        areas=[{"id": "a", "name": "A", "kind": "town", "parished": "no"}]
    ),
    "wrong type: text for a list": lambda d: d["programme"].update(documents="strategy"),
    "null for a list that is known": lambda d: d.update(areas=None),
    "missing required key": lambda d: d.pop("name"),
    "missing required nested key": lambda d: d["programme"].pop("id"),
    "bad date": lambda d: d["programme"].update(adopted="March 2022"),
    "rule without kind": lambda d: d["programme"].update(rules=[{"id": "r", "title": "R"}]),
    "rule of unknown kind": lambda d: d["programme"].update(rules=[{"kind": "coverag", "id": "r", "title": "R"}]),
    "below a minimum": lambda d: d.update(hubs=[{"id": "h", "name": "H", "status": "pilot", "count": 0}]),
}


@pytest.mark.parametrize("change", BROKEN.values(), ids=BROKEN.keys())
def test_broken_documents_are_rejected(validator, change):
    assert list(validator.iter_errors(broken(change)))


def test_the_loader_agrees():
    make_converter().structure(minimal(), Council)
    for change in BROKEN.values():
        with pytest.raises(Exception):  # noqa: B017, PT011 - cattrs raises exception groups
            make_converter().structure(broken(change), Council)


def test_broken_bundled_definition_is_rejected(validator, basildon):
    document = copy.deepcopy(basildon)
    document["hubs"][0]["status"] = "opened"
    assert list(validator.iter_errors(document))


def test_docs_schema_is_up_to_date():
    assert (DOCS / "definition-schema.json").read_text(encoding="utf-8") == schema_json(), REGENERATE


def test_docs_reference_is_up_to_date():
    expected = reference_markdown(definition_schema())
    assert (DOCS / "definition-reference.md").read_text(encoding="utf-8") == expected, REGENERATE


def test_reference_has_a_section_per_definition():
    text = reference_markdown(definition_schema())
    for name in definition_schema()["$defs"]:
        assert f"\n## {name}\n" in text
    assert "| `status` | [HubStatus](#hubstatus) | yes |" in text
    assert "`proposed`, `pilot`, `established`, `closed`" in text


def group() -> click.Group:
    cli = click.Group()
    cli.add_command(schema)
    return cli


def test_cli_prints_the_schema():
    result = CliRunner().invoke(group(), ["schema"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == definition_schema()
    assert result.output == schema_json()


def test_cli_writes_a_file(tmp_path):
    target = tmp_path / "engagekit-definition.schema.json"
    result = CliRunner().invoke(group(), ["schema", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert result.output == ""
    assert json.loads(target.read_text(encoding="utf-8")) == definition_schema()


def test_cli_help_has_examples():
    result = CliRunner().invoke(group(), ["schema", "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.output
    assert "engagekit schema --output engagekit-definition.schema.json" in result.output
    assert "# yaml-language-server: $schema=engagekit-definition.schema.json" in result.output
