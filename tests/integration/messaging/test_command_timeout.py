"""A command nobody answers in time is a CommandTimeout, not a broker failure."""

from __future__ import annotations

import pytest

from reprise.adapters import bootstrap
from reprise.application.messaging import CommandTimeout
from tests.integration.messaging.systems import rabbit_settings
from tests.unit.application.commands_for_tests import play

pytestmark = pytest.mark.integration


async def test_a_command_without_a_core_times_out_as_a_command_timeout(
    amqp_url: str, database_url: str, pg_schema: str
) -> None:
    bus = await bootstrap.open_command_bus(rabbit_settings(amqp_url, database_url, pg_schema), None)
    try:
        with pytest.raises(CommandTimeout):
            await bus.send(play("A"), reply_within=0.3)
    finally:
        await bus.close()  # type: ignore[attr-defined]
