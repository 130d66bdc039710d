"""Quality warnings: valid but weak definitions, and ``engagekit validate --strict``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from engagekit.cli import cli
from engagekit.definition import DefinitionError, load_definition_text
from engagekit.definition.quality import QualityWarning, load_with_lines, quality_warnings

HEAD = """\
id: test
name: Test Council
source: {document: doc, section: "1"}
documents:
  - id: doc
    title: The Strategy
programme:
  id: strategy
  name: The Strategy
  source: {document: doc, section: "1"}
"""
"""Lines 1-10 of every definition here: a council and programme, both sourced."""

GOVERNANCE = """\
  governance:
    source: {document: doc, section: "2"}
    review_dates:
      - id: review
        subject: the strategy
        date: 2023-03
        source: {document: doc, section: "2"}
"""
"""A governance obligation, so that only the warning under test is given."""

CLEAN = HEAD + GOVERNANCE
"""A definition with nothing to warn about."""


def warnings_for(text: str) -> list[str]:
    from engagekit.definition.yaml_reader import read_yaml

    council = load_definition_text(text, "t.yaml")
    _, lines = read_yaml(text)
    return [str(warning) for warning in quality_warnings(council, lines, "t.yaml")]


def invoke(*args: str, env: Mapping[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=dict(env or {}))


def test_a_clean_definition_has_no_warnings() -> None:
    assert warnings_for(CLEAN) == []


def test_the_warning_reads_like_an_error_with_warning_before_the_message() -> None:
    warning = QualityWarning("t.yaml", ("hubs", 0, "areas"), "hub 'h' has no area", 12)
    assert str(warning) == "t.yaml:12: hubs[0].areas: warning: hub 'h' has no area"
    assert str(QualityWarning("t.yaml", (), "thin", None)) == "t.yaml: warning: thin"


def test_warnings_without_lines_have_none() -> None:
    council = load_definition_text(HEAD, "t.yaml")
    warnings = quality_warnings(council, name="t.yaml")
    assert [(w.line, w.path) for w in warnings] == [(None, ("programme", "governance"))]


def test_actions_without_an_owner_and_commitments_no_action_serves() -> None:
    text = (
        CLEAN
        + """\
  commitments:
    - id: listen
      name: To listen
      source: {document: doc, section: "3"}
    - id: share
      name: To share
      source: {document: doc, section: "3"}
  action_plan:
    source: {document: doc, section: "4"}
    outcomes:
      - id: heard
        statement: People are heard
        source: {document: doc, section: "4"}
        actions:
          - id: A-1
            text: Hold meetings
            serves: [listen]
            source: {document: doc, section: "4"}
          - id: A-2
            text: Publish notes
            owner: Head of Communities
            serves: [listen]
            source: {document: doc, section: "4"}
"""
    )
    assert warnings_for(text) == [
        "t.yaml:22: programme.commitments[1]: warning: commitment 'share' is served by no action",
        "t.yaml:32: programme.action_plan.outcomes[0].actions[0]: warning: action 'A-1' has no owner",
    ]


def test_commitments_are_not_warned_about_when_the_programme_has_no_actions() -> None:
    text = (
        CLEAN
        + """\
  commitments:
    - id: listen
      name: To listen
      source: {document: doc, section: "3"}
"""
    )
    assert warnings_for(text) == []


def test_hubs_with_no_area_are_not_yet_known() -> None:
    text = (
        CLEAN
        + """\
hubs:
  - id: written-null
    name: A hub somewhere
    status: proposed
    areas: null
    source: {document: doc, section: "5"}
  - id: left-out
    name: Another hub
    status: proposed
    source: {document: doc, section: "5"}
  - id: known-none
    name: A hub with no areas
    status: proposed
    areas: []
    source: {document: doc, section: "5"}
"""
    )
    assert warnings_for(text) == [
        "t.yaml:22: hubs[0].areas: warning: hub 'written-null' has no area: where it will be is not yet known",
        "t.yaml:24: hubs[1].areas: warning: hub 'left-out' has no area: where it will be is not yet known",
    ]


def test_items_with_no_source() -> None:
    text = (
        CLEAN
        + """\
  commitments:
    - id: listen
      name: To listen
"""
    )
    assert warnings_for(text) == ["t.yaml:19: programme.commitments[0]: warning: no source is cited"]


def test_phases_with_no_clusters() -> None:
    text = (
        CLEAN
        + """\
phases:
  - id: first
    name: First phase
    order: 1
    clusters: []
    source: {document: doc, section: "6"}
  - id: later
    name: Later phases
    order: 2
    source: {document: doc, section: "6"}
"""
    )
    assert warnings_for(text) == [
        "t.yaml:22: phases[0].clusters: warning: phase 'first' has no clusters",
        "t.yaml:24: phases[1].clusters: warning: phase 'later' has no clusters: they are not yet known",
    ]


DATED = (
    HEAD
    + """\
  period: {start: "2021", end: "2023"}
  adopted: 2021-06
  key_dates:
    - id: in-period
      label: Approved
      date: 2021-06
      source: {document: doc, section: "7"}
    - id: after-the-end
      label: A conference
      date: 2024-01
      source: {document: doc, section: "7"}
    - id: ends-after-the-end
      label: A consultation
      date: 2023-11
      end: 2024-02
      source: {document: doc, section: "7"}
    - id: in-the-last-year
      label: Known only to the year
      date: "2023"
      source: {document: doc, section: "7"}
  governance:
    source: {document: doc, section: "8"}
    review_dates:
      - id: early-review
        subject: the strategy
        date: 2021-01
        source: {document: doc, section: "8"}
      - id: on-time-review
        subject: the strategy
        date: 2021-06
        source: {document: doc, section: "8"}
    reports_due:
      - id: early-report
        title: Progress
        due: "2020"
        source: {document: doc, section: "8"}
  action_plan:
    source: {document: doc, section: "9"}
    outcomes:
      - id: heard
        statement: People are heard
        source: {document: doc, section: "9"}
        actions:
          - id: A-1
            text: Hold meetings
            owner: Head of Communities
            due: 2024-03
            source: {document: doc, section: "9"}
"""
)


def test_dates_in_the_wrong_order_that_the_model_accepts() -> None:
    assert warnings_for(DATED) == [
        "t.yaml:20: programme.key_dates[1].date: warning: key date 'after-the-end' (2024-01) "
        "is after the programme's period ends (2023)",
        "t.yaml:25: programme.key_dates[2].end: warning: key date 'ends-after-the-end' (2024-02) "
        "is after the programme's period ends (2023)",
        "t.yaml:36: programme.governance.review_dates[0].date: warning: review 'early-review' (2021-01) "
        "is before the programme is adopted (2021-06)",
        "t.yaml:45: programme.governance.reports_due[0].due: warning: report 'early-report' is due (2020) "
        "before the programme is adopted (2021-06)",
        "t.yaml:57: programme.action_plan.outcomes[0].actions[0].due: warning: action 'A-1' is due (2024-03) "
        "after the programme's period ends (2023)",
    ]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            "  assessments:\n    - {id: eqia, kind: EqIA, name: Equality, date: 2022-05, review_date: 2022-01,"
            ' source: {document: doc, section: "1"}}\n',
            "it is reviewed (2022-01) before it is made (2022-05)",
        ),
        (
            "  key_dates:\n    - {id: k, label: K, date: 2022-05, end: 2022-01,"
            ' source: {document: doc, section: "1"}}\n',
            "it ends (2022-01) before it starts (2022-05)",
        ),
        ('  period: {start: "2021", end: "2023"}\n  adopted: 2024-01\n', "after its period ends"),
    ],
)
def test_dates_the_model_refuses_are_errors_not_warnings(extra: str, message: str) -> None:
    with pytest.raises(DefinitionError, match=re.escape(message)):
        load_definition_text(CLEAN + extra, "t.yaml")


def test_a_programme_with_no_governance_obligations() -> None:
    assert warnings_for(HEAD) == [
        "t.yaml:7: programme.governance: warning: programme 'strategy' owes no reviews or reports "
        "(no review cycles, review dates or reports due), so no governance rule can check it",
    ]
    cycle = HEAD + (
        "  governance:\n"
        '    source: {document: doc, section: "2"}\n'
        "    review_cycles:\n"
        '      - {id: yearly, subject: the plan, every_months: 12, source: {document: doc, section: "2"}}\n'
    )
    assert warnings_for(cycle) == []
    report = HEAD + (
        "  governance:\n"
        '    source: {document: doc, section: "2"}\n'
        "    reports_due:\n"
        '      - {id: r, title: Progress, due: "2022", source: {document: doc, section: "2"}}\n'
    )
    assert warnings_for(report) == []


# -- the bundled councils -----------------------------------------------------------------

BASILDON_OWNERLESS = [
    (218, 0, 0, 0, "CN-1"),
    (222, 0, 0, 1, "CN-2"),
    (226, 0, 0, 2, "CN-3"),
    (231, 0, 0, 3, "CN-4"),
    (236, 0, 0, 4, "CN-5"),
    (248, 0, 1, 0, "CN-6"),
    (252, 0, 1, 1, "CN-7"),
    (257, 0, 1, 2, "CN-8"),
    (291, 1, 0, 0, "CC-1"),
    (295, 1, 0, 1, "CC-2"),
    (299, 1, 0, 2, "CC-3"),
    (303, 1, 0, 3, "CC-4"),
    (336, 2, 0, 0, "CP-1"),
    (340, 2, 0, 1, "CP-2"),
    (345, 2, 0, 2, "CP-3"),
]
BUNDLED_WARNINGS = {
    "basildon": [
        f"basildon.yaml:{line}: programme.action_plan.pillars[{i}].outcomes[{j}].actions[{k}]: "
        f"warning: action {action!r} has no owner"
        for line, i, j, k, action in BASILDON_OWNERLESS
    ],
    "bathnes": [
        "bathnes.yaml:172: phases[1].clusters: warning: phase 'later-phases' has no clusters: they are not yet known",
    ],
    "thurrock": [
        "thurrock.yaml:146: hubs[0].areas: warning: hub 'community-hubs-in-libraries' has no area: "
        "where it will be is not yet known",
    ],
}


def bundled_file(council_id: str) -> Path:
    return Path(str(files(f"engagekit_{council_id}") / f"{council_id}.yaml"))


@pytest.mark.parametrize("council_id", sorted(BUNDLED_WARNINGS))
def test_the_bundled_councils_warnings(council_id: str) -> None:
    council, lines = load_with_lines(bundled_file(council_id))
    warnings = quality_warnings(council, lines, f"{council_id}.yaml")
    assert [str(warning) for warning in warnings] == BUNDLED_WARNINGS[council_id]


# -- the command line ---------------------------------------------------------------------

WARNED = HEAD
"""A definition whose only warning is its missing governance obligations (line 7)."""


@pytest.fixture
def warned(tmp_path: Path) -> Path:
    path = tmp_path / "warned.yaml"
    path.write_text(WARNED, encoding="utf-8")
    return path


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    path = tmp_path / "clean.yaml"
    path.write_text(CLEAN, encoding="utf-8")
    return path


def test_validate_prints_warnings_to_stderr_and_exits_0(warned: Path) -> None:
    result = invoke("validate", "--definition", str(warned))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{warned}: valid (Test Council)\n"
    assert result.stderr == (
        f"{warned}:7: programme.governance: warning: programme 'strategy' owes no reviews or reports "
        "(no review cycles, review dates or reports due), so no governance rule can check it\n"
    )


def test_strict_fails_on_warnings(warned: Path) -> None:
    result = invoke("validate", "--definition", str(warned), "--strict")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{warned}:7: programme.governance: warning: ")


def test_strict_passes_a_definition_without_warnings(clean: Path) -> None:
    result = invoke("validate", "--definition", str(clean), "--strict")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{clean}: valid (Test Council)\n"
    assert result.stderr == ""


def test_warnings_come_after_the_errors(tmp_path: Path, warned: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(WARNED + "  colour: blue\n", encoding="utf-8")
    result = invoke("validate", "-d", str(warned), "-d", str(broken))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{broken}:11: programme.colour: unknown key 'colour' (allowed here: "
        + result.stderr.split("(allowed here: ", 1)[1].split("\n", 1)[0],
        f"{warned}:7: programme.governance: warning: programme 'strategy' owes no reviews or reports "
        "(no review cycles, review dates or reports due), so no governance rule can check it",
    ]


def test_validate_council_basildon_lists_its_warnings() -> None:
    result = invoke("validate", "--council", "basildon")
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == len(BASILDON_OWNERLESS)
    assert all(line.endswith("has no owner") for line in lines)
    assert lines[0].endswith(
        "basildon.yaml:218: programme.action_plan.pillars[0].outcomes[0].actions[0]: "
        "warning: action 'CN-1' has no owner"
    )


def test_validate_council_basildon_strict_fails_on_the_missing_owners() -> None:
    result = invoke("validate", "--council", "basildon", "--strict")
    assert result.exit_code == 1
    assert result.stdout.startswith("basildon: valid (")
    assert len(result.stderr.splitlines()) == len(BASILDON_OWNERLESS)


def test_validate_all_counts_the_warnings_and_strict_lists_them() -> None:
    result = invoke("validate")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    counts = [line.rsplit("; ", 1)[1] for line in result.stdout.splitlines()]
    assert counts == [
        "15 warnings (list them with --council basildon)",
        "1 warning (list them with --council bathnes)",
        "1 warning (list them with --council thurrock)",
    ]
    strict = invoke("validate", "--strict")
    assert strict.exit_code == 1
    assert len(strict.stderr.splitlines()) == sum(len(found) for found in BUNDLED_WARNINGS.values())
    assert "; " not in strict.stdout


def test_validate_help_describes_strict() -> None:
    result = invoke("validate", "--help")
    assert result.exit_code == 0
    assert "--strict" in result.stdout
    assert "engagekit validate --definition my-council.yaml --strict" in result.stdout.split("Examples:", 1)[1]


def test_an_arrangement_made_for_each_place_of_a_kind_there_is_none_of() -> None:
    from engagekit.definition import load_definition_text
    from engagekit.definition.quality import quality_warnings

    council = load_definition_text(
        "id: x\nname: X\nprogramme: {id: p, name: P}\n"
        "bodies:\n  - {id: forum, name: '{place} Forum', kind: forum, for_each: cluster}\n"
        "  - {id: known, name: Forums, kind: forum, for_each: recorded}\n"
    )
    messages = [(w.path, w.message) for w in quality_warnings(council) if "made for" in w.message]
    assert messages == [(("bodies", 0, "for_each"), "'forum' is made for each cluster, but there is none: no instance")]
