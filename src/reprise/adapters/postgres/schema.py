"""The PostgreSQL schema of the event store, applied by `reprise db migrate`.

Migrations are numbered and only ever appended; each runs once, under an advisory lock, so
several processes may migrate at start without racing. Every process checks at start, so a
schema that is already current costs one read and takes no lock.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import asyncpg

if TYPE_CHECKING:
    from asyncpg.pool import PoolConnectionProxy

MIGRATIONS: list[str] = [
    """
    CREATE TABLE {schema}.stored_events (
        notification_id bigint PRIMARY KEY,
        originator_id uuid NOT NULL,
        originator_version integer NOT NULL,
        topic text NOT NULL,
        state bytea NOT NULL,
        guild_id bigint NOT NULL,
        command_id uuid NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (originator_id, originator_version)
    );
    CREATE INDEX stored_events_guild_idx ON {schema}.stored_events (guild_id, notification_id);
    CREATE TABLE {schema}.snapshots (
        originator_id uuid PRIMARY KEY,
        originator_version integer NOT NULL,
        topic text NOT NULL,
        state bytea NOT NULL
    );
    CREATE TABLE {schema}.commands (
        command_id uuid PRIMARY KEY,
        command_type text NOT NULL,
        guild_id bigint NOT NULL,
        correlation_id uuid NOT NULL,
        actor text NOT NULL,
        issued_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        result jsonb NOT NULL
    );
    CREATE TABLE {schema}.notification_counter (
        id smallint PRIMARY KEY CHECK (id = 1),
        last_position bigint NOT NULL
    );
    INSERT INTO {schema}.notification_counter VALUES (1, 0);
    CREATE TABLE {schema}.tracking (
        name text PRIMARY KEY,
        position bigint NOT NULL
    );
    """,
    """
    ALTER TABLE {schema}.stored_events ADD COLUMN traceparent text;
    """,
    """
    CREATE TABLE {schema}.consumer_positions (
        group_name text NOT NULL,
        guild_id bigint NOT NULL,
        position bigint NOT NULL,
        PRIMARY KEY (group_name, guild_id)
    );
    """,
    """
    CREATE TABLE {schema}.audit_log (
        position bigint PRIMARY KEY,
        event_id text NOT NULL UNIQUE,
        guild_id bigint NOT NULL,
        aggregate text NOT NULL,
        aggregate_id uuid NOT NULL,
        version integer NOT NULL,
        action text NOT NULL,
        summary text NOT NULL,
        actor text NOT NULL,
        correlation_id uuid,
        command_type text,
        command_id uuid NOT NULL,
        occurred_at timestamptz NOT NULL
    );
    CREATE INDEX audit_log_guild_idx ON {schema}.audit_log (guild_id, position DESC);
    CREATE INDEX audit_log_actor_idx ON {schema}.audit_log (actor, position DESC);
    CREATE INDEX audit_log_action_idx ON {schema}.audit_log (action, position DESC);
    CREATE INDEX audit_log_time_idx ON {schema}.audit_log (occurred_at DESC);
    """,
    """
    CREATE FUNCTION {schema}.append_assumed(
        assumed_ids uuid[], assumed_versions integer[],
        event_ids uuid[], event_versions integer[], topics text[], states bytea[],
        event_guilds bigint[], event_commands uuid[], traceparents text[], recorded timestamptz,
        command_ids uuid[], command_types text[], command_guilds bigint[],
        correlation_ids uuid[], actors text[], issued timestamptz[], results jsonb[],
        snapshot_ids uuid[], snapshot_versions integer[], snapshot_topics text[],
        snapshot_states bytea[], appended_channel text
    ) RETURNS bigint LANGUAGE plpgsql AS $$
    -- A group commit in one round trip (ADR 0013): stores the group, in the order given,
    -- if every aggregate is at its assumed version and no command is stored yet, and returns
    -- the position before its first event; otherwise stores nothing and returns NULL.
    DECLARE
        last_stored bigint;
    BEGIN
        SELECT last_position INTO last_stored FROM {schema}.notification_counter
        WHERE id = 1 FOR UPDATE;
        IF EXISTS (SELECT 1 FROM {schema}.commands WHERE command_id = ANY(command_ids))
           OR EXISTS (
               SELECT 1 FROM unnest(assumed_ids, assumed_versions) AS a(id, version)
               WHERE a.version <> COALESCE(
                   (SELECT s.originator_version FROM {schema}.stored_events s
                    WHERE s.originator_id = a.id ORDER BY s.originator_version DESC LIMIT 1),
                   0))
        THEN
            RETURN NULL;
        END IF;
        IF cardinality(event_ids) > 0 THEN
            INSERT INTO {schema}.stored_events (notification_id, originator_id,
                originator_version, topic, state, guild_id, command_id, traceparent, recorded_at)
            SELECT last_stored + e.n, e.id, e.version, e.topic, e.state, e.guild, e.command,
                   e.traceparent, recorded
            FROM unnest(event_ids, event_versions, topics, states, event_guilds,
                        event_commands, traceparents)
                 WITH ORDINALITY AS e(id, version, topic, state, guild, command, traceparent, n);
            UPDATE {schema}.notification_counter
            SET last_position = last_stored + cardinality(event_ids) WHERE id = 1;
            PERFORM pg_notify(appended_channel, (last_stored + cardinality(event_ids))::text);
        END IF;
        INSERT INTO {schema}.commands (command_id, command_type, guild_id, correlation_id,
            actor, issued_at, result)
        SELECT * FROM unnest(command_ids, command_types, command_guilds, correlation_ids,
                             actors, issued, results);
        INSERT INTO {schema}.snapshots AS old
        SELECT * FROM unnest(snapshot_ids, snapshot_versions, snapshot_topics, snapshot_states)
        ON CONFLICT (originator_id) DO UPDATE SET
            originator_version = excluded.originator_version, topic = excluded.topic,
            state = excluded.state
        WHERE old.originator_version < excluded.originator_version;
        RETURN last_stored;
    END
    $$;
    """,
]

_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_MIGRATION_LOCK = 0x5245_5052_4953_45  # "REPRISE"


def checked_schema(schema: str) -> str:
    """Schema names go into SQL text, so only plain lower-case identifiers are allowed."""
    if not _SCHEMA_NAME.match(schema):
        raise ValueError(f"invalid schema name {schema!r}: use lower-case letters, digits, _")
    return schema


async def migrate(connection: asyncpg.Connection | PoolConnectionProxy, schema: str) -> list[int]:
    """Apply the migrations not applied yet; returns the numbers it applied."""
    schema = checked_schema(schema)
    if await _is_current(connection, schema):
        return []
    applied: list[int] = []
    async with connection.transaction():
        await connection.execute("SELECT pg_advisory_xact_lock($1)", _MIGRATION_LOCK)
        await connection.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        await connection.execute(
            f"CREATE TABLE IF NOT EXISTS {schema}.schema_migrations "
            "(version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {
            row["version"]
            for row in await connection.fetch(f"SELECT version FROM {schema}.schema_migrations")
        }
        for number, sql in enumerate(MIGRATIONS, start=1):
            if number in done:
                continue
            await connection.execute(sql.format(schema=schema))
            await connection.execute(
                f"INSERT INTO {schema}.schema_migrations (version) VALUES ($1)", number
            )
            applied.append(number)
    return applied


async def _is_current(connection: asyncpg.Connection | PoolConnectionProxy, schema: str) -> bool:
    try:
        applied = await connection.fetchval(f"SELECT count(*) FROM {schema}.schema_migrations")
    except asyncpg.UndefinedTableError:
        return False
    return bool(applied >= len(MIGRATIONS))
