"""Seeding a PostgreSQL schema with ~1,000,000 events of ~5,000 guilds, fast.

The lives of `guilds / copies` guilds are simulated through the domain (bench.read_side_guilds)
and encoded with Reprise's RowMapper mapper; each simulated guild is then written as `copies`
guilds (new guild ids, aggregate ids, command ids; the guild id inside QueueCreated,
SubscriptionOpened and snapshots rewritten), their events interleaved one by one in the global
order. Rows go in with COPY (the stored events, the commands with their results, the latest
snapshot of each aggregate), and the notification counter is set as the event store would
leave it. Generating the next chunk overlaps with the COPY of the previous one.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from uuid import UUID

import asyncpg

from bench.read_side_guilds import GUILD_BASE, Command, Population
from reprise.adapters.event_store.mapping import build_mapper
from reprise.domain.ids import queue_id, subscription_id

if TYPE_CHECKING:
    from eventsourcing.persistence import Mapper

CHUNK_EVENTS = 10_000  # simulated events per chunk (times `copies` rows)
COPY_STRIDE = 100_000  # guild id offset between copies of one simulated guild
EVENT_COLUMNS = (
    "notification_id",
    "originator_id",
    "originator_version",
    "topic",
    "state",
    "guild_id",
    "command_id",
    "recorded_at",
)
SNAPSHOT_COLUMNS = ("originator_id", "originator_version", "topic", "state")
COMMAND_COLUMNS = (
    "command_id",
    "command_type",
    "guild_id",
    "correlation_id",
    "actor",
    "issued_at",
    "result",
)


@dataclass
class Seeded:
    """What was written, and how long it took."""

    events: int = 0
    commands: int = 0
    snapshots: int = 0
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class _Chunk:
    """Simulated commands, each with its encoded events (originator, version, topic, state)."""

    commands: list[Command]
    encoded: list[list[tuple[UUID, int, str, bytes]]]


class _Copies:
    """Maps a simulated guild's ids and bytes to those of its copy number `k`."""

    def __init__(self, simulated: int, copies: int) -> None:
        self.copies = copies
        self.ids: list[dict[UUID, UUID]] = [{} for _ in range(copies)]
        for base in range(GUILD_BASE, GUILD_BASE + simulated):
            for k in range(copies):
                guild = self.guild(base, k)
                self.ids[k][queue_id(base)] = queue_id(guild)
                self.ids[k][subscription_id(base)] = subscription_id(guild)

    @staticmethod
    def guild(base: int, k: int) -> int:
        return base + k * COPY_STRIDE

    def state(self, topic: str, state: bytes, base: int, k: int) -> bytes:
        if k == 0 or not topic.endswith(("Created", "Opened", "Snapshot")):
            return state
        return state.replace(str(base).encode(), str(self.guild(base, k)).encode())


def _result_json(command_id: UUID, names: list[str], aggregate_id: UUID, version: int) -> str:
    """As `CommandResult(...).model_dump_json()` writes an accepted command's result."""
    result = {
        "command_id": str(command_id),
        "accepted": True,
        "events": names,
        "versions": {str(aggregate_id): version},
        "rejection": None,
    }
    return json.dumps(result, separators=(",", ":"))


def _encode(population: Population, mapper: Mapper[UUID], events: int) -> _Chunk:
    commands = population.commands_for(events)
    encoded = []
    for command in commands:
        rows = []
        for event in command.events:
            stored = mapper.to_stored_event(event)
            rows.append((event.originator_id, event.originator_version, stored.topic, stored.state))
        encoded.append(rows)
    return _Chunk(commands, encoded)


Row = tuple[object, ...]


def _command_rows(command: Command, copies: _Copies, ids: list[tuple[UUID, UUID]]) -> list[Row]:
    """The command under each copy's ids, with its result as the event store stores it."""
    record, names = command.record, [type(event).__name__ for event in command.events]
    rows: list[Row] = []
    for k, (command_id, correlation_id) in enumerate(ids):
        aggregate = copies.ids[k][command.aggregate_id]
        result = _result_json(command_id, names, aggregate, command.version)
        guild = copies.guild(record.guild_id, k)
        rows.append(
            (command_id, record.command_type, guild, correlation_id, record.actor,
             record.issued_at, result)
        )  # fmt: skip
    return rows


def _rows(chunk: _Chunk, copies: _Copies, first: int) -> tuple[list[Row], list[Row]]:
    """Event rows (positions from `first`, copies interleaved) and command rows of a chunk."""
    events: list[Row] = []
    commands: list[Row] = []
    now = datetime.now(UTC)
    for command, encoded in zip(chunk.commands, chunk.encoded, strict=True):
        record, base = command.record, command.record.guild_id
        ids = [(record.command_id, record.correlation_id)] + [
            (uuid.uuid4(), uuid.uuid4()) for _ in range(copies.copies - 1)
        ]
        commands += _command_rows(command, copies, ids)
        for originator, version, topic, state in encoded:
            for k, (command_id, _) in enumerate(ids):
                events.append(
                    (first + len(events), copies.ids[k][originator], version, topic,
                     copies.state(topic, state, base, k), copies.guild(base, k), command_id, now)
                )  # fmt: skip
    return events, commands


def _chunk_rows(
    population: Population, mapper: Mapper[UUID], copies: _Copies, events: int, first: int
) -> tuple[list[Row], list[Row]]:
    return _rows(_encode(population, mapper, events), copies, first)


async def _copy(
    conn: asyncpg.Connection, schema: str, events: list[Row], commands: list[Row]
) -> None:
    async with conn.transaction():
        await conn.copy_records_to_table(
            "commands", schema_name=schema, records=commands, columns=COMMAND_COLUMNS
        )
        await conn.copy_records_to_table(
            "stored_events", schema_name=schema, records=events, columns=EVENT_COLUMNS
        )


def _snapshot_rows(population: Population, copies: _Copies) -> list[Row]:
    rows: list[Row] = []
    for guild in population.guilds:
        for aggregate_id, stored in guild.snapshots.items():
            for k in range(copies.copies):
                state = copies.state(stored.topic, stored.state, guild.guild_id, k)
                version = stored.originator_version
                rows.append((copies.ids[k][aggregate_id], version, stored.topic, state))
    return rows


async def seed(dsn: str, schema: str, events: int, guilds: int, copies: int) -> Seeded:
    """Write at least `events` events of `guilds` guilds into the (migrated) `schema`."""
    started = time.perf_counter()
    mapper = build_mapper()
    population = Population(guilds // copies, 7, mapper)
    mapping = _Copies(guilds // copies, copies)
    seeded = Seeded()
    conn = await asyncpg.connect(dsn)
    try:
        pending: asyncio.Task[None] | None = None
        while seeded.events < events:
            wanted = min(CHUNK_EVENTS, -(-(events - seeded.events) // copies))
            event_rows, command_rows = await asyncio.to_thread(
                _chunk_rows, population, mapper, mapping, wanted, seeded.events + 1
            )
            if pending is not None:
                await pending
            pending = asyncio.create_task(_copy(conn, schema, event_rows, command_rows))
            seeded.events += len(event_rows)
            seeded.commands += len(command_rows)
        if pending is not None:
            await pending
        await _finish(conn, schema, population, mapping, seeded)
    finally:
        await conn.close()
    seeded.seconds = time.perf_counter() - started
    return seeded


async def _finish(
    conn: asyncpg.Connection,
    schema: str,
    population: Population,
    copies: _Copies,
    seeded: Seeded,
) -> None:
    """The latest snapshots, the notification counter, fresh planner statistics."""
    rows = _snapshot_rows(population, copies)
    await conn.copy_records_to_table(
        "snapshots", schema_name=schema, records=rows, columns=SNAPSHOT_COLUMNS
    )
    await conn.execute(
        f"UPDATE {schema}.notification_counter SET last_position = $1 WHERE id = 1",  # noqa: S608 - our own schema name
        seeded.events,
    )
    for table in ("stored_events", "commands", "snapshots"):
        await conn.execute(f"ANALYZE {schema}.{table}")
    seeded.snapshots = len(rows)
