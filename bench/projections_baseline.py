"""The yardstick: eventsourcing's own ProjectionRunner over the same stored events.

An eventsourcing Application on its PostgreSQL recorder, in a schema of its own, whose
`storedreprise_events` table (created by the recorder's own DDL) holds a copy of Reprise's
rows: the same notification ids, originator ids, versions, topics and state bytes. The
application's mapper is Reprise's (`build_mapper`), so events decode as Reprise decodes them.

The view is a POPO TrackingRecorder: per event it counts the event's type, remembers the
aggregate's last version and records the tracking position, under the recorder's lock, as the
eventsourcing documentation builds POPO views. The runner's subscription pulls 500 rows per
SELECT in one thread and the projection decodes and applies them in another.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

import asyncpg
from eventsourcing.application import Application
from eventsourcing.popo import POPOTrackingRecorder
from eventsourcing.projection import Projection, ProjectionRunner

from bench.append_baselines import eventsourcing_env
from bench.measure import Measurement
from reprise.adapters.event_store.mapping import build_mapper

if TYPE_CHECKING:
    from eventsourcing.persistence import Mapper, Tracking

NAME = "eventsourcing ProjectionRunner → POPO view"
_RUN_TIMEOUT = 1_800.0
_TABLE = "storedreprise_events"  # eventsourcing names the table after the application


class StoredReprise(Application[UUID]):
    """Reprise's events as an eventsourcing application sees them."""

    name = "StoredReprise"
    env: ClassVar[dict[str, str]] = {}

    def construct_mapper(self) -> Mapper[UUID]:
        return build_mapper()


class EventCountsView(POPOTrackingRecorder):
    """Events per type and each aggregate's last version, tracked atomically with them."""

    def __init__(self) -> None:
        super().__init__()
        self.by_type: Counter[str] = Counter()
        self.versions: dict[UUID, int] = {}

    def record(self, event: Any, tracking: Tracking) -> None:
        with self._database_lock:
            self._assert_tracking_uniqueness(tracking)
            self.by_type[type(event).__name__] += 1
            self.versions[event.originator_id] = event.originator_version
            self._insert_tracking(tracking)


class EventCounts(Projection[EventCountsView]):
    name = "EventCounts"

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.view.record(domain_event, tracking)


def _env(dsn: str, schema: str) -> dict[str, str]:
    return {
        **eventsourcing_env(dsn, schema),
        f"{EventCounts.name.upper()}_PERSISTENCE_MODULE": "eventsourcing.popo",
    }


async def load_copy(dsn: str, source_schema: str, schema: str) -> float:
    """Create the recorder's table in `schema` (its own DDL) and copy Reprise's rows into it."""
    started = time.perf_counter()
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(f"CREATE SCHEMA {schema}")
        StoredReprise(env=_env(dsn, schema)).close()  # creates the table and its indexes
        await connection.execute(
            f"INSERT INTO {schema}.{_TABLE} (notification_id, originator_id, "  # noqa: S608 - our own schema names
            "originator_version, topic, state) SELECT notification_id, originator_id, "
            f"originator_version, topic, state FROM {source_schema}.stored_events "
            "ORDER BY notification_id"
        )
        await connection.execute(
            f"SELECT setval(pg_get_serial_sequence('{schema}.{_TABLE}', "  # noqa: S608 - our own schema name
            f"'notification_id'), (SELECT max(notification_id) FROM {schema}.{_TABLE}))"
        )
        await connection.execute(f"ANALYZE {schema}.{_TABLE}")
    finally:
        await connection.close()
    return time.perf_counter() - started


def run_projection(dsn: str, schema: str, events: int) -> Measurement:
    """Run the projection from the start until it has tracked notification `events`."""
    started = time.perf_counter()
    with ProjectionRunner(
        application_class=StoredReprise,
        projection_class=EventCounts,
        view_class=EventCountsView,
        env=_env(dsn, schema),
    ) as runner:
        runner.wait(events, timeout=_RUN_TIMEOUT)
        seconds = time.perf_counter() - started
        view = runner.view
        with view._database_lock:  # read the view under its own lock
            counted = sum(view.by_type.values())
            aggregates = len(view.versions)
    measured = Measurement(NAME, events, seconds)
    measured.note = (
        f"{NAME}: {counted:,} events counted by type across {aggregates:,} aggregates; "
        "SELECTs of 500 rows, decoded with Reprise's mapper"
    )
    return measured
