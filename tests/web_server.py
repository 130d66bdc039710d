"""``engagekit serve`` as a real process for the tests, and what the browser tests share.

The tests that need a listening server (a resident's and an officer's journeys in Chromium,
two workers writing at once) start it the same way: on a free port of 127.0.0.1, waited for
until ``/healthz`` answers, stopped afterwards, its output in a log file the failure quotes.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
"""Debian's Chromium, which the browser tests drive through Playwright (``.ci/run`` installs it)."""

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu"]

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}
"""The axe-core rules run on every page: WCAG 2.0, 2.1 and 2.2, levels A and AA."""


def free_port() -> int:
    """A port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def running(
    log: Path, env: Mapping[str, str] | None = None, *, workers: int | None = None, start_seconds: float = 30
) -> Iterator[str]:
    """``engagekit serve`` on a free port with ``env`` (default: this process's environment):
    its base URL once ``/healthz`` answers 200, the process stopped when the block ends."""
    port = free_port()
    command = [sys.executable, "-m", "engagekit", "serve", "--host", "127.0.0.1", "--port", str(port)]
    if workers is not None:
        command += ["--workers", str(workers)]
    base = f"http://127.0.0.1:{port}"
    with log.open("wb") as stream:
        process = subprocess.Popen(
            command, env=dict(env if env is not None else os.environ), stdout=stream, stderr=stream
        )
        try:
            deadline = time.monotonic() + start_seconds
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        stream.flush()
                        raise AssertionError(f"the server did not start: {log.read_text()[-2000:]}") from None
                    time.sleep(0.2)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def tab_to(page: Any, wanted: str, *, limit: int = 60) -> None:
    """Press Tab until the element focused matches the CSS selector ``wanted``."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", wanted):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {wanted} on {page.url}")
