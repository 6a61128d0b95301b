"""INTERACTION_CREATE payloads, and what the bot answered to each interaction.

Follows Receiving_and_Responding.md: one callback per interaction within the
deadline, follow-ups and edits through the interaction token afterwards.
"""

import asyncio
import secrets

from tests.fakes.discord.entities import Channel, Member, Payload
from tests.fakes.discord.interaction_records import (
    ALLOWED_CALLBACKS,
    CallbackType,
    InteractionCallback,
    InteractionType,
    UserInteraction,
)
from tests.fakes.discord.messages import (
    CHAT_INPUT_COMMAND_TYPE,
    EPHEMERAL,
    LOADING,
    MessageKind,
    MessageLog,
    RecordedMessage,
)
from tests.fakes.discord.rest_protocol import DiscordError
from tests.fakes.discord.signals import ChangeSignal
from tests.fakes.discord.state import Guild, World


class InteractionDesk:
    """Opens interactions and records the bot's callbacks, follow-ups and edits."""

    def __init__(self, world: World, messages: MessageLog, signal: ChangeSignal) -> None:
        self.world = world
        self.messages = messages
        self.signal = signal
        self.callback_deadline = 3.0
        self.by_id: dict[int, UserInteraction] = {}
        self._by_token: dict[str, UserInteraction] = {}

    @property
    def application_id(self) -> int:
        return self.world.bot.id

    def open(
        self,
        kind: InteractionType,
        channel: Channel,
        member: Member,
        data: Payload,
        source_message: RecordedMessage | None = None,
    ) -> UserInteraction:
        guild = self.world.guilds[channel.guild_id]
        interaction_id = self.world.mint.next()
        token = secrets.token_urlsafe(48)
        payload = self._payload(interaction_id, token, kind, guild, channel, member) | {
            "data": data
        }
        if source_message is not None:
            payload["message"] = source_message.payload()
        interaction = UserInteraction(
            interaction_id, token, kind, guild, channel, member, payload, self.signal,
            asyncio.get_running_loop().time(), source_message,
        )  # fmt: skip
        self.by_id[interaction_id] = interaction
        self._by_token[token] = interaction
        return interaction

    def _payload(
        self,
        interaction_id: int,
        token: str,
        kind: InteractionType,
        guild: Guild,
        channel: Channel,
        member: Member,
    ) -> Payload:
        return {
            "id": str(interaction_id),
            "application_id": str(self.application_id),
            "type": int(kind),
            "guild": {"id": str(guild.id), "locale": "en-US", "features": []},
            "guild_id": str(guild.id),
            "channel": channel.payload(),
            "channel_id": str(channel.id),
            "member": member.payload() | {"permissions": str(guild.permissions_of(member.id))},
            "token": token,
            "version": 1,
            "app_permissions": str(guild.permissions_of(self.world.bot.id)),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(guild.id)},
            "context": 0,
            "attachment_size_limit": 10 * 1024 * 1024,
        }

    def respond(
        self, interaction_id: int, token: str, body: Payload, filenames: list[str]
    ) -> tuple[RecordedMessage | None, bool]:
        """Applies a callback; returns the message it created or changed and whether it is new."""
        interaction = self.by_id.get(interaction_id)
        now = asyncio.get_running_loop().time()
        if interaction is None or interaction.token != token:
            raise DiscordError(404, "Unknown interaction", 10062)
        if now - interaction.started_at > self.callback_deadline:
            raise DiscordError(404, "Unknown interaction", 10062)
        if interaction.callbacks:
            raise DiscordError(400, "Interaction has already been acknowledged.", 40060)
        kind = int(body.get("type", 0))
        if kind not in ALLOWED_CALLBACKS[interaction.type]:
            raise DiscordError(400, "Invalid Form Body", 50035)
        data = body.get("data") or {}
        interaction.callbacks.append(InteractionCallback(CallbackType(kind), data, filenames))
        try:
            return self._apply_callback(interaction, CallbackType(kind), data)
        finally:
            self.signal.notify()

    def _apply_callback(
        self, interaction: UserInteraction, kind: CallbackType, data: Payload
    ) -> tuple[RecordedMessage | None, bool]:
        if kind is CallbackType.CHANNEL_MESSAGE_WITH_SOURCE:
            interaction.original = self._new_message(interaction, MessageKind.RESPONSE, data)
            return interaction.original, True
        if kind is CallbackType.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE:
            flags = LOADING | (int(data.get("flags") or 0) & EPHEMERAL)
            interaction.original = self._new_message(interaction, MessageKind.RESPONSE, {})
            interaction.original.flags = flags
            return interaction.original, True
        if kind in (CallbackType.DEFERRED_UPDATE_MESSAGE, CallbackType.UPDATE_MESSAGE):
            interaction.original = interaction.source_message
            if kind is CallbackType.UPDATE_MESSAGE and interaction.original is not None:
                interaction.original.apply(data, edit=True)
                return interaction.original, False
        return None, False

    def followup(self, interaction: UserInteraction, body: Payload) -> tuple[RecordedMessage, bool]:
        """A follow-up; right after a deferral it fills in the loading message instead."""
        original = interaction.original
        first_after_defer = (
            interaction.callbacks
            and interaction.callback.type is CallbackType.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE
            and original is not None
            and original.loading
        )
        if first_after_defer and original is not None:
            original.apply(body, edit=True)
            interaction.followups.append(original)
            self.signal.notify()
            return original, False
        message = self._new_message(interaction, MessageKind.FOLLOWUP, body)
        interaction.followups.append(message)
        self.signal.notify()
        return message, True

    def by_token(self, application_id: int, token: str) -> UserInteraction:
        """The acknowledged interaction behind a webhook token."""
        interaction = self._by_token.get(token)
        if interaction is None or application_id != self.application_id:
            raise DiscordError(404, "Unknown Webhook", 10015)
        if not interaction.callbacks:
            raise DiscordError(404, "Unknown Webhook", 10015)
        return interaction

    def message_of(self, interaction: UserInteraction, reference: str) -> RecordedMessage:
        """`@original` or the id of one of the interaction's follow-ups."""
        if reference == "@original":
            found = interaction.original
        else:
            found = next((m for m in interaction.followups if str(m.id) == reference), None)
        if found is None or found.deleted:
            raise DiscordError(404, "Unknown Message", 10008)
        return found

    def _new_message(
        self, interaction: UserInteraction, kind: MessageKind, body: Payload
    ) -> RecordedMessage:
        message = RecordedMessage(
            id=self.world.mint.next(),
            channel_id=interaction.channel.id,
            guild_id=interaction.guild.id,
            author=self.world.bot,
            kind=kind,
            application_id=self.application_id,
            interaction=self._metadata(interaction),
        )
        if interaction.type is InteractionType.APPLICATION_COMMAND:
            message.message_type = CHAT_INPUT_COMMAND_TYPE
        message.apply(body, edit=False)
        return self.messages.record(message)

    def _metadata(self, interaction: UserInteraction) -> Payload:
        metadata: Payload = {
            "id": str(interaction.id),
            "type": int(interaction.type),
            "user": interaction.member.user.payload(),
            "authorizing_integration_owners": {"0": str(interaction.guild.id)},
        }
        if interaction.source_message is not None:
            metadata["interacted_message_id"] = str(interaction.source_message.id)
        return metadata
