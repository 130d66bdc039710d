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

MAX_DEPTH = 100
"""Deeper nesting than this is refused: a council's model is a few levels deep, and a parser
asked to nest tens of thousands of levels runs out of stack (libyaml's C parser crashes)."""


class _StrictLoader(_Base):  # type: ignore[misc,valid-type]
    """A safe loader with YAML 1.2-like scalars: no yes/no booleans, no timestamps."""


_StrictLoader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:int", r"^[-+]?[0-9]+$", "-+0123456789"),
    ("tag:yaml.org,2002:float", r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$", "-+0123456789."),
    ("tag:yaml.org,2002:merge", r"^<<$", "<"),
):
    _StrictLoader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))


class YamlDecimal(str):
    """An unquoted decimal, kept as written: ``section: 2.10`` stays "2.10", yet number fields
    know it was written as a number (a quoted ``'12'`` is text and is refused there)."""

    __slots__ = ()


def _decimal(loader: Any, node: yaml.ScalarNode) -> YamlDecimal:
    return YamlDecimal(loader.construct_scalar(node))


_StrictLoader.add_constructor("tag:yaml.org,2002:float", _decimal)

_MERGE = "tag:yaml.org,2002:merge"


def _decimal_int(loader: Any, node: yaml.ScalarNode) -> int:
    """Whole numbers are decimal, as in YAML 1.2: ``010`` is ten, not octal eight."""
    return int(loader.construct_scalar(node), 10)


_StrictLoader.add_constructor("tag:yaml.org,2002:int", _decimal_int)


class YamlProblem(ValueError):
    """The text is not a usable YAML document; ``line`` is 1-based where known."""

    def __init__(self, message: str, line: int | None = None, path: Path = ()) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.path = path


_BRACKETS = re.compile(r"[\[\]{}]")


def _flow_depth(text: str) -> tuple[int, int]:
    """The deepest nesting of ``[`` and ``{`` (a cheap, conservative guard), and its line.

    Only the brackets are visited (a pattern finds them), so a definition with few is read at once.
    """
    depth = deepest = where = 0
    for match in _BRACKETS.finditer(text):
        if match.group() in "[{":
            depth += 1
            if depth > deepest:
                deepest, where = depth, match.start()
        elif depth:
            depth -= 1
    return deepest, text.count("\n", 0, where) + 1


def peek_id(text: str) -> str | None:
    """The text of the document's top-level ``id``, read only as far as it; ``None`` if it is not simply there.

    The plugin host uses this to leave unloaded the definitions of councils other than the one
    asked for, so it must never name an id the full read would not give: it answers only when
    the document is a mapping whose own ``id`` key holds a scalar (``<<`` merges never override a
    mapping's own keys), before any syntax error, and answers ``None`` otherwise.
    """
    if _flow_depth(text)[0] > MAX_DEPTH:
        return None
    loader = _StrictLoader(text)
    try:
        for expected in (yaml.StreamStartEvent, yaml.DocumentStartEvent, yaml.MappingStartEvent):
            if not isinstance(loader.get_event(), expected):
                return None
        while True:
            key = loader.get_event()
            if isinstance(key, yaml.MappingEndEvent):
                return None
            if isinstance(key, yaml.ScalarEvent) and key.value == "id" and key.tag is None:
                value = loader.get_event()
                return value.value if isinstance(value, yaml.ScalarEvent) else None
            _skip_node(loader, key)
            _skip_node(loader, loader.get_event())
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()


def _skip_node(loader: Any, first: yaml.Event) -> None:
    """Read past the rest of the node that starts with event ``first``."""
    depth = 1 if isinstance(first, yaml.CollectionStartEvent) else 0
    while depth:
        event = loader.get_event()
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def read_yaml(text: str) -> tuple[Any, dict[Path, int]]:
    """Parse ``text``; return the data and a map from each path to its 1-based line."""
    depth, where = _flow_depth(text)
    if depth > MAX_DEPTH:
        raise YamlProblem(f"nested more than {MAX_DEPTH} levels deep; refusing to read it", where)
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = error.problem or error.context or "not valid YAML"
        raise YamlProblem(f"not valid YAML: {problem}", line) from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        raise YamlProblem(f"not valid YAML: character {error.character!r} is not allowed", line) from None
    except yaml.YAMLError as error:
        raise YamlProblem(f"not valid YAML: {_first_line(error)}") from None
    except RecursionError:
        raise YamlProblem(f"nested too deeply (more than {MAX_DEPTH} levels); refusing to read it") from None
    finally:
        loader.dispose()
    if node is None:
        return None, {}
    lines: dict[Path, int] = {}
    counter = [0]
    try:
        if _expanded_size(node, {}, set()) > MAX_NODES:
            raise YamlProblem(
                f"the document has more than {MAX_NODES:,} values (aliases expanded); refusing to read it"
            )
        value = _convert(loader, node, (), lines, counter)
    except RecursionError:
        raise YamlProblem(f"nested too deeply (more than {MAX_DEPTH} levels); refusing to read it") from None
    return value, lines


def _expanded_size(node: yaml.Node, sizes: dict[int, int], active: set[int]) -> int:
    """How many values ``node`` stands for once its aliases are expanded, counted without expanding them.

    An alias is the same node object as its anchor, so each distinct node is counted once and
    an alias bomb (nine aliases of nine aliases of ...) is refused at once instead of after a
    million values have been built. A node that contains itself is left for :func:`_convert` to
    report with its line; here it stops the count.
    """
    key = id(node)
    if key in sizes:
        return sizes[key]
    if key in active or not isinstance(node, yaml.MappingNode | yaml.SequenceNode):
        return 1
    active.add(key)
    children = [value for _, value in node.value] if isinstance(node, yaml.MappingNode) else node.value
    size = 1 + sum(_expanded_size(child, sizes, active) for child in children)
    active.discard(key)
    sizes[key] = size
    return size


def _convert(
    loader: Any,
    node: yaml.Node,
    path: Path,
    lines: dict[Path, int],
    counter: list[int],
    within: frozenset[int] = frozenset(),
) -> Any:
    counter[0] += 1
    if counter[0] > MAX_NODES:
        raise YamlProblem(f"the document has more than {MAX_NODES:,} values (aliases expanded); refusing to read it")
    line = node.start_mark.line + 1
    lines.setdefault(path, line)
    if id(node) in within:
        raise YamlProblem("an alias refers to a value that contains it, so it never ends", line, path)
    if len(path) > MAX_DEPTH:
        raise YamlProblem(f"nested more than {MAX_DEPTH} levels deep; refusing to read it", line, path)
    if isinstance(node, yaml.MappingNode):
        within = within | {id(node)}
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != _MERGE:
                if key_node.value in seen:
                    raise YamlProblem(
                        f"key {key_node.value!r} appears twice", key_node.start_mark.line + 1, (*path, key_node.value)
                    )
                seen.add(key_node.value)
        try:
            loader.flatten_mapping(node)  # "<<: *defaults" merges; the mapping's own keys win
        except yaml.YAMLError as error:
            raise YamlProblem(f"cannot merge here: {_first_line(error)}", line, path) from None
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                shown = repr(key_node.value) if isinstance(key_node, yaml.ScalarNode) else f"a {key_node.id}"
                raise YamlProblem(f"keys must be plain words, not {shown}", key_node.start_mark.line + 1, path)
            key = key_node.value
            lines[(*path, key)] = key_node.start_mark.line + 1
            result[key] = _convert(loader, value_node, (*path, key), lines, counter, within)
        return result
    if isinstance(node, yaml.SequenceNode):
        within = within | {id(node)}
        return [_convert(loader, item, (*path, i), lines, counter, within) for i, item in enumerate(node.value)]
    try:
        return loader.construct_object(node, deep=True)
    except yaml.YAMLError as error:
        raise YamlProblem(f"cannot read this value: {_first_line(error)}", line, path) from None
    except (ValueError, TypeError, AttributeError, OverflowError):
        # An explicit tag on a value that does not fit it ("!!int x", "!!timestamp x").
        raise YamlProblem(
            f"cannot read this value as {node.tag.rsplit(':', 1)[-1]}: {node.value!r}", line, path
        ) from None


def _first_line(error: yaml.YAMLError) -> str:
    problem = getattr(error, "problem", None)
    return str(problem or error).splitlines()[0]
