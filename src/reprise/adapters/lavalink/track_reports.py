"""What Lavalink says back, as commands to the core: a track ended or failed, the bot left.

A report names the entry that ended (`AdvanceQueue.expected_entry`), and each entry is
reported at most once from here; the core rejects a late or repeated report of an entry
that is no longer current, so the queue never skips twice.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from reprise.adapters.lavalink.metrics import TRACK_ENDS, TRACK_FAILURES
from reprise.application.messaging import BrokerUnavailable, CommandTimeout
from reprise.domain.commands import (
    Actor,
    ActorKind,
    AdvanceQueue,
    CommandBase,
    JoinVoice,
    LeaveVoice,
)

if TYPE_CHECKING:
    from uuid import UUID

    from reprise.adapters.lavalink.guild_player import GuildAudio
    from reprise.application.messaging import CommandBus

_log = logging.getLogger(__name__)
AUDIO_ACTOR = Actor(kind=ActorKind.SYSTEM, id="audio")
SEND_ATTEMPTS = 3


class TrackReports:
    """Sends the audio process's reports; a report that times out is sent again (same id)."""

    def __init__(self, commands: CommandBus) -> None:
        self._commands = commands

    async def ended(self, audio: GuildAudio, entry_id: UUID) -> None:
        if not audio.needs_report(entry_id):
            return
        audio.reported = entry_id
        TRACK_ENDS.inc()
        await self._send(
            AdvanceQueue(guild_id=audio.guild_id, actor=AUDIO_ACTOR, expected_entry=entry_id)
        )

    async def failed(self, audio: GuildAudio, entry_id: UUID, kind: str, detail: str) -> None:
        if not audio.needs_report(entry_id):
            return
        audio.reported = entry_id
        TRACK_FAILURES.labels(kind).inc()
        failure = f"{kind}: {detail}"[:1_000]
        command = AdvanceQueue(
            guild_id=audio.guild_id, actor=AUDIO_ACTOR, expected_entry=entry_id, failure=failure
        )
        await self._send(command)

    async def left_voice(self, guild_id: int) -> None:
        """The bot is out of voice though the queue did not ask (an admin kicked it)."""
        await self._send(LeaveVoice(guild_id=guild_id, actor=AUDIO_ACTOR))

    async def moved(self, guild_id: int, channel_id: int) -> None:
        """The bot was moved to another channel; the queue follows it."""
        await self._send(JoinVoice(guild_id=guild_id, actor=AUDIO_ACTOR, channel_id=channel_id))

    async def _send(self, command: CommandBase) -> None:
        for attempt in range(SEND_ATTEMPTS):
            try:
                result = await self._commands.send(command)
            except (CommandTimeout, BrokerUnavailable) as error:
                _log.warning(
                    "%s not confirmed (%s), attempt %s", type(command).__name__, error, attempt
                )
                await asyncio.sleep(0.2 * 2**attempt)
                continue
            if not result.accepted and result.rejection is not None:
                _log.info(
                    "%s for guild %s refused: %s",
                    type(command).__name__,
                    command.guild_id,
                    result.rejection.code,
                )
            return
        _log.error("%s for guild %s could not be sent", type(command).__name__, command.guild_id)
