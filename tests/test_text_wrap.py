"""The text report's line breaking gives exactly what :func:`textwrap.wrap` gives.

The text renderer lays out a text that fits on one line without :mod:`textwrap` (most of a
report's texts do, and :mod:`textwrap` was most of the time rendering took); these tests hold
that shortcut to :mod:`textwrap`'s answer for texts that fit, that nearly fit and that do not,
with spaces and other whitespace at either end and inside.
"""

from __future__ import annotations

import textwrap

from hypothesis import given, settings
from hypothesis import strategies as st

from engagekit.report.text import _cell_lines, wrap

TEXTS = st.text(alphabet=st.sampled_from("ab-.é \t\n\r\x0b\x0c\xa0\u2009"), max_size=40)


@settings(max_examples=400)
@given(text=TEXTS, width=st.integers(min_value=1, max_value=45), indent=st.sampled_from(["", "  • ", "    "]))
def test_wrap_is_textwraps(text: str, width: int, indent: str) -> None:
    if width <= len(indent):
        return  # textwrap refuses an indent as wide as the line; the report never asks for one
    expected = textwrap.wrap(
        text,
        width,
        initial_indent=indent,
        subsequent_indent="    ",
        break_on_hyphens=False,
        break_long_words=False,
    )
    assert wrap(text, width, initial_indent=indent, subsequent_indent="    ") == expected


@settings(max_examples=400)
@given(text=TEXTS, width=st.integers(min_value=1, max_value=45))
def test_table_cell_is_textwraps(text: str, width: int) -> None:
    assert _cell_lines(text, width) == (textwrap.wrap(text, width) or [""])


def test_edges() -> None:
    for text in ["", " ", "   ", " lead", "trail  ", "exactly ten", "a\tb", "a\nb", "a  b"]:
        for width in (3, 10, 11, 12):
            assert wrap(text, width) == textwrap.wrap(text, width, break_on_hyphens=False, break_long_words=False)
            assert _cell_lines(text, width) == (textwrap.wrap(text, width) or [""])
