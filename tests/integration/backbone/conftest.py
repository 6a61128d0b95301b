"""Fixtures of the backbone tests: settings on the test's schema and vhost, processes, spans."""

from __future__ import annotations

from typing import TYPE_CHECKING

import aio_pika
import asyncpg
import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor, TracerProvider

from reprise.adapters import bootstrap
from reprise.adapters.postgres.connection import migrate_database
from tests.integration.backbone.broker import ensure_rabbitmq_running
from tests.integration.backbone.processes import Processes, service_env
from tests.integration.backbone.systems import backbone_settings

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator
    from pathlib import Path

    from aio_pika.abc import AbstractChannel, AbstractRobustConnection

    from reprise.settings import Settings


@pytest.fixture
def settings(database_url: str, pg_schema: str, amqp_url: str) -> Settings:
    return backbone_settings(database_url, pg_schema, amqp_url)


@pytest.fixture
async def raw(amqp_url: str) -> AsyncIterator[AbstractChannel]:
    """A plain channel on the test's vhost, outside the code under test, with publisher confirms."""
    connection = await aio_pika.connect_robust(amqp_url)
    try:
        yield await connection.channel(publisher_confirms=True)
    finally:
        await connection.close()


@pytest.fixture
async def broker(settings: Settings) -> AsyncIterator[AbstractRobustConnection]:
    """A connection as the processes open one: the whole topology declared."""
    connection = await bootstrap.open_broker(settings)
    try:
        yield connection
    finally:
        await connection.close()


@pytest.fixture
def env(database_url: str, pg_schema: str, amqp_url: str) -> dict[str, str]:
    """The environment of `reprise run ...` subprocesses on this test's schema and vhost."""
    return service_env(database_url, pg_schema, amqp_url)


@pytest.fixture
async def processes(tmp_path: Path) -> AsyncIterator[Processes]:
    """`reprise` subprocesses of one test; every one is SIGKILLed when the test ends."""
    started = Processes(tmp_path)
    try:
        yield started
    finally:
        await started.kill_all()
        for process in started.started:  # shown by pytest when the test failed
            print(f"--- {process.name} (exit {process.process.returncode}):\n{process.output}")


@pytest.fixture
async def db(database_url: str, pg_schema: str) -> AsyncIterator[asyncpg.Pool]:
    """A pool on the migrated test schema, to read the tables as an auditor would."""
    await migrate_database(database_url, pg_schema)
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=4)
    try:
        yield pool
    finally:
        await pool.close()


@pytest.fixture
def rabbitmq_left_running() -> Iterator[None]:
    """For tests that stop the broker: whatever happens, RabbitMQ runs again afterwards."""
    try:
        yield
    finally:
        ensure_rabbitmq_running()


class SpanRecorder(SpanProcessor):
    """Keeps the spans that end while a test records (the global provider lives all session)."""

    def __init__(self) -> None:
        self.recording = False
        self.spans: list[ReadableSpan] = []

    def on_end(self, span: ReadableSpan) -> None:
        if self.recording:
            self.spans.append(span)

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        return True


@pytest.fixture(scope="session")
def span_recorder() -> SpanRecorder:
    """An SDK tracer provider as the process-wide one (set once; reused if one is set)."""
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        provider = TracerProvider()
        trace.set_tracer_provider(provider)
    recorder = SpanRecorder()
    provider.add_span_processor(recorder)
    return recorder


@pytest.fixture
def spans(span_recorder: SpanRecorder) -> Iterator[list[ReadableSpan]]:
    """The spans ended during this test, in the order they ended."""
    span_recorder.spans = []
    span_recorder.recording = True
    try:
        yield span_recorder.spans
    finally:
        span_recorder.recording = False
        span_recorder.spans = []
