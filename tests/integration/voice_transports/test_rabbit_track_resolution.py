"""Track resolution over RabbitMQ: any server answers, a clear error when none does."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest

from reprise.adapters.rabbitmq.dead_letters import REASON_HEADER
from reprise.adapters.rabbitmq.track_resolution import RabbitTrackResolver, ResolveServer
from reprise.application.voice_messages import Resolution
from reprise.application.voice_ports import ResolverUnavailable
from reprise.domain.commands import TrackData
from tests.integration.voice_transports.conftest import dead_letters, publish_raw

if TYPE_CHECKING:
    from aio_pika.abc import AbstractRobustConnection

pytestmark = pytest.mark.integration


def _track(title: str) -> TrackData:
    return TrackData(encoded=f"enc-{title}", identifier=title, title=title, author="a", length_ms=1)


async def _catalogue(query: str) -> Resolution:
    if query == "boom":
        raise RuntimeError("lavalink exploded")
    if query == "nothing":
        return Resolution(kind="empty")
    return Resolution(kind="search", tracks=(_track(query), _track(query + "!")))


async def test_a_query_is_answered_by_a_serving_audio_process(
    connection: AbstractRobustConnection,
) -> None:
    server = await ResolveServer.start(connection, _catalogue)
    resolver = await RabbitTrackResolver.open(connection)
    try:
        found, empty = await asyncio.gather(
            resolver.resolve("paper boats"), resolver.resolve("nothing")
        )
        assert found.kind == "search"
        assert [t.title for t in found.tracks] == ["paper boats", "paper boats!"]
        assert empty == Resolution(kind="empty")
    finally:
        await resolver.close()
        await server.stop()


async def test_no_audio_process_means_resolver_unavailable_in_time(
    connection: AbstractRobustConnection,
) -> None:
    resolver = await RabbitTrackResolver.open(connection)
    try:
        started = asyncio.get_running_loop().time()
        with pytest.raises(ResolverUnavailable):
            await resolver.resolve("anything", reply_within=0.3)
        assert asyncio.get_running_loop().time() - started < 1.5
    finally:
        await resolver.close()


async def test_bad_requests_and_failing_resolvers_are_dead_lettered_and_answered(
    connection: AbstractRobustConnection,
) -> None:
    server = await ResolveServer.start(connection, _catalogue)
    resolver = await RabbitTrackResolver.open(connection)
    try:
        failed = await resolver.resolve("boom")
        assert (failed.kind, failed.error) == ("error", "the resolver failed")
        await publish_raw(connection, "", "resolve", b'{"query": ""}')
        assert (await resolver.resolve("still serving")).kind == "search"
        dead = await dead_letters(connection, "resolve.dead", 2)
        reasons = sorted(str((m.headers or {})[REASON_HEADER]).split(":")[0] for m in dead)
        assert reasons == ["malformed_request", "resolver_failed"]
    finally:
        await resolver.close()
        await server.stop()
