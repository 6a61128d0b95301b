"""Configuration from the environment (and a `.env` file); every field has a working default."""

from __future__ import annotations

from pathlib import Path
from typing import Self

from pydantic import Field, model_validator
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
    amqp_url: str | None = Field(
        default=None, description="RabbitMQ URL; commands and events stay in-process when unset"
    )
    partitions: int = Field(
        default=4, ge=1, le=64, description="partition queues per stream (commands, events...)"
    )
    core_partitions: str = Field(
        default="all", description='command partitions this core consumes: "all" or "0,2,3"'
    )
    metrics_port: int | None = Field(
        default=None, ge=1, le=65535, description="serve Prometheus /metrics on this port"
    )
    relay_batch_size: int = Field(default=500, ge=1, description="events per relay publish")
    redis_url: str | None = Field(
        default=None, description="Redis URL for the read caches; in-memory when unset"
    )
    redis_prefix: str = Field(
        default="reprise", pattern=r"^[A-Za-z0-9_.-]+$", description="key prefix in Redis"
    )
    projector_catch_up_threshold: int = Field(
        default=1_000, ge=0, description="lag (events) past which the projector reads the store"
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

    @property
    def owned_partitions(self) -> list[int]:
        """The command partitions this core consumes."""
        if self.core_partitions.strip() == "all":
            return list(range(self.partitions))
        return sorted({int(part) for part in self.core_partitions.split(",") if part.strip()})

    @model_validator(mode="after")
    def _partitions_exist(self) -> Self:
        try:
            owned = self.owned_partitions
        except ValueError:
            raise ValueError('core_partitions must be "all" or numbers like "0,2"') from None
        if any(not 0 <= p < self.partitions for p in owned):
            raise ValueError(f"core_partitions must be within 0..{self.partitions - 1}")
        return self
