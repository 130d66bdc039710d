"""Records for places, on SQLite and PostgreSQL: registered instances, local plans, checks between records."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from tests.test_places_rules import PLACES

from engagekit.definition import load_definition_text
from engagekit.model import Council
from engagekit.records import (
    ActionStatus,
    ActionUpdate,
    EngagementEvent,
    EventKind,
    InstanceRecord,
    LocalAction,
    LocalPriority,
    RecordKind,
    RowProblem,
    open_store,
)
from engagekit.records.exports import write_csv
from engagekit.records.files import read_csv
from engagekit.rules import Status, evaluate

D = dt.date
BY = {"council_id": "places", "recorded_by": "officer"}

AREAS = """
areas:
  - {id: town, name: Town, kind: town}
  - {id: ward-a, name: Ward A, kind: ward, parent: town}
  - {id: ward-b, name: Ward B, kind: ward, parent: town}
hubs:
  - {id: hubs, name: Two planned hubs, status: proposed, count: 2}
"""


@pytest.fixture(scope="module")
def council() -> Council:
    text = PLACES.replace("  - {id: north, name: North}", "  - {id: north, name: North, areas: [ward-a]}")
    return load_definition_text(text + AREAS, "places.yaml")


def forum(local: str = "stanford", **fields: object) -> InstanceRecord:
    values: dict[str, object] = {"date": D(2019, 10, 1), "body_id": "forums", "instance": local, "name": "Stanford"}
    return InstanceRecord(**{**BY, **values, **fields})  # type: ignore[arg-type]


def meeting(body_id: str, day: dt.date, **fields: object) -> EngagementEvent:
    return EngagementEvent(**BY, date=day, event_kind=EventKind.MEETING, body_id=body_id, public=True, **fields)  # type: ignore[arg-type]


def refused(store_url: str, council: Council, record: object) -> list[tuple[str, str]]:
    with open_store(store_url) as store, pytest.raises(RowProblem) as caught:
        store.add(council, [record])  # type: ignore[list-item]
    return caught.value.problems


def test_a_registered_forum_takes_meetings_and_turns_green_alone(store_url: str, council: Council) -> None:
    held = [meeting("forums.stanford", D(2025, month, 3)) for month in (2, 5, 8, 11)]
    held.append(meeting("forums.stanford", D(2025, 6, 9), agm=True))
    with open_store(store_url) as store:
        store.add(council, [forum(), forum("grays", name="Grays Forum")])
        store.add(council, held)
        findings = evaluate(council, D(2026, 1, 10), evidence=store.evidence(council))
    quota = {f.subject_id: f for f in findings if f.rule_id == "forums-meeting-quota"}
    assert quota["forums.stanford"].status is Status.GREEN
    assert quota["forums.grays"].status is Status.GREY


def test_a_registration_corrected_keeps_its_history(store_url: str, council: Council) -> None:
    with open_store(store_url) as store:
        [first] = store.add(council, [forum()])
        store.add(council, [forum(name="Stanford-le-Hope Forum", supersedes=first.id)])
        known = store.evidence(council).recorded_instances("forums", D(2026, 1, 1))
        assert [(item.id, item.name) for item in known] == [("forums.stanford", "Stanford-le-Hope Forum")]
        assert len(list(store.records("places", RecordKind.INSTANCE))) == 2
        store.add(council, [forum("closed", name="Closed Forum", end_date=D(2020, 3, 1))])
        assert [item.local_id for item in store.evidence(council).recorded_instances("forums", D(2021, 1, 1))] == [
            "stanford"
        ]


def test_records_that_disagree_are_refused(store_url: str, council: Council) -> None:
    [(column, message)] = refused(store_url, council, meeting("forums.nowhere", D(2025, 1, 1)))
    assert (column, message.split(" (")[0]) == ("body", "no body 'forums.nowhere' in this council")
    assert refused(store_url, council, meeting("network", D(2025, 1, 1))) == [
        (
            "body",
            "body 'network' stands for one per place: name its instance "
            "(known: network.east, network.north, network.south)",
        )
    ]
    assert refused(store_url, council, meeting("network.north", D(2025, 1, 1), cluster_id="south")) == [
        ("cluster", "body 'network.north' is for cluster 'north', not 'south'")
    ]
    assert refused(store_url, council, meeting("network.north", D(2025, 1, 1), area_id="ward-b")) == [
        ("area", "body 'network.north' is for cluster 'north', which does not include area 'ward-b'")
    ]
    assert refused(store_url, council, forum(body_id="network")) == [
        ("body", "body 'network' is not one whose instances are recorded (those are: forums)")
    ]
    priority = LocalPriority(**BY, date=D(2026, 6, 1), body_id="forums.stanford", year=2026, title="x")
    assert refused(store_url, council, priority)[0][0] == "body"
    action = LocalAction(**BY, date=D(2026, 6, 1), action_id="ok", body_id="network.south", title="x")
    with open_store(store_url) as store:
        store.add(council, [action])
        assert list(store.records("places")) != []


def test_local_priorities_and_actions_with_updates(store_url: str, council: Council) -> None:
    agreed = [
        LocalPriority(
            **BY,
            date=D(2026, 6, 12),
            body_id="network.north",
            year=2026,
            title="Safer streets",
            agreed_by="North Network AGM",
        ),
        LocalAction(
            **BY,
            date=D(2026, 6, 12),
            action_id="north-lighting",
            body_id="network.north",
            title="Better lighting on the high street",
            owner="Highways",
            priority="Safer streets",
            year=2026,
        ),
    ]
    with open_store(store_url) as store:
        store.add(council, agreed)
        store.add(
            council,
            [
                ActionUpdate(
                    **BY, date=D(2026, 8, 1), action_id="north-lighting", status=ActionStatus.IN_PROGRESS, percent=20
                )
            ],
        )
        evidence = store.evidence(council)
        assert [item.summary for item in evidence.local_priorities("network.north", 2026, D(2026, 12, 31))] == [
            "Safer streets (agreed by North Network AGM)"
        ]
        assert [action.id for action in evidence.local_actions(D(2026, 12, 31))] == ["north-lighting"]
        assert evidence.latest_action_updates(D(2026, 12, 31))["north-lighting"].kind == "in-progress"
        findings = evaluate(council, D(2026, 8, 15), evidence=evidence)
    plans = {f.subject_id: f.status for f in findings if f.rule_id == "priorities"}
    assert plans == {"network.north": Status.GREEN, "network.south": Status.RED, "network.east": Status.RED}


def test_an_export_with_registrations_imports_back_in_order(store_url: str, council: Council, tmp_path: Path) -> None:
    with open_store(store_url) as store:
        store.add(council, [forum()])
        store.add(council, [meeting("forums.stanford", D(2025, 2, 3), considered="annual report; accounts")])
        exported = write_csv(store.records("places"))
    path = tmp_path / "export.csv"
    path.write_text(exported, encoding="utf-8")
    assert exported.splitlines()[1].startswith("instance,")
    fresh = tmp_path / "fresh.db"
    with open_store(f"sqlite:///{fresh}") as store:
        result = store.import_rows(council, read_csv(path), source_name=str(path), sha256="x", recorded_by="me")
        assert result.ok, result.problems
        kinds = [record.kind for record in store.records("places")]
        [event] = [record for record in store.records("places") if isinstance(record, EngagementEvent)]
    assert kinds == [RecordKind.INSTANCE, RecordKind.EVENT]
    assert event.considered_items() == ["annual report", "accounts"]


def test_a_file_may_register_a_forum_and_record_its_meetings(store_url: str, council: Council, tmp_path: Path) -> None:
    path = tmp_path / "forums.csv"
    path.write_text(
        "kind,date,body,instance,name,event,public\n"
        "instance,2019-10-01,forums,stanford,Stanford Forum,,\n"
        "event,2025-02-03,forums.stanford,,,meeting,yes\n",
        encoding="utf-8",
    )
    with open_store(store_url) as store:
        result = store.import_rows(council, read_csv(path), source_name="forums.csv", sha256="y", recorded_by="me")
        assert result.ok, result.problems
        assert result.added == 2


def test_hub_sessions_recorded_place_by_place(store_url: str, council: Council) -> None:
    def session(day: dt.date, area: str) -> EngagementEvent:
        return EngagementEvent(**BY, date=day, event_kind=EventKind.HUB_SESSION, hub_id="hubs", area_id=area)

    with open_store(store_url) as store:
        added = store.add(council, [session(D(2025, 5, 1), "ward-b"), session(D(2025, 3, 1), "ward-b")])
        store.add(council, [session(D(2025, 9, 1), "ward-a")])
        evidence = store.evidence(council)
        by_area = evidence.hub_sessions_by_area(D(2025, 6, 30))
    assert list(by_area) == ["ward-b"]
    assert (by_area["ward-b"].date, by_area["ward-b"].ref) == (D(2025, 3, 1), f"event #{added[1].id}")


def test_members_on_a_date(store_url: str, council: Council) -> None:
    from engagekit.records import MemberRecord

    def seat(name: str, day: dt.date, **fields: object) -> MemberRecord:
        return MemberRecord(**BY, date=day, body_id="network.north", name=name, **fields)  # type: ignore[arg-type]

    with open_store(store_url) as store:
        store.add(
            council,
            [
                seat("Ann", D(2024, 5, 1), area_id="ward-a", office="chair", councillor=True),
                seat("Bob", D(2024, 5, 1), end_date=D(2025, 4, 30)),
                seat("Cy", D(2025, 6, 1), councillor=False),
            ],
        )
        members = store.evidence(council).members("network.north", D(2025, 5, 15))
        assert [(m.name, m.office, m.councillor) for m in members] == [("Ann", "chair", True)]
        [ann] = [record for record in store.records("places", RecordKind.MEMBER) if record.name == "Ann"]  # type: ignore[union-attr]
        assert ann.councillor is True
    assert refused(store_url, council, seat("Di", D(2025, 1, 1), area_id="nowhere"))[0][0] == "area"


def test_the_fast_path_checks_places_and_learns_registrations(store_url: str, council: Council, tmp_path: Path) -> None:
    """A CSV takes the fast path: it must refuse what the general path refuses and stay fast after a registration."""
    from engagekit.records.files import csv_table

    path = tmp_path / "meetings.csv"
    path.write_text(
        "kind,date,body,instance,name,cluster,event,public\n"
        "instance,2019-10-01,forums,stanford,Stanford Forum,south,,\n"
        "event,2025-02-03,forums.stanford,,,south,meeting,yes\n"
        "event,2025-02-04,network.north,,,south,meeting,yes\n",
        encoding="utf-8",
    )
    table = csv_table(path)
    assert table.fast
    with open_store(store_url) as store:
        result = store.import_rows(council, table, source_name="m.csv", sha256="z", recorded_by="me")
    assert [(p.row, p.column, p.message) for p in result.problems] == [
        (4, "cluster", "body 'network.north' is for cluster 'north', not 'south'")
    ]


def test_the_fast_path_compiles_meetings_of_a_forum_once_it_is_registered(council: Council) -> None:
    from engagekit.records.checks import Vocabulary
    from engagekit.records.fast import RowCompiler

    header = ["kind", "date", "event", "body", "public"]
    compiler = RowCompiler(
        header,
        council_id="places",
        recorded_by="me",
        recorded_at="now",
        import_id=1,
        vocabulary=Vocabulary.of(council),
        default_kind=None,
        sqlite=True,
    )
    meeting = ["event", "2025-02-03", "meeting", "forums.stanford", "yes"]
    assert compiler.compile(meeting) is None  # not yet registered: the general path explains
    compiler.learn(forum())
    compiled = compiler.compile(meeting)
    assert compiled is not None
    assert compiled[0] == "event"


def test_a_local_action_cannot_take_an_id_of_the_council_wide_plan(bundled_councils: dict[str, Council]) -> None:
    from engagekit.records.checks import Vocabulary

    basildon = bundled_councils["basildon"]
    huddle = InstanceRecord(
        council_id="basildon", recorded_by="o", date=D(2026, 1, 1), body_id="community-huddles", instance="pitsea",
        name="Pitsea huddle",
    )  # fmt: skip
    vocabulary = Vocabulary.of(basildon).with_recorded([huddle])
    action = LocalAction(
        council_id="basildon", recorded_by="o", date=D(2026, 2, 1), action_id="CN-1",
        body_id="community-huddles.pitsea", title="Tidy the park",
    )  # fmt: skip
    assert vocabulary.problems(action) == [("action", "'CN-1' is an action of the council-wide plan: give a new id")]
    with pytest.raises(ValueError, match="longer than 100 characters"):
        forum("a" * 60, body_id="b" * 45)
