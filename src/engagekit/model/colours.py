"""A council's own colours for its web pages, checked against WCAG 2.2 AA before they are used.

The GOV.UK crown, logo and typeface are for GOV.UK services only, so a council's pages carry
its own name and, where its definition gives them, its own colours. Three are enough for what
the pages draw: the ``brand`` colour of the header band, the ``text_on_brand`` written on it,
and the colour of ``links`` on the white page (the brand colour unless another is given,
since a light brand colour can make a good band but unreadable links). A definition that gives
none leaves the pages in engagekit's own neutral palette.

Every colour is written ``#RRGGBB``. The two pairs the pages use must each reach the contrast
WCAG 2.2 AA asks of text (4.5:1, success criterion 1.4.3), worked out by coloraide's WCAG 2.x
contrast: a definition whose colours would make the pages fail is refused, naming the pair
and its ratio.
"""

from __future__ import annotations

import re

import attrs

from engagekit.model.certainty import Qualified
from engagekit.model.sources import Source

HEX = re.compile(r"#[0-9A-Fa-f]{6}")
"""A colour as the definition writes it: ``#`` and six hexadecimal digits."""

PAGE = "#ffffff"
"""The page's background, which links are read against."""

AA_TEXT = 4.5
"""The least contrast WCAG 2.2 AA allows for text of normal size (success criterion 1.4.3)."""


def hex_problem(value: object) -> str | None:
    """Why ``value`` is not a colour written ``#RRGGBB`` (``None`` when it is one)."""
    if isinstance(value, str) and HEX.fullmatch(value):
        return None
    return f"{value!r} is not a colour written #RRGGBB (such as #1d70b8)"


def contrast(first: str, second: str) -> float:
    """The WCAG 2.x contrast ratio of two ``#RRGGBB`` colours, from 1 (none) to 21."""
    from coloraide import Color  # only a definition that gives colours needs it

    return float(Color(first).contrast(Color(second), method="wcag21"))


@attrs.frozen(repr=False, eq=False)
class Colours(Qualified):
    """The colours a council's web pages use instead of engagekit's neutral palette."""

    brand: str = attrs.field(
        metadata={
            "description": "The council's brand colour, #RRGGBB: the pages' header band, and links unless "
            "'links' is given."
        },
    )
    text_on_brand: str = attrs.field(
        default="#ffffff",
        metadata={"description": "The colour of the text on the header band, #RRGGBB (white unless given)."},
    )
    links: str | None = attrs.field(
        default=None,
        metadata={"description": "The colour of links on the white page, #RRGGBB (the brand colour unless given)."},
    )
    source: Source | None = None

    def __attrs_post_init__(self) -> None:
        from engagekit.model.checks import CouncilInvalid, Problem

        shapes = [
            Problem((name,), problem)
            for name in ("brand", "text_on_brand", "links")
            if (value := getattr(self, name)) is not None and (problem := hex_problem(value))
        ]
        if shapes:
            raise CouncilInvalid(shapes)
        problems = [Problem((name,), message) for name, message in self.contrast_problems()]
        if problems:
            raise CouncilInvalid(problems)

    @property
    def link(self) -> str:
        """The colour links are drawn in."""
        return self.links or self.brand

    def pairs(self) -> list[tuple[str, str, str, str]]:
        """The pairs the pages draw: (the key to blame, what the pair is, foreground, background)."""
        link = "links" if self.links else "brand"
        return [
            ("text_on_brand", "text on the header band", self.text_on_brand, self.brand),
            (link, f"links on the white page ({link})", self.link, PAGE),
        ]

    def contrast_problems(self) -> list[tuple[str, str]]:
        """Each pair below WCAG 2.2 AA's 4.5:1: the key to blame, and a line naming the pair and its ratio."""
        problems = []
        for name, what, foreground, background in self.pairs():
            ratio = contrast(foreground, background)
            if ratio < AA_TEXT:
                shown = f"{int(ratio * 100) / 100:.2f}"  # rounded down, so 4.499 never reads as 4.50
                problems.append(
                    (
                        name,
                        f"{what}, {foreground} on {background}, has a contrast ratio of {shown}:1; "
                        f"WCAG 2.2 AA needs at least {AA_TEXT}:1",
                    )
                )
        return problems
