"""Configuration from the environment (and a `.env` file); every field has a working default."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """With nothing set, Reprise runs embedded: SQLite, in-process bus, development Lavalink."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str | None = Field(
        default=None, description="PostgreSQL DSN; SQLite is used when unset"
    )
    database_schema: str = Field(default="reprise", description="PostgreSQL schema")
    sqlite_path: Path = Field(
        default=Path("var/reprise.sqlite3"), description="SQLite file of the embedded default"
    )
    lavalink_nodes: str | None = Field(
        default=None, description="Lavalink nodes; the development server is started if unset"
    )
    dev_lavalink_port: int = Field(
        default=2333, ge=0, le=65535, description="port of the development Lavalink server"
    )
    discord_token: str | None = Field(
        default=None, description="Discord bot token; the gateway runs only when set"
    )
    snapshot_interval: int = Field(default=100, ge=1, description="events between snapshots")
    aggregate_cache_size: int = Field(
        default=10_000, ge=0, description="aggregates the core keeps in memory"
    )
    migrate_on_start: bool = Field(
        default=True, description="apply database migrations when a process starts"
    )
