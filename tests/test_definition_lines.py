"""definition_lines reads a definition file as the loader does: a regular file, within the size limit."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from engagekit.definition.loading import MAX_BYTES
from engagekit.definition.quality import definition_lines

TINY = "id: tiny\nname: Tiny\nprogramme: {id: p, name: P}\n"


def lines_within(path: Path, seconds: float = 10) -> dict[tuple[str | int, ...], int] | None:
    """``definition_lines(path)``, or ``None`` if it has not returned within ``seconds``."""
    found: list[dict[tuple[str | int, ...], int]] = []
    worker = threading.Thread(target=lambda: found.append(definition_lines(path)), daemon=True)
    worker.start()
    worker.join(seconds)
    return found[0] if found else None


def test_lines_of_a_definition(tmp_path: Path) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY, encoding="utf-8")
    assert definition_lines(path)[("programme",)] == 3


def test_a_file_past_the_limit_gives_no_lines(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with path.open("w", encoding="utf-8") as stream:
        stream.write(TINY)
        stream.write(("#" * 1023 + "\n") * (MAX_BYTES // 1024 + 1))  # comments: still a valid definition
    assert path.stat().st_size > MAX_BYTES
    assert lines_within(path) == {}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_not_waited_on(tmp_path: Path) -> None:
    path = tmp_path / "swapped.yaml"
    os.mkfifo(path)
    assert lines_within(path) == {}


def test_a_device_is_not_read(tmp_path: Path) -> None:
    link = tmp_path / "zero.yaml"
    link.symlink_to("/dev/zero")
    assert lines_within(link) == {}
