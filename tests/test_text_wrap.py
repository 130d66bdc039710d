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

from engagekit.report.text import _cell_lines, _fit, wrap

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


def fit_a_character_at_a_time(natural: list[int], minimum: list[int], available: int) -> list[int]:
    """The widths as the text report first worked them out: one character at a time."""
    widths = list(natural)
    while sum(widths) > available:
        widest = max(range(len(widths)), key=lambda i: widths[i] - minimum[i])
        if widths[widest] <= minimum[widest]:
            break
        widths[widest] -= 1
    return widths


@settings(max_examples=1000)
@given(
    columns=st.lists(st.tuples(st.integers(0, 300), st.integers(1, 20)), min_size=1, max_size=8),
    available=st.integers(-10, 400),
)
def test_column_widths_are_those_of_a_character_at_a_time(columns: list[tuple[int, int]], available: int) -> None:
    natural = [width for width, _ in columns]
    minimum = [least for _, least in columns]
    assert _fit(natural, minimum, available) == fit_a_character_at_a_time(natural, minimum, available)
