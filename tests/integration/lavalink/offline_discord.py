"""A nextcord client that never logs in to Discord, and the gateway payloads it is fed."""

import warnings

with warnings.catch_warnings():
    # nextcord 3.2 imports the stdlib `audioop`, deprecated since Python 3.12.
    warnings.simplefilter("ignore", DeprecationWarning)
    import nextcord
    from nextcord.types.channel import VoiceChannel as VoiceChannelPayload
    from nextcord.types.guild import Guild as GuildPayload
    from nextcord.types.voice import GuildVoiceState, VoiceServerUpdate


def voice_channel_payload(guild_id: int, channel_id: int) -> VoiceChannelPayload:
    """A voice channel as GUILD_CREATE lists it."""
    return {
        "id": str(channel_id),
        "name": "Music",
        "type": 2,
        "guild_id": str(guild_id),
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "bitrate": 64_000,
        "user_limit": 0,
    }


def guild_payload(guild_id: int, owner_id: int, channel: VoiceChannelPayload) -> GuildPayload:
    """A minimal GUILD_CREATE guild with one voice channel."""
    return {
        "id": str(guild_id),
        "name": "Reprise Test Guild",
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "emojis": [],
        "features": [],
        "description": None,
        "stickers": [],
        "owner_id": str(owner_id),
        "region": "europe",
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": [],
        "mfa_level": 0,
        "nsfw_level": 0,
        "application_id": None,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "safety_alerts_channel_id": None,
        "vanity_url_code": None,
        "banner": None,
        "premium_tier": 0,
        "preferred_locale": "en-US",
        "public_updates_channel_id": None,
        "guild_scheduled_events": [],
        "premium_progress_bar_enabled": False,
        "channels": [channel],
    }


def voice_state_payload(user_id: int, channel_id: int) -> GuildVoiceState:
    """VOICE_STATE_UPDATE for the bot joining a channel."""
    return {
        "user_id": str(user_id),
        "channel_id": str(channel_id),
        "session_id": "discord-voice-session",
        "deaf": False,
        "mute": False,
        "self_deaf": False,
        "self_mute": False,
        "self_video": False,
        "suppress": False,
    }


def voice_server_payload(guild_id: int) -> VoiceServerUpdate:
    """VOICE_SERVER_UPDATE with credentials for a voice server that does not exist."""
    return {"token": "voice-token", "endpoint": "voice.discord.test", "guild_id": str(guild_id)}


class OfflineBot(nextcord.Client):
    """A nextcord client that never logs in, yet is ready and knows its user, as mafic needs."""

    def __init__(self, user_id: int) -> None:
        super().__init__(intents=nextcord.Intents.none())
        self._offline_user = nextcord.ClientUser(
            state=self._connection,
            data={"id": str(user_id), "username": "reprise", "discriminator": "0", "avatar": None},
        )
        # What nextcord runs on the gateway's READY, which never comes offline.
        self._handle_ready()

    @property
    def user(self) -> nextcord.ClientUser:
        """The bot's own user."""
        return self._offline_user

    def voice_channel(self, guild_id: int, channel_id: int) -> nextcord.VoiceChannel:
        """A voice channel of a guild built from GUILD_CREATE-shaped data."""
        payload = guild_payload(guild_id, self.user.id, voice_channel_payload(guild_id, channel_id))
        channel = nextcord.Guild(data=payload, state=self._connection).get_channel(channel_id)
        assert isinstance(channel, nextcord.VoiceChannel)
        return channel
