"""GSS codes: the nine-character codes the Office for National Statistics gives to places.

A GSS code is a letter for the nation (E England, W Wales, S Scotland, N Northern Ireland) and
eight digits; the letter and the first two digits (the *entity*, ``E07``) say what kind of
place it is, so a code can be checked against what it is claimed to be the code of: a
unitary council's code starts ``E06``, ``W06`` or ``S12``, a ward's ``E05``. The model's
checks (:mod:`engagekit.model.checks`), ``engagekit new-council`` and the definition schema
all use the rules here, and outputs that identify places (Open Referral UK) build their
addresses with :func:`statistics_uri`.

The entities are those of the ONS Register of Geographic Codes; only the ones a council or
one of its places can carry are listed.
"""

from __future__ import annotations

import re

from engagekit.model.council import CouncilType
from engagekit.model.places import AreaKind

GSS_PATTERN = r"^[ENSW][0-9]{8}$"
"""A GSS code as a regular expression (for JSON Schema too): E, N, S or W and eight ASCII digits."""

_CODE = re.compile(GSS_PATTERN)

SHAPE = "a letter E, N, S or W and eight digits, as in E06000034"
"""What a GSS code looks like, in words, for messages and documentation."""

STATISTICS_BASE = "http://statistics.data.gov.uk/id/statistical-geography/"
"""Where the ONS publishes each code as linked data: this address followed by the code."""

ENTITIES: dict[str, str] = {
    "E00": "an output area",
    "E01": "a lower layer super output area",
    "E02": "a middle layer super output area",
    "E04": "a civil parish",
    "E05": "an electoral ward or division",
    "E06": "a unitary authority",
    "E07": "a non-metropolitan district",
    "E08": "a metropolitan district",
    "E09": "a London borough",
    "E10": "a county",
    "E34": "a built-up area",
    "E35": "a built-up area sub-division",
    "E58": "a county electoral division",
    "W00": "a Welsh output area",
    "W01": "a Welsh lower layer super output area",
    "W02": "a Welsh middle layer super output area",
    "W04": "a Welsh community",
    "W05": "a Welsh electoral ward or division",
    "W06": "a Welsh unitary authority",
    "S00": "a Scottish output area",
    "S01": "a Scottish data zone",
    "S02": "a Scottish intermediate zone",
    "S12": "a Scottish council area",
    "S13": "a Scottish electoral ward",
    "N00": "a Northern Irish small area",
    "N01": "a Northern Irish super output area",
    "N08": "a Northern Irish electoral ward",
    "N09": "a Northern Irish local government district",
    "N10": "a Northern Irish district electoral area",
}
"""What each entity (a code's first three characters) is the code of."""

COUNCIL_PREFIXES: dict[CouncilType, tuple[str, ...]] = {
    CouncilType.UNITARY: ("E06", "W06", "S12"),
    CouncilType.DISTRICT: ("E07", "N09"),
    CouncilType.METROPOLITAN: ("E08",),
    CouncilType.LONDON_BOROUGH: ("E09",),
    CouncilType.COUNTY: ("E10",),
}
"""The entities a council of each type has its code in. Wales's and Scotland's councils are all
unitary (the ONS lists W06 and S12 as unitary authorities); Northern Ireland's are districts."""

COUNCIL_WORDS: dict[CouncilType, str] = {
    CouncilType.UNITARY: "a unitary council",
    CouncilType.DISTRICT: "a district council",
    CouncilType.METROPOLITAN: "a metropolitan district council",
    CouncilType.LONDON_BOROUGH: "a London borough council",
    CouncilType.COUNTY: "a county council",
}
"""A council of each type, in words."""

ANY_COUNCIL: tuple[str, ...] = tuple(sorted(prefix for prefixes in COUNCIL_PREFIXES.values() for prefix in prefixes))
"""Every entity a council's code can be in, for a council whose type is not given."""

_LOCAL_AUTHORITY = ("E06", "E07", "E08", "E09", "W06", "S12", "N09")
_WARDS = ("E05", "E58", "W05", "S13", "N08")
_PARISHES = ("E04", "W04")
_SMALLER_PLACES = (
    "E00", "E01", "E02", "E04", "E05", "E34", "E35", "E58",
    "W00", "W01", "W02", "W04", "W05",
    "S00", "S01", "S02", "S13",
    "N00", "N01", "N08", "N10",
)  # fmt: skip

AREA_PREFIXES: dict[AreaKind, tuple[str, ...]] = {
    AreaKind.BOROUGH: _LOCAL_AUTHORITY,
    AreaKind.DISTRICT: _LOCAL_AUTHORITY,
    AreaKind.WARD: _WARDS,
    AreaKind.PARISH: _PARISHES,
    AreaKind.TOWN: _SMALLER_PLACES,
    AreaKind.NEIGHBOURHOOD: _SMALLER_PLACES,
    AreaKind.LOCALITY: _SMALLER_PLACES,
}
"""The entities an area of each kind can carry a code in. A borough or district is a local
authority's whole area; a ward may also be a county's electoral division (E58), since areas have
no kind of their own for those; a town, neighbourhood or locality is no ONS geography itself, so
its code is that of the smaller statistical, electoral or parish area it matches."""


def is_gss_code(text: str) -> bool:
    """Whether ``text`` has the shape of a GSS code (nothing around it, ASCII digits only)."""
    return _CODE.fullmatch(text) is not None


def shape_problem(code: str) -> str | None:
    """Why ``code`` is not shaped as a GSS code, or ``None`` when it is."""
    if is_gss_code(code):
        return None
    return f"{code!r} is not a GSS code ({SHAPE})"


def entity(code: str) -> str | None:
    """What kind of place ``code`` is the code of (``a non-metropolitan district``), if known."""
    return ENTITIES.get(code[:3]) if is_gss_code(code) else None


def council_code_problem(code: str, council_type: CouncilType | None) -> str | None:
    """Why ``code`` cannot be the code of a council of ``council_type`` (any type when ``None``)."""
    problem = shape_problem(code)
    if problem is not None:
        return problem
    if council_type is None:
        return _prefix_problem(code, ANY_COUNCIL, "a council's code")
    return _prefix_problem(code, COUNCIL_PREFIXES[council_type], f"{COUNCIL_WORDS[council_type]}'s code")


def area_code_problem(code: str, kind: AreaKind) -> str | None:
    """Why ``code`` cannot be the code of an area of ``kind``."""
    problem = shape_problem(code)
    if problem is not None:
        return problem
    return _prefix_problem(code, AREA_PREFIXES[kind], f"{_article(kind.value)} {kind.value}'s code")


def council_type_of(code: str) -> CouncilType | None:
    """The type of council whose codes start as ``code`` does (``None`` for no council's code)."""
    return next((kind for kind, prefixes in COUNCIL_PREFIXES.items() if code[:3] in prefixes), None)


def statistics_uri(code: str) -> str:
    """The ONS linked-data address of a place's code, for identifiers in open data.

    ``statistics_uri("E06000034")`` is
    ``http://statistics.data.gov.uk/id/statistical-geography/E06000034``.

    :raises ValueError: if ``code`` is not shaped as a GSS code.
    """
    problem = shape_problem(code)
    if problem is not None:
        raise ValueError(problem)
    return STATISTICS_BASE + code


def _prefix_problem(code: str, allowed: tuple[str, ...], whose: str) -> str | None:
    if code[:3] in allowed:
        return None
    known = ENTITIES.get(code[:3])
    what = f"{code} is the code of {known}" if known else f"{code} is in no entity engagekit knows ({code[:3]})"
    return f"{whose} starts {_either(allowed)}; {what}"


def _either(prefixes: tuple[str, ...]) -> str:
    """``E06, W06 or S12``."""
    return prefixes[0] if len(prefixes) == 1 else f"{', '.join(prefixes[:-1])} or {prefixes[-1]}"


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"
