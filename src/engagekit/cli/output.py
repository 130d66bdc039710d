"""Writing command output: to standard output, or to the path ``--output`` names, as that path is.

Every command that writes a file (``report``, ``export``, ``compare``, ``calendar``,
``schema``) writes through :func:`write_output`, which treats the path as what it is
(``opendata`` writes a folder, renamed in whole by :mod:`engagekit.cli.opendata`):

- a regular file, or a path that does not exist yet, is written whole or not at all: into a
  temporary file in the same folder, flushed and synced, then renamed over the target. An
  existing file keeps its mode (and its owner and group, where that is permitted); a new file
  gets ``0o666`` less the user's umask, as any program's output does;
- a symbolic link is followed: its final target is written (so, atomically, when that is a
  regular file) and the link stays a link;
- anything else (a device such as ``/dev/null`` or ``/dev/full``, a FIFO) is written straight
  into: it cannot be replaced, and renaming over it would replace it with a regular file;
- ``-`` is standard output;
- an existing file that may be written, in a folder that may not (no temporary file can be
  made beside it), is rewritten in place: the content is made first in a temporary file of
  the system's temporary folder, then copied over the file, and a note on standard error says
  the file was not replaced atomically.

No temporary file is left behind, whatever stops the write: an error, Ctrl-C, ``sys.exit``
or SIGTERM (turned into :class:`SystemExit` while a file is being written). A binary format
is not written to a terminal. A failure to write is one line naming the path, exit status 2.

Content is text, bytes, an iterable of text or byte chunks, or a :data:`Writer`: a function
given the open binary stream, so an export of any size is written as it is made.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import stat
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import FrameType
from typing import BinaryIO

import click

from engagekit.cli.app import UsageProblem
from engagekit.whole_folder import sync_folder

Writer = Callable[[BinaryIO], None]
"""Writes the content, piece by piece, to the binary stream it is given."""

Content = str | bytes | Iterable[str] | Iterable[bytes] | Writer
"""What a command writes: text (UTF-8), bytes, chunks of either, or a :data:`Writer`."""

STDOUT = "-"
"""``--output -``: standard output."""

NEW_FILE_MODE = 0o666
"""A new output file's mode before the umask, as ``open()`` and the shell's ``>`` give."""

_CHUNK = 1 << 20


def is_stdout(output: Path | None) -> bool:
    """Whether ``output`` means standard output (no ``--output``, or ``--output -``)."""
    return output is None or str(output) == STDOUT


def refuse_binary_terminal(output: Path | None, extension: str | None = None) -> None:
    """Stop before writing a binary format to a terminal, where it would only garble the screen.

    ``extension`` names the format (``xlsx``); a pipe or a redirected standard output is fine.
    """
    if not is_stdout(output) or not _stdout_is_terminal():
        return
    if extension:
        raise UsageProblem(
            f"{extension.upper()} is a binary format: give --output FILE.{extension} or redirect the output"
        )
    raise UsageProblem("this format is binary: give --output FILE or redirect the output")


def write_output(
    content: Content, output: Path | None, *, colour: bool | None = None, binary: str | None = None
) -> None:
    """Write ``content`` to ``output`` (standard output when ``None`` or ``-``), as the path is.

    ``binary`` names a binary format (``xlsx``) that a :data:`Writer` or chunks produce, so it
    is refused on a terminal; bytes content is always taken as binary. ``colour`` is passed to
    click for text written whole to standard output (it strips colour off a pipe otherwise).
    """
    is_binary = binary is not None or isinstance(content, bytes)
    if is_stdout(output):
        if is_binary:
            refuse_binary_terminal(output, binary)
        _to_stdout(content, colour)
        return
    assert output is not None
    target = Path(os.path.realpath(output))  # a symlink's final target; the link stays
    try:
        status = target.stat()
    except FileNotFoundError:
        status = None
    except OSError as error:
        raise _problem(output, "cannot write there", error) from None
    with _terminated_as_exit():
        if status is not None and not stat.S_ISREG(status.st_mode):
            _into(output, target, content)
        else:
            _replace(output, target, content, status)


# -- standard output ----------------------------------------------------------------------


def _stdout_is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _to_stdout(content: Content, colour: bool | None) -> None:
    """Text goes through click (which knows the terminal); anything else as UTF-8 or bytes."""
    try:
        if isinstance(content, str):
            click.echo(content, nl=False, color=colour)
            return
        sys.stdout.flush()
        stream = sys.stdout.buffer
        _emit(content, stream)
        stream.flush()
    except BrokenPipeError:
        _quiet_broken_pipe()
    except OSError as error:
        raise _problem(STDOUT, "cannot write", error, name="standard output") from None


def _quiet_broken_pipe() -> None:
    """The reader went away (``| head``): stop quietly, as ``cat`` does, with SIGPIPE's status."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's last flush does not fail
    raise SystemExit(128 + signal.SIGPIPE)


# -- files ----------------------------------------------------------------------------------


def _emit(content: Content, stream: BinaryIO) -> None:
    """Write any kind of content to a binary stream."""
    if isinstance(content, bytes):
        stream.write(content)
    elif isinstance(content, str):
        stream.write(content.encode("utf-8"))
    elif callable(content):
        content(stream)
    else:
        for chunk in content:
            stream.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)


def _into(output: Path, target: Path, content: Content) -> None:
    """Write straight into a device or FIFO: no temporary file, nothing renamed."""
    try:
        with target.open("wb") as stream:
            _emit(content, stream)
    except OSError as error:
        raise _problem(output, "cannot write", error) from None


def _replace(output: Path, target: Path, content: Content, status: os.stat_result | None) -> None:
    """Write a regular file whole or not at all: a temporary file beside it, then a rename."""
    folder = target.parent
    if status is not None and not os.access(target, os.W_OK):  # as the shell's ">" would refuse it
        raise _problem(output, "cannot write", PermissionError(errno.EACCES, os.strerror(errno.EACCES)))
    try:
        handle, temporary = _temporary_beside(target)
    except OSError as error:
        if status is not None and error.errno in (errno.EACCES, errno.EPERM) and os.access(target, os.W_OK):
            _rewrite_in_place(output, target, content)
            return
        raise _problem(output, "cannot write there", error) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            _emit(content, stream)
            stream.flush()
            os.fsync(stream.fileno())
            if status is not None:
                _keep_mode_and_owner(stream.fileno(), status)
        Path(temporary).replace(target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        if isinstance(error, OSError):
            raise _problem(output, "cannot write", error) from None
        raise
    sync_folder(folder)  # the rename itself made durable


def _temporary_beside(target: Path) -> tuple[int, str]:
    """A new file ``.<name>.<random>.tmp`` beside ``target``, made with the umask applied.

    ``tempfile.mkstemp`` would make it 0600 whatever the umask; ``O_EXCL`` keeps it ours.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    while True:
        name = target.parent / f".{target.name}.{os.urandom(4).hex()}.tmp"
        try:
            return os.open(name, flags, NEW_FILE_MODE), str(name)
        except FileExistsError:
            continue


def _keep_mode_and_owner(handle: int, status: os.stat_result) -> None:
    """Give the new file the replaced file's permissions, and its owner and group where allowed."""
    if (status.st_uid, status.st_gid) != (os.getuid(), os.getgid()):
        with contextlib.suppress(OSError):
            os.fchown(handle, status.st_uid, status.st_gid)
    os.fchmod(handle, stat.S_IMODE(status.st_mode))


def _rewrite_in_place(output: Path, target: Path, content: Content) -> None:
    """Update a writable file in a folder that is not: make the content elsewhere, then copy it in.

    The content is complete before the file is touched, so a failure while making it (a store
    error, Ctrl-C) leaves the file as it was; only a failure while copying could leave it short.
    The staging file is anonymous, so it cannot be left behind.
    """
    import shutil
    import tempfile

    try:
        with tempfile.TemporaryFile() as staged:
            _emit(content, staged)
            staged.seek(0)
            with target.open("r+b") as stream:
                stream.truncate(0)
                shutil.copyfileobj(staged, stream, _CHUNK)
                stream.flush()
                os.fsync(stream.fileno())
    except OSError as error:
        raise _problem(output, "cannot write", error) from None
    click.echo(f"engagekit: note: {output}: its folder cannot be written to, so it was rewritten in place", err=True)


def _problem(output: Path | str, what: str, error: OSError, *, name: str | None = None) -> UsageProblem:
    return UsageProblem(f"{name or output}: {what}: {error.strerror or error}")


@contextlib.contextmanager
def _terminated_as_exit() -> Iterator[None]:
    """While a file is written, SIGTERM raises :class:`SystemExit` (status 143), so the
    temporary file is removed on the way out; the previous handler is put back afterwards.

    Signal handlers can only be set from the main thread; elsewhere nothing changes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminate(number: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + number)

    try:
        previous = signal.signal(signal.SIGTERM, terminate)
    except (ValueError, OSError):  # not allowed here (an embedded interpreter)
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


__all__ = ["STDOUT", "Content", "Writer", "is_stdout", "refuse_binary_terminal", "write_output"]
