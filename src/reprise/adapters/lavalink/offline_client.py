"""A nextcord client that never logs in: the host mafic needs, without a Discord connection.

mafic asks its client for `user.id`, `wait_until_ready()`, `dispatch()`, `shard_count`,
`is_closed()` and `get_guild()`; guilds and voice channels are built here from ids, and the
websocket stand-in turns mafic's op 4 (join/leave voice) into a request to the gateway
(ADR 0007). `dispatch` hands mafic's events to `on_event` synchronously, in arrival order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from reprise.adapters.lavalink.mafic_import import nextcord

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from nextcord.gateway import DiscordWebSocket
    from nextcord.types.guild import Guild as GuildPayload


class _VoiceRequests:
    """Stands in for the gateway websocket: op 4 becomes a call to `request`."""

    def __init__(self, request: Callable[[int, int | None, bool], Awaitable[None]]) -> None:
        self._request = request

    async def voice_state(
        self,
        guild_id: int,
        channel_id: int | None,
        self_mute: bool = False,
        self_deaf: bool = False,
    ) -> None:
        del self_mute
        await self._request(guild_id, channel_id, self_deaf)


def _guild_payload(guild_id: int, owner_id: int) -> GuildPayload:
    return cast(
        "GuildPayload",
        {
            "id": str(guild_id),
            "name": str(guild_id),
            "owner_id": str(owner_id),
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "afk_timeout": 300,
            "features": [],
            "roles": [],
            "emojis": [],
            "stickers": [],
            "channels": [],
        },
    )


def _voice_channel_data(guild_id: int, channel_id: int) -> dict[str, Any]:
    return {
        "id": str(channel_id),
        "name": str(channel_id),
        "type": 2,
        "guild_id": str(guild_id),
        "position": 0,
        "permission_overwrites": [],
        "bitrate": 64_000,
        "user_limit": 0,
    }


class OfflineDiscordClient(nextcord.Client):
    """Ready from the start, never connected; knows only the guilds it is asked about."""

    def __init__(
        self,
        user_id: int,
        *,
        on_voice_request: Callable[[int, int | None, bool], Awaitable[None]],
        on_event: Callable[[str, tuple[Any, ...]], None],
    ) -> None:
        super().__init__(intents=nextcord.Intents.none())
        self._offline_user = nextcord.ClientUser(
            state=self._connection,
            data={"id": str(user_id), "username": "reprise", "discriminator": "0", "avatar": None},
        )
        self._voice_requests = _VoiceRequests(on_voice_request)
        self._on_event = on_event
        self._guilds: dict[int, nextcord.Guild] = {}
        self._handle_ready()  # what nextcord does on the READY that never comes offline

    @property
    def user(self) -> nextcord.ClientUser:
        return self._offline_user

    def _get_websocket(
        self, guild_id: int | None = None, *, shard_id: int | None = None
    ) -> DiscordWebSocket:
        del guild_id, shard_id
        return cast("DiscordWebSocket", self._voice_requests)

    def get_guild(self, id: int, /) -> nextcord.Guild | None:
        return self._guilds.get(id)

    def dispatch(self, event: str, *args: Any, **kwargs: Any) -> None:
        super().dispatch(event, *args, **kwargs)  # keeps wait_for() working
        self._on_event(event, args)

    def voice_channel(self, guild_id: int, channel_id: int) -> nextcord.VoiceChannel:
        """The guild's voice channel `channel_id`, built (with its guild) on first use."""
        guild = self._guilds.get(guild_id)
        if guild is None:
            guild = nextcord.Guild(
                data=_guild_payload(guild_id, self.user.id), state=self._connection
            )
            self._guilds[guild_id] = guild
        channel = guild.get_channel(channel_id)
        if not isinstance(channel, nextcord.VoiceChannel):
            data = _voice_channel_data(guild_id, channel_id)
            channel = nextcord.VoiceChannel(state=self._connection, guild=guild, data=data)  # type: ignore[arg-type]
            guild._add_channel(channel)
        return channel

    def forget_guild(self, guild_id: int) -> None:
        self._guilds.pop(guild_id, None)
