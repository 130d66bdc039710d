"""Broken definition files and the exact one-line problems each is reported with.

Each case is a small YAML document written to a file; the expected lines are
``str(DefinitionError)`` split into lines, with ``{file}`` standing for the file's path.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from importlib.resources import as_file, files
from pathlib import Path

import pytest

from engagekit.definition import DefinitionError, load_definition, load_definition_text, structure_council
from engagekit.definition.converter import make_converter
from engagekit.model import Area, AreaKind, PartialDate

VALID = """\
id: x
name: X
programme:
  id: p
  name: P
"""

QUALIFIER_KEYS = "certainty, reasoning, wording, qualifiers, sources"
"""The keys every item inherits (how sure it is, further sources): listed after its own."""
TOP_KEYS = (
    "id, name, programme, gss_code, council_type, org_id, description, colours, documents, earlier_programmes, areas, "
    f"clusters, phases, communities, hubs, bodies, partners, methods, abcd, source, {QUALIFIER_KEYS}"
)
PROGRAMME_KEYS = (
    "id, name, kind, status, summary, period, adopted, adopted_by, documents, key_dates, commitments, action_plan, "
    "indicators, governance, rules, objectives, statements, linked_documents, initiatives, offers, funding, "
    f"assessments, legal, source, {QUALIFIER_KEYS}"
)
AREA_KINDS = "borough, district, town, ward, parish, neighbourhood, locality"


def with_programme(lines: str) -> str:
    """The valid document with ``lines`` (indented two spaces, as programme keys) added at its end."""
    return VALID + "".join(f"  {line}\n" for line in lines.splitlines())


def with_top(lines: str) -> str:
    """The valid document with top-level ``lines`` added at its end (from line 6)."""
    return VALID + lines + ("" if lines.endswith("\n") else "\n")


def write(tmp_path: Path, text: str | bytes, name: str = "council.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def error_lines(path: Path) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        load_definition(path)
    return str(caught.value).split("\n")


def expand(lines: list[str], path: Path) -> list[str]:
    return [line.replace("{file}", str(path)) for line in lines]


BROKEN = [
    pytest.param(
        "id: x\nname: X\n  extra: 1\nprogramme: {id: p, name: P}\n",
        ["{file}:3: not valid YAML: mapping values are not allowed in this context"],
        id="yaml-syntax-error",
    ),
    pytest.param(
        "id: x\nname: X\nprogramme:\n\tid: p\n",
        ["{file}:4: not valid YAML: found character that cannot start any token"],
        id="yaml-tab-indent",
    ),
    pytest.param(
        "",
        ["{file}:1: the document is empty; it must start with 'id:', 'name:' ..."],
        id="empty-file",
    ),
    pytest.param(
        "# only a comment\n\n",
        ["{file}:1: the document is empty; it must start with 'id:', 'name:' ..."],
        id="comments-only",
    ),
    pytest.param(
        "- id: x\n- name: X\n",
        ["{file}:1: the document is not a mapping of keys to values; it must start with 'id:', 'name:' ..."],
        id="top-level-list",
    ),
    pytest.param(
        "id: x\nname: X\nprogramme: {id: p, name: P}\nname: Y\n",
        ["{file}:4: name: key 'name' appears twice"],
        id="duplicate-key",
    ),
    pytest.param(
        with_programme("commitments:\n  - id: c\n    name: C\n    id: d"),
        ["{file}:9: programme.commitments[0].id: key 'id' appears twice"],
        id="duplicate-nested-key",
    ),
    pytest.param(
        with_top("3: three"),
        ["{file}:6: keys must be plain words, not '3'"],
        id="number-key",
    ),
    pytest.param(
        with_programme("true: yes"),
        ["{file}:6: programme: keys must be plain words, not 'true'"],
        id="boolean-key",
    ),
    pytest.param(
        with_top("colour: red"),
        [f"{{file}}:6: colour: unknown key 'colour' (allowed here: {TOP_KEYS})"],
        id="unknown-top-level-key",
    ),
    pytest.param(
        with_programme("colour: red"),
        [f"{{file}}:6: programme.colour: unknown key 'colour' (allowed here: {PROGRAMME_KEYS})"],
        id="unknown-programme-key",
    ),
    pytest.param(
        with_programme(
            "action_plan:\n  pillars:\n    - id: pi\n      name: Pi\n      outcomes:\n        - id: o\n"
            "          statement: S\n          actions:\n            - id: A-1\n              text: T\n"
            "              colour: red"
        ),
        [
            "{file}:16: programme.action_plan.pillars[0].outcomes[0].actions[0].colour: unknown key 'colour' "
            "(allowed here: id, text, owner, partners, due, review_point, serves, level, abcd, note, source, "
            f"{QUALIFIER_KEYS})"
        ],
        id="unknown-action-key",
    ),
    pytest.param(
        with_top("source: {document: d, section: s, pg: 3}"),
        ["{file}:6: source.pg: unknown key 'pg' (allowed here: document, section, page)"],
        id="unknown-source-key",
    ),
    pytest.param(
        "id: x\nprogramme: {id: p, name: P}\n",
        ["{file}:1: name: this key is required but missing"],
        id="missing-top-level-key",
    ),
    pytest.param(
        "id: x\nname: X\nprogramme:\n  id: p\n",
        ["{file}:3: programme.name: this key is required but missing"],
        id="missing-nested-key",
    ),
    pytest.param(
        with_top("areas:\n  - {id: a, name: A}"),
        ["{file}:7: areas[0].kind: this key is required but missing"],
        id="missing-key-in-list-item",
    ),
    pytest.param(
        with_programme("documents: strategy"),
        ["{file}:6: programme.documents: expected a list, got the text 'strategy'"],
        id="text-for-list",
    ),
    pytest.param(
        with_top("areas: {id: a}"),
        ["{file}:6: areas: expected a list, got a mapping"],
        id="mapping-for-list",
    ),
    pytest.param(
        "id: x\nname: [X]\nprogramme: {id: p, name: P}\n",
        ["{file}:2: name: expected text, got a list"],
        id="list-for-text",
    ),
    pytest.param(
        "id: x\nname: null\nprogramme: {id: p, name: P}\n",
        ["{file}:2: name: expected text, got nothing (null)"],
        id="null-for-text",
    ),
    pytest.param(
        "id: x\nname: X\nprogramme: [p]\n",
        ["{file}:3: programme: expected a mapping of keys to values, got a list"],
        id="list-for-mapping",
    ),
    pytest.param(
        with_programme("funding:\n  - id: f\n    amount_gbp: lots"),
        ["{file}:8: programme.funding[0].amount_gbp: expected a whole number, got the text 'lots'"],
        id="text-for-whole-number",
    ),
    pytest.param(
        with_top("phases:\n  - {id: one, name: One, order: 1.5}"),
        ["{file}:7: phases[0].order: expected a whole number, got the number 1.5"],
        id="decimal-for-whole-number",
    ),
    pytest.param(
        with_programme("indicators:\n  - {id: i, name: I, kind: numeric, target: '12'}"),
        ["{file}:7: programme.indicators[0].target: expected a number, got the text '12'"],
        id="text-for-number",
    ),
    pytest.param(
        with_top("areas:\n  - id: a\n    name: A\n    kind: parish\n    parished: yes"),
        ["{file}:10: areas[0].parished: expected true or false, got the text 'yes'"],
        id="yes-for-bool",
    ),
    pytest.param(
        with_top("areas:\n  - {id: a, name: A, kind: town, parished: 1}"),
        ["{file}:7: areas[0].parished: expected true or false, got the number 1"],
        id="number-for-bool",
    ),
    pytest.param(
        with_programme("commitments:\n  - id: c\n    name: C\n    kind: promise"),
        ["{file}:9: programme.commitments[0].kind: 'promise' is not one of: commitment, principle, outcome, value"],
        id="bad-enum",
    ),
    pytest.param(
        "id: x\nname: X\ncouncil_type: 3\nprogramme: {id: p, name: P}\n",
        ["{file}:3: council_type: the number 3 is not one of: district, unitary, county, metropolitan, london-borough"],
        id="number-for-enum",
    ),
    pytest.param(
        with_programme("adopted: March 2022"),
        ["{file}:6: programme.adopted: 'March 2022' is not a date written YYYY, YYYY-MM or YYYY-MM-DD"],
        id="date-in-words",
    ),
    pytest.param(
        with_programme("adopted: 2022-13"),
        ["{file}:6: programme.adopted: '2022-13' is not a real date"],
        id="date-month-13",
    ),
    pytest.param(
        with_programme("period: {start: 2021, end: 2022-02-30}"),
        ["{file}:6: programme.period.end: '2022-02-30' is not a real date"],
        id="date-30-february",
    ),
    pytest.param(
        with_programme("adopted: 2021.5"),
        ["{file}:6: programme.adopted: expected a date written YYYY, YYYY-MM or YYYY-MM-DD, got the number 2021.5"],
        id="decimal-for-date",
    ),
    pytest.param(
        with_programme("period: {start: 2026, end: 2021}"),
        ["{file}:6: programme.period: the period ends (2021) before it starts (2026)"],
        id="period-ends-before-start",
    ),
    pytest.param(
        with_programme("rules:\n  - id: r\n    kind: magic\n    title: T"),
        ["{file}:7: programme.rules[0]: rule kind 'magic' is not one of: coverage, phase-order, local-plan"],
        id="rule-unknown-kind",
    ),
    pytest.param(
        with_programme("rules:\n  - id: r\n    title: T"),
        ["{file}:7: programme.rules[0]: a rule needs a 'kind', one of: coverage, phase-order, local-plan"],
        id="rule-without-kind",
    ),
    pytest.param(
        with_programme("rules:\n  - coverage"),
        ["{file}:7: programme.rules[0]: expected a rule (a mapping with a 'kind'), got the text 'coverage'"],
        id="rule-not-a-mapping",
    ),
    pytest.param(
        with_programme("rules:\n  - {id: r, kind: coverage, title: T, area_kind: city}"),
        [f"{{file}}:7: programme.rules[0].area_kind: 'city' is not one of: {AREA_KINDS}"],
        id="rule-field-bad-enum",
    ),
    pytest.param(
        with_top(
            "areas:\n  - {id: a, name: A, kind: town}\n  - {id: b, name: B, kind: town}\n"
            "  - {id: a, name: C, kind: ward}"
        ),
        ["{file}:9: areas[2].id: duplicate area id 'a'"],
        id="duplicate-area-ids",
    ),
    pytest.param(
        with_programme("commitments:\n  - {id: c, name: C}\n  - {id: c, name: D}"),
        ["{file}:8: programme.commitments[1].id: duplicate commitment id 'c'"],
        id="duplicate-commitment-ids",
    ),
    pytest.param(
        with_top(
            "areas:\n  - {id: borough, name: B, kind: borough}\n  - {id: ward, name: W, kind: ward}\n"
            "  - {id: t, name: T, kind: town, parent: bourgh}"
        ),
        ["{file}:9: areas[2].parent: no area has id 'bourgh' (known: borough, t, ward)"],
        id="unresolved-area-parent",
    ),
    pytest.param(
        with_programme(
            "commitments:\n  - {id: listen, name: L}\n  - {id: act, name: A}\n"
            "action_plan:\n  outcomes:\n    - id: o\n      statement: S\n      actions:\n"
            "        - {id: A-1, text: T, serves: [listen, lisen]}"
        ),
        [
            "{file}:14: programme.action_plan.outcomes[0].actions[0].serves[1]: "
            "no commitment has id 'lisen' (known: act, listen)"
        ],
        id="unresolved-commitment",
    ),
    pytest.param(
        with_top("source: {document: strategy, section: s}"),
        ["{file}:6: source.document: no document has id 'strategy' (known: none are defined)"],
        id="unresolved-document-none-defined",
    ),
]


@pytest.mark.parametrize(("text", "expected"), BROKEN)
def test_broken_definition(tmp_path: Path, text: str, expected: list[str]) -> None:
    path = write(tmp_path, text)
    assert error_lines(path) == expand(expected, path)


def test_valid_minimal_definition_loads(tmp_path: Path) -> None:
    council = load_definition(write(tmp_path, VALID))
    assert (council.id, council.name, council.programme.id, council.programme.name) == ("x", "X", "p", "P")


@pytest.mark.parametrize(
    ("written", "expected"),
    [("2021", PartialDate(2021)), ("2021-03", PartialDate(2021, 3)), ("'2021-03-31'", PartialDate(2021, 3, 31))],
    ids=["year-only", "year-month", "quoted-day"],
)
def test_partial_dates_accepted(tmp_path: Path, written: str, expected: PartialDate) -> None:
    council = load_definition(write(tmp_path, with_programme(f"adopted: {written}\nperiod: {{start: {written}}}")))
    assert council.programme.adopted == expected
    assert council.programme.period is not None
    assert council.programme.period.start == expected


def test_yes_and_no_stay_text(tmp_path: Path) -> None:
    council = load_definition(write(tmp_path, with_top("description: no\nareas:\n  - {id: no, name: NO, kind: town}")))
    assert council.description == "no"
    assert council.areas == [Area(id="no", name="NO", kind=AreaKind.TOWN)]


def test_invalid_utf8(tmp_path: Path) -> None:
    path = write(tmp_path, b"id: x\nname: \xff\xfe\nprogramme: {id: p, name: P}\n")
    assert error_lines(path) == [f"{path}: is not UTF-8 text (byte 12 cannot be read)"]


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    assert error_lines(path) == [f"{path}: no such file"]


def test_directory(tmp_path: Path) -> None:
    path = tmp_path / "councils"
    path.mkdir()
    assert error_lines(path) == [f"{path}: is a folder, not a definition file"]


def test_display_name_is_used_in_messages(tmp_path: Path) -> None:
    path = write(tmp_path, with_programme("adopted: soon"))
    with pytest.raises(DefinitionError) as caught:
        load_definition(path, display_name="my.yaml")
    assert str(caught.value) == "my.yaml:6: programme.adopted: 'soon' is not a date written YYYY, YYYY-MM or YYYY-MM-DD"


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    # Nine levels of nine aliases: 9**9 (about 387 million) values once expanded.
    levels = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 9):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        levels.append(f"a{level}: &a{level} [{refs}]")
    path = write(tmp_path, "id: x\nname: X\n" + "\n".join(levels) + "\nprogramme: {id: p, name: P}\n")
    started = time.perf_counter()
    lines = error_lines(path)
    assert time.perf_counter() - started < 5
    assert lines == [f"{path}: the document has more than 1,000,000 values (aliases expanded); refusing to read it"]


def test_self_referencing_alias_is_a_definition_error(tmp_path: Path) -> None:
    # A node that contains itself expands forever; it must be refused like the alias bomb,
    # not escape as a RecursionError.
    path = write(tmp_path, with_top("description: &loop [*loop]"))
    with pytest.raises(DefinitionError) as caught:
        load_definition(path)
    assert len(caught.value.problems) == 1
    assert str(caught.value).startswith(f"{path}")


@pytest.mark.parametrize(("written", "value"), [("010", 10), ("08", 8), ("0", 0), ("-3", -3)])
def test_integers_are_decimal(tmp_path: Path, written: str, value: int) -> None:
    # The reader resolves integers the YAML 1.2 way: a leading zero is not octal.
    council = load_definition(write(tmp_path, with_top(f"phases:\n  - {{id: one, name: One, order: {written}}}")))
    assert council.phases[0].order == value


def test_month_zero_is_not_a_real_date(tmp_path: Path) -> None:
    path = write(tmp_path, with_programme("adopted: 2022-00"))
    assert error_lines(path) == [f"{path}:6: programme.adopted: '2022-00' is not a real date"]


def test_merge_keys_are_resolved(tmp_path: Path) -> None:
    text = with_top(
        "areas:\n  - id: a\n    <<: &town {kind: town, parished: false}\n    name: A\n"
        "  - id: b\n    <<: *town\n    name: B"
    )
    council = load_definition(write(tmp_path, text))
    assert council.areas == [
        Area(id="a", name="A", kind=AreaKind.TOWN, parished=False),
        Area(id="b", name="B", kind=AreaKind.TOWN, parished=False),
    ]


def test_unknown_tag_is_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, "id: !!python/object:os.system x\nname: X\nprogramme: {id: p, name: P}\n")
    lines = error_lines(path)
    assert len(lines) == 1, lines
    assert lines[0] == (
        f"{path}:1: id: cannot read this value: "
        "could not determine a constructor for the tag 'tag:yaml.org,2002:python/object:os.system'"
    )


def test_several_problems_in_one_error(tmp_path: Path) -> None:
    text = (
        "id: x\n"
        "name: X\n"
        "colour: red\n"
        "areas:\n"
        "  - {id: a, name: A, kind: city}\n"
        "  - {id: b, name: B, kind: town, parished: yes}\n"
        "programme:\n"
        "  id: p\n"
        "  name: P\n"
        "  adopted: soon\n"
    )
    path = write(tmp_path, text)
    with pytest.raises(DefinitionError) as caught:
        load_definition(path)
    expected = expand(
        [
            f"{{file}}:3: colour: unknown key 'colour' (allowed here: {TOP_KEYS})",
            f"{{file}}:5: areas[0].kind: 'city' is not one of: {AREA_KINDS}",
            "{file}:6: areas[1].parished: expected true or false, got the text 'yes'",
            "{file}:10: programme.adopted: 'soon' is not a date written YYYY, YYYY-MM or YYYY-MM-DD",
        ],
        path,
    )
    lines = str(caught.value).split("\n")
    assert sorted(lines) == sorted(expected)
    assert sorted(str(problem) for problem in caught.value.problems) == sorted(expected)
    assert {(problem.line, problem.path) for problem in caught.value.problems} == {
        (3, ("colour",)),
        (5, ("areas", 0, "kind")),
        (6, ("areas", 1, "parished")),
        (10, ("programme", "adopted")),
    }


def test_several_invariant_problems_in_one_error(tmp_path: Path) -> None:
    text = with_top(
        "areas:\n  - {id: a, name: A, kind: town, parent: z}\n  - {id: a, name: B, kind: town}\n"
        "clusters:\n  - {id: c, name: C, phase: one}"
    )
    path = write(tmp_path, text)
    assert error_lines(path) == expand(
        [
            "{file}:8: areas[1].id: duplicate area id 'a'",
            "{file}:7: areas[0].parent: no area has id 'z' (known: a)",
            "{file}:10: clusters[0].phase: no phase has id 'one' (known: none are defined)",
        ],
        path,
    )


# --- python -m engagekit.definition -----------------------------------------------------------


def run_checker(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "engagekit.definition", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_checker_reports_a_broken_file(tmp_path: Path) -> None:
    path = write(tmp_path, with_programme("adopted: soon\ncolour: red"))
    result = run_checker(str(path))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{path}:6: programme.adopted: 'soon' is not a date written YYYY, YYYY-MM or YYYY-MM-DD",
        f"{path}:7: programme.colour: unknown key 'colour' (allowed here: {PROGRAMME_KEYS})",
    ]


def test_checker_accepts_a_valid_file(tmp_path: Path) -> None:
    path = write(tmp_path, VALID)
    result = run_checker(str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{path}: valid: X (x), 0 actions\n"
    assert result.stderr == ""


# --- loading has no side effects -------------------------------------------------------------


def snapshot(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    return {
        str(item.relative_to(folder)): (item.stat().st_size, item.stat().st_mtime_ns, item.read_bytes())
        for item in sorted(folder.rglob("*"))
        if item.is_file()
    }


def test_loading_writes_nothing(tmp_path: Path) -> None:
    good = write(tmp_path, VALID, "good.yaml")
    bad = write(tmp_path, with_programme("adopted: soon"), "bad.yaml")
    before = snapshot(tmp_path)
    load_definition(good)
    with pytest.raises(DefinitionError):
        load_definition(bad)
    assert snapshot(tmp_path) == before


# --- the bundled councils --------------------------------------------------------------------

BUNDLED = [
    ("engagekit_basildon", "basildon.yaml", "basildon"),
    ("engagekit_bathnes", "bathnes.yaml", "bathnes"),
    ("engagekit_thurrock", "thurrock.yaml", "thurrock"),
]


@pytest.mark.parametrize(("package", "filename", "council_id"), BUNDLED, ids=[b[2] for b in BUNDLED])
def test_bundled_definition_loads_and_round_trips(package: str, filename: str, council_id: str) -> None:
    with as_file(files(package) / filename) as path:
        council = load_definition(path)
    assert council.id == council_id
    data = make_converter().unstructure(council)
    json.dumps(data)  # plain data only: no enums, dates or attrs objects left
    assert structure_council(data, "x") == council


def test_structure_council_reports_without_lines() -> None:
    with pytest.raises(DefinitionError) as caught:
        structure_council({"id": "x", "name": "X", "programme": {"id": "p"}}, "data.json")
    assert str(caught.value) == "data.json: programme.name: this key is required but missing"


def test_load_definition_text_names_the_source() -> None:
    with pytest.raises(DefinitionError) as caught:
        load_definition_text("id: x\nname: X\nprogramme: {id: p, name: P, adopted: 2022-02-30}\n", "inline")
    assert str(caught.value) == "inline:3: programme.adopted: '2022-02-30' is not a real date"
