"""Text cells a spreadsheet will show, never run: every CSV and XLSX engagekit writes uses these.

A cell whose text begins ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is taken by
Excel, LibreOffice and Google Sheets as a formula ("CSV injection", OWASP). engagekit writes
such text with a leading apostrophe, which every spreadsheet shows as text; text that already
begins with an apostrophe gets one more, so :func:`restore` can undo :func:`neutralise` exactly
and an export imports back to the same records. A number written as a number (``-3.5``) is
not text and is left alone.
"""

from __future__ import annotations

import re
from typing import Any

RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet treats as the start of a formula (OWASP's list)."""

ESCAPE = "'"
"""The mark that keeps a cell text: shown by no spreadsheet, removed on import."""

_NEEDS_ESCAPE = (*RISKY_STARTS, ESCAPE)
_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?", re.ASCII)


def neutralise(value: Any) -> Any:
    """``value`` as a cell that stays data: risky text gets a leading apostrophe.

    Anything that is not text (a number, a date, ``None``) is returned as it is, and so is
    text that is only a negative number (``-3``), which a spreadsheet reads as that number.
    """
    if not isinstance(value, str) or not value.startswith(_NEEDS_ESCAPE):
        return value
    if _PLAIN_NUMBER.fullmatch(value):
        return value
    return ESCAPE + value


def restore(value: Any) -> Any:
    """The text :func:`neutralise` was given: one leading apostrophe removed where it added one."""
    if isinstance(value, str) and len(value) > 1 and value[0] == ESCAPE and value[1:].startswith(_NEEDS_ESCAPE):
        return value[1:]
    return value
