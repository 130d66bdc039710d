"""Text from definitions, records and plugins made safe to print to a terminal or a text file.

A record's note or a definition's name is untrusted: ``\\x1b]0;...\\x07`` would retitle the
user's terminal window, ``\\x1b[2J`` clear the screen, a bare ``\\r`` overwrite what a line
began with, and an OSC 8 sequence hide a link behind innocent words. :func:`printable` removes
whole escape sequences (CSI, OSC, DCS, SOS, PM, APC and two-character escapes, introduced by
ESC or by their C1 forms) and then every other C0 and C1 control character, keeping the
words around them. Commands apply it to untrusted text *before* adding engagekit's own
colour, so the colour of status words (and ``NO_COLOR``) works as before.

:func:`json_printable` does the same service for JSON written with ``ensure_ascii=False``:
``json`` escapes C0 controls itself but writes DEL and C1 controls raw, and a terminal may act
on U+009B (CSI) as it does on ``ESC [``.
"""

from __future__ import annotations

import re

_STRING_COMMAND = r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c|$)"
"""OSC, DCS, SOS, PM and APC: an introducer, a string, and its terminator (BEL or ST), or the
end of the text when a sequence is left open (so what follows can never be taken into it)."""

_CONTROL_SEQUENCE = r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
"""CSI: parameters, intermediates and a final byte (``\\x1b[2J``, ``\\x1b[31m``)."""

_ESCAPE = r"\x1b[\x20-\x2f]*[\x30-\x7e]?"
"""Any other escape: ESC, intermediates and a final byte (``\\x1bc`` resets the terminal)."""

_SEQUENCES = re.compile(f"{_STRING_COMMAND}|{_CONTROL_SEQUENCE}|{_ESCAPE}")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROLS_AND_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_JSON_UNESCAPED = re.compile(r"[\x7f-\x9f]")


def printable(text: str, *, multiline: bool = True) -> str:
    """``text`` without terminal escape sequences or control characters.

    Newlines and tabs are kept when ``multiline`` (the text is laid out as lines); with
    ``multiline=False`` each becomes a space, for a value printed inside one line of output
    (a history entry, a table row), so it cannot start a line that looks like engagekit's own.
    A carriage return is always removed: it would let text overwrite the start of its line.
    """
    if text.isprintable():  # the common case: nothing to remove, no regular expression run
        return text
    text = _SEQUENCES.sub("", text)
    if not multiline:
        text = text.replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
        return _CONTROLS_AND_BREAKS.sub("", text)
    return _CONTROLS.sub("", text)


def json_printable(text: str) -> str:
    """JSON text with DEL and C1 controls written as ``\\uXXXX`` escapes (still the same JSON).

    Only for output of :func:`json.dumps`, where such characters can stand only inside strings.
    """
    return _JSON_UNESCAPED.sub(lambda match: f"\\u{ord(match.group(0)):04x}", text)
