"""Rules for arrangements made for each place: a finding per instance, real calendars, local plans."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.fakes import FakeEvidence

from engagekit.definition import DefinitionError, load_definition_text
from engagekit.model import Council, all_instances
from engagekit.rules import EvidenceItem, Finding, Status, evaluate
from engagekit.rules.context import MemberEvidence, RecordedInstance

D = dt.date

PLACES = """
id: places
name: Places Council
programme:
  id: plan
  name: Plan
  governance:
    review_cycles:
      - {id: plan-review, subject: each network's plan, every_months: 12, starts: 2024-04, for_each: cluster}
      - {id: tested, subject: the toolkit, every_months: null, note: "to be tested, reviewed and revised over time"}
    reports_due:
      - {id: cluster-report, title: Report on the needs of the cluster, to: the Board, for_each: cluster}
      - {id: progress, title: Progress report, months_after: 6, after: 2013-05-08,
         after_what: the meeting of 8 May 2013}
  rules:
    - {kind: local-plan, id: priorities, title: Local priorities agreed this year, body: network,
       window: {start: 6, end: 7}}
clusters:
  - {id: north, name: North}
  - {id: south, name: South}
  - {id: east, name: East}
bodies:
  - id: network
    name: "{place} Network"
    kind: network
    for_each: cluster
    local_plans: true
    quota: {public_meetings: 2, agm: true, from_year: 2024, agm_window: {start: 6, end: 7},
            agm_considers: [annual report]}
    instances:
      - {place: east, name: East and District Network, starts: 2025-04, pilot: true}
  - id: forums
    name: Community Forums
    kind: forum
    for_each: recorded
    quota: {public_meetings: 4, agm: true}
"""


@pytest.fixture(scope="module")
def places() -> Council:
    return load_definition_text(PLACES, "places.yaml")


def meeting(day: dt.date, kind: str = "public", considered: tuple[str, ...] = ()) -> EvidenceItem:
    return EvidenceItem(day, kind, f"{kind} meeting", considered=considered)


def of(findings: list[Finding], rule_id: str) -> dict[str | None, Finding]:
    return {finding.subject_id: finding for finding in findings if finding.rule_id == rule_id}


def test_a_body_made_for_each_cluster_has_one_instance_per_cluster(places: Council) -> None:
    instances = {placed.id: placed for placed in all_instances(places) if placed.declared_id == "network"}
    assert list(instances) == ["network.north", "network.south", "network.east"]
    assert instances["network.north"].name == "North Network"
    assert instances["network.east"].label == "East and District Network (pilot)"
    assert str(instances["network.east"].starts) == "2025-04"


def test_one_instance_meeting_its_quota_turns_only_that_instance_green(places: Council) -> None:
    evidence = FakeEvidence(
        recorded_meetings={
            "network.north": [
                meeting(D(2025, 3, 1)),
                meeting(D(2025, 9, 1)),
                meeting(D(2025, 6, 20), "agm", ("Annual report 2024-25 presented",)),
            ]
        }
    )
    quota = of(evaluate(places, D(2026, 2, 1), evidence=evidence), "network-meeting-quota")
    assert quota["network.north"].status is Status.GREEN
    assert quota["network.south"].status is Status.GREY
    assert quota["network.south"].message.startswith("No meetings recorded for 2025")
    # East starts in April 2025, so 2025 is not a whole year of it: not judged.
    assert quota["network.east"].status is Status.GREY
    assert "first year judged is 2026" in quota["network.east"].message


def test_years_before_the_quota_applies_are_not_judged(places: Council) -> None:
    quota = of(evaluate(places, D(2024, 6, 1), evidence=FakeEvidence()), "network-meeting-quota")
    assert quota["network.north"].status is Status.GREY
    assert quota["network.north"].message.startswith("Not yet judged: the first year judged is 2024")


def test_an_agm_outside_its_window_does_not_count(places: Council) -> None:
    held = [meeting(D(2025, 3, 1)), meeting(D(2025, 4, 1)), meeting(D(2025, 11, 5), "agm", ("annual report",))]
    evidence = FakeEvidence(recorded_meetings={"network.north": held})
    north = of(evaluate(places, D(2026, 1, 15), evidence=evidence), "network-meeting-quota")["network.north"]
    assert north.status is Status.RED
    assert "0 AGM" in north.message
    assert "outside the window (between June and July) does not count: 5 November 2025" in north.message


def test_an_agm_that_did_not_consider_the_yearly_report_needs_attention(places: Council) -> None:
    held = [meeting(D(2025, 3, 1)), meeting(D(2025, 4, 1)), meeting(D(2025, 7, 5), "agm")]
    evidence = FakeEvidence(recorded_meetings={"network.north": held})
    north = of(evaluate(places, D(2026, 1, 15), evidence=evidence), "network-meeting-quota")["network.north"]
    assert north.status is Status.AMBER
    assert "does not say it considered: annual report" in north.message


def test_a_kind_of_body_known_only_from_records(places: Council) -> None:
    none = of(evaluate(places, D(2026, 1, 15), evidence=FakeEvidence()), "forums-meeting-quota")
    assert list(none) == ["forums"]
    assert none["forums"].status is Status.GREY
    assert none["forums"].message.startswith("None known yet: which Community Forums exist comes from the records")

    stanford = RecordedInstance("forums.stanford", "stanford", "Stanford Forum", D(2019, 10, 1), ref="instance #1")
    grays = RecordedInstance("forums.grays", "grays", "Grays Forum", D(2019, 10, 1), ref="instance #2")
    held = [meeting(D(2025, month, 1)) for month in (2, 5, 8, 11)] + [meeting(D(2025, 6, 1), "agm")]
    evidence = FakeEvidence(registered={"forums": [stanford, grays]}, recorded_meetings={"forums.stanford": held})
    quota = of(evaluate(places, D(2026, 1, 15), evidence=evidence), "forums-meeting-quota")
    assert quota["forums.stanford"].status is Status.GREEN
    assert quota["forums.stanford"].subject == "Stanford Forum"
    assert quota["forums.grays"].status is Status.GREY


def test_obligations_with_no_interval_or_date_are_never_judged(places: Council) -> None:
    findings = evaluate(places, D(2030, 1, 1), evidence=FakeEvidence())
    assert not [f for f in findings if f.rule_id in ("tested", "cluster-report")]


def test_a_report_counted_from_a_meeting_date(places: Council) -> None:
    [progress] = [f for f in evaluate(places, D(2013, 11, 9)) if f.rule_id == "progress"]
    assert progress.status is Status.RED
    assert progress.rule_title == "Progress report, 6 months after the meeting of 8 May 2013"
    assert progress.due == D(2013, 11, 8)


def test_a_review_cycle_for_each_place_is_judged_per_place(places: Council) -> None:
    evidence = FakeEvidence(recorded_reviews={"plan-review.north": [EvidenceItem(D(2025, 3, 1), "review", "done")]})
    cycle = of(evaluate(places, D(2025, 5, 1), evidence=evidence), "plan-review")
    assert set(cycle) == {"plan-review.north", "plan-review.south", "plan-review.east"}
    assert cycle["plan-review.north"].status is Status.GREEN
    assert cycle["plan-review.south"].status is Status.RED
    assert cycle["plan-review.south"].subject == "each network's plan: South"


def test_local_priorities_agreed_this_year(places: Council) -> None:
    agreed = [EvidenceItem(D(2026, 6, 12), "priority", "Safer streets")]
    evidence = FakeEvidence(priorities={("network.north", 2026): agreed})
    early = of(evaluate(places, D(2026, 3, 1), evidence=evidence), "priorities")
    assert early["network.south"].status is Status.GREY  # due by the end of July
    summer = of(evaluate(places, D(2026, 6, 20), evidence=evidence), "priorities")
    assert summer["network.north"].status is Status.GREEN
    assert summer["network.south"].status is Status.AMBER
    autumn = of(evaluate(places, D(2026, 9, 1), evidence=evidence), "priorities")
    assert autumn["network.south"].status is Status.RED
    assert (
        autumn["network.south"].message
        == "Overdue: no local priorities recorded as agreed for 2026 (between June and July)."
    )
    assert autumn["network.east"].status is Status.RED  # a pilot since April 2025: 2026 is its first whole year
    assert of(evaluate(places, D(2025, 9, 1), evidence=evidence), "priorities")["network.east"].status is Status.GREY


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            (
                "      - {place: east, name: East and District Network, starts: 2025-04, pilot: true}",
                "      - {place: west}",
            ),
            "bodies[0].instances[0].place: no cluster it is made for has id 'west' (known: east, north, south)",
        ),
        (
            (
                "    for_each: cluster\n    local_plans: true",
                "    for_each: {place: cluster, only: [north, nowhere]}\n    local_plans: true",
            ),
            "bodies[0].for_each.only[1]: no cluster has id 'nowhere' (known: east, north, south)\n"
            "bodies[0].instances[0].place: no cluster it is made for has id 'east' (known: north)",
        ),
        (
            ("    for_each: recorded\n", "    for_each: recorded\n    instances: [{place: north}]\n"),
            "bodies[1].instances[0].place: instances of a body made for each recorded one are registered in the "
            "records store",
        ),
        (
            ("body: network,", "body: forums,"),
            "programme.rules[0].body: body 'forums' does not keep local plans (give it 'local_plans: true')",
        ),
        (
            ("for_each: cluster}", "for_each: ward}"),
            "programme.governance.review_cycles[0].for_each: 'ward' is not one of: "
            "area, cluster, phase, recorded, body",
        ),
    ],
)
def test_places_that_do_not_exist_are_refused(change: tuple[str, str], message: str) -> None:
    old, new = change
    assert old in PLACES
    with pytest.raises(DefinitionError) as caught:
        load_definition_text(PLACES.replace(old, new, 1), "places.yaml")
    assert [problem.split(": ", 1)[1] for problem in str(caught.value).splitlines()] == message.splitlines()


PARISHES = """
id: parishes
name: Parishes Council
programme: {id: plan, name: Plan}
areas:
  - {id: vale, name: The Vale, kind: district}
  - {id: ash, name: Ash, kind: parish, parent: vale}
  - {id: elm, name: Elm, kind: parish, parent: vale}
clusters:
  - {id: vale-cluster, name: Vale Cluster, areas: [ash, elm]}
bodies:
  - id: board
    name: "{place} Board"
    kind: board
    for_each: cluster
    membership_rules:
      - {id: one-seat-per-parish, text: One seat per parish, one_seat_per: parish}
      - {id: councillor-chairs, text: The chair or vice-chair is a councillor, offices: [chair, vice-chair],
         held_by: councillor}
"""


def member(
    name: str, area: str | None = None, office: str | None = None, councillor: bool | None = None
) -> MemberEvidence:
    return MemberEvidence(name, area, office, councillor, D(2025, 1, 1), f"member {name}")


def test_membership_rules_are_checked_where_records_carry_the_facts() -> None:
    council = load_definition_text(PARISHES, "parishes.yaml")
    as_of = D(2026, 1, 1)

    def judged(*members: MemberEvidence) -> dict[str, Finding]:
        evidence = FakeEvidence(sitting={"board.vale-cluster": list(members)})
        return {
            f.rule_id: f for f in evaluate(council, as_of, evidence=evidence) if f.subject_id == "board.vale-cluster"
        }

    nothing = judged()
    assert {f.status for f in nothing.values()} == {Status.GREY}
    assert nothing["board-one-seat-per-parish"].message == "Not checked: no members of Vale Cluster Board are recorded."
    fine = judged(member("A", "ash", "chair", False), member("B", "elm", "vice-chair", True))
    assert fine["board-one-seat-per-parish"].message == "Met: 2 parish seats recorded, none held twice."
    assert fine["board-councillor-chairs"].status is Status.GREEN
    doubled = judged(member("A", "ash", "chair", False), member("C", "ash", None, None))
    assert doubled["board-one-seat-per-parish"].status is Status.RED
    assert doubled["board-one-seat-per-parish"].message == "Not met: more than one seat for a parish: Ash (A, C)."
    assert doubled["board-councillor-chairs"].message == (
        "Not met: no chair or vice-chair is a councillor (A, chair, not a councillor)."
    )
    unknown = judged(member("A", "ash", "chair"))
    assert unknown["board-councillor-chairs"].message == (
        "Not checked: the records do not say whether the chair or vice-chair is a councillor."
    )


def test_a_body_made_for_each_instance_of_another_body() -> None:
    text = PLACES + (
        "  - id: working-group\n"
        "    name: '{place}: working group'\n"
        "    kind: working group\n"
        "    for_each: {place: body, body: network}\n"
        "    instances: [{place: network.east, pilot: true}]\n"
    )
    council = load_definition_text(text, "places.yaml")
    groups = [placed for placed in all_instances(council) if placed.declared_id == "working-group"]
    assert [(g.id, g.label) for g in groups] == [
        ("working-group.network.north", "North Network: working group"),
        ("working-group.network.south", "South Network: working group"),
        ("working-group.network.east", "East and District Network: working group (pilot)"),
    ]
    with pytest.raises(DefinitionError) as caught:
        load_definition_text(text.replace("body: network}", "body: forums}"), "places.yaml")
    assert str(caught.value).splitlines() == [
        "places.yaml:40: bodies[2].for_each.body: body 'forums' has no instances the definition makes "
        "(they are recorded or nested)"
    ]


def test_an_obligation_cannot_be_made_for_each_recorded_instance() -> None:
    text = PLACES.replace(
        "{id: cluster-report, title: Report on the needs of the cluster, to: the Board, for_each: cluster}",
        "{id: cluster-report, title: Report on the needs of the cluster, to: the Board, for_each: recorded}",
    )
    with pytest.raises(DefinitionError) as caught:
        load_definition_text(text, "places.yaml")
    assert [line.split(": ", 2)[1:] for line in str(caught.value).splitlines()] == [
        [
            "programme.governance.reports_due[0].for_each",
            "an obligation cannot be made for each recorded instance (nothing registers it): "
            "make it for each instance of a body, or each area, cluster or phase",
        ]
    ]


def test_local_actions_are_kept_up_to_date_like_the_councils_own() -> None:
    from engagekit.rules.context import LocalActionEvidence

    council = load_definition_text(
        PLACES.replace("  governance:\n", "  governance:\n    update_interval_days: 90\n", 1), "places.yaml"
    )
    pantry = LocalActionEvidence("north-pantry", "network.north", "A food pantry", D(2026, 6, 16))
    lights = LocalActionEvidence("north-lights", "network.north", "Better lighting", D(2026, 6, 16))
    evidence = FakeEvidence(
        agreed_actions=[pantry, lights],
        action_updates={"north-lights": [EvidenceItem(D(2026, 10, 1), "in-progress", "started")]},
    )
    stale = {
        f.subject_id: f for f in evaluate(council, D(2026, 11, 30), evidence=evidence) if f.rule_id == "actions-updated"
    }
    assert stale["north-pantry"].status is Status.AMBER  # agreed 167 days ago, never updated
    assert stale["north-pantry"].message == "Last update 16 June 2026 (agreed), 167 days ago: more than 90 days."
    assert stale["north-lights"].status is Status.GREEN
    assert stale["north-lights"].subject == "north-lights Better lighting"
