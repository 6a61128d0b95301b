"""Ports for the gateway ↔ audio streams and track resolution (see `voice_messages`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from reprise.application.voice_messages import Resolution, UiMessage, VoiceMessage

VoiceHandler = Callable[["VoiceMessage"], Awaitable[None]]
UiHandler = Callable[["UiMessage"], Awaitable[None]]


class VoiceChannel(Protocol):
    """gateway → audio. `publish` returns once the broker holds the message."""

    async def publish(self, message: VoiceMessage) -> None: ...


class UiChannel(Protocol):
    """audio → gateway."""

    async def publish(self, message: UiMessage) -> None: ...


class TrackResolver(Protocol):
    """Resolves a query or URL through Lavalink; raises `ResolverUnavailable` when no audio
    process answers in time."""

    async def resolve(self, query: str, *, reply_within: float = 2.0) -> Resolution: ...


class ResolverUnavailable(Exception):
    """No audio process answered the resolve request in time."""
