"""The cattrs converter that turns plain data from a definition file into model objects.

It is strict where a person would want to be told: unknown keys, a string where a list
belongs (which would otherwise become a list of letters), ``"yes"`` where ``true`` belongs,
and enum values not in the vocabulary all fail with a message naming what was expected.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable
from typing import Any

import attrs
import cattrs
from cattrs.cols import is_mapping, is_sequence, list_structure_factory, mapping_structure_factory

from engagekit.definition.yaml_reader import YamlDecimal
from engagekit.model.governance import RULE_KINDS, RuleSpec
from engagekit.model.local import ForEach, PlaceKind
from engagekit.model.sources import PartialDate


def describe(value: Any) -> str:
    """How a wrong value is named in messages: ``a list``, ``the text 'abc'``, ``the number 3``."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, YamlDecimal):
        return f"the number {value}"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the text {shown!r}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _structure_str(value: Any, _: type) -> str:
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)  # "section: 3" is as good as "section: '3'"
    raise ValueError(f"expected text, got {describe(value)}")


def _structure_int(value: Any, _: type) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise ValueError(f"expected a whole number, got {describe(value)}")


def _structure_float(value: Any, _: type) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, YamlDecimal):
        return float(value)
    raise ValueError(f"expected a number, got {describe(value)}")


def _structure_bool(value: Any, _: type) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError(f"expected true or false, got {describe(value)}")


def _structure_partial_date(value: Any, _: type) -> PartialDate:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # a bare year, "period: {start: 2021}"
    if not isinstance(value, str) or isinstance(value, YamlDecimal):
        raise ValueError(f"expected a date written YYYY, YYYY-MM or YYYY-MM-DD, got {describe(value)}")
    return PartialDate.parse(value)


def _enum_hook(enum_type: type[enum.Enum]) -> Callable[[Any, type], enum.Enum]:
    choices = ", ".join(str(member.value) for member in enum_type)

    def structure(value: Any, _: type) -> enum.Enum:
        for member in enum_type:
            if member.value == value:
                return member
        shown = repr(value) if isinstance(value, str) else describe(value)
        raise ValueError(f"{shown} is not one of: {choices}")

    return structure


def _type_checked(
    make_inner: Callable[[Any, cattrs.Converter], Callable[[Any, Any], Any]], expected: type, what: str
) -> Callable[[Any, cattrs.Converter], Callable[[Any, Any], Any]]:
    """A hook factory that refuses values of the wrong shape before cattrs structures them.

    Without it a string where a list belongs would become a list of its letters.
    """

    def factory(type_: Any, converter: cattrs.Converter) -> Callable[[Any, Any], Any]:
        inner = make_inner(type_, converter)

        def structure(value: Any, t: Any) -> Any:
            if not isinstance(value, expected):
                raise ValueError(f"expected {what}, got {describe(value)}")
            return inner(value, t)

        return structure

    return factory


def _attrs_structure_fn(type_: Any, converter: cattrs.Converter) -> Callable[[Any, Any], Any]:
    return cattrs.gen.make_dict_structure_fn(type_, converter, _cattrs_forbid_extra_keys=True)


def _rule_hook(converter: cattrs.Converter) -> Callable[[Any, Any], RuleSpec]:
    kinds = ", ".join(RULE_KINDS)

    def structure(value: Any, _: Any) -> RuleSpec:
        if not isinstance(value, dict):
            raise ValueError(f"expected a rule (a mapping with a 'kind'), got {describe(value)}")
        if "kind" not in value:
            raise ValueError(f"a rule needs a 'kind', one of: {kinds}")
        kind = value["kind"]
        if kind not in RULE_KINDS:
            raise ValueError(f"rule kind {kind!r} is not one of: {kinds}")
        fields = {key: item for key, item in value.items() if key != "kind"}
        return converter.structure(fields, RULE_KINDS[kind])

    return structure


def _for_each_hook(converter: cattrs.Converter) -> Callable[[Any, Any], ForEach]:
    """``for_each: cluster`` is short for ``for_each: {place: cluster}``."""
    full = _attrs_structure_fn(ForEach, converter)

    def structure(value: Any, _: Any) -> ForEach:
        if isinstance(value, str) and not isinstance(value, YamlDecimal):
            return ForEach(place=converter.structure(value, PlaceKind))
        if not isinstance(value, dict):
            raise ValueError(f"expected a kind of place ({_PLACES}) or a mapping, got {describe(value)}")
        result: ForEach = full(value, ForEach)
        return result

    return structure


_PLACES = ", ".join(kind.value for kind in PlaceKind)


def _unstructure_rule(converter: cattrs.Converter, rule: Any) -> dict[str, Any]:
    kind = next(name for name, cls in RULE_KINDS.items() if isinstance(rule, cls))
    return {"kind": kind, **converter.unstructure(rule)}


@functools.cache
def make_converter() -> cattrs.Converter:
    """The one converter for definition files (built once, on first use)."""
    converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True, omit_if_default=True)
    converter.register_structure_hook(str, _structure_str)
    converter.register_structure_hook(int, _structure_int)
    converter.register_structure_hook(float, _structure_float)
    converter.register_structure_hook(bool, _structure_bool)
    converter.register_structure_hook(PartialDate, _structure_partial_date)
    converter.register_unstructure_hook(PartialDate, PartialDate.iso)
    converter.register_structure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), lambda v, t: _enum_hook(t)(v, t)
    )
    mapping = "a mapping of keys to values"
    converter.register_structure_hook_factory(is_sequence, _type_checked(list_structure_factory, list, "a list"))
    converter.register_structure_hook_factory(is_mapping, _type_checked(mapping_structure_factory, dict, mapping))
    converter.register_structure_hook_factory(attrs.has, _type_checked(_attrs_structure_fn, dict, mapping))
    converter.register_structure_hook(RuleSpec, _rule_hook(converter))
    converter.register_structure_hook(ForEach, _for_each_hook(converter))
    converter.register_unstructure_hook(RuleSpec, functools.partial(_unstructure_rule, converter))
    return converter
