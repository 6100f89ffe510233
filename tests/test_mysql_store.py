"""The MariaDB/MySQL recorders: eventsourcing's own recorder test cases, and a follower under concurrent writers."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing.tests.persistence import (
    AggregateRecorderTestCase,
    ApplicationRecorderTestCase,
    InfrastructureFactoryTestCase,
    NonInterleavingNotificationIDsBaseCase,
    ProcessRecorderTestCase,
    TrackingRecorderTestCase,
)
from eventsourcing.utils import Environment

from mysql_helpers import create_mysql_database, drop_mysql_database
from projlife.store.mysql_store import (
    MySQLAggregateRecorder,
    MySQLApplicationRecorder,
    MySQLDatastore,
    MySQLFactory,
    MySQLProcessRecorder,
    MySQLTrackingRecorder,
)

pytestmark = pytest.mark.mysql


class _OnFreshDatabase:
    """Each test on a database of its own (eventsourcing's test cases are unittest classes)."""

    database: str
    datastore: MySQLDatastore

    def setUp(self) -> None:
        self.database = create_mysql_database()
        self.datastore = MySQLDatastore(dbname=self.database, pool_size=12, max_overflow=12)

    def tearDown(self) -> None:
        self.datastore.close()
        drop_mysql_database(self.database)


class TestMySQLAggregateRecorder(_OnFreshDatabase, AggregateRecorderTestCase):
    def create_recorder(self) -> MySQLAggregateRecorder:
        recorder = MySQLAggregateRecorder(self.datastore)
        recorder.create_table()
        return recorder


class TestMySQLApplicationRecorder(_OnFreshDatabase, ApplicationRecorderTestCase[MySQLApplicationRecorder]):
    def create_recorder(self) -> MySQLApplicationRecorder:
        recorder = MySQLApplicationRecorder(self.datastore)
        recorder.create_table()
        return recorder

    def test_insert_subscribe(self) -> None:
        self.optional_test_insert_subscribe()


class TestMySQLTrackingRecorder(_OnFreshDatabase, TrackingRecorderTestCase):
    def create_recorder(self) -> MySQLTrackingRecorder:
        recorder = MySQLTrackingRecorder(self.datastore)
        recorder.create_table()
        return recorder


class TestMySQLProcessRecorder(_OnFreshDatabase, ProcessRecorderTestCase):
    def create_recorder(self) -> MySQLProcessRecorder:
        recorder = MySQLProcessRecorder(self.datastore)
        recorder.create_table()
        return recorder


class TestMySQLNonInterleavingNotificationIDs(_OnFreshDatabase, NonInterleavingNotificationIDsBaseCase):
    def create_recorder(self) -> MySQLApplicationRecorder:
        recorder = MySQLApplicationRecorder(self.datastore)
        recorder.create_table()
        return recorder


class _CustomTrackingRecorder(MySQLTrackingRecorder):
    pass


class TestMySQLFactory(InfrastructureFactoryTestCase[MySQLFactory]):
    """eventsourcing's factory test case: recorders by environment, mapper, cipher, compressor."""

    def setUp(self) -> None:
        self.database = create_mysql_database()
        self.env = Environment(
            "TestCase", {"PERSISTENCE_MODULE": "projlife.store.mysql_store", "MYSQL_DBNAME": self.database}
        )
        super().setUp()

    def tearDown(self) -> None:
        super().tearDown()
        drop_mysql_database(self.database)

    def expected_factory_class(self) -> type[MySQLFactory]:
        return MySQLFactory

    def expected_aggregate_recorder_class(self) -> type[MySQLAggregateRecorder]:
        return MySQLAggregateRecorder

    def expected_application_recorder_class(self) -> type[MySQLApplicationRecorder]:
        return MySQLApplicationRecorder

    def expected_tracking_recorder_class(self) -> type[MySQLTrackingRecorder]:
        return MySQLTrackingRecorder

    def tracking_recorder_subclass(self) -> type[MySQLTrackingRecorder]:
        return _CustomTrackingRecorder

    def expected_process_recorder_class(self) -> type[MySQLProcessRecorder]:
        return MySQLProcessRecorder


@pytest.fixture
def recorder() -> Iterator[MySQLApplicationRecorder]:
    database = create_mysql_database()
    datastore = MySQLDatastore(dbname=database, pool_size=8, max_overflow=8)
    rec = MySQLApplicationRecorder(datastore, events_table_name="projlife_events")
    rec.create_table()
    yield rec
    datastore.close()
    drop_mysql_database(database)


def test_a_follower_sees_every_event_once_in_order_while_writers_race(
    recorder: MySQLApplicationRecorder,
) -> None:
    """Four writers commit batches (some conflicting and rolled back) while a follower tails the log.

    With AUTO_INCREMENT ids a follower that remembers only its last id skips events that commit
    late; here it must see every committed event exactly once, with ids 1..N and no gap.
    """
    writers, batches, per_batch = 4, 40, 5
    committed: list[tuple[uuid.UUID, int]] = []
    lock = threading.Lock()
    done = threading.Event()
    errors: list[BaseException] = []
    shared = uuid.uuid4()  # every writer also fights over this aggregate's next version

    def write(w: int) -> None:
        try:
            for b in range(batches):
                oid = uuid.uuid4()
                events = [
                    StoredEvent(oid, v, f"topic{w}", f"{w}/{b}/{v}".encode()) for v in range(1, per_batch + 1)
                ]
                recorder.insert_events(events)
                with lock:
                    committed.extend((oid, v) for v in range(1, per_batch + 1))
                version = b + 1
                try:
                    recorder.insert_events([StoredEvent(shared, version, "shared", b"x")])
                except IntegrityError:
                    continue  # another writer took that version: rolled back, no id consumed
                with lock:
                    committed.append((shared, version))
        except BaseException as exc:
            errors.append(exc)

    seen: list[tuple[int, uuid.UUID, int]] = []

    def follow() -> None:
        last = 0
        try:
            while True:
                finished = done.is_set()
                batch = recorder.select_notifications(last, 7, inclusive_of_start=False)
                seen.extend((n.id, n.originator_id, n.originator_version) for n in batch)
                if batch:
                    last = batch[-1].id
                elif finished:
                    return
        except BaseException as exc:
            errors.append(exc)

    follower = threading.Thread(target=follow)
    follower.start()
    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    follower.join()

    assert not errors, errors
    ids = [i for i, _, _ in seen]
    assert ids == list(range(1, len(ids) + 1)), "ids seen in order, without a gap or a repeat"
    assert sorted((o, v) for _, o, v in seen) == sorted(committed), "every committed event seen exactly once"
    assert len(seen) == writers * batches * per_batch + batches  # each shared version committed once
    assert recorder.max_notification_id() == len(seen)


def test_the_factory_reads_its_settings_from_the_environment() -> None:
    database = create_mysql_database()
    try:
        factory = MySQLFactory({"MYSQL_DBNAME": database, "MYSQL_POOL_SIZE": "2"})
        try:
            recorder = factory.application_recorder()
            assert isinstance(recorder, MySQLApplicationRecorder)
            assert recorder.events_table_name == "stored_events"
            assert recorder.insert_events([StoredEvent(uuid.uuid4(), 1, "t", b"s")]) == [1]
        finally:
            factory.close()
    finally:
        drop_mysql_database(database)


def test_the_factory_refuses_to_start_without_a_database_name() -> None:
    with pytest.raises(OSError, match="MYSQL_DBNAME"):
        MySQLFactory({})


def test_read_model_text_compares_case_and_all_as_on_the_other_databases(mysql_url: str) -> None:
    """Tables get a binary collation: "a" and "A" are two keys, as on PostgreSQL and SQLite."""
    from projlife.app.application import connect
    from projlife.projections.runner import tracking_table

    with connect(mysql_url, create_tables=True) as app, app.sql() as conn:
        conn.execute(tracking_table.insert(), [{"name": "a", "position": 1}, {"name": "A", "position": 2}])
        found = conn.execute(sa.select(tracking_table.c.position).where(tracking_table.c.name == "A")).all()
    assert found == [(2,)]


def test_aware_times_are_stored_in_utc_and_read_back_aware(mysql_url: str) -> None:
    from projlife.app.application import connect
    from projlife.projections.runner import tracking_table

    beijing = datetime(2024, 3, 1, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=8)))
    with connect(mysql_url, create_tables=True) as app:
        with app.sql() as conn:
            conn.execute(tracking_table.insert(), {"name": "t", "position": 0, "updated_at": beijing})
        with app.sql() as conn:
            stored = conn.execute(sa.select(tracking_table.c.updated_at)).scalar_one()
            raw = conn.exec_driver_sql(
                "SELECT CAST(updated_at AS CHAR) FROM projection_tracking"
            ).scalar_one()
    assert stored == beijing and stored.tzinfo is not None
    assert raw == "2024-03-01 01:30:15.123456"  # UTC, microseconds kept
