"""The bus contracts on the in-process buses and on RabbitMQ with PostgreSQL."""

from __future__ import annotations

from random import Random
from typing import TYPE_CHECKING

import pytest

from reprise.adapters import bootstrap
from reprise.adapters.inprocess.command_bus import InProcessCommandBus
from reprise.settings import Settings
from tests.integration.messaging.contract import CommandBusContract, EventPublisherContract
from tests.integration.messaging.systems import (
    CommandSystem,
    Seen,
    in_process_event_groups,
    rabbit_command_system,
    rabbit_event_groups,
    rabbit_settings,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from reprise.application.messaging import EventPublisher


@pytest.fixture
async def in_process_system() -> AsyncIterator[CommandSystem]:
    settings = Settings(sqlite_path="unused")  # type: ignore[arg-type]
    core = bootstrap.assemble_core(bootstrap.in_memory_event_store(), settings, rng=Random(1))
    bus = InProcessCommandBus(core.bus)
    yield CommandSystem(bus, core.store, core)
    await bus.close()
    await core.close()


class TestInProcessCommandBus(CommandBusContract):
    @pytest.fixture
    def system(self, in_process_system: CommandSystem) -> CommandSystem:
        return in_process_system


class TestInProcessEventBus(EventPublisherContract):
    @pytest.fixture
    def system(self, in_process_system: CommandSystem) -> CommandSystem:
        return in_process_system

    @pytest.fixture
    async def groups(self) -> AsyncIterator[tuple[EventPublisher, dict[str, Seen]]]:
        async with in_process_event_groups(["projector", "audio"]) as groups:
            yield groups


class TestInProcessEventBusInBatches(EventPublisherContract):
    @pytest.fixture
    def system(self, in_process_system: CommandSystem) -> CommandSystem:
        return in_process_system

    @pytest.fixture
    async def groups(self) -> AsyncIterator[tuple[EventPublisher, dict[str, Seen]]]:
        async with in_process_event_groups(["projector", "audio"], batches=True) as groups:
            yield groups


@pytest.fixture
async def rabbit_system(
    amqp_url: str, database_url: str, pg_schema: str
) -> AsyncIterator[CommandSystem]:
    async with rabbit_command_system(rabbit_settings(amqp_url, database_url, pg_schema)) as system:
        yield system


@pytest.mark.integration
class TestRabbitCommandBus(CommandBusContract):
    @pytest.fixture
    def system(self, rabbit_system: CommandSystem) -> CommandSystem:
        return rabbit_system


@pytest.mark.integration
class TestRabbitEventPublisher(EventPublisherContract):
    @pytest.fixture
    def system(self, rabbit_system: CommandSystem) -> CommandSystem:
        return rabbit_system

    @pytest.fixture
    async def groups(self, amqp_url: str) -> AsyncIterator[tuple[EventPublisher, dict[str, Seen]]]:
        async with rabbit_event_groups(amqp_url, ["projector", "audio"]) as groups:
            yield groups
