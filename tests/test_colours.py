"""A council's own colours in its definition: written #RRGGBB, and refused where the pages would fail WCAG 2.2 AA."""

from __future__ import annotations

from pathlib import Path

import pytest

from engagekit.definition import DefinitionError, load_definition
from engagekit.model.colours import contrast
from engagekit.plugins import get_plugin_host

DEFINITION = """\
id: testshire
name: Testshire Council
colours:
{colours}
programme: {{id: p, name: Programme}}
"""


def write(tmp_path: Path, colours: str) -> Path:
    path = tmp_path / "testshire.yaml"
    path.write_text(DEFINITION.format(colours=colours), encoding="utf-8")
    return path


def problems(tmp_path: Path, colours: str) -> list[str]:
    path = write(tmp_path, colours)
    with pytest.raises(DefinitionError) as raised:
        load_definition(path, display_name="testshire.yaml")
    return [str(problem) for problem in raised.value.problems]


def test_colours_are_read_with_their_defaults(tmp_path: Path) -> None:
    council = load_definition(write(tmp_path, '  brand: "#1d70b8"'))
    assert council.colours is not None
    assert (council.colours.brand, council.colours.text_on_brand, council.colours.link) == (
        "#1d70b8",
        "#ffffff",
        "#1d70b8",
    )


def test_a_light_brand_colour_with_dark_text_and_its_own_link_colour(tmp_path: Path) -> None:
    council = load_definition(write(tmp_path, '  brand: "#ffdd00"\n  text_on_brand: "#0b0c0c"\n  links: "#1d70b8"'))
    assert council.colours is not None
    assert council.colours.link == "#1d70b8"


def test_contrast_is_wcag_s() -> None:
    assert contrast("#1d70b8", "#ffffff") == pytest.approx(5.17, abs=0.01)  # GOV.UK's link blue
    assert contrast("#ffffff", "#000000") == pytest.approx(21.0)
    assert contrast("#767676", "#ffffff") > 4.5 > contrast("#777777", "#ffffff")


@pytest.mark.parametrize(
    ("colours", "expected"),
    [
        (
            '  brand: "#1d70b"',
            "testshire.yaml:4: colours.brand: '#1d70b' is not a colour written #RRGGBB (such as #1d70b8)",
        ),
        ("  brand: red", "testshire.yaml:4: colours.brand: 'red' is not a colour written #RRGGBB (such as #1d70b8)"),
        (
            '  brand: "#1d70b8"\n  links: "1d70b8"',
            "testshire.yaml:5: colours.links: '1d70b8' is not a colour written #RRGGBB (such as #1d70b8)",
        ),
        ('  text_on_brand: "#ffffff"', "testshire.yaml:3: colours.brand: this key is required but missing"),
    ],
)
def test_a_colour_not_written_rrggbb_is_refused(tmp_path: Path, colours: str, expected: str) -> None:
    assert problems(tmp_path, colours) == [expected]


def test_text_on_the_brand_colour_below_aa_is_refused(tmp_path: Path) -> None:
    assert problems(tmp_path, '  brand: "#1d70b8"\n  text_on_brand: "#777777"') == [
        "testshire.yaml:5: colours.text_on_brand: text on the header band, #777777 on #1d70b8, has a contrast "
        "ratio of 1.15:1; WCAG 2.2 AA needs at least 4.5:1"
    ]


def test_links_below_aa_are_refused_just_under_the_line(tmp_path: Path) -> None:
    assert problems(tmp_path, '  brand: "#000000"\n  links: "#777777"') == [
        "testshire.yaml:5: colours.links: links on the white page (links), #777777 on #ffffff, has a contrast "
        "ratio of 4.47:1; WCAG 2.2 AA needs at least 4.5:1"
    ]
    load_definition(write(tmp_path, '  brand: "#000000"\n  links: "#767676"'))  # 4.54:1 passes


def test_a_light_brand_colour_fails_both_pairs(tmp_path: Path) -> None:
    """The default white text is not in the file, so its problem is on the line of ``colours:``."""
    assert problems(tmp_path, '  brand: "#ffdd00"') == [
        "testshire.yaml:3: colours.text_on_brand: text on the header band, #ffffff on #ffdd00, has a contrast "
        "ratio of 1.34:1; WCAG 2.2 AA needs at least 4.5:1",
        "testshire.yaml:4: colours.brand: links on the white page (brand), #ffdd00 on #ffffff, has a contrast "
        "ratio of 1.34:1; WCAG 2.2 AA needs at least 4.5:1",
    ]


@pytest.mark.parametrize("council_id", ["basildon", "thurrock", "bathnes"])
def test_the_bundled_councils_state_no_colours(council_id: str) -> None:
    """Their documents state none, so their definitions give none and their pages use the neutral palette."""
    assert get_plugin_host().council(council_id).colours is None
