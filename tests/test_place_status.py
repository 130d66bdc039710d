"""The "Places at a glance" section: each place's status near the top of a report."""

from __future__ import annotations

import datetime as dt

from tests.fakes import FakeEvidence
from tests.test_places_rules import PLACES

from engagekit.definition import load_definition_text
from engagekit.report.document import BulletList, Paragraph, Section, Table
from engagekit.report.place_status import place_status_section
from engagekit.rules import EvidenceItem, evaluate
from engagekit.rules.context import LocalActionEvidence, RecordedInstance

D = dt.date
AS_OF = D(2026, 8, 20)


def section_for(evidence: FakeEvidence) -> Section:
    council = load_definition_text(PLACES, "places.yaml")
    findings = evaluate(council, AS_OF, evidence=evidence)
    section = place_status_section(council, findings, evidence, AS_OF)
    assert section is not None
    return section


def test_each_instance_has_a_row_with_its_worst_finding() -> None:
    north = [EvidenceItem(D(2025, m, 1), "public", "meeting") for m in (3, 9)]
    north.append(EvidenceItem(D(2025, 6, 5), "agm", "AGM", considered=("annual report",)))
    evidence = FakeEvidence(
        recorded_meetings={"network.north": north},
        priorities={("network.north", 2026): [EvidenceItem(D(2026, 6, 10), "priority", "Safer streets")]},
    )
    section = section_for(evidence)
    assert section.title == "Places at a glance"
    table = next(block for block in section.blocks if isinstance(block, Table))
    rows = {(row[0], row[1]): row for row in table.rows}
    assert rows[("North", "North Network")][2] == "Green – on track"
    # South has no meetings for 2025 (grey) and no priorities agreed by July 2026 (red): the worst shows.
    assert rows[("South", "South Network")][2] == "Red – overdue or not met"
    assert "Overdue: no local priorities" in rows[("South", "South Network")][3]
    assert rows[("East", "East and District Network (pilot)")][2].startswith("Red")
    assert rows[("South", "Report on the needs of the cluster: South")][2] == (
        "not judged: the documents set no date or interval"
    )
    assert rows[("North", "each network's plan: North")][2].startswith("Red")


def test_a_kind_known_only_from_records_says_how_many_are_known() -> None:
    texts = [block.text for block in section_for(FakeEvidence()).blocks if isinstance(block, Paragraph)]
    assert any(
        text.startswith("Community Forums: none known yet (the list comes from the records store") for text in texts
    )
    stanford = RecordedInstance("forums.stanford", "stanford", "Stanford Forum", D(2019, 10, 1))
    texts = [
        block.text
        for block in section_for(FakeEvidence(registered={"forums": [stanford]})).blocks
        if isinstance(block, Paragraph)
    ]
    assert (
        "Community Forums: 1 known (the list comes from the records store, not from the documents): Stanford Forum."
        in texts
    )


def test_local_plans_show_priorities_and_local_actions_with_their_latest_update() -> None:
    action = LocalActionEvidence("north-lighting", "network.north", "Better lighting", D(2026, 6, 12), owner="Highways")
    evidence = FakeEvidence(
        priorities={("network.north", 2026): [EvidenceItem(D(2026, 6, 10), "priority", "Safer streets")]},
        agreed_actions=[action],
        action_updates={"north-lighting": [EvidenceItem(D(2026, 8, 1), "in-progress", "started")]},
    )
    [plans] = section_for(evidence).sections
    table = next(block for block in plans.blocks if isinstance(block, Table))
    assert table.rows[0] == ["North Network", "Safer streets (10 June 2026)", "1"]
    assert table.rows[1] == ["South Network", "none recorded", "0"]
    [actions] = [block for block in plans.blocks if isinstance(block, BulletList)]
    assert actions.title == "North Network"
    assert actions.items == [
        "north-lighting Better lighting — in-progress (1 August 2026); agreed 12 June 2026, owner: Highways"
    ]


def test_a_council_with_nothing_per_place_has_no_such_section() -> None:
    council = load_definition_text(
        "id: plain\nname: Plain\nprogramme: {id: p, name: P}\nbodies: [{id: board, name: Board, kind: board}]\n"
    )
    assert place_status_section(council, evaluate(council, AS_OF), FakeEvidence(), AS_OF) is None
