"""Rules that read recorded progress: stale actions, indicators against target, consultations."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from tests.fakes import FakeEvidence

from engagekit.definition import load_definition_text
from engagekit.model import Council
from engagekit.records import ActionStatus, ActionUpdate, EngagementEvent, EventKind, IndicatorReading, open_store
from engagekit.rules import EvidenceItem, Finding, Status, evaluate
from engagekit.rules.context import ConsultationEvidence

D = dt.date

COUNCIL = """
id: prog
name: Progress Council
documents:
  - {id: plan, title: The Plan}
programme:
  id: plan
  name: Plan
  governance:
    update_interval_days: 90
    consultation_min_days: 84
  action_plan:
    pillars:
      - id: p
        name: People
        outcomes:
          - id: o
            statement: Things get better
            actions:
              - {id: A-1, text: Open a directory}
              - {id: A-2, text: Run a pilot}
              - {id: A-3, text: Write a guide}
  indicators:
    - id: services
      name: Services in the directory
      kind: numeric
      unit: services
      baseline: 50
      target: 100
      direction: increase
    - {id: waiting, name: Days waiting, kind: numeric, target: 10, direction: decrease}
    - {id: models, name: New models created, kind: milestone}
  legal:
    - id: gunning
      name: The Gunning principles
      source: {document: plan, section: Legal}
"""


@pytest.fixture
def council() -> Council:
    return load_definition_text(COUNCIL, "prog.yaml")


def by_subject(findings: list[Finding], rule_id: str) -> dict[str, Finding]:
    return {f.subject_id or f.subject: f for f in findings if f.rule_id == rule_id}


def update(day: dt.date, status: str) -> EvidenceItem:
    return EvidenceItem(day, status, status)


def reading(day: dt.date, value: float) -> EvidenceItem:
    return EvidenceItem(day, "reading", str(value), value=value)


def test_actions_are_judged_by_the_age_of_their_latest_update(council: Council) -> None:
    evidence = FakeEvidence(
        action_updates={
            "A-1": [update(D(2026, 1, 1), "in-progress"), update(D(2026, 3, 1), "in-progress")],
            "A-2": [update(D(2025, 12, 1), "at-risk")],
            "A-3": [update(D(2025, 1, 1), "delayed")],
        }
    )
    found = by_subject(evaluate(council, D(2026, 4, 1), evidence=evidence), "actions-updated")
    assert found["A-1"].status is Status.GREEN
    assert found["A-1"].message == "Last update 1 March 2026 (in-progress), 31 days ago."
    assert found["A-2"].status is Status.AMBER  # 121 days: over 90, within twice that
    assert found["A-3"].status is Status.RED


@pytest.mark.parametrize(
    ("age", "status"), [(90, Status.GREEN), (91, Status.AMBER), (180, Status.AMBER), (181, Status.RED)]
)
def test_staleness_boundaries(council: Council, age: int, status: Status) -> None:
    as_of = D(2026, 6, 30)
    evidence = FakeEvidence(action_updates={"A-1": [update(as_of - dt.timedelta(days=age), "in-progress")]})
    assert by_subject(evaluate(council, as_of, evidence=evidence), "actions-updated")["A-1"].status is status


def test_finished_actions_are_not_stale_and_missing_updates_are_grey(council: Council) -> None:
    evidence = FakeEvidence(action_updates={"A-1": [update(D(2020, 1, 1), "completed")]})
    found = by_subject(evaluate(council, D(2026, 1, 1), evidence=evidence), "actions-updated")
    assert found["A-1"].status is Status.GREEN
    assert found["A-1"].message == "Completed on 1 January 2020."
    assert found["A-2"].status is Status.GREY
    assert found["A-2"].message == "No update recorded yet."


def test_no_interval_means_no_staleness_rule(council: Council) -> None:
    text = COUNCIL.replace("    update_interval_days: 90\n", "")
    findings = evaluate(load_definition_text(text), D(2026, 1, 1))
    assert not [f for f in findings if f.rule_id == "actions-updated"]


def test_indicators_against_targets(council: Council) -> None:
    evidence = FakeEvidence(
        readings={
            "services": [reading(D(2025, 1, 1), 60), reading(D(2025, 6, 1), 80)],
            "waiting": [reading(D(2025, 1, 1), 12), reading(D(2025, 6, 1), 15)],
        }
    )
    found = by_subject(evaluate(council, D(2025, 7, 1), evidence=evidence), "indicators-on-target")
    assert found["services"].status is Status.AMBER
    assert found["services"].message == (
        "Not yet on target: 80 services on 1 June 2025 against a target of 100 services."
    )
    assert found["waiting"].status is Status.RED  # moving away: 12 → 15 when it should fall to 10
    assert found["models"].status is Status.GREY
    assert found["models"].message == "No reading recorded yet."
    met = FakeEvidence(readings={"services": [reading(D(2026, 1, 1), 104)]})
    assert by_subject(evaluate(council, D(2026, 2, 1), evidence=met), "indicators-on-target")["services"].status is (
        Status.GREEN
    )


def test_an_indicator_below_its_baseline_is_red(council: Council) -> None:
    evidence = FakeEvidence(readings={"services": [reading(D(2025, 1, 1), 40)]})
    found = by_subject(evaluate(council, D(2025, 2, 1), evidence=evidence), "indicators-on-target")
    assert found["services"].status is Status.RED
    assert "(from 50 services)" in found["services"].message


def consultation(**changes: object) -> ConsultationEvidence:
    values: dict[str, object] = {
        "title": "Local Plan options",
        "opens": D(2025, 1, 6),
        "closes": D(2025, 4, 6),
        "formative": "Three options, none chosen",
        "reasons": "Options paper with evidence base",
        "responses": "Responses summarised to Cabinet, option B changed",
    }
    values.update(changes)
    return ConsultationEvidence(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "as_of", "status", "start"),
    [
        ({}, D(2025, 6, 1), Status.GREEN, "Meets all four Gunning principles"),
        ({"closes": D(2025, 2, 1)}, D(2025, 6, 1), Status.RED, "Falls short"),
        ({"formative": None}, D(2025, 6, 1), Status.RED, "Falls short"),
        ({"responses": None}, D(2025, 3, 1), Status.GREY, "Cannot be fully judged"),
        ({"responses": None, "reasons": None}, D(2025, 3, 1), Status.AMBER, "Open"),
        ({"responses": None}, D(2025, 6, 1), Status.RED, "Falls short"),
    ],
)
def test_consultations_against_gunning(
    council: Council, changes: dict[str, object], as_of: dt.date, status: Status, start: str
) -> None:
    evidence = FakeEvidence(recorded_consultations=[consultation(**changes)])
    (found,) = [f for f in evaluate(council, as_of, evidence=evidence) if f.rule_id == "consultations-meet-gunning"]
    assert found.status is status
    assert found.message.startswith(start)
    assert found.source is not None
    assert found.source.section == "Legal"


def test_short_consultation_names_the_minimum(council: Council) -> None:
    evidence = FakeEvidence(recorded_consultations=[consultation(closes=D(2025, 2, 5))])
    (found,) = [
        f for f in evaluate(council, D(2025, 6, 1), evidence=evidence) if f.rule_id == "consultations-meet-gunning"
    ]
    assert "principle 3 (allow adequate time): open 30 days, under the council's minimum of 84" in found.message


def test_the_store_answers_the_same_questions(council: Council, tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 'records.db'}") as store:
        first, *_ = store.add(
            council,
            [
                ActionUpdate(
                    council_id="prog",
                    date=D(2026, 1, 10),
                    recorded_by="t",
                    action_id="A-1",
                    status=ActionStatus.IN_PROGRESS,
                    percent=20,
                ),
                IndicatorReading(
                    council_id="prog", date=D(2026, 1, 1), recorded_by="t", indicator_id="services", value=70
                ),
                EngagementEvent(
                    council_id="prog",
                    date=D(2025, 1, 6),
                    end_date=D(2025, 4, 6),
                    recorded_by="t",
                    event_kind=EventKind.CONSULTATION,
                    title="Local Plan options",
                    formative="f",
                    reasons="r",
                    responses="x",
                ),
            ],
        )
        store.add(
            council,
            [
                ActionUpdate(
                    council_id="prog",
                    date=D(2026, 2, 1),
                    recorded_by="t",
                    action_id="A-1",
                    status=ActionStatus.COMPLETED,
                    supersedes=first.id,
                )
            ],
        )
        findings = evaluate(council, D(2026, 3, 1), evidence=store.evidence(council))
    actions = by_subject(findings, "actions-updated")
    assert actions["A-1"].message == "Completed on 1 February 2026."
    assert by_subject(findings, "indicators-on-target")["services"].status is Status.AMBER
    (gunning,) = [f for f in findings if f.rule_id == "consultations-meet-gunning"]
    assert gunning.status is Status.GREEN
    assert gunning.evidence[0].ref is not None
    assert gunning.evidence[0].ref.startswith("event #")
