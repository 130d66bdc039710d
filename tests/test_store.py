"""The records store, on SQLite and on PostgreSQL: schema, writing, corrections, evidence, imports and exports."""

from __future__ import annotations

import datetime as dt
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from tests.import_files import write_rows
from tests.store_backends import comparable, postgresql_url, sqlite_url

from engagekit.model import Council
from engagekit.model.engagement import ParticipationLevel
from engagekit.records import (
    ActionStatus,
    ActionUpdate,
    EngagementEvent,
    EventKind,
    ImportProblem,
    ImportResult,
    IndicatorReading,
    InstanceRecord,
    LocalAction,
    LocalPriority,
    MemberRecord,
    Record,
    RecordKind,
    RecordStore,
    ReviewKind,
    ReviewRecord,
    RowProblem,
    open_store,
    schema,
)
from engagekit.records import migrate as migrations
from engagekit.records.exports import write_csv, write_json, write_xlsx
from engagekit.records.files import (
    file_sha256,
    json_rows,
    read_csv,
    read_decidim,
    read_xlsx,
)
from engagekit.records.kinds import in_dependency_order
from engagekit.records.store import BATCH
from engagekit.rules import EvidenceItem

BUSY_MS = 30_000
"""Given to every open_store, so no test reads the user's settings."""
DAY = dt.date(2024, 3, 1)
KINDS = [kind.value for kind in RecordKind]
FORUMS = "community-forums"
"""Thurrock's forums: a body declared ``for_each: recorded``, so each forum is registered before its meetings."""
ROOT = Path(__file__).resolve().parent.parent


# -- helpers ------------------------------------------------------------------------------


def update(action_id: str = "CN-1", status: ActionStatus = ActionStatus.IN_PROGRESS, **fields: Any) -> ActionUpdate:
    fields.setdefault("date", DAY)
    fields.setdefault("recorded_by", "alice")
    return ActionUpdate(council_id="basildon", action_id=action_id, status=status, **fields)


def reading(
    indicator_id: str = "services-in-community-directory", value: float = 120.0, **fields: Any
) -> IndicatorReading:
    fields.setdefault("date", DAY)
    fields.setdefault("recorded_by", "alice")
    return IndicatorReading(council_id="basildon", indicator_id=indicator_id, value=value, **fields)


def event(council_id: str, kind: EventKind = EventKind.MEETING, **fields: Any) -> EngagementEvent:
    fields.setdefault("date", DAY)
    fields.setdefault("recorded_by", "alice")
    return EngagementEvent(council_id=council_id, event_kind=kind, **fields)


def review(
    obligation_id: str = "progress-report-to-cabinet", council_id: str = "bathnes", **fields: Any
) -> ReviewRecord:
    fields.setdefault("date", DAY)
    fields.setdefault("recorded_by", "alice")
    fields.setdefault("review_kind", ReviewKind.REPORT)
    return ReviewRecord(council_id=council_id, obligation_id=obligation_id, **fields)


def registration(council_id: str, body_id: str, local: str, **fields: Any) -> InstanceRecord:
    fields.setdefault("date", dt.date(2019, 10, 1))
    fields.setdefault("recorded_by", "alice")
    fields.setdefault("name", f"{local.title()} ({body_id})")
    return InstanceRecord(council_id=council_id, body_id=body_id, instance=local, **fields)


def forum(local: str = "aveley", **fields: Any) -> InstanceRecord:
    """One of Thurrock's community forums, registered: its meetings name ``community-forums.<local>``."""
    return registration("thurrock", FORUMS, local, **fields)


def counts(store: RecordStore) -> dict[str, int]:
    return store.status().counts


def imports_count(store: RecordStore) -> int:
    with store.engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(schema.imports)).scalar_one()


def import_file(store: RecordStore, council: Council, path: Path, **options: Any) -> ImportResult:
    reader = read_xlsx if path.suffix == ".xlsx" else json_rows if path.suffix == ".json" else read_csv
    return store.import_rows(
        council, reader(path), source_name=str(path), sha256=file_sha256(path), recorded_by="importer", **options
    )


def later() -> None:
    """Let the clock move on, so the next record is recorded strictly later than the last."""
    time.sleep(0.01)


@pytest.fixture
def store(store_url: str) -> Iterator[RecordStore]:
    with open_store(store_url, busy_timeout_ms=BUSY_MS) as opened:
        yield opened


@pytest.fixture
def other_store_url(store_url: str, tmp_path: Path) -> Iterator[str]:
    """A second, empty store on the same backend as ``store_url``."""
    if store_url.startswith("sqlite"):
        yield sqlite_url(tmp_path, "other.db")
    else:
        with postgresql_url() as url:
            yield url


@pytest.fixture
def councils(bundled_councils: dict[str, Council]) -> dict[str, Council]:
    return bundled_councils


@pytest.fixture
def basildon(councils: dict[str, Council]) -> Council:
    return councils["basildon"]


@pytest.fixture
def thurrock(councils: dict[str, Council]) -> Council:
    return councils["thurrock"]


@pytest.fixture
def bathnes(councils: dict[str, Council]) -> Council:
    return councils["bathnes"]


# -- schema and migrations ----------------------------------------------------------------


def test_an_unused_store_has_no_schema_and_first_use_migrates_it_to_head(store_url: str) -> None:
    with RecordStore(store_url, busy_timeout_ms=BUSY_MS) as unused:
        before = unused.status()
    assert before.revision is None
    assert before.counts == {}
    assert not before.current

    with open_store(store_url, busy_timeout_ms=BUSY_MS) as opened:
        after = opened.status()
    assert after.revision == after.head == schema.HEAD
    assert migrations.head_revision() == schema.HEAD
    assert after.current
    assert after.counts == dict.fromkeys(KINDS, 0)


def test_the_migrated_schema_matches_the_schema_module(store: RecordStore) -> None:
    with store.engine.connect() as connection:
        tables = set(sa.inspect(connection).get_table_names())
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        every = schema.with_every_table()
        differences = compare_metadata(context, every)
    assert tables == {*every.tables, "alembic_version"}
    assert differences == []


def test_opening_a_current_store_again_keeps_its_records(store_url: str, basildon: Council) -> None:
    with open_store(store_url, busy_timeout_ms=BUSY_MS) as first:
        added = first.add(basildon, [update(), reading()])
    with open_store(store_url, busy_timeout_ms=BUSY_MS) as again:
        assert again.status().revision == schema.HEAD
        assert list(again.records("basildon")) == added


def first_revision_table(name: str, *columns: sa.ColumnClause[Any]) -> sa.TableClause:
    """One of revision 0001's record tables, with the columns that revision gave it (written by hand,
    so the test keeps writing 0001's rows however later revisions change the schema module)."""
    return sa.table(
        name,
        sa.column("id", sa.Integer),
        sa.column("council_id", sa.String),
        sa.column("date", sa.Date),
        sa.column("note", sa.Text),
        sa.column("recorded_by", sa.String),
        sa.column("recorded_at", sa.DateTime(timezone=True)),
        sa.column("supersedes", sa.Integer),
        *columns,
    )


def test_records_written_at_the_first_revision_survive_opening_and_upgrading(store_url: str) -> None:
    """Rows written at revision 0001 are all there after open_store brings the schema to head."""
    recorded_at = dt.datetime(2024, 3, 2, 9, 30, 15, 123456, tzinfo=dt.UTC)
    base = {"date": DAY, "note": None, "recorded_by": "alice", "recorded_at": recorded_at, "supersedes": None}
    with RecordStore(store_url, busy_timeout_ms=BUSY_MS) as old:
        with old.engine.begin() as connection:
            migrations.upgrade(connection, "0001")
        assert old.status().revision == "0001"
        with old.engine.begin() as connection:
            updates = first_revision_table(
                "action_updates", sa.column("action_id"), sa.column("status"), sa.column("percent", sa.Integer)
            )
            connection.execute(
                updates.insert(),
                [
                    {
                        **base,
                        "id": 1,
                        "council_id": "basildon",
                        "action_id": "CN-1",
                        "status": "in-progress",
                        "percent": 10,
                    },
                    {
                        **base,
                        "id": 2,
                        "council_id": "basildon",
                        "action_id": "CN-1",
                        "status": "delayed",
                        "percent": None,
                        "supersedes": 1,
                    },
                ],
            )
            readings = first_revision_table(
                "indicator_readings", sa.column("indicator_id"), sa.column("value", sa.Float)
            )
            connection.execute(
                readings.insert(), {**base, "id": 1, "council_id": "basildon", "indicator_id": "x", "value": 2.5}
            )
            events = first_revision_table(
                "events",
                sa.column("event_kind"),
                sa.column("body_id"),
                sa.column("public", sa.Boolean),
                sa.column("agm", sa.Boolean),
            )
            connection.execute(
                events.insert(),
                {
                    **base,
                    "id": 1,
                    "council_id": "thurrock",
                    "event_kind": "meeting",
                    "body_id": "community-forums",
                    "public": True,
                    "agm": False,
                },
            )
            reviews = first_revision_table("reviews", sa.column("obligation_id"), sa.column("review_kind"))
            connection.execute(
                reviews.insert(),
                {
                    **base,
                    "id": 1,
                    "council_id": "bathnes",
                    "note": "to Cabinet",
                    "obligation_id": "progress-report-to-cabinet",
                    "review_kind": "report",
                },
            )

    with open_store(store_url, busy_timeout_ms=BUSY_MS) as store:
        assert store.status().revision == schema.HEAD
        assert store.status().counts == {
            "action-update": 2,
            "indicator-reading": 1,
            "event": 1,
            "review": 1,
            **dict.fromkeys(("instance", "local-priority", "local-action", "member"), 0),  # made by revision 0003
        }
        fields: dict[str, Any] = {"date": DAY, "recorded_by": "alice", "recorded_at": recorded_at}
        assert list(store.records("basildon")) == [
            update(id=1, percent=10, **fields),
            update(status=ActionStatus.DELAYED, id=2, supersedes=1, **fields),
            reading("x", 2.5, id=1, **fields),
        ]
        assert list(store.records("thurrock")) == [
            event("thurrock", body_id="community-forums", public=True, id=1, **fields)
        ]
        assert list(store.records("bathnes")) == [review(note="to Cabinet", id=1, **fields)]


# -- adding records -----------------------------------------------------------------------


def test_add_returns_the_records_with_ids_and_recorded_at(
    store: RecordStore, basildon: Council, thurrock: Council, bathnes: Council
) -> None:
    before = dt.datetime.now(dt.UTC)
    first = store.add(basildon, [update(percent=40, note="started"), update("CN-2"), reading(value=7.5)])
    aveley = forum("aveley", name="Aveley Community Forum", cluster_id="aveley")
    meeting = event(
        "thurrock",
        title="Aveley forum",
        end_date=DAY + dt.timedelta(days=1),
        body_id=aveley.full_id,
        public=True,
        agm=True,
        area_id="thurrock",
        cluster_id="aveley",
        hub_id="community-hubs-in-libraries",
        level=ParticipationLevel.INVOLVE,
        attendance=35,
        formative="options still open",
        reasons="paper circulated",
        responses="summarised",
    )
    second = store.add(thurrock, [aveley, meeting])
    third = store.add(bathnes, [review(approved_by="Cabinet", review_kind=ReviewKind.REPORT)])
    after = dt.datetime.now(dt.UTC)

    assert [record.id for record in first] == [1, 2, 1]
    assert [record.id for record in second + third] == [1, 1, 1]
    for record in first + second + third:
        assert record.recorded_at is not None
        assert record.recorded_at.utcoffset() == dt.timedelta(0)
        assert before <= record.recorded_at <= after
    assert first[0] == attrs.evolve(update(percent=40, note="started"), id=1, recorded_at=first[0].recorded_at)
    assert second[0] == attrs.evolve(aveley, id=1, recorded_at=second[0].recorded_at)
    assert list(store.records("basildon")) == first
    assert list(store.records("thurrock")) == second
    assert list(store.records("bathnes")) == third
    assert list(store.records("basildon", RecordKind.INDICATOR_READING)) == [first[2]]
    assert counts(store) == {
        "action-update": 2,
        "indicator-reading": 1,
        "event": 1,
        "review": 1,
        "instance": 1,
        "local-priority": 0,
        "local-action": 0,
        "member": 0,
    }


UNKNOWN_IDS = [
    pytest.param(
        "basildon",
        lambda: update("CN-9"),
        "action",
        "'CN-9'",
        "CC-1, CC-2, CC-3, CC-4, CN-1, CN-2, CN-3, CN-4, CN-5, CN-6, CN-7, CN-8, CP-1, CP-2, CP-3",
        id="action",
    ),
    pytest.param(
        "basildon",
        lambda: reading("footfall"),
        "indicator",
        "'footfall'",
        "connectedness-tracker-surveys, new-principles-and-models, services-in-community-directory",
        id="indicator",
    ),
    pytest.param(
        "thurrock",
        lambda: event("thurrock", body_id="parish"),
        "body",
        "'parish'",
        # community-forums is not one: a meeting names a registered forum (none registered here)
        "cabinet, corporate-overview-and-scrutiny-committee, hub-steering-groups, joint-strategic-forum",
        id="body",
    ),
    pytest.param(
        "thurrock",
        lambda: event("thurrock", cluster_id="keynsham-area"),
        "cluster",
        "'keynsham-area'",
        "aveley, chafford-hundred, east-and-west-tilbury, grays, orsett-bulphan-and-horndon, "
        "purfleet-west-thurrock-and-south-stifford, south-ockendon, stanford-le-hope-and-corringham, "
        "tilbury-and-chadwell-st-mary",
        id="cluster",
    ),
    pytest.param(
        "thurrock",
        lambda: event("thurrock", hub_id="paulton-library"),
        "hub",
        "'paulton-library'",
        "community-hubs-in-libraries",
        id="hub",
    ),
    pytest.param("thurrock", lambda: event("thurrock", area_id="essex"), "area", "'essex'", "thurrock", id="area"),
    pytest.param(
        "bathnes",
        lambda: review("annual-review"),
        "obligation",
        "'annual-review'",
        "local-offer-plans, progress-report-to-cabinet, psb-cluster-needs-reports, "
        "psb-cluster-needs-reports.keynsham-area, psb-cluster-needs-reports.somer-valley, "
        "psb-cluster-needs-reports.south-east-bath, toolkit-kept-updated",
        id="obligation",
    ),
]


RECORDED_HINTS = {("thurrock", "body"): "; instances of community-forums are named <body>.<id> once registered"}
"""What an unknown body's message adds where a council has bodies whose instances are registered."""


@pytest.mark.parametrize(("council_id", "make", "column", "quoted", "known"), UNKNOWN_IDS)
def test_a_record_with_an_unknown_id_is_refused_and_nothing_is_written(
    store: RecordStore,
    councils: dict[str, Council],
    council_id: str,
    make: Callable[[], Record],
    column: str,
    quoted: str,
    known: str,
) -> None:
    good: dict[str, Record] = {"basildon": update(), "thurrock": event("thurrock"), "bathnes": review()}
    with pytest.raises(RowProblem) as refused:
        store.add(councils[council_id], [good[council_id], make()])
    ((named, message),) = refused.value.problems
    assert named == column
    assert quoted in message
    assert "in this council" in message
    assert message.endswith(f" in this council (known: {known})" + RECORDED_HINTS.get((council_id, column), ""))
    assert str(refused.value).startswith(f"{column}: no ")
    assert counts(store) == dict.fromkeys(KINDS, 0)


def test_a_record_for_another_council_is_refused(store: RecordStore, basildon: Council) -> None:
    with pytest.raises(ValueError, match="'thurrock' cannot be added to 'basildon'"):
        store.add(basildon, [update(), event("thurrock")])
    assert counts(store) == dict.fromkeys(KINDS, 0)


def test_a_correction_of_a_record_that_does_not_exist_is_refused(store: RecordStore, basildon: Council) -> None:
    (kept,) = store.add(basildon, [update()])
    assert kept.id is not None
    missing = kept.id + 5
    with pytest.raises(RowProblem) as refused:
        store.add(basildon, [update(supersedes=missing)])
    assert refused.value.problems == [("supersedes", f"no action-update record #{missing} to correct")]
    with pytest.raises(RowProblem):  # an id of another kind of record is not one to correct either
        store.add(basildon, [reading(supersedes=kept.id)])
    assert counts(store)["action-update"] == 1
    assert counts(store)["indicator-reading"] == 0


# -- corrections and known_at -------------------------------------------------------------


def test_a_correction_hides_the_earlier_record_from_evidence_but_both_are_kept(
    store: RecordStore, bathnes: Council, basildon: Council
) -> None:
    (wrong,) = store.add(bathnes, [review(date=dt.date(2013, 11, 6))])
    later()
    (right,) = store.add(bathnes, [review(date=dt.date(2013, 11, 20), supersedes=wrong.id, note="issued late")])

    evidence = store.evidence(bathnes)
    assert evidence.reviews("progress-report-to-cabinet", dt.date(2013, 11, 9)) == []
    assert evidence.reviews("progress-report-to-cabinet", dt.date(2013, 12, 31)) == [
        EvidenceItem(dt.date(2013, 11, 20), "report", "issued late", f"review #{right.id}")
    ]
    assert list(store.records("bathnes")) == [wrong, right]
    assert list(store.records("bathnes", include_superseded=False)) == [right]

    (first,) = store.add(basildon, [update(percent=40)])
    later()
    (fixed,) = store.add(basildon, [update(status=ActionStatus.DELAYED, percent=30, supersedes=first.id)])
    assert store.history("basildon", "CN-1") == [first, fixed]
    assert list(store.records("basildon", RecordKind.ACTION_UPDATE, include_superseded=False)) == [fixed]


def test_known_at_reproduces_what_the_store_knew(store: RecordStore, bathnes: Council) -> None:
    (original,) = store.add(bathnes, [review(date=dt.date(2013, 11, 6))])
    later()
    (correction,) = store.add(bathnes, [review(date=dt.date(2013, 12, 2), supersedes=original.id)])
    assert original.recorded_at is not None
    assert correction.recorded_at is not None
    assert original.recorded_at < correction.recorded_at
    until = dt.date(2013, 12, 31)

    then = store.evidence(bathnes, known_at=original.recorded_at)
    assert [item.date for item in then.reviews("progress-report-to-cabinet", until)] == [dt.date(2013, 11, 6)]
    assert list(store.records("bathnes", known_at=original.recorded_at)) == [original]
    assert list(store.records("bathnes", include_superseded=False, known_at=original.recorded_at)) == [original]

    now = store.evidence(bathnes, known_at=correction.recorded_at)
    assert [item.date for item in now.reviews("progress-report-to-cabinet", until)] == [dt.date(2013, 12, 2)]
    assert [item.date for item in store.evidence(bathnes).reviews("progress-report-to-cabinet", until)] == [
        dt.date(2013, 12, 2)
    ]

    before_anything = original.recorded_at - dt.timedelta(seconds=1)
    assert store.evidence(bathnes, known_at=before_anything).reviews("progress-report-to-cabinet", until) == []
    assert list(store.records("bathnes", known_at=before_anything)) == []


def test_known_at_is_a_moment_whatever_its_time_zone(store: RecordStore, bathnes: Council) -> None:
    """The same instant written in another zone must give the same answer as in UTC."""
    (original,) = store.add(bathnes, [review(date=dt.date(2013, 11, 6))])
    later()
    store.add(bathnes, [review(date=dt.date(2013, 12, 2), supersedes=original.id)])
    assert original.recorded_at is not None
    for offset in (5, -5):
        zone = dt.timezone(dt.timedelta(hours=offset))
        moment = original.recorded_at.astimezone(zone)
        assert moment == original.recorded_at
        assert list(store.records("bathnes", include_superseded=False, known_at=moment)) == [original], (
            f"known_at {moment.isoformat()} (UTC{offset:+d})"
        )


def test_an_imported_recorded_at_with_an_offset_keeps_its_moment(
    store: RecordStore, bathnes: Council, tmp_path: Path
) -> None:
    path = write_rows(
        tmp_path / "reviews.csv",
        ["kind", "date", "obligation", "review", "recorded_by", "recorded_at"],
        [
            {
                "kind": "review",
                "date": "2013-11-06",
                "obligation": "progress-report-to-cabinet",
                "review": "report",
                "recorded_by": "clerk",
                "recorded_at": "2013-11-06T13:00:00+01:00",
            }
        ],
    )
    assert import_file(store, bathnes, path).added == 1
    (stored,) = store.records("bathnes")
    assert stored.recorded_at == dt.datetime(2013, 11, 6, 12, 0, tzinfo=dt.UTC)


# -- evidence -----------------------------------------------------------------------------


def test_evidence_of_reviews(store: RecordStore, bathnes: Council, thurrock: Council) -> None:
    added = store.add(
        bathnes,
        [
            review(date=dt.date(2013, 11, 6), recorded_by="clerk"),
            review(date=dt.date(2013, 10, 1), note="interim update", review_kind=ReviewKind.UPDATE),
            review("toolkit-kept-updated", date=dt.date(2013, 9, 1)),
            review(date=dt.date(2014, 1, 1)),
        ],
    )
    store.add(thurrock, [review("draft-strategy-to-cabinet", council_id="thurrock", date=dt.date(2013, 10, 1))])
    evidence = store.evidence(bathnes)
    assert evidence.reviews("progress-report-to-cabinet", dt.date(2013, 11, 9)) == [
        EvidenceItem(dt.date(2013, 10, 1), "update", "interim update", f"review #{added[1].id}"),
        EvidenceItem(dt.date(2013, 11, 6), "report", "Report recorded by clerk", f"review #{added[0].id}"),
    ]
    assert evidence.reviews("progress-report-to-cabinet", dt.date(2013, 11, 6))[-1].date == dt.date(2013, 11, 6)
    assert evidence.reviews("progress-report-to-cabinet", dt.date(2013, 9, 30)) == []
    assert [item.date for item in evidence.reviews("toolkit-kept-updated", dt.date(2014, 1, 1))] == [
        dt.date(2013, 9, 1)
    ]
    assert store.evidence(thurrock).reviews("progress-report-to-cabinet", dt.date(2020, 1, 1)) == []


def test_evidence_of_meetings(store: RecordStore, thurrock: Council, bathnes: Council) -> None:
    (registered,) = store.add(thurrock, [forum("grays", name="Grays Community Forum")])
    assert isinstance(registered, InstanceRecord)
    forum_id = registered.full_id
    added = store.add(
        thurrock,
        [
            event("thurrock", body_id=forum_id, date=dt.date(2024, 1, 31), public=True, title="January forum"),
            event("thurrock", body_id=forum_id, date=dt.date(2024, 3, 1), agm=True, public=True),
            event("thurrock", body_id=forum_id, date=dt.date(2024, 2, 15)),
            event("thurrock", body_id=forum_id, date=dt.date(2023, 12, 31), public=True),
            event("thurrock", body_id="cabinet", date=dt.date(2024, 2, 1), public=True),
            event("thurrock", EventKind.CONSULTATION, body_id=forum_id, date=dt.date(2024, 2, 2)),
            event("thurrock", EventKind.HUB_SESSION, body_id=forum_id, date=dt.date(2024, 2, 3)),
        ],
    )
    store.add(bathnes, [event("bathnes", body_id="cabinet", date=dt.date(2024, 2, 1), public=True)])
    evidence = store.evidence(thurrock)
    assert evidence.meetings(forum_id, dt.date(2024, 1, 1), dt.date(2024, 3, 1)) == [
        EvidenceItem(dt.date(2024, 1, 31), "public", "January forum", f"event #{added[0].id}"),
        EvidenceItem(dt.date(2024, 2, 15), "private", "private meeting", f"event #{added[2].id}"),
        EvidenceItem(dt.date(2024, 3, 1), "agm", "agm meeting", f"event #{added[1].id}"),
    ]
    assert [item.ref for item in evidence.meetings("cabinet", dt.date(2024, 1, 1), dt.date(2024, 12, 31))] == [
        f"event #{added[4].id}"
    ]
    assert evidence.meetings(forum_id, dt.date(2024, 2, 16), dt.date(2024, 2, 29)) == []

    later()
    store.add(thurrock, [event("thurrock", body_id="cabinet", date=dt.date(2024, 2, 1), supersedes=added[0].id)])
    assert [
        item.date for item in store.evidence(thurrock).meetings(forum_id, dt.date(2024, 1, 1), dt.date(2024, 3, 1))
    ] == [
        dt.date(2024, 2, 15),
        dt.date(2024, 3, 1),
    ]


def test_evidence_of_hubs_opened(store: RecordStore, thurrock: Council, bathnes: Council) -> None:
    libraries, sixth = "community-hubs-in-libraries", "community-hub-sixth-area"
    # Thurrock's definition lists one hub (of five); a second, by another id, is added here.
    in_libraries = next(hub for hub in thurrock.hubs if hub.id == libraries)
    another = attrs.evolve(in_libraries, id=sixth, name="Community hub in the sixth area", count=1)
    thurrock = attrs.evolve(thurrock, hubs=[*thurrock.hubs, another])
    added = store.add(
        thurrock,
        [
            event("thurrock", EventKind.HUB_SESSION, hub_id=libraries, date=dt.date(2024, 2, 1)),
            event("thurrock", EventKind.HUB_SESSION, hub_id=libraries, date=dt.date(2024, 1, 10)),
            event("thurrock", EventKind.MEETING, hub_id=sixth, date=dt.date(2024, 1, 5)),
            event("thurrock", EventKind.HUB_SESSION, hub_id=sixth, date=dt.date(2024, 6, 1)),
            event("thurrock", EventKind.HUB_SESSION, date=dt.date(2024, 1, 1)),
        ],
    )
    store.add(bathnes, [event("bathnes", EventKind.HUB_SESSION, hub_id="paulton-library", date=dt.date(2023, 1, 1))])
    evidence = store.evidence(thurrock)
    assert evidence.hubs_opened(dt.date(2024, 3, 1)) == {
        libraries: EvidenceItem(
            dt.date(2024, 1, 10), "hub session", "hub session on 2024-01-10", f"event #{added[1].id}"
        )
    }
    assert set(evidence.hubs_opened(dt.date(2024, 12, 31))) == {libraries, sixth}
    assert evidence.hubs_opened(dt.date(2024, 1, 9)) == {}

    later()
    store.add(thurrock, [event("thurrock", EventKind.HUB_SESSION, date=dt.date(2024, 1, 10), supersedes=added[1].id)])
    opened = store.evidence(thurrock).hubs_opened(dt.date(2024, 3, 1))
    assert {hub: item.date for hub, item in opened.items()} == {libraries: dt.date(2024, 2, 1)}
    assert store.evidence(bathnes).hubs_opened(dt.date(2024, 1, 1)).keys() == {"paulton-library"}


def test_evidence_of_clusters_started(store: RecordStore, bathnes: Council, thurrock: Council) -> None:
    added = store.add(
        bathnes,
        [
            event("bathnes", EventKind.CONSULTATION, cluster_id="keynsham-area", date=dt.date(2013, 9, 1)),
            event("bathnes", EventKind.MEETING, cluster_id="keynsham-area", date=dt.date(2013, 7, 1)),
            event("bathnes", EventKind.NEWSLETTER, cluster_id="somer-valley", date=dt.date(2014, 2, 1)),
            event("bathnes", EventKind.MEETING, date=dt.date(2013, 1, 1)),
        ],
    )
    store.add(thurrock, [event("thurrock", cluster_id="aveley", date=dt.date(2013, 1, 1))])
    evidence = store.evidence(bathnes)
    assert evidence.clusters_started(dt.date(2013, 12, 31)) == {
        "keynsham-area": EvidenceItem(
            dt.date(2013, 7, 1), "first engagement", "first engagement on 2013-07-01", f"event #{added[1].id}"
        )
    }
    assert {key: item.date for key, item in evidence.clusters_started(dt.date(2014, 12, 31)).items()} == {
        "keynsham-area": dt.date(2013, 7, 1),
        "somer-valley": dt.date(2014, 2, 1),
    }
    assert evidence.clusters_started(dt.date(2013, 6, 30)) == {}
    known_before = added[0].recorded_at
    assert known_before is not None
    assert (
        store.evidence(bathnes, known_at=known_before - dt.timedelta(seconds=1)).clusters_started(dt.date(2020, 1, 1))
        == {}
    )


def test_evidence_of_action_updates_readings_and_consultations(store: RecordStore, basildon: Council) -> None:
    added = store.add(
        basildon,
        [
            update("CN-1", percent=20, date=dt.date(2024, 1, 1)),
            update("CN-1", ActionStatus.AT_RISK, percent=30, date=dt.date(2024, 2, 1), note="supplier late"),
            update("CN-2", ActionStatus.COMPLETED, date=dt.date(2024, 3, 1)),
            reading(value=100, date=dt.date(2024, 1, 1)),
            reading(value=150, date=dt.date(2024, 6, 1)),
            event(
                "basildon",
                EventKind.CONSULTATION,
                date=dt.date(2024, 2, 1),
                end_date=dt.date(2024, 3, 14),
                formative="draft options",
                reasons="paper",
            ),
            event("basildon", EventKind.MEETING, date=dt.date(2024, 2, 2)),
        ],
    )
    evidence = store.evidence(basildon)
    latest = evidence.latest_action_updates(dt.date(2024, 2, 15))
    assert latest == {
        "CN-1": EvidenceItem(dt.date(2024, 2, 1), "at-risk", "supplier late", f"action update #{added[1].id}", 30.0)
    }
    assert set(evidence.latest_action_updates(dt.date(2024, 12, 31))) == {"CN-1", "CN-2"}
    assert [
        (item.date, item.value) for item in evidence.indicator_readings("services-in-community-directory", DAY)
    ] == [(dt.date(2024, 1, 1), 100.0)]
    (consultation,) = evidence.consultations(dt.date(2024, 12, 31))
    assert (consultation.opens, consultation.closes, consultation.formative, consultation.responses) == (
        dt.date(2024, 2, 1),
        dt.date(2024, 3, 14),
        "draft options",
        None,
    )
    assert consultation.ref == f"event #{added[5].id}"
    assert evidence.consultations(dt.date(2024, 1, 31)) == []

    later()
    store.add(basildon, [update("CN-1", ActionStatus.IN_PROGRESS, percent=35, date=DAY, supersedes=added[1].id)])
    corrected = store.evidence(basildon).latest_action_updates(dt.date(2024, 2, 15))
    assert (corrected["CN-1"].date, corrected["CN-1"].kind, corrected["CN-1"].value) == (
        dt.date(2024, 1, 1),
        "in-progress",
        20.0,
    )


# -- imports ------------------------------------------------------------------------------

ACTION_COLUMNS = ["kind", "date", "action", "status", "percent", "note"]


def good_action_row(n: int) -> dict[str, Any]:
    return {
        "kind": "action-update",
        "date": "2024-03-01",
        "action": "CN-4",
        "status": "in-progress",
        "percent": n % 101,
    }


def test_an_import_adds_every_row(store: RecordStore, basildon: Council, tmp_path: Path) -> None:
    path = write_rows(tmp_path / "updates.csv", ACTION_COLUMNS, [good_action_row(n) for n in range(30)])
    result = import_file(store, basildon, path)
    assert result.ok
    assert (result.rows, result.added, result.already_imported, result.dry_run) == (30, 30, False, False)
    stored = list(store.records("basildon"))
    assert [record.percent for record in stored if isinstance(record, ActionUpdate)] == list(range(30))
    assert {record.recorded_by for record in stored} == {"importer"}
    assert imports_count(store) == 1


def test_one_bad_row_among_many_writes_nothing_and_every_bad_row_is_listed(
    store: RecordStore, basildon: Council, tmp_path: Path
) -> None:
    rows = [good_action_row(n) for n in range(BATCH + 200)]
    rows[1] = {**rows[1], "action": "CN-99"}  # file row 3
    rows[2598] = {**rows[2598], "date": "2024-02-30"}  # file row 2600
    rows[BATCH + 98] = {**rows[BATCH + 98], "percent": "forty", "status": "paused"}  # file row BATCH + 100
    path = write_rows(tmp_path / "updates.csv", ACTION_COLUMNS, rows)
    result = import_file(store, basildon, path)
    assert not result.ok
    assert result.added == 0
    assert result.rows == BATCH + 200
    assert [(problem.row, problem.column) for problem in result.problems] == [
        (3, "action"),
        (2600, "date"),
        (BATCH + 100, "status"),
        (BATCH + 100, "percent"),
    ]
    assert "'CN-99'" in result.problems[0].message
    assert result.problems[1].message == "2024-02-30 does not exist: February 2024 has 29 days"
    assert str(result.problems[3]) == f"row {BATCH + 100}, percent: 'forty' is not a whole number"
    assert counts(store) == dict.fromkeys(KINDS, 0)
    assert imports_count(store) == 0


def test_a_bad_row_after_a_full_batch_was_inserted_still_writes_nothing(
    store: RecordStore, basildon: Council, tmp_path: Path
) -> None:
    rows = [good_action_row(n) for n in range(BATCH + 10)]
    rows[-1] = {**rows[-1], "action": "nope"}
    path = write_rows(tmp_path / "updates.csv", ACTION_COLUMNS, rows)
    result = import_file(store, basildon, path)
    assert [(problem.row, problem.column) for problem in result.problems] == [(BATCH + 11, "action")]
    assert counts(store) == dict.fromkeys(KINDS, 0)
    assert imports_count(store) == 0
    fixed = write_rows(tmp_path / "fixed.csv", ACTION_COLUMNS, rows[:-1])
    assert import_file(store, basildon, fixed).added == BATCH + 9


def test_problems_beyond_max_problems_are_counted(store: RecordStore, basildon: Council, tmp_path: Path) -> None:
    rows = [good_action_row(n) for n in range(20)]
    for n in range(12):
        rows[n + 4] = {**rows[n + 4], "status": "unknown"}
    path = write_rows(tmp_path / "updates.csv", ACTION_COLUMNS, rows)
    result = import_file(store, basildon, path, max_problems=5)
    assert [problem.row for problem in result.problems] == [6, 7, 8, 9, 10]
    assert {problem.column for problem in result.problems} == {"status"}
    assert result.more_problems == 7
    assert counts(store)["action-update"] == 0


def test_the_same_file_twice_is_imported_once(store: RecordStore, basildon: Council, tmp_path: Path) -> None:
    path = write_rows(tmp_path / "updates.csv", ACTION_COLUMNS, [good_action_row(n) for n in range(5)])
    assert import_file(store, basildon, path).added == 5
    again = import_file(store, basildon, path)
    assert again.already_imported
    assert again.added == 0
    assert counts(store)["action-update"] == 5
    assert imports_count(store) == 1


def test_a_dry_run_writes_nothing(store: RecordStore, basildon: Council, tmp_path: Path) -> None:
    path = write_rows(tmp_path / "updates.csv", ACTION_COLUMNS, [good_action_row(n) for n in range(5)])
    result = import_file(store, basildon, path, dry_run=True)
    assert result.ok
    assert result.dry_run
    assert (result.rows, result.added) == (5, 5)
    assert counts(store) == dict.fromkeys(KINDS, 0)
    assert imports_count(store) == 0
    assert import_file(store, basildon, path).added == 5  # the dry run did not mark the file imported

    bad = write_rows(tmp_path / "bad.csv", ACTION_COLUMNS, [{**good_action_row(1), "action": "XX"}])
    checked = import_file(store, basildon, bad, dry_run=True)
    assert [(problem.row, problem.column) for problem in checked.problems] == [(2, "action")]
    assert counts(store)["action-update"] == 5


# -- export and import round trips --------------------------------------------------------


HUDDLES = "community-huddles"
"""Basildon's community huddles: declared ``for_each: recorded``, each keeping local plans."""


def huddle_records(council_id: str) -> list[Record]:
    """A huddle registered, then records naming it: a local priority, a local action, a member and a meeting."""
    huddle = f"{HUDDLES}.pitsea"
    common: dict[str, Any] = {"council_id": council_id, "date": DAY, "recorded_by": "alice"}
    return [
        registration(council_id, HUDDLES, "pitsea", name="Pitsea huddle", area_id="pitsea", date=dt.date(2023, 9, 1)),
        LocalPriority(**common, body_id=huddle, year=2024, title="Safer parks", agreed_by="Pitsea huddle"),
        LocalAction(
            **common,
            action_id="pitsea-park-lighting",
            body_id=huddle,
            title="Better lighting in the park",
            owner="Parks",
            due_date=dt.date(2024, 9, 30),
            priority="Safer parks",
            year=2024,
        ),
        MemberRecord(**{**common, "recorded_by": "bob"}, body_id=huddle, name="Ann", office="chair", councillor=True),
        event(council_id, body_id=huddle, public=True, agm=True, considered="annual report; local priorities"),
    ]


def fill(store: RecordStore, councils: dict[str, Council]) -> list[Record]:
    """Every kind of record for Basildon, with corrections, recorded by two people."""
    basildon = councils["basildon"]
    huddle, *_ = store.add(basildon, huddle_records("basildon"))
    assert isinstance(huddle, InstanceRecord)
    first = store.add(
        basildon,
        [
            update("CN-1", percent=10, note="kick-off, with a comma"),
            update("CN-2", ActionStatus.NOT_STARTED, recorded_by="bob"),
            reading(value=120),
            reading("new-principles-and-models", 1.5, date=dt.date(2024, 4, 1)),
            event("basildon", EventKind.MEETING, body_id="cabinet", public=True, title="Cabinet", attendance=12),
            event(
                "basildon",
                EventKind.CONSULTATION,
                end_date=dt.date(2024, 4, 30),
                area_id="billericay",
                hub_id="community-hubs",
                level=ParticipationLevel.CONSULT,
                formative="draft",
                reasons="leaflet",
                responses="report",
                note='line one\nline two "quoted"',
            ),
            review("action-plan-annual-review", council_id="basildon", approved_by="Committee"),
        ],
    )
    later()
    second = store.add(
        basildon,
        [
            update("CN-1", ActionStatus.DELAYED, percent=5, supersedes=first[0].id, recorded_by="bob"),
            reading(value=121, supersedes=first[2].id),
            review("action-plan-annual-review", council_id="basildon", date=DAY, supersedes=first[6].id),
            attrs.evolve(huddle, id=None, recorded_at=None, name="Pitsea community huddle", supersedes=huddle.id),
            update("pitsea-park-lighting", percent=25, recorded_by="bob"),
        ],
    )
    later()
    store.add(basildon, [update("CN-1", ActionStatus.COMPLETED, percent=100, supersedes=second[0].id)])
    store.add(councils["thurrock"], [forum(), event("thurrock", body_id=f"{FORUMS}.aveley")])
    records = list(store.records("basildon"))
    assert {record.kind for record in records} == set(RecordKind)
    return records


EXPORTS: dict[str, Callable[[list[Record]], str | bytes]] = {"csv": write_csv, "json": write_json, "xlsx": write_xlsx}


@pytest.mark.parametrize("format_name", list(EXPORTS))
def test_an_export_imported_into_a_fresh_store_gives_the_same_records(
    store: RecordStore, other_store_url: str, councils: dict[str, Council], tmp_path: Path, format_name: str
) -> None:
    original = fill(store, councils)
    content = EXPORTS[format_name](original)
    path = tmp_path / f"export.{format_name}"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")

    basildon = councils["basildon"]
    with open_store(other_store_url, busy_timeout_ms=BUSY_MS) as fresh:
        # Another council's records first, so the imported records get ids other than their old ones.
        other = attrs.evolve(basildon, id="other")
        fresh.add(other, [attrs.evolve(update(), council_id="other"), attrs.evolve(reading(), council_id="other")])
        fresh.add(other, [attrs.evolve(review("sia-review", council_id="basildon"), council_id="other")])
        fresh.add(other, [attrs.evolve(event("basildon"), council_id="other")])
        fresh.add(other, huddle_records("other")[:-1])
        result = import_file(fresh, basildon, path)
        assert result.ok, result.problems
        assert result.added == len(original)
        copied = list(fresh.records("basildon"))
        assert comparable(copied) == comparable(original)
        assert [record.recorded_by for record in copied] == [record.recorded_by for record in original]
        assert [record.recorded_at for record in copied] == [record.recorded_at for record in original]
        assert {record.recorded_by for record in copied} == {"alice", "bob"}

        old_ids = {(record.kind, record.id): n for n, record in enumerate(original)}
        new_ids = {n: record.id for n, record in enumerate(copied)}
        for old, new in zip(original, copied, strict=True):
            assert new.id != old.id
            if old.supersedes is not None:
                assert new.supersedes == new_ids[old_ids[(old.kind, old.supersedes)]]
        until = dt.date(2030, 1, 1)
        assert [item.date for item in fresh.evidence(basildon).reviews("action-plan-annual-review", until)] == [DAY]
        huddle_meetings = fresh.evidence(basildon).meetings(f"{HUDDLES}.pitsea", DAY, DAY)
        assert [(item.kind, item.considered) for item in huddle_meetings] == [
            ("agm", ("annual report", "local priorities"))
        ]
        assert list(fresh.records("basildon", include_superseded=False)) == [
            record for record in copied if record.id not in {r.supersedes for r in copied if r.kind == record.kind}
        ]


def grays_events(
    count: int, corrections: Callable[[int], int | None] = lambda n: None, forum: str = "grays"
) -> Iterator[dict[str, str]]:
    """An export-like file of Thurrock: the Grays forum (file id 1), then ``count`` meetings (ids 2...).

    ``corrections(n)`` is the file id the n-th meeting corrects, or ``None``. ``forum`` is the
    instance the file registers (a store registers each once).
    """
    yield {"kind": "instance", "id": "1", "date": "2019-10-01", "body": FORUMS, "instance": forum, "name": "Grays"}
    for n in range(count):
        row = {"kind": "event", "id": str(n + 2), "date": "2024-01-01", "event": "meeting"}
        row |= {"body": f"{FORUMS}.{forum}", "public": "yes", "attendance": str(n % 500)}
        corrected = corrections(n)
        if corrected is not None:
            row["supersedes"] = str(corrected)
        yield row


def import_rows(store: RecordStore, council: Council, rows: Iterator[dict[str, str]], name: str) -> ImportResult:
    return store.import_rows(council, rows, source_name=name, sha256=name.ljust(64, "0"), recorded_by="importer")


def test_corrections_in_a_file_find_their_records_across_batches_and_within_one(
    store: RecordStore, thurrock: Council, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("engagekit.records.store.BATCH", 50)
    # Ids the new store gives differ from the file's: a record of another council comes first.
    store.add(attrs.evolve(thurrock, id="other"), [attrs.evolve(event("thurrock"), council_id="other")] * 5)
    earlier = {10: 2, 120: 60, 130: 131}  # meeting n corrects file id: from an earlier batch, or the same one
    result = import_rows(store, thurrock, grays_events(200, earlier.get), "corrections")
    assert (result.ok, result.added) == (True, 201), result.problems
    meetings = [record for record in store.records("thurrock", RecordKind.EVENT) if record.council_id == "thurrock"]
    by_file_id = {n + 2: record for n, record in enumerate(meetings)}
    assert [record.attendance for record in meetings if isinstance(record, EngagementEvent)] == list(range(200))
    for n, file_id in earlier.items():
        assert by_file_id[n + 2].supersedes == by_file_id[file_id].id != file_id
    assert sum(record.supersedes is not None for record in meetings) == len(earlier)


def test_a_file_id_given_twice_is_corrected_as_its_later_row(
    store: RecordStore, thurrock: Council, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("engagekit.records.store.BATCH", 50)
    rows = list(grays_events(100, {99: 5}.get))
    rows[80]["id"] = "5"  # meeting 79 reuses the file id of meeting 3, in a later batch
    assert import_rows(store, thurrock, iter(rows), "twice").ok
    meetings = list(store.records("thurrock", RecordKind.EVENT))
    assert meetings[99].supersedes == meetings[79].id
    rows[99]["id"] = "5"  # now meeting 98 too, in the same batch as the correction
    assert import_rows(store, thurrock, iter(rows[1:]), "twice, same batch").ok  # the forum is registered already
    meetings = list(store.records("thurrock", RecordKind.EVENT))[100:]
    assert meetings[99].supersedes == meetings[98].id


def test_a_correction_of_a_file_id_not_written_after_a_bad_row_is_not_a_second_problem(
    store: RecordStore, thurrock: Council, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("engagekit.records.store.BATCH", 50)
    rows = list(grays_events(200, {150: 20, 160: 9999}.get))
    rows[3]["date"] = "2024-02-30"
    result = import_rows(store, thurrock, iter(rows), "bad")
    assert [(problem.row, problem.column) for problem in result.problems] == [(5, "date"), (163, "supersedes")]
    assert result.problems[1].message == "no event record #9999 to correct"
    assert counts(store)["event"] == 0


def test_a_correction_naming_an_id_no_row_of_the_file_had_corrects_the_stores_record(
    store: RecordStore, thurrock: Council
) -> None:
    (kept,) = store.add(thurrock, [event("thurrock", cluster_id="grays")])
    assert kept.id is not None
    rows = list(grays_events(3))
    rows[2]["supersedes"] = str(kept.id + 100)
    rows[3]["supersedes"] = str(kept.id)
    result = import_rows(store, thurrock, iter(rows), "store ids")
    assert [(problem.row, problem.message) for problem in result.problems] == [
        (4, f"no event record #{kept.id + 100} to correct")
    ]
    del rows[2]["supersedes"]
    assert import_rows(store, thurrock, iter(rows), "store ids, fixed").ok
    assert list(store.records("thurrock", RecordKind.EVENT))[-1].supersedes == kept.id


def test_an_import_holds_what_one_batch_needs_however_long_the_file(
    store: RecordStore, thurrock: Council, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An export's rows carry ids that later rows correct by: what they became is not held in Python.

    The traced peak of importing 12,000 such rows is within 1.3 times that of 3,000, with 500
    rows a batch (a map of every row's id to its new one, as the import kept before, grew 2.1
    times between these sizes).
    """
    import tracemalloc

    monkeypatch.setattr("engagekit.records.store.BATCH", 500)
    peaks = {}
    for size in (3_000, 12_000):
        rows = grays_events(size, lambda n: n - 2_000 if n % 97 == 3 and n > 2_000 else None, f"grays-{size}")
        tracemalloc.start()
        try:
            result = import_rows(store, thurrock, rows, f"size {size}")
            peaks[size] = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert (result.ok, result.added) == (True, size + 1), result.problems
    assert peaks[12_000] < peaks[3_000] * 1.3, peaks


def test_records_are_read_through_a_server_side_cursor_on_postgresql(store: RecordStore, thurrock: Council) -> None:
    if store.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's cursor reads a row at a time already")
    import psycopg

    store.add(thurrock, [forum(), *(event("thurrock", body_id=f"{FORUMS}.aveley") for _ in range(3))])
    cursors: list[type] = []
    sa.event.listen(store.engine, "before_cursor_execute", lambda _c, cursor, *_: cursors.append(type(cursor)))
    assert len(list(store.records("thurrock"))) == 4
    first = store.records("thurrock", RecordKind.EVENT)
    next(first)
    first.close()  # a caller that stops early (the export's first record of each kind) closes the cursor
    reads = [kind for kind in cursors if issubclass(kind, (psycopg.Cursor, psycopg.ServerCursor))]
    assert len(reads) > len(RecordKind)
    assert all(issubclass(kind, psycopg.ServerCursor) for kind in reads[-len(RecordKind) - 1 :]), reads


def test_an_xlsx_export_has_a_sheet_per_kind_and_reads_back_row_for_row(
    store: RecordStore, councils: dict[str, Council], tmp_path: Path
) -> None:
    original = fill(store, councils)
    path = tmp_path / "export.xlsx"
    path.write_bytes(write_xlsx(original))
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    assert workbook.sheetnames == [kind.value for kind in in_dependency_order()]
    assert workbook.sheetnames[0] == RecordKind.INSTANCE.value  # registrations first
    workbook.close()
    rows = [item.values for item in read_xlsx(path)]
    assert [row["kind"] for row in rows] == [record.kind.value for record in original]
    assert [int(row["id"]) for row in rows] == [record.id for record in original]
    assert [row["recorded_by"] for row in rows] == [record.recorded_by for record in original]


def test_a_problem_in_an_xlsx_sheet_names_the_row_a_spreadsheet_shows(
    store: RecordStore, thurrock: Council, tmp_path: Path
) -> None:
    """Row numbers are the sheet's own (header row 1), counting a blank row left in the middle."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "event"
    sheet.append(["date", "event", "body"])
    sheet.append(["2024-01-01", "meeting", "cabinet"])
    sheet.append([None, None, None])
    sheet.append(["2024-01-02", "meeting", "town-hall"])
    path = tmp_path / "meetings.xlsx"
    workbook.save(path)
    result = import_file(store, thurrock, path)
    assert [(problem.row, problem.column) for problem in result.problems] == [(4, "body")]
    assert counts(store)["event"] == 0


# -- Decidim ------------------------------------------------------------------------------

DECIDIM_COLUMNS = ["id", "parent/id", "status/id", "title/en", "start_date", "end_date", "progress"]


def test_decidim_results_become_action_updates(store: RecordStore, basildon: Council, tmp_path: Path) -> None:
    actions = {planned.action.id: planned.action.text for planned in basildon.programme.action_plan.all_actions()}
    path = write_rows(
        tmp_path / "results.csv",
        DECIDIM_COLUMNS,
        [
            {
                "id": "CN-1",
                "parent/id": "outcome-1",
                "status/id": "executing",
                "title/en": "Campaign",
                "progress": "40",
            },
            {"id": "731", "parent/id": "", "status/id": "finished", "title/en": f"  {actions['CN-2'].upper()} "},
            {"id": "CC-3", "status/id": "canceled", "title/en": "whatever", "progress": "12.6"},
            {"id": "CP-1", "status/id": "planned", "title/en": "x", "progress": "0"},
        ],
    )
    result = store.import_rows(
        basildon,
        read_decidim(path, basildon, dt.date(2024, 5, 31)),
        source_name=str(path),
        sha256=file_sha256(path),
        recorded_by="decidim",
    )
    assert result.ok, result.problems
    stored = [record for record in store.records("basildon") if isinstance(record, ActionUpdate)]
    assert [(r.action_id, r.status, r.percent, r.date) for r in stored] == [
        ("CN-1", ActionStatus.IN_PROGRESS, 40, dt.date(2024, 5, 31)),
        ("CN-2", ActionStatus.COMPLETED, None, dt.date(2024, 5, 31)),
        ("CC-3", ActionStatus.CANCELLED, 13, dt.date(2024, 5, 31)),
        ("CP-1", ActionStatus.NOT_STARTED, 0, dt.date(2024, 5, 31)),
    ]
    assert stored[1].note == "Imported from Decidim result 731"
    assert {record.recorded_by for record in stored} == {"decidim"}


def test_decidim_parents_are_skipped_and_an_unmatched_result_is_a_problem_on_its_row(
    store: RecordStore, basildon: Council, tmp_path: Path
) -> None:
    path = write_rows(
        tmp_path / "results.csv",
        DECIDIM_COLUMNS,
        [
            {"id": "connected-neighbourhoods", "status/id": "in_progress", "title/en": "Connected Neighbourhoods"},
            {"id": "outcome-leaders-and-groups-empowered", "parent/id": "connected-neighbourhoods", "title/en": "x"},
            {"id": "CN-5", "parent/id": "outcome-leaders-and-groups-empowered", "status/id": "delayed"},
            {
                "id": "9999",
                "parent/id": "outcome-leaders-and-groups-empowered",
                "status/id": "executing",
                "title/en": "A new park",
            },
        ],
    )
    result = store.import_rows(
        basildon,
        read_decidim(path, basildon, DAY),
        source_name=str(path),
        sha256=file_sha256(path),
        recorded_by="decidim",
    )
    assert result.added == 0
    assert len(result.problems) == 1
    (problem,) = result.problems
    assert problem.column == "action"
    assert "'9999'" in problem.message
    assert problem.row == 5, f"the unmatched result is on row 5 of the file, not row {problem.row}"
    assert counts(store)["action-update"] == 0


def test_decidim_parent_rows_alone_give_nothing_to_import(basildon: Council, tmp_path: Path) -> None:
    path = write_rows(
        tmp_path / "results.csv",
        DECIDIM_COLUMNS,
        [
            {"id": "connected-council", "status/id": "in_progress", "title/en": "Connected Council"},
            {"id": "outcome-open-flexible-accountable-council", "parent/id": "connected-council", "title/en": "y"},
        ],
    )
    assert list(read_decidim(path, basildon, DAY)) == []


# -- SQLite only: WAL, two writers, a killed import ---------------------------------------


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path: Path) -> None:
    with open_store(sqlite_url(tmp_path), busy_timeout_ms=1234) as store, store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 1234
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def _environment() -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("ENGAGEKIT_")}
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), environment.get("PYTHONPATH")]))
    return environment


WRITER = """
import datetime as dt, sys, time
from pathlib import Path
from engagekit.plugins import get_plugin_host
from engagekit.records import ActionStatus, ActionUpdate, open_store

url, go, tag = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
council = get_plugin_host(environ={}).council("basildon")
with open_store(url, busy_timeout_ms=30000) as store:
    print("ready", flush=True)
    deadline = time.monotonic() + 30
    while not go.exists() and time.monotonic() < deadline:
        time.sleep(0.005)
    previous = None
    for n in range(200):  # each corrects the last: a read (is it there?) then a write, in one transaction
        (added,) = store.add(council, [ActionUpdate(council_id="basildon", action_id="CN-3", date=dt.date(2024, 1, 1),
                             status=ActionStatus.IN_PROGRESS, recorded_by=tag, note=str(n), supersedes=previous)])
        previous = added.id
print("done", flush=True)
"""


class Lines:
    """A subprocess's standard output, line by line, with a deadline on each wait."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.queue: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        assert process.stdout is not None
        stdout = process.stdout

        def pump() -> None:
            try:
                for line in stdout:
                    self.queue.put(line.rstrip("\n"))
            finally:
                stdout.close()
                self.queue.put(None)

        self.thread = threading.Thread(target=pump, daemon=True)
        self.thread.start()

    def close(self, timeout: float = 10) -> None:
        """Wait for the output to end (call once the process has ended)."""
        self.thread.join(timeout)

    def wait_for(self, accept: Callable[[str], bool], timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"gave up waiting after {timeout} s; saw {self.seen[-5:]}")
            try:
                line = self.queue.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                raise AssertionError(f"the process ended first; it printed {self.seen[-5:]}")
            self.seen.append(line)
            if accept(line):
                return line


def test_two_processes_writing_at_once_both_succeed(tmp_path: Path, basildon: Council) -> None:
    url = sqlite_url(tmp_path)
    with open_store(url, busy_timeout_ms=BUSY_MS):
        pass
    go = tmp_path / "go"
    tags = ("first", "second")
    errors = [(tmp_path / f"{tag}.err").open("w") for tag in tags]
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, url, str(go), tag],
            stdout=subprocess.PIPE,
            stderr=error,
            text=True,
            env=_environment(),
        )
        for tag, error in zip(tags, errors, strict=True)
    ]
    readers = [Lines(process) for process in processes]
    try:
        for reader in readers:
            reader.wait_for(lambda line: line == "ready", timeout=30)
        go.touch()
        for reader in readers:
            reader.wait_for(lambda line: line == "done", timeout=60)
        for process in processes:
            process.wait(timeout=10)
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
        for reader in readers:
            reader.close()
        for error in errors:
            error.close()
    for tag, process in zip(tags, processes, strict=True):
        stderr = (tmp_path / f"{tag}.err").read_text()
        assert process.returncode == 0, stderr
        assert "locked" not in stderr
    with open_store(url, busy_timeout_ms=BUSY_MS) as store:
        assert counts(store)["action-update"] == 400
        stored = list(store.records("basildon"))
    for tag in ("first", "second"):
        chain = [record for record in stored if record.recorded_by == tag]
        assert [record.note for record in chain] == [str(n) for n in range(200)]
        assert [record.supersedes for record in chain] == [None] + [record.id for record in chain[:-1]]


IMPORTER = """
import sys
from pathlib import Path
from engagekit.plugins import get_plugin_host
from engagekit.records import open_store
from engagekit.records.files import file_sha256, read_csv

url, path = sys.argv[1], Path(sys.argv[2])
council = get_plugin_host(environ={}).council("thurrock")
done = 0

def progress(n):
    global done
    done += n
    print(done, flush=True)

with open_store(url, busy_timeout_ms=30000) as store:
    store.import_rows(council, read_csv(path), source_name=str(path), sha256=file_sha256(path),
                      recorded_by="killed", progress=progress)
print("finished", flush=True)
"""

BIG_ROWS = 300_000


def test_a_process_killed_mid_import_leaves_the_store_as_it_was(tmp_path: Path, thurrock: Council) -> None:
    url = sqlite_url(tmp_path)
    with open_store(url, busy_timeout_ms=BUSY_MS) as store:
        store.add(
            thurrock, [forum(), event("thurrock", body_id=f"{FORUMS}.aveley"), event("thurrock", cluster_id="grays")]
        )
        before = counts(store)
    wal = Path(f"{tmp_path / 'records.db'}-wal")
    wal_before = wal.stat().st_size if wal.exists() else 0
    big = tmp_path / "events.csv"
    with big.open("w", encoding="utf-8") as stream:
        stream.write("kind,date,event,body,public,attendance,instance,name\n")
        stream.write(f"instance,2019-10-01,,{FORUMS},,,grays,Grays Community Forum\n")  # its meetings follow
        stream.writelines(f"event,2024-01-01,meeting,{FORUMS}.grays,yes,{n % 500},,\n" for n in range(BIG_ROWS))

    process = subprocess.Popen(
        [sys.executable, "-c", IMPORTER, url, str(big)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=_environment(),
    )
    lines = Lines(process)
    try:
        # Rows are inserted 5,000 at a time inside one transaction: wait until several batches are in.
        reached = lines.wait_for(lambda line: line.isdigit() and int(line) >= 8 * BATCH, timeout=45)
        wal_during = wal.stat().st_size if wal.exists() else 0
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        lines.close()
    assert process.returncode == -signal.SIGKILL
    assert int(reached) < BIG_ROWS
    assert wal_during > wal_before, "the import had not written anything yet when it was killed"

    with open_store(url, busy_timeout_ms=BUSY_MS) as store:
        assert counts(store) == before
        assert imports_count(store) == 0
        result = import_file(store, thurrock, big)
        assert (result.ok, result.already_imported, result.added) == (True, False, 1 + BIG_ROWS)
        assert counts(store) == {**before, "instance": before["instance"] + 1, "event": before["event"] + BIG_ROWS}


def test_import_problem_reads_as_row_and_column() -> None:
    assert str(ImportProblem(7, "status", "'x' is not one of: a, b")) == "row 7, status: 'x' is not one of: a, b"
