"""The SQLite schema of the event store for the embedded default."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import aiosqlite

MIGRATIONS: list[str] = [
    """
    CREATE TABLE stored_events (
        notification_id INTEGER PRIMARY KEY,
        originator_id TEXT NOT NULL,
        originator_version INTEGER NOT NULL,
        topic TEXT NOT NULL,
        state BLOB NOT NULL,
        guild_id INTEGER NOT NULL,
        command_id TEXT NOT NULL,
        recorded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        UNIQUE (originator_id, originator_version)
    );
    CREATE INDEX stored_events_guild_idx ON stored_events (guild_id, notification_id);
    CREATE TABLE snapshots (
        originator_id TEXT PRIMARY KEY,
        originator_version INTEGER NOT NULL,
        topic TEXT NOT NULL,
        state BLOB NOT NULL
    );
    CREATE TABLE commands (
        command_id TEXT PRIMARY KEY,
        command_type TEXT NOT NULL,
        guild_id INTEGER NOT NULL,
        correlation_id TEXT NOT NULL,
        actor TEXT NOT NULL,
        issued_at TEXT NOT NULL,
        recorded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        result TEXT NOT NULL
    );
    CREATE TABLE tracking (
        name TEXT PRIMARY KEY,
        position INTEGER NOT NULL
    );
    """,
    """
    ALTER TABLE stored_events ADD COLUMN traceparent TEXT;
    """,
    """
    CREATE TABLE audit_log (
        position INTEGER PRIMARY KEY,
        event_id TEXT NOT NULL UNIQUE,
        guild_id INTEGER NOT NULL,
        aggregate TEXT NOT NULL,
        aggregate_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        action TEXT NOT NULL,
        summary TEXT NOT NULL,
        actor TEXT NOT NULL,
        correlation_id TEXT,
        command_type TEXT,
        command_id TEXT NOT NULL,
        occurred_at TEXT NOT NULL
    );
    CREATE INDEX audit_log_guild_idx ON audit_log (guild_id, position DESC);
    CREATE INDEX audit_log_actor_idx ON audit_log (actor, position DESC);
    CREATE INDEX audit_log_action_idx ON audit_log (action, position DESC);
    CREATE INDEX audit_log_time_idx ON audit_log (occurred_at DESC);
    """,
]


async def migrate(connection: aiosqlite.Connection) -> list[int]:
    """Apply the migrations not applied yet; returns the numbers it applied."""
    await connection.execute("BEGIN IMMEDIATE")
    try:
        await connection.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
            "applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)"
        )
        async with connection.execute("SELECT version FROM schema_migrations") as cursor:
            done = {row[0] for row in await cursor.fetchall()}
        applied = []
        for number, sql in enumerate(MIGRATIONS, start=1):
            if number in done:
                continue
            for statement in filter(str.strip, sql.split(";")):
                await connection.execute(statement)
            await connection.execute(
                "INSERT INTO schema_migrations (version) VALUES (?)", (number,)
            )
            applied.append(number)
    except BaseException:
        await connection.execute("ROLLBACK")
        raise
    await connection.execute("COMMIT")
    return applied
