"""A JSON Schema (draft 2020-12) for council definition files, generated from the model.

The schema is built by walking :func:`attrs.fields` and the type hints of :class:`Council` and
everything it reaches, following the rules of :mod:`engagekit.definition.converter`: unknown keys
are refused, enums are written as their values, a :class:`PartialDate` is ``YYYY``, ``YYYY-MM``
or ``YYYY-MM-DD`` (or a bare year), a field typed ``... | None`` may be ``null``, and a rule under
``rules`` is tagged by its ``kind``. Editors use it to check and complete definition files;
:func:`reference_markdown` turns it into ``docs/definition-reference.md``.

Regenerate the files in ``docs/`` after changing the model::

    python -c "from engagekit.definition.jsonschema import write_docs; write_docs('docs')"
"""

from __future__ import annotations

import enum
import json
import types
import typing
from pathlib import Path
from typing import Any

import attrs

from engagekit.model import gss
from engagekit.model.certainty import is_qualifier_field
from engagekit.model.council import Council
from engagekit.model.governance import RULE_KINDS
from engagekit.model.local import ForEach, PlaceKind
from engagekit.model.places import Area
from engagekit.model.sources import PartialDate

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "https://github.com/engagekit/engagekit/tree/main/docs/definition-schema.json"
PARTIAL_DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"

_NUMBER_BOUNDS = {">=": "minimum", ">": "exclusiveMinimum", "<=": "maximum", "<": "exclusiveMaximum"}


def _first_line(text: str | None) -> str:
    return (text or "").strip().splitlines()[0].strip() if (text or "").strip() else ""


class _Builder:
    """Collects one ``$defs`` entry per class or enum, in the order they are first reached."""

    def __init__(self) -> None:
        self.defs: dict[str, dict[str, Any]] = {}
        self.rule_kinds = {cls: kind for kind, cls in RULE_KINDS.items()}

    def ref(self, target: type) -> dict[str, Any]:
        name = target.__name__
        if name not in self.defs:
            self.defs[name] = {}  # reserve the place first, so the order is the order of discovery
            self.defs[name] = self._definition(target)
        return {"$ref": f"#/$defs/{name}"}

    def _definition(self, target: type) -> dict[str, Any]:
        description = _first_line(target.__doc__)
        if target is PartialDate:
            return {
                "title": target.__name__,
                "description": description,
                "anyOf": [
                    {"type": "string", "pattern": PARTIAL_DATE_PATTERN},
                    {"type": "integer", "minimum": 1000, "maximum": 9999, "description": "a bare year"},
                ],
            }
        if issubclass(target, enum.Enum):
            values = [member.value for member in target]
            kinds = sorted({_json_type(value) for value in values})
            return {
                "title": target.__name__,
                "description": description,
                "type": kinds[0] if len(kinds) == 1 else kinds,
                "enum": values,
            }
        if target is ForEach:  # the converter also takes the kind of place alone: "for_each: cluster"
            return {
                "title": target.__name__,
                "description": description,
                "anyOf": [self.ref(PlaceKind), self._object(target, description)],
            }
        if attrs.has(target):
            return self._object(target, description)
        raise TypeError(f"no JSON Schema for {target!r}")

    def _object(self, cls: type, description: str) -> dict[str, Any]:
        hints = typing.get_type_hints(cls)
        properties: dict[str, Any] = {}
        required: list[str] = []
        if cls in self.rule_kinds:
            properties["kind"] = {"const": self.rule_kinds[cls], "description": "Which rule this is."}
            required.append("kind")
        # An item's own fields first; the certainty fields every item inherits come last.
        fields = sorted(attrs.fields(cls), key=is_qualifier_field)
        for field in fields:
            if field.name in properties:
                raise TypeError(f"{cls.__name__}.{field.name} clashes with the rule 'kind' tag")
            prop = self.schema_for(hints[field.name])
            prop.update(_bounds(field.validator))
            if field.metadata.get("description"):
                prop["description"] = str(field.metadata["description"])
            if field.name == "gss_code" and cls in _GSS_CONDITIONS:
                prop = _gss_property(cls)
            if field.default is attrs.NOTHING:
                required.append(field.name)
            else:
                default = _default(field.default)
                if default is not None:
                    prop["default"] = default
            properties[field.name] = prop
        schema: dict[str, Any] = {"title": cls.__name__, "description": description, "type": "object"}
        schema["properties"] = properties
        if required:
            schema["required"] = required
        schema["additionalProperties"] = False
        if cls in _GSS_CONDITIONS:
            schema["allOf"] = _GSS_CONDITIONS[cls]()
        return schema

    def schema_for(self, hint: Any) -> dict[str, Any]:
        origin = typing.get_origin(hint)
        args = typing.get_args(hint)
        if origin in (typing.Union, types.UnionType):
            members = [arg for arg in args if arg is not type(None)]
            if len(members) > 1 and all(member in self.rule_kinds for member in members):
                base: dict[str, Any] = {"oneOf": [self.ref(member) for member in members]}
            elif len(members) == 1:
                base = self.schema_for(members[0])
            else:
                base = {"anyOf": [self.schema_for(member) for member in members]}
            return _nullable(base) if len(members) < len(args) else base
        if origin is list:
            return {"type": "array", "items": self.schema_for(args[0])}
        if origin is dict:
            return {
                "type": "object",
                "propertyNames": self.schema_for(args[0]),
                "additionalProperties": self.schema_for(args[1]),
            }
        if hint is str:
            # The converter takes a number where text belongs ("section: 3"), so the schema does too.
            return {"type": ["string", "number"]}
        if hint is bool:
            return {"type": "boolean"}
        if hint is int:
            return {"type": "integer"}
        if hint is float:
            return {"type": "number"}
        if isinstance(hint, type) and (hint is PartialDate or issubclass(hint, enum.Enum) or attrs.has(hint)):
            return self.ref(hint)
        raise TypeError(f"no JSON Schema for the type {hint!r}")


def _prefixed(prefixes: tuple[str, ...]) -> dict[str, Any]:
    """A GSS code in one of these entities, as a pattern."""
    return {"pattern": f"^({'|'.join(prefixes)})[0-9]{{6}}$"}


def _council_gss() -> list[dict[str, Any]]:
    """The council's code fits its ``council_type``; with no type, it is some council's code."""
    conditions: list[dict[str, Any]] = [
        {
            "if": {"properties": {"council_type": {"const": kind.value}}, "required": ["council_type"]},
            "then": {"properties": {"gss_code": _prefixed(prefixes)}},
        }
        for kind, prefixes in gss.COUNCIL_PREFIXES.items()
    ]
    conditions.append(
        {
            "if": {"properties": {"council_type": {"type": "string"}}, "required": ["council_type"]},
            "else": {"properties": {"gss_code": _prefixed(gss.ANY_COUNCIL)}},
        }
    )
    return conditions


def _area_gss() -> list[dict[str, Any]]:
    """An area's code fits its ``kind``."""
    return [
        {
            "if": {"properties": {"kind": {"const": kind.value}}, "required": ["kind"]},
            "then": {"properties": {"gss_code": _prefixed(prefixes)}},
        }
        for kind, prefixes in gss.AREA_PREFIXES.items()
    ]


_GSS_CONDITIONS = {Council: _council_gss, Area: _area_gss}
"""The classes whose ``gss_code`` is checked against another of their fields, and how."""


def _gss_property(cls: type) -> dict[str, Any]:
    """``gss_code``: text shaped as a GSS code (never a number), or null; described with its prefixes."""
    if cls is Council:
        fits = "; ".join(f"{'/'.join(prefixes)} for {kind.value}" for kind, prefixes in gss.COUNCIL_PREFIXES.items())
        description = f"The council's ONS GSS code ({gss.SHAPE}). Its first three characters fit council_type: {fits}."
    else:
        kinds: dict[tuple[str, ...], list[str]] = {}
        for kind, prefixes in gss.AREA_PREFIXES.items():
            kinds.setdefault(prefixes, []).append(kind.value)
        fits = "; ".join(f"{'/'.join(prefixes)} for a {' or '.join(names)}" for prefixes, names in kinds.items())
        description = (
            f"The area's ONS GSS code ({gss.SHAPE}), if it has one. Its first three characters fit its kind: {fits}."
        )
    return {"type": ["string", "null"], "pattern": gss.GSS_PATTERN, "description": description}


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "string"


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """Let ``null`` through as well: in ``type`` where there is one, otherwise with ``anyOf``."""
    if "type" in schema and "$ref" not in schema:
        kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        return {**schema, "type": [*kinds, "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


def _bounds(validator: Any) -> dict[str, Any]:
    """``minimum`` and friends from attrs ``ge``/``gt``/``le``/``lt`` validators, also inside ``optional``."""
    if validator is None:
        return {}
    found: dict[str, Any] = {}
    for inner in getattr(validator, "_validators", ()):  # attrs.validators.and_
        found.update(_bounds(inner))
    if hasattr(validator, "validator"):  # attrs.validators.optional
        found.update(_bounds(validator.validator))
    keyword = _NUMBER_BOUNDS.get(getattr(validator, "compare_op", ""))
    if keyword is not None:
        found[keyword] = validator.bound
    return found


def _default(default: Any) -> Any:
    """The default as written in a definition file, or ``None`` for none worth showing."""
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        factory = default.factory
        return [] if factory is list else {} if factory is dict else None
    if isinstance(default, enum.Enum):
        return default.value
    if isinstance(default, str | int | float | bool):
        return default
    return None


def definition_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a council definition file, built from the model."""
    builder = _Builder()
    root = builder.ref(Council)
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": SCHEMA_ID,
        "title": "engagekit council definition",
        "description": "A council definition file: the fields of engagekit's Council model, written as YAML.",
        **root,
        "$defs": builder.defs,
    }


def schema_json() -> str:
    """The schema as JSON text (indented by 2, ending in a newline), as written to files."""
    return json.dumps(definition_schema(), indent=2, ensure_ascii=False) + "\n"


# --- the Markdown reference ---------------------------------------------------------------


def _ref_name(schema: dict[str, Any]) -> str:
    return str(schema["$ref"]).rsplit("/", 1)[-1]


def _link(name: str) -> str:
    return f"[{name}](#{name.lower()})"


_TYPE_WORDS = {
    "string": "text",
    "number": "number",
    "integer": "whole number",
    "boolean": "true or false",
    "null": "null",
    "object": "mapping",
}


def _type_text(schema: dict[str, Any]) -> str:
    """A short, readable type: ``list of [Area](#area)``, ``whole number or null``, ..."""
    if "$ref" in schema:
        return _link(_ref_name(schema))
    if "const" in schema:
        return f"`{schema['const']}`"
    if "oneOf" in schema:
        return "one of " + ", ".join(_type_text(option) for option in schema["oneOf"]) + " (by `kind`)"
    if "anyOf" in schema:
        return " or ".join(_type_text(option) for option in schema["anyOf"])
    kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    if "string" in kinds and "number" in kinds:
        kinds = [kind for kind in kinds if kind != "number"]  # text written as a number is still text
    words = []
    for kind in kinds:
        if kind == "array":
            words.append(f"list of {_type_text(schema['items'])}")
        elif kind == "object" and "propertyNames" in schema:
            keys = _type_text(schema["propertyNames"])
            words.append(f"mapping of {keys} to {_type_text(schema['additionalProperties'])}")
        else:
            words.append(_TYPE_WORDS[kind])
    return " or ".join(words)


def _enum_values(schema: dict[str, Any], defs: dict[str, Any]) -> list[Any]:
    """The enum values a property takes, when it refers to an enum (directly or as a nullable)."""
    for option in [schema, *schema.get("anyOf", [])]:
        if "$ref" in option and "enum" in defs.get(_ref_name(option), {}):
            return list(defs[_ref_name(option)]["enum"])
    return []


def _referred_description(schema: dict[str, Any], defs: dict[str, Any]) -> str:
    """The description of the one class a property holds (directly, nullable or as list items)."""
    options = [schema, *schema.get("anyOf", [])]
    if "items" in schema:
        options.append(schema["items"])
    names = {_ref_name(option) for option in options if "$ref" in option}
    if len(names) == 1:
        return str(defs[names.pop()].get("description", ""))
    return ""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _property_row(name: str, prop: dict[str, Any], required: bool, defs: dict[str, Any]) -> str:
    kind = _type_text(prop)
    notes = [str(prop.get("description") or _referred_description(prop, defs) or kind)]
    values = _enum_values(prop, defs)
    if values:
        notes.append("One of: " + ", ".join(f"`{value}`" for value in values) + ".")
    if "null" in (prop.get("type") or []) and "array" in (prop.get("type") or []):
        notes.append("`null` when not yet known; `[]` when known to be none.")
    for keyword, words in (("minimum", "At least"), ("maximum", "At most")):
        if keyword in prop:
            notes.append(f"{words} {prop[keyword]}.")
    if "default" in prop:
        notes.append(f"Default: `{json.dumps(prop['default'], ensure_ascii=False)}`.")
    cells = [f"`{name}`", kind, "yes" if required else "no", " ".join(notes)]
    return "| " + " | ".join(_cell(cell) for cell in cells) + " |"


def reference_markdown(schema: dict[str, Any]) -> str:
    """The definition file reference: one section per ``$defs`` entry, from the schema alone."""
    defs: dict[str, Any] = schema["$defs"]
    lines = [
        "# Council definition reference",
        "",
        "<!-- Generated from the model by engagekit.definition.jsonschema; do not edit by hand. -->",
        "",
        schema["description"],
        "",
        f"The top level is a {_link(_ref_name(schema))}. How to write one is in",
        "[definition-conventions.md](definition-conventions.md); the same facts as a JSON Schema are in",
        "[definition-schema.json](definition-schema.json) (`engagekit schema`). A key that is not",
        "required may be left out; text fields also take a number (`section: 3`).",
    ]
    for name, definition in defs.items():
        lines += ["", f"## {name}", "", definition["description"]]
        if "enum" in definition:
            lines += ["", "Written as one of: " + ", ".join(f"`{value}`" for value in definition["enum"]) + "."]
        elif "properties" in definition:
            required = set(definition.get("required", []))
            lines += ["", "| Key | Type | Required | Description |", "| --- | --- | --- | --- |"]
            for key, prop in definition["properties"].items():
                lines.append(_property_row(key, prop, key in required, defs))
        elif any("properties" in option for option in definition["anyOf"]):  # a short form or a mapping
            short = next(option for option in definition["anyOf"] if "$ref" in option)
            full = next(option for option in definition["anyOf"] if "properties" in option)
            required = set(full.get("required", []))
            lines += ["", f"Written as a {_link(_ref_name(short))} alone, or as a mapping:", ""]
            lines += ["| Key | Type | Required | Description |", "| --- | --- | --- | --- |"]
            for key, prop in full["properties"].items():
                lines.append(_property_row(key, prop, key in required, defs))
        else:
            lines += ["", "Written as " + " or ".join(_date_form(option) for option in definition["anyOf"]) + "."]
    return "\n".join(lines) + "\n"


def _date_form(option: dict[str, Any]) -> str:
    if option.get("type") == "string":
        return f"text matching `{option['pattern']}` (`2022`, `2022-03`, `2022-03-31`)"
    return f"{option.get('description', 'a number')} ({option['minimum']} to {option['maximum']})"


def write_docs(folder: str | Path) -> None:
    """Write ``definition-schema.json`` and ``definition-reference.md`` into ``folder``."""
    target = Path(folder)
    (target / "definition-schema.json").write_text(schema_json(), encoding="utf-8")
    (target / "definition-reference.md").write_text(reference_markdown(definition_schema()), encoding="utf-8")
