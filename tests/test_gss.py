"""GSS codes are checked: their shape, and their entity against the council's type or the area's kind."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from engagekit.definition import DefinitionError, load_definition
from engagekit.definition.jsonschema import definition_schema
from engagekit.model import gss
from engagekit.model.council import CouncilType
from engagekit.model.places import AreaKind

ROOT = Path(__file__).resolve().parents[1]

DEFINITION = """\
id: tiny
name: Tiny Council
{council}
programme: {{id: p, name: P}}
areas:
  - id: whole
    name: Tiny
    kind: {kind}
    gss_code: {area_code}
"""


def write(tmp_path: Path, council: str, kind: str = "borough", area_code: str = "null") -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(DEFINITION.format(council=council, kind=kind, area_code=area_code), encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        load_definition(path)
    return [str(problem) for problem in caught.value.problems]


@pytest.mark.parametrize("code", ["E6000022", "12345", "E060000220", "e06000022", " E06000022", "X06000022"])
def test_a_code_of_the_wrong_shape_is_refused_with_its_line(tmp_path: Path, code: str) -> None:
    path = write(tmp_path, f"gss_code: {code!r}\ncouncil_type: unitary")
    assert problems(path) == [
        f"{path}:3: gss_code: {code!r} is not a GSS code (a letter E, N, S or W and eight digits, as in E06000034)"
    ]


def test_digits_must_be_ascii() -> None:
    assert not gss.is_gss_code("E0600002\u0662")  # ARABIC-INDIC DIGIT TWO is a digit to \\d, not to GSS
    assert gss.is_gss_code("E06000022")


def test_a_district_code_on_a_unitary_council_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "gss_code: E07000066\ncouncil_type: unitary")
    assert problems(path) == [
        f"{path}:3: gss_code: a unitary council's code starts E06, W06 or S12; "
        "E07000066 is the code of a non-metropolitan district"
    ]


def test_a_council_of_no_stated_type_still_needs_a_councils_code(tmp_path: Path) -> None:
    path = write(tmp_path, "gss_code: E05000066")
    assert problems(path) == [
        f"{path}:3: gss_code: a council's code starts E06, E07, E08, E09, E10, N09, S12 or W06; "
        "E05000066 is the code of an electoral ward or division"
    ]


def test_a_code_in_no_known_entity_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "gss_code: E99000001\ncouncil_type: county")
    assert problems(path) == [
        f"{path}:3: gss_code: a county council's code starts E10; E99000001 is in no entity engagekit knows (E99)"
    ]


AREA_CASES = [
    (
        "ward",
        "E06000034",
        "a ward's code starts E05, E58, W05, S13 or N08; E06000034 is the code of a unitary authority",
    ),
    (
        "parish",
        "E05000001",
        "a parish's code starts E04 or W04; E05000001 is the code of an electoral ward or division",
    ),
    ("borough", "E04000001", "a borough's code starts E06, E07, E08, E09, W06, S12 or N09; E04000001 is the code of"),
    ("town", "E06000034", "is the code of a unitary authority"),
    ("ward", "W0500001", "'W0500001' is not a GSS code"),
]


@pytest.mark.parametrize(("kind", "code", "message"), AREA_CASES)
def test_an_areas_code_must_fit_its_kind(tmp_path: Path, kind: str, code: str, message: str) -> None:
    path = write(tmp_path, "council_type: unitary", kind=kind, area_code=code)
    (problem,) = problems(path)
    assert problem.startswith(f"{path}:9: areas[0].gss_code: ")
    assert message in problem


@pytest.mark.parametrize(
    ("kind", "code"),
    [("ward", "E05000001"), ("ward", "E58000001"), ("parish", "W04000001"), ("neighbourhood", "E02000001")],
)
def test_codes_that_fit_are_accepted(tmp_path: Path, kind: str, code: str) -> None:
    council = load_definition(write(tmp_path, "gss_code: W06000015\ncouncil_type: unitary", kind=kind, area_code=code))
    assert (council.gss_code, council.areas[0].gss_code) == ("W06000015", code)


def test_every_council_type_has_its_entities() -> None:
    assert set(gss.COUNCIL_PREFIXES) == set(CouncilType)
    assert set(gss.AREA_PREFIXES) == set(AreaKind)
    for prefixes in [*gss.COUNCIL_PREFIXES.values(), *gss.AREA_PREFIXES.values()]:
        assert all(prefix in gss.ENTITIES for prefix in prefixes)
    assert gss.council_type_of("E07000066") is CouncilType.DISTRICT
    assert gss.council_type_of("E05000066") is None


def test_the_bundled_councils_codes_fit_their_types() -> None:
    from engagekit.plugins import get_plugin_host

    councils = get_plugin_host().councils()
    found = {cid: (entry.council.gss_code, entry.council.council_type) for cid, entry in councils.items()}
    assert found["basildon"] == ("E07000066", CouncilType.DISTRICT)
    assert found["thurrock"] == ("E06000034", CouncilType.UNITARY)
    assert found["bathnes"] == ("E06000022", CouncilType.UNITARY)


def test_statistics_uri() -> None:
    assert gss.statistics_uri("E06000034") == "http://statistics.data.gov.uk/id/statistical-geography/E06000034"
    with pytest.raises(ValueError, match="'E6000034' is not a GSS code"):
        gss.statistics_uri("E6000034")


# -- the JSON Schema says the same ---------------------------------------------------------------


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    return Draft202012Validator(definition_schema())


def document(**top: Any) -> dict[str, Any]:
    return {"id": "x", "name": "X", "programme": {"id": "p", "name": "P"}, **top}


@pytest.mark.parametrize(
    "changes",
    [
        {"gss_code": "E6000022"},
        {"gss_code": 12345},
        {"gss_code": "E07000066", "council_type": "unitary"},
        {"gss_code": "E05000066"},
        {"areas": [{"id": "a", "name": "A", "kind": "ward", "gss_code": "E06000034"}]},
    ],
    ids=["shape", "number", "district-on-unitary", "ward-as-council", "unitary-as-ward"],
)
def test_the_schema_refuses_what_the_loader_refuses(validator: Draft202012Validator, changes: dict[str, Any]) -> None:
    assert list(validator.iter_errors(document(**copy.deepcopy(changes))))


@pytest.mark.parametrize(
    "changes",
    [
        {"gss_code": "E06000022", "council_type": "unitary"},
        {"gss_code": "E07000066"},
        {"gss_code": None, "council_type": "district"},
        {"areas": [{"id": "a", "name": "A", "kind": "ward", "gss_code": "E05000001"}]},
    ],
)
def test_the_schema_accepts_codes_that_fit(validator: Draft202012Validator, changes: dict[str, Any]) -> None:
    assert list(validator.iter_errors(document(**changes))) == []


# -- engagekit validate and new-council --------------------------------------------------------


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "engagekit", *args], capture_output=True, text=True, check=False, timeout=60
    )


def test_validate_refuses_a_bad_code(tmp_path: Path) -> None:
    path = write(tmp_path, "gss_code: E07000066\ncouncil_type: unitary")
    result = run("validate", "--definition", str(path))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{path}:3: gss_code: a unitary council's code starts E06, W06 or S12; "
        "E07000066 is the code of a non-metropolitan district"
    ]


def test_new_council_uses_the_same_rules(tmp_path: Path) -> None:
    refused = run("new-council", "Castle Point", "--gss", "E05000069", "--dir", str(tmp_path))
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        "engagekit: a council's code starts E06, E07, E08, E09, E10, N09, S12 or W06; "
        "E05000069 is the code of an electoral ward or division"
    )
    made = run("new-council", "Castle Point", "--gss", "E07000069", "--dir", str(tmp_path))
    assert made.returncode == 0, made.stderr
    text = (tmp_path / "engagekit-castle-point/src/engagekit_castle_point/castle-point.yaml").read_text("utf-8")
    assert "gss_code: E07000069\n# council_type: district   # as its code E07000069 says" in text
