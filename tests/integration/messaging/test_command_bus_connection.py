"""A command bus that `open_command_bus` connected for itself leaves no connection behind."""

from __future__ import annotations

from urllib.parse import quote

import httpx
import pytest

from reprise.adapters import bootstrap
from tests.integration.backbone.broker import vhost_of
from tests.integration.backbone.waiting import until
from tests.integration.messaging.systems import rabbit_settings
from tests.services import management_url

pytestmark = pytest.mark.integration


async def _connections(amqp_url: str) -> int:
    """How many connections the broker lists in the test's vhost."""
    vhost = quote(vhost_of(amqp_url), safe="")
    async with httpx.AsyncClient(base_url=management_url(), timeout=10) as api:
        response = await api.get(f"/api/vhosts/{vhost}/connections")
        response.raise_for_status()
        return len(response.json())


async def test_closing_the_command_bus_closes_the_connection_opened_for_it(
    amqp_url: str, database_url: str, pg_schema: str
) -> None:
    before = await _connections(amqp_url)
    bus = await bootstrap.open_command_bus(rabbit_settings(amqp_url, database_url, pg_schema), None)

    async def opened() -> bool:
        return await _connections(amqp_url) == before + 1

    async def closed() -> bool:
        return await _connections(amqp_url) == before

    await until(opened, within=30, what="the bus's connection listed", interval=0.2)
    await bus.close()  # type: ignore[attr-defined]
    await until(closed, within=30, what="the bus's connection gone", interval=0.2)
