"""The embedded default's voice/ui streams and resolver keep the same promises."""

from __future__ import annotations

import asyncio

import pytest

from reprise.adapters.inprocess.track_resolver import InProcessTrackResolver
from reprise.adapters.inprocess.voice_streams import InProcessStream
from reprise.application.voice_messages import (
    Resolution,
    UiMessage,
    VoiceConnectRequested,
    VoiceMessage,
    VoiceStateForwarded,
)
from reprise.application.voice_ports import ResolverUnavailable


async def test_messages_arrive_in_order_and_a_failing_one_is_kept_as_dead_letter() -> None:
    stream: InProcessStream[VoiceMessage] = InProcessStream("voice")
    seen: list[str] = []

    async def handle(message: VoiceMessage) -> None:
        assert isinstance(message, VoiceStateForwarded)
        if message.session_id == "bad":
            raise ValueError("cannot apply")
        seen.append(message.session_id)

    for session in ["a", "bad", "b", "c"]:  # published before anyone subscribes
        await stream.publish(VoiceStateForwarded(guild_id=1, session_id=session, channel_id=2))
    stream.subscribe(handle)
    await stream.drain()
    assert seen == ["a", "b", "c"]
    [dead] = stream.dead
    assert dead.reason.startswith("handler_failed: ValueError")
    await stream.close()


async def test_a_second_subscriber_is_refused() -> None:
    stream: InProcessStream[UiMessage] = InProcessStream("ui")

    async def handle(message: UiMessage) -> None:
        del message

    stream.subscribe(handle)
    with pytest.raises(RuntimeError):
        stream.subscribe(handle)
    await stream.publish(VoiceConnectRequested(guild_id=1, channel_id=None))
    await stream.drain()
    await stream.close()


async def test_the_resolver_is_unavailable_until_bound_and_when_slow() -> None:
    resolver = InProcessTrackResolver()
    with pytest.raises(ResolverUnavailable):
        await resolver.resolve("x")

    async def slow(query: str) -> Resolution:
        await asyncio.sleep(0 if query == "fast" else 5)
        return Resolution(kind="empty")

    resolver.bind(slow)
    assert (await resolver.resolve("fast")).kind == "empty"
    with pytest.raises(ResolverUnavailable):
        await resolver.resolve("slow", reply_within=0.05)
