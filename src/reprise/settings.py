"""Configuration from the environment (and a `.env` file); every field has a working default."""

from __future__ import annotations

import base64
from contextlib import suppress
from pathlib import Path
from typing import Self

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_BOT_USER_ID = 170939974227541168  # any id will do without Discord


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
        default=1,
        ge=1,
        le=64,
        description="partition queues per stream (commands, events...): at least as many as the "
        "processes that consume a stream side by side (ADR 0014)",
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
        default=None,
        description="Lavalink nodes, `[label=]http[s]://password@host:port`, comma-separated; "
        "the development server is started if unset",
    )
    audio_partitions: str = Field(
        default="all",
        description='voice/event partitions this audio process serves: "all" or "0,2"',
    )
    bot_user_id: int | None = Field(
        default=None,
        gt=0,
        description="the bot's Discord user id (read from DISCORD_TOKEN if unset)",
    )
    audio_stall_seconds: float = Field(
        default=15.0, gt=0, description="a playing track whose position stays this long failed"
    )
    dev_lavalink_port: int = Field(
        default=2333, ge=0, le=65535, description="port of the development Lavalink server"
    )
    discord_token: str | None = Field(
        default=None, description="Discord bot token; the gateway runs only when set"
    )
    discord_shard_count: int | None = Field(
        default=None, ge=1, description="total Discord shards; Discord's recommendation if unset"
    )
    discord_shard_ids: str = Field(
        default="all", description='shards this gateway runs: "all" or a list like "0,1"'
    )
    voice_idle_timeout: float = Field(
        default=300.0, ge=0, description="seconds alone in voice before the bot leaves (not 24/7)"
    )
    panel_edit_interval: float = Field(
        default=2.0, ge=0, description="least seconds between two edits of a now-playing panel"
    )
    panel_edits_per_second: float = Field(
        default=30.0, gt=0, description="panel edits per second across all guilds of a gateway"
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
        return self._partitions_in(self.core_partitions)

    @property
    def audio_owned_partitions(self) -> list[int]:
        """The voice and event partitions this audio process serves."""
        return self._partitions_in(self.audio_partitions)

    @property
    def bot_id(self) -> int:
        """The bot's user id: set, or the first part of a bot token (its id in base64)."""
        if self.bot_user_id is not None:
            return self.bot_user_id
        if self.discord_token:
            head = self.discord_token.split(".")[0]
            with suppress(ValueError):
                return int(base64.b64decode(head + "=" * (-len(head) % 4)).decode())
        return DEV_BOT_USER_ID

    def _partitions_in(self, text: str) -> list[int]:
        if text.strip() == "all":
            return list(range(self.partitions))
        return sorted({int(part) for part in text.split(",") if part.strip()})

    @property
    def shard_ids(self) -> list[int] | None:
        """The Discord shards this gateway runs; None means all of them."""
        if self.discord_shard_ids.strip() == "all":
            return None
        return sorted({int(part) for part in self.discord_shard_ids.split(",") if part.strip()})

    @model_validator(mode="after")
    def _shards_exist(self) -> Self:
        try:
            shards = self.shard_ids
        except ValueError:
            raise ValueError('discord_shard_ids must be "all" or numbers like "0,1"') from None
        if shards is not None and self.discord_shard_count is None:
            raise ValueError("discord_shard_ids needs discord_shard_count")
        if shards and any(not 0 <= s < (self.discord_shard_count or 0) for s in shards):
            raise ValueError(f"discord_shard_ids must be within 0..{self.discord_shard_count}")
        return self

    @model_validator(mode="after")
    def _partitions_exist(self) -> Self:
        for name in ("core_partitions", "audio_partitions"):
            try:
                owned = self._partitions_in(getattr(self, name))
            except ValueError:
                raise ValueError(f'{name} must be "all" or numbers like "0,2"') from None
            if any(not 0 <= p < self.partitions for p in owned):
                raise ValueError(f"{name} must be within 0..{self.partitions - 1}")
        return self
