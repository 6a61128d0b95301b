"""Voice (ADR 0007): op 4 on request, the bot's voice updates forwarded to the audio process.

nextcord hands VOICE_SERVER_UPDATE only to the guild's registered `VoiceProtocol`;
`ForwardingVoice` is ours and publishes it on `voice`. The bot's VOICE_STATE_UPDATE is
forwarded from the `voice_state_update` event, so it is forwarded even with no voice client
(a gateway restarted while the bot sat in voice). One lock keeps the forwards in order.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from functools import partial
from typing import TYPE_CHECKING, Any

import nextcord

from reprise.adapters.discord.permissions import bot_channel, humans_in
from reprise.application.voice_messages import VoiceServerForwarded, VoiceStateForwarded
from reprise.domain.commands import Actor, ActorKind, LeaveVoice

if TYPE_CHECKING:
    from reprise.adapters.discord.reads import ReadModels
    from reprise.application.messaging import CommandBus
    from reprise.application.voice_messages import VoiceConnectRequested, VoiceMessage
    from reprise.application.voice_ports import VoiceChannel

_log = logging.getLogger(__name__)
JOIN_PATIENCE = 10.0
IDLE_ACTOR = Actor(kind=ActorKind.SYSTEM, id="gateway:alone-in-voice")


class ForwardingVoice(nextcord.VoiceProtocol):
    """A voice client that sends nothing itself: it forwards the bot's voice updates."""

    def __init__(
        self,
        client: nextcord.Client,
        channel: nextcord.abc.Connectable,
        *,
        out: OrderedVoiceOut,
    ) -> None:
        super().__init__(client, channel)
        self._out = out
        self.channel_id: int | None = getattr(channel, "id", None)
        self.guild_id: int = channel.guild.id  # type: ignore[attr-defined]

    async def connect(self, *, timeout: float, reconnect: bool) -> None:  # noqa: ASYNC109
        guild = self.client.get_guild(self.guild_id)
        if guild is not None:
            await guild.change_voice_state(channel=self.channel, self_deaf=True)  # type: ignore[arg-type]

    async def on_voice_state_update(self, data: Any) -> None:
        channel = data.get("channel_id")
        self.channel_id = int(channel) if channel else None
        if self.channel_id is None:
            self.cleanup()

    async def on_voice_server_update(self, data: Any) -> None:
        await self._out.publish(
            VoiceServerForwarded(
                guild_id=self.guild_id,
                token=data["token"],
                endpoint=data.get("endpoint"),
                channel_id=self.channel_id,
            )
        )

    async def disconnect(self, *, force: bool) -> None:
        guild = self.client.get_guild(self.guild_id)
        if guild is not None:
            await guild.change_voice_state(channel=None)


class OrderedVoiceOut:
    """The `voice` port with publications kept in the order they were asked for."""

    def __init__(self, out: VoiceChannel) -> None:
        self._out = out
        self._lock = asyncio.Lock()

    async def publish(self, message: VoiceMessage) -> None:
        async with self._lock:
            await self._out.publish(message)


class VoiceBridge:
    """Joins and leaves on request, and leaves (through the core) when left alone."""

    def __init__(
        self,
        client: nextcord.Client,
        out: VoiceChannel,
        commands: CommandBus,
        reads: ReadModels,
        idle_after: float,
    ) -> None:
        self._client = client
        self._out = OrderedVoiceOut(out)
        self._commands = commands
        self._reads = reads
        self._idle_after = idle_after
        self._idle: dict[int, asyncio.Task[None]] = {}
        self._requested: dict[int, float] = {}
        self._joining: dict[int, tuple[int, float]] = {}  # guild: (channel id, since)

    def pending(self, guild_id: int) -> bool:
        """Whether a join was asked for lately and Discord may not have answered yet."""
        return _lately(self._requested.get(guild_id))

    def joining(self, guild_id: int, channel_id: int) -> None:
        """The core accepted joining `channel_id`: until Discord shows the bot in voice, that
        channel is the bot's, so members elsewhere cannot control its music meanwhile."""
        self._joining[guild_id] = (channel_id, asyncio.get_running_loop().time())

    def channel_id(self, guild: nextcord.Guild) -> int | None:
        """Where the bot is in voice, as Discord last told us, or is joining."""
        channel = bot_channel(guild)
        if channel is not None:
            return channel.id
        channel_id, since = self._joining.get(guild.id, (None, None))
        return channel_id if _lately(since) else None

    async def connect(self, request: VoiceConnectRequested) -> None:
        """Sends op 4 on the guild's shard: join `channel_id`, or leave when it is None."""
        guild = self._client.get_guild(request.guild_id)
        if guild is None:
            _log.info("voice request for guild %s, which no shard of ours holds", request.guild_id)
            return
        self._requested[guild.id] = asyncio.get_running_loop().time()
        found = guild.get_channel(request.channel_id) if request.channel_id else None
        target = found if isinstance(found, nextcord.VoiceChannel | nextcord.StageChannel) else None
        if request.channel_id is not None and target is None:
            _log.warning("voice request for unknown channel %s", request.channel_id)
            return
        if target is not None and guild.voice_client is None:
            await target.connect(cls=partial(ForwardingVoice, out=self._out))
            return
        await guild.change_voice_state(channel=target, self_deaf=request.self_deaf)

    async def seen(self, member: nextcord.Member, after: nextcord.VoiceState) -> None:
        """A VOICE_STATE_UPDATE: forward the bot's own; watch whether the bot is left alone."""
        guild = member.guild
        me = self._client.user
        if me is not None and member.id == me.id:
            self._requested.pop(guild.id, None)
            self._joining.pop(guild.id, None)  # Discord has answered: it knows better now
            await self._out.publish(
                VoiceStateForwarded(
                    guild_id=guild.id,
                    session_id=after.session_id or "unknown",
                    channel_id=after.channel.id if after.channel else None,
                )
            )
        self.watch(guild)

    def watch(self, guild: nextcord.Guild) -> None:
        channel = bot_channel(guild)
        alone = channel is not None and not humans_in(channel)
        running = self._idle.get(guild.id)
        if alone and running is None:
            self._idle[guild.id] = asyncio.create_task(self._leave_if_still_alone(guild.id))
        elif not alone and running is not None:
            running.cancel()
            del self._idle[guild.id]

    async def close(self) -> None:
        for task in self._idle.values():
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
        self._idle.clear()

    async def _leave_if_still_alone(self, guild_id: int) -> None:
        try:
            await asyncio.sleep(self._idle_after)
            guild = self._client.get_guild(guild_id)
            channel = bot_channel(guild) if guild else None
            view = await self._reads.queue(guild_id)
            if channel is None or humans_in(channel) or (view is not None and view.always_on):
                return
            await self._commands.send(LeaveVoice(guild_id=guild_id, actor=IDLE_ACTOR))
        finally:
            self._idle.pop(guild_id, None)


def _lately(since: float | None) -> bool:
    """Whether `since` (loop time) is within JOIN_PATIENCE: Discord may not have answered yet."""
    return since is not None and asyncio.get_running_loop().time() - since < JOIN_PATIENCE
