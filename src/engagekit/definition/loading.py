"""Load a council definition file: text → plain data → model, with one line per problem.

Every problem names the file, the line (where the file has one) and the path inside the
document, and says what is wrong, e.g.::

    basildon.yaml:212: programme.action_plan.pillars[0].outcomes[1].actions[2].serves[0]: no commitment has id 'x'
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path as FilePath
from typing import TYPE_CHECKING, Any, BinaryIO

import attrs

from engagekit.model.base import Model
from engagekit.model.checks import Path, format_path

if TYPE_CHECKING:
    from engagekit.model.council import Council

# The YAML reader, cattrs and the converter are imported by the functions that parse and
# structure a definition: a command whose council's checked model is cached
# (engagekit.definition.cache) never needs them.

MAX_BYTES = 10 * 1024 * 1024
"""A definition file larger than this is refused (a council's model is tens of kilobytes), and no
more than one byte past it is ever read, whatever the file's size claims to be."""


@attrs.frozen(repr=False, eq=False)
class DefinitionProblem(Model):
    """One thing wrong with a definition file."""

    file: str
    path: Path
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        if self.path:
            where += f": {format_path(self.path)}"
        return f"{where}: {self.message}"


class DefinitionError(ValueError):
    """A definition file could not be loaded; ``problems`` has one entry per problem."""

    def __init__(self, problems: list[DefinitionProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


def load_definition(path: str | FilePath, *, display_name: str | None = None) -> Council:
    """Read and check the definition file at ``path``.

    :param display_name: how to name the file in messages (defaults to the path as given).
    :raises DefinitionError: listing every problem found.
    """
    name = display_name or str(path)
    return load_definition_bytes(read_definition_file(path, name), name)


def read_definition_file(path: str | FilePath, name: str | None = None) -> bytes:
    """The bytes of the definition file at ``path``, read with a bound.

    Only a regular file is read (a symlink is followed first): a device such as ``/dev/zero``
    would never end and a FIFO would wait for a writer, so both are refused before the file is
    opened, and the file is opened non-blocking and checked again in case it was swapped in
    between. At most :data:`MAX_BYTES` are read, whatever the file's size claims to be.

    :param name: how to name the file in messages (defaults to the path as given).
    :raises DefinitionError: with one problem saying why the file cannot be read.
    """
    name = name or str(path)
    file = FilePath(path)
    try:
        found = file.stat()
        _refuse_unless_regular(found.st_mode, name, file)
        _refuse_if_too_big(found.st_size, name)
        descriptor = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(descriptor, "rb") as stream:
            _refuse_unless_regular(os.fstat(stream.fileno()).st_mode, name)
            return _read_bounded(stream, name)
    except FileNotFoundError:
        raise DefinitionError([DefinitionProblem(name, (), "no such file")]) from None
    except IsADirectoryError:
        raise _is_a_folder(name) from None
    except OSError as error:
        raise DefinitionError([DefinitionProblem(name, (), f"cannot be read: {error.strerror or error}")]) from None


def read_definition_stream(stream: BinaryIO, name: str) -> bytes:
    """At most :data:`MAX_BYTES` of a definition from an open binary stream (a plugin's resource).

    :raises DefinitionError: if there is more than that.
    """
    return _read_bounded(stream, name)


def _read_bounded(stream: BinaryIO, name: str) -> bytes:
    raw = stream.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise DefinitionError(
            [DefinitionProblem(name, (), f"the file is more than {MAX_BYTES:,} bytes; the limit is {MAX_BYTES:,}")]
        )
    return raw


def _refuse_unless_regular(mode: int, name: str, path: FilePath | None = None) -> None:
    if stat.S_ISDIR(mode):
        raise _is_a_folder(name)
    if not stat.S_ISREG(mode):
        link = f"is a link to {path.resolve()}, which " if path is not None and path.is_symlink() else ""
        raise DefinitionError(
            [DefinitionProblem(name, (), f"{link}is {kind_of_file(mode)}, not a regular file; only a file can be read")]
        )


def _refuse_if_too_big(size: int, name: str) -> None:
    if size > MAX_BYTES:
        raise DefinitionError([DefinitionProblem(name, (), f"the file is {size:,} bytes; the limit is {MAX_BYTES:,}")])


def _is_a_folder(name: str) -> DefinitionError:
    return DefinitionError([DefinitionProblem(name, (), "is a folder, not a definition file")])


def kind_of_file(mode: int) -> str:
    """What a file that is not a regular file is, in words (``a FIFO``, ``a character device``)."""
    kinds = (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((words for test, words in kinds if test(mode)), "not a file")


def load_definition_bytes(raw: bytes, name: str = "<definition>") -> Council:
    """Like :func:`load_definition`, from the file's bytes; ``name`` is used in messages."""
    _refuse_if_too_big(len(raw), name)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DefinitionError(
            [DefinitionProblem(name, (), f"is not UTF-8 text (byte {error.start} cannot be read)")]
        ) from None
    return load_definition_text(text, name)


def load_definition_text(text: str, name: str = "<definition>") -> Council:
    """Like :func:`load_definition`, from text already read; ``name`` is used in messages."""
    from engagekit.definition.yaml_reader import YamlProblem, read_yaml

    try:
        data, lines = read_yaml(text)
    except YamlProblem as problem:
        raise DefinitionError([DefinitionProblem(name, problem.path, problem.message, problem.line)]) from None
    if not isinstance(data, dict):
        what = "empty" if data is None else "not a mapping of keys to values"
        raise DefinitionError(
            [DefinitionProblem(name, (), f"the document is {what}; it must start with 'id:', 'name:' ...", 1)]
        )
    return structure_council(data, name, lines)


def structure_council(data: dict[str, Any], name: str, lines: dict[Path, int] | None = None) -> Council:
    """Turn plain data (as read from YAML or JSON) into a :class:`Council`, or raise :class:`DefinitionError`."""
    from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError

    from engagekit.definition.converter import make_converter
    from engagekit.model.checks import CouncilInvalid
    from engagekit.model.council import Council

    lines = lines or {}
    try:
        return make_converter().structure(data, Council)
    except CouncilInvalid as invalid:
        problems = [(problem.path, problem.message) for problem in invalid.problems]
    except (ClassValidationError, IterableValidationError, ForbiddenExtraKeysError) as error:
        problems = list(_flatten(error, ()))
    raise DefinitionError(
        [DefinitionProblem(name, path, message, _line_for(path, lines)) for path, message in problems]
    )


def _line_for(path: Path, lines: dict[Path, int]) -> int | None:
    """The line of ``path`` or, if it is missing from the file, of its nearest parent."""
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def _flatten(error: BaseException, path: Path) -> Iterator[tuple[Path, str]]:
    """Each leaf problem in a cattrs error tree, with its path."""
    from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError

    from engagekit.model.certainty import is_qualifier_field
    from engagekit.model.checks import CouncilInvalid

    if isinstance(error, ForbiddenExtraKeysError):
        fields = sorted(attrs.fields(error.cl), key=is_qualifier_field) if attrs.has(error.cl) else []
        allowed = ", ".join(field.name for field in fields)
        for key in sorted(error.extra_fields):
            yield (*path, key), f"unknown key {key!r} (allowed here: {allowed})"
        return
    if isinstance(error, ClassValidationError | IterableValidationError):
        for sub in error.exceptions:
            yield from _flatten(sub, (*path, *_step(sub)))
        return
    if isinstance(error, CouncilInvalid):  # a council's colours check themselves (engagekit.model.colours)
        for problem in error.problems:
            yield (*path, *problem.path), problem.message
        return
    if isinstance(error, KeyError):
        yield path, "this key is required but missing"
        return
    yield path, _message(error)


def _step(error: BaseException) -> Path:
    from cattrs.errors import AttributeValidationNote, IterableValidationNote

    for note in getattr(error, "__notes__", []):
        if isinstance(note, AttributeValidationNote):
            return (note.name,)
        if isinstance(note, IterableValidationNote):
            return (note.index,) if isinstance(note.index, int) else (str(note.index),)
    return ()


def _message(error: BaseException) -> str:
    if isinstance(error, TypeError) and "__init__()" in str(error):
        return f"cannot be built: {str(error).split('__init__() ', 1)[-1]}"
    return str(error) or type(error).__name__
