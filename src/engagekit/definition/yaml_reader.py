"""Read a YAML document into plain Python values, remembering the line of every path.

YAML 1.1 turns ``no`` into ``False`` and ``2022-03-01`` into a date object. A council file
should mean what it says, so this reader only resolves ``true``/``false``, ``null``, integers
and decimals; everything else stays a string, and dates are parsed later with clear errors.
Duplicate keys, non-string keys and alias bombs are refused instead of silently accepted.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from engagekit.model.checks import Path

try:  # the C parser is much faster where libyaml is available
    _Base: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Base = yaml.SafeLoader

MAX_NODES = 1_000_000
"""More nodes than this (after expanding aliases) is refused as a hostile or runaway document."""


class _StrictLoader(_Base):  # type: ignore[misc,valid-type]
    """A safe loader with YAML 1.2-like scalars: no yes/no booleans, no timestamps."""


_StrictLoader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:int", r"^[-+]?[0-9]+$", "-+0123456789"),
    ("tag:yaml.org,2002:float", r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$", "-+0123456789."),
):
    _StrictLoader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))


class YamlProblem(ValueError):
    """The text is not a usable YAML document; ``line`` is 1-based where known."""

    def __init__(self, message: str, line: int | None = None, path: Path = ()) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.path = path


def read_yaml(text: str) -> tuple[Any, dict[Path, int]]:
    """Parse ``text``; return the data and a map from each path to its 1-based line."""
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = error.problem or error.context or "not valid YAML"
        raise YamlProblem(f"not valid YAML: {problem}", line) from None
    except yaml.YAMLError as error:
        raise YamlProblem(f"not valid YAML: {error}") from None
    finally:
        loader.dispose()
    if node is None:
        return None, {}
    lines: dict[Path, int] = {}
    counter = [0]
    value = _convert(loader, node, (), lines, counter)
    return value, lines


def _convert(loader: Any, node: yaml.Node, path: Path, lines: dict[Path, int], counter: list[int]) -> Any:
    counter[0] += 1
    if counter[0] > MAX_NODES:
        raise YamlProblem(f"the document has more than {MAX_NODES:,} values (aliases expanded); refusing to read it")
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)  # resolves "<<" merge keys
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                raise YamlProblem(
                    f"keys must be plain words, not {key_node.value!r}", key_node.start_mark.line + 1, path
                )
            key = key_node.value
            if key in result:
                raise YamlProblem(f"key {key!r} appears twice", key_node.start_mark.line + 1, (*path, key))
            lines[(*path, key)] = key_node.start_mark.line + 1
            result[key] = _convert(loader, value_node, (*path, key), lines, counter)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(loader, item, (*path, i), lines, counter) for i, item in enumerate(node.value)]
    try:
        return loader.construct_object(node, deep=True)
    except yaml.YAMLError as error:
        raise YamlProblem(f"cannot read this value: {error}", node.start_mark.line + 1, path) from None
