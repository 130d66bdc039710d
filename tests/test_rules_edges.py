"""Edge cases of the rule kinds, on small councils written for each case."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner
from tests.fakes import FakeEvidence

from engagekit.cli import cli
from engagekit.definition import DefinitionError, load_definition_text
from engagekit.model import Council
from engagekit.plugins import get_plugin_host
from engagekit.rules import EvidenceItem, Finding, Status, evaluate

D = dt.date

TOWNS = """
id: towns
name: Towns Council
programme:
  id: plan
  name: Plan
  rules:
    - {kind: coverage, id: cover, title: Every town has a hub, area_kind: town, by: 2030-06}
areas:
  - {id: all, name: The District, kind: district}
  - {id: north, name: North, kind: town, parent: all}
  - {id: south, name: South, kind: town, parent: all}
hubs:
"""


def towns(hubs: str) -> Council:
    return load_definition_text(TOWNS + (hubs or "  []\n"), "towns.yaml")


def only(findings: list[Finding], rule_id: str) -> Finding:
    (found,) = [f for f in findings if f.rule_id == rule_id]
    return found


def test_an_open_hub_in_an_area_of_another_kind_does_not_count_as_progress() -> None:
    council = towns("  - {id: h, name: District hub, status: established, areas: [all]}\n")
    result = only(evaluate(council, D(2026, 1, 1)), "cover")
    assert result.status is Status.GREY
    assert result.message.startswith("No evidence yet: 0 of 2 towns have an open hub.")


def test_one_town_of_two_covered_is_in_progress() -> None:
    council = towns("  - {id: h, name: North hub, status: pilot, areas: [north]}\n")
    result = only(evaluate(council, D(2026, 1, 1)), "cover")
    assert result.status is Status.AMBER
    assert result.message.startswith("In progress: 1 of 2 towns have an open hub. Without one: South.")


def test_hubs_counted_as_a_number_cover_the_towns_their_sessions_are_recorded_in() -> None:
    council = towns("  - {id: planned, name: Five planned hubs, status: proposed, count: 2}\n")
    session = EvidenceItem(D(2025, 3, 1), "hub session", "hub session on 2025-03-01", "event #1")
    one = FakeEvidence(hub_sessions={"north": session})
    result = only(evaluate(council, D(2026, 1, 1), evidence=one), "cover")
    assert result.status is Status.AMBER
    assert result.message.startswith("In progress: 1 of 2 towns have an open hub. Without one: South.")
    both = FakeEvidence(hub_sessions={"north": session, "south": attrs.evolve(session, ref="event #2")})
    result = only(evaluate(council, D(2026, 1, 1), evidence=both), "cover")
    assert (result.status, result.message) == (Status.GREEN, "Met: 2 of 2 towns have an open hub.")
    assert [item.ref for item in result.evidence] == ["event #1", "event #2"]


def test_closed_hubs_are_not_counted_as_planned() -> None:
    council = towns(
        "  - {id: a, name: Old hub, status: closed, areas: [north]}\n"
        "  - {id: b, name: New hubs, status: proposed, count: 2}\n"
    )
    result = only(evaluate(council, D(2026, 1, 1)), "cover")
    assert "2 hubs are planned" in result.message


def test_coverage_is_amber_when_its_deadline_is_near_and_red_after() -> None:
    council = towns("")
    assert only(evaluate(council, D(2030, 5, 15)), "cover").status is Status.AMBER
    assert only(evaluate(council, D(2030, 5, 15)), "cover").message.startswith("Due soon:")
    assert only(evaluate(council, D(2030, 7, 1)), "cover").status is Status.RED


def test_all_towns_covered_is_green() -> None:
    council = towns(
        "  - {id: n, name: North hub, status: established, areas: [north]}\n"
        "  - {id: s, name: South hub, status: established, areas: [south]}\n"
    )
    result = only(evaluate(council, D(2031, 1, 1)), "cover")
    assert (result.status, result.message) == (Status.GREEN, "Met: 2 of 2 towns have an open hub.")


CYCLE = """
id: cyc
name: Cycle Council
programme:
  id: plan
  name: Plan
  governance:
    review_cycles:
      - {id: annual, subject: the action plan, every_months: 12, starts: 2020-04}
"""


def test_a_review_on_time_then_another_later_is_green() -> None:
    council = load_definition_text(CYCLE)
    evidence = FakeEvidence(
        recorded_reviews={
            "annual": [EvidenceItem(D(2021, 3, 1), "review", "on time"), EvidenceItem(D(2021, 6, 1), "review", "again")]
        }
    )
    result = only(evaluate(council, D(2021, 5, 1), evidence=evidence), "annual")
    assert result.status is Status.GREEN
    assert result.message.startswith("Done: review recorded on 1 March 2021, due by April 2021.")


def test_the_next_review_due_soon_is_amber_even_when_the_last_was_done() -> None:
    council = load_definition_text(CYCLE)
    evidence = FakeEvidence(recorded_reviews={"annual": [EvidenceItem(D(2021, 4, 10), "review", "done")]})
    result = only(evaluate(council, D(2022, 3, 20), evidence=evidence), "annual")
    assert result.status is Status.AMBER
    assert result.message == (
        "Due soon: due by April 2022 (in 41 days); no review recorded yet. "
        "The last was done: review recorded on 10 April 2021, due by April 2021."
    )
    far = only(evaluate(council, D(2021, 9, 1), evidence=evidence), "annual")
    assert far.status is Status.GREEN


@pytest.mark.parametrize(
    ("governance", "message"),
    [
        (
            "review_cycles: [{id: c, subject: x, every_months: 6, starts: 2020}]",
            "programme.governance.review_cycles[0].every_months: a cycle counted from a year (2020) must run in "
            "whole years (12, 24, ...); give the month it starts",
        ),
        (
            "reports_due: [{id: r, title: Progress, months_after_adoption: 6}]",
            "programme.governance.reports_due[0].months_after_adoption: the programme's adoption is known only "
            "to the year (2013), so a report 6 months after it cannot be placed; give the month of adoption",
        ),
    ],
)
def test_dates_too_coarse_for_their_interval_are_refused(governance: str, message: str) -> None:
    text = f"id: c\nname: C\nprogramme:\n  id: p\n  name: P\n  adopted: 2013\n  governance:\n    {governance}\n"
    with pytest.raises(DefinitionError) as raised:
        load_definition_text(text, "c.yaml")
    (problem,) = raised.value.problems
    assert str(problem).endswith(message)


def test_a_meeting_quota_rule_id_may_not_clash_with_a_definition_rule() -> None:
    text = (
        "id: c\nname: C\nprogramme:\n  id: p\n  name: P\n  governance:\n    review_dates:\n"
        "      - {id: forum-meeting-quota, subject: x, date: 2020}\n"
        "bodies:\n  - {id: forum, name: Forum, kind: forum, quota: {public_meetings: 4}}\n"
    )
    with pytest.raises(DefinitionError) as raised:
        load_definition_text(text, "c.yaml")
    assert str(raised.value) == "c.yaml:10: bodies[0].quota: rule id 'forum-meeting-quota' is already used"


def test_json_report_carries_structured_findings() -> None:
    result = CliRunner().invoke(cli, ["report", "-c", "bathnes", "--as-of", "2013-11-09", "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    overdue = next(f for f in data["findings"] if f["rule_id"] == "progress-report-to-cabinet")
    assert overdue["status"] == "red"
    assert overdue["due"] == "2013-11-08"
    assert overdue["source"] == {
        "document": "connecting-communities-2013",
        "section": "2 Recommendation, 2.5",
        "page": None,
    }
    assert sum(data["status_counts"].values()) == len(data["findings"])


@pytest.mark.parametrize(("name", "start"), [("report.md", "# "), ("report.json", "{"), ("report.txt", "Basildon")])
def test_output_extension_picks_the_format(tmp_path: Path, name: str, start: str) -> None:
    target = tmp_path / name
    result = CliRunner().invoke(cli, ["report", "-c", "basildon", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith(start)


def test_a_duplicate_council_names_both_plugins_and_the_definition_file(tmp_path: Path) -> None:
    copy = tmp_path / "basildon-copy.yaml"
    copy.write_text(
        (Path(__import__("engagekit_basildon").__file__).parent / "basildon.yaml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    host = get_plugin_host(environ={"ENGAGEKIT_DEFINITIONS": str(copy)})
    assert "basildon" not in host.councils()
    (problem,) = host.problems
    assert problem.plugin == "basildon"  # blamed on the installed plugin, not the built-in
    assert "'basildon' and 'engagekit.builtins.folders'" in problem.message
    assert str(copy) in problem.message


def test_a_quota_counts_every_meeting_but_cites_only_a_readable_number() -> None:
    text = (
        "id: c\nname: C\nprogramme:\n  id: p\n  name: P\n"
        "bodies:\n  - {id: forum, name: Forum, kind: forum, quota: {public_meetings: 4, agm: true}}\n"
    )
    council = load_definition_text(text, "c.yaml")
    few = [EvidenceItem(D(2025, month, 1), "public", "meeting") for month in range(1, 5)]
    agm = [EvidenceItem(D(2025, 6, 1), "agm", "AGM")]
    (met,) = evaluate(council, D(2026, 1, 15), evidence=FakeEvidence(recorded_meetings={"forum": few + agm}))
    assert (met.status, met.message) == (Status.GREEN, "Met for 2025: 4 public meetings and 1 AGM.")
    assert len(met.evidence) == 5
    many = [EvidenceItem(D(2025, 1 + day % 12, 1 + day % 28), "public", "meeting") for day in range(40)]
    (busy,) = evaluate(council, D(2026, 1, 15), evidence=FakeEvidence(recorded_meetings={"forum": many + agm}))
    assert busy.message == "Met for 2025: 40 public meetings and 1 AGM."
    assert busy.evidence == []  # 41 meetings are counted, not listed
