"""Messages on the stand-in: the bot's posts, interaction responses and follow-ups.

Every create, edit and delete is kept so tests can assert on content, embeds,
components and flags (Message.md, Message Object).
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from tests.fakes.discord.entities import Payload, User
from tests.fakes.discord.signals import ChangeSignal
from tests.fakes.discord.snowflakes import iso_now

EPHEMERAL = 1 << 6
LOADING = 1 << 7
DEFAULT_TYPE = 0
CHAT_INPUT_COMMAND_TYPE = 20


class MessageKind(StrEnum):
    """How the bot produced a message."""

    CHANNEL = "channel message"
    RESPONSE = "interaction response"
    FOLLOWUP = "follow-up"
    USER = "user message"


@dataclass
class RecordedMessage:
    """One message as the stand-in holds it, with its edit history."""

    id: int
    channel_id: int
    guild_id: int | None
    author: User
    kind: MessageKind
    content: str = ""
    embeds: list[Payload] = field(default_factory=list)
    components: list[Payload] = field(default_factory=list)
    flags: int = 0
    attachments: list[str] = field(default_factory=list)
    interaction: Payload | None = None
    application_id: int | None = None
    message_type: int = DEFAULT_TYPE
    edits: list[Payload] = field(default_factory=list)
    deleted: bool = False
    timestamp: str = field(default_factory=iso_now)
    edited_timestamp: str | None = None

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        """True while a deferred response still shows "Bot is thinking..."."""
        return bool(self.flags & LOADING)

    @property
    def custom_ids(self) -> list[str]:
        return [
            str(component["custom_id"])
            for component in self.iter_components()
            if "custom_id" in component
        ]

    def iter_components(self) -> Iterator[Payload]:
        """Every component, action rows flattened."""
        pending = list(self.components)
        while pending:
            component = pending.pop(0)
            yield component
            pending[:0] = component.get("components", [])

    def find_component(self, custom_id: str) -> Payload | None:
        return next((c for c in self.iter_components() if c.get("custom_id") == custom_id), None)

    def apply(self, body: Payload, *, edit: bool) -> None:
        """Applies a create or edit body; an edit of a deferred response ends its loading state."""
        for key in ("content", "embeds", "components"):
            if key in body:
                setattr(
                    self, key, body[key] if body[key] is not None else type(getattr(self, key))()
                )
        if "flags" in body and body["flags"] is not None:
            self.flags = (self.flags & (EPHEMERAL | LOADING)) | int(body["flags"])
        if edit:
            self.edits.append(body)
            self.edited_timestamp = iso_now()
            self.flags &= ~LOADING

    def payload(self) -> Payload:
        data: Payload = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "author": self.author.payload(),
            "content": self.content,
            "timestamp": self.timestamp,
            "edited_timestamp": self.edited_timestamp,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": self.embeds,
            "components": self.components,
            "pinned": False,
            "type": self.message_type,
            "flags": self.flags,
        }
        if self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
        if self.application_id is not None:
            data["webhook_id"] = data["application_id"] = str(self.application_id)
        if self.interaction is not None:
            data["interaction_metadata"] = self.interaction
        return data


class MessageLog:
    """All messages by id, with a way to wait for one to appear."""

    def __init__(self, signal: ChangeSignal) -> None:
        self._signal = signal
        self.by_id: dict[int, RecordedMessage] = {}

    def record(self, message: RecordedMessage) -> RecordedMessage:
        self.by_id[message.id] = message
        self._signal.notify()
        return message

    def changed(self) -> None:
        self._signal.notify()

    def in_channel(self, channel_id: int) -> list[RecordedMessage]:
        return [m for m in self.by_id.values() if m.channel_id == channel_id and not m.deleted]

    async def wait_for(
        self,
        *,
        channel_id: int | None = None,
        where: Callable[[RecordedMessage], bool] = lambda _message: True,
        within: float = 5.0,
    ) -> RecordedMessage:
        """The newest live message in `channel_id` (any channel if None) matching `where`."""

        def newest_match() -> RecordedMessage | None:
            for message in reversed(self.by_id.values()):
                in_channel = channel_id is None or message.channel_id == channel_id
                if in_channel and not message.deleted and where(message):
                    return message
            return None

        return await self._signal.wait_for(
            newest_match, within=within, what=f"a message in channel {channel_id}"
        )
