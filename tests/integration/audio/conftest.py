"""Development Lavalink servers and the assembled system for the audio process's tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from reprise.adapters.lavalink.dev_server import DevLavalinkServer
from tests.integration.audio.rig import Backbone, backbone, dev_config, rig_settings

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

pytestmark = pytest.mark.integration


@pytest.fixture
async def lavalink() -> AsyncIterator[DevLavalinkServer]:
    """A development Lavalink server playing in real time (updates every 0.1 s)."""
    server = DevLavalinkServer(dev_config())
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def bone(
    database_url: str, pg_schema: str, amqp_url: str, redis_prefix: str
) -> AsyncIterator[Backbone]:
    async with backbone(rig_settings(database_url, pg_schema, amqp_url, redis_prefix)) as running:
        yield running
