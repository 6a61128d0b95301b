"""Discord's voice answer without Discord, for `reprise up` without a DISCORD_TOKEN.

When the audio process asks to join a channel (op 4), Discord would send the bot's
VOICE_STATE_UPDATE and VOICE_SERVER_UPDATE and the gateway would forward them. This stand-in
forwards such updates itself, with credentials for a voice server that does not exist (the
development Lavalink server accepts them), so playback runs end to end on one machine.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING
from uuid import uuid4

from reprise.application.voice_messages import (
    UiMessage,
    VoiceConnectRequested,
    VoiceServerForwarded,
    VoiceStateForwarded,
)

if TYPE_CHECKING:
    from reprise.application.voice_ports import VoiceChannel


class LoopbackVoice:
    """Subscribe `handle` to `ui`; it answers join and leave requests on `voice`."""

    def __init__(self, voice: VoiceChannel) -> None:
        self._voice = voice
        self.requests: deque[VoiceConnectRequested] = deque(maxlen=100)  # the latest, for tests

    async def handle(self, message: UiMessage) -> None:
        if not isinstance(message, VoiceConnectRequested):
            return
        self.requests.append(message)
        guild, channel = message.guild_id, message.channel_id
        session = f"loopback-{uuid4().hex[:12]}"
        await self._voice.publish(
            VoiceStateForwarded(guild_id=guild, session_id=session, channel_id=channel)
        )
        if channel is not None:
            await self._voice.publish(
                VoiceServerForwarded(
                    guild_id=guild,
                    token=uuid4().hex,
                    endpoint="voice.loopback.invalid",
                    channel_id=channel,
                )
            )
