"""`events list --guild G` written with the CLI's libraries and none of Reprise: its floor.

A typer command, pydantic-settings for DATABASE_URL/DATABASE_SCHEMA, one asyncpg connection,
the CLI's query and a rich table of the 50 newest rows. It does not decode the events (that
needs Reprise's domain), so its last column is the event type instead of a summary.
Run as a child process by bench.read_side_cli: `python -m bench.read_side_bare_cli --guild G`.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

import asyncpg
import typer
from pydantic_settings import BaseSettings
from rich.console import Console
from rich.table import Table
from rich.text import Text

app = typer.Typer()

QUERY = (
    "SELECT e.notification_id, e.recorded_at, e.guild_id, e.topic, e.originator_version, "
    "c.actor FROM {schema}.stored_events e JOIN {schema}.commands c "
    "ON c.command_id = e.command_id WHERE e.guild_id = $1 "
    "ORDER BY e.notification_id DESC LIMIT $2"
)


class BareSettings(BaseSettings):
    database_url: str
    database_schema: str


async def _rows(settings: BareSettings, guild: int, limit: int) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(settings.database_url)
    try:
        sql = QUERY.format(schema=settings.database_schema)
        return list(reversed(await connection.fetch(sql, guild, limit)))
    finally:
        await connection.close()


@app.command()
def events(
    guild: Annotated[int, typer.Option()], limit: Annotated[int, typer.Option()] = 50
) -> None:
    rows = asyncio.run(_rows(BareSettings(), guild, limit))  # type: ignore[call-arg]
    table = Table(title=f"Events of guild {guild}")
    for column in ("position", "time (UTC)", "guild", "event", "version", "actor", "what"):
        table.add_column(column)
    for position, at, guild_id, topic, version, actor in rows:
        kind = topic.rsplit(":", 1)[-1]
        cells = (str(position), f"{at:%Y-%m-%d %H:%M:%S}", str(guild_id), kind, str(version))
        table.add_row(*map(Text, (*cells, actor, kind)))
    Console().print(table)


if __name__ == "__main__":
    app()
