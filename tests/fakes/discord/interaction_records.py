"""What a simulated user's interaction is and everything the bot answered to it.

Interaction and callback types are those of Receiving_and_Responding.md.
"""

from dataclasses import dataclass, field
from enum import IntEnum

from tests.fakes.discord.entities import Channel, Member, Payload
from tests.fakes.discord.messages import RecordedMessage
from tests.fakes.discord.signals import ChangeSignal
from tests.fakes.discord.state import Guild


class InteractionType(IntEnum):
    """What the user did."""

    APPLICATION_COMMAND = 2
    MESSAGE_COMPONENT = 3
    APPLICATION_COMMAND_AUTOCOMPLETE = 4
    MODAL_SUBMIT = 5


class CallbackType(IntEnum):
    """How the bot answered."""

    CHANNEL_MESSAGE_WITH_SOURCE = 4
    DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE = 5
    DEFERRED_UPDATE_MESSAGE = 6
    UPDATE_MESSAGE = 7
    APPLICATION_COMMAND_AUTOCOMPLETE_RESULT = 8
    MODAL = 9


ALLOWED_CALLBACKS: dict[InteractionType, set[int]] = {
    InteractionType.APPLICATION_COMMAND: {4, 5, 9},
    InteractionType.MESSAGE_COMPONENT: {4, 5, 6, 7, 9},
    InteractionType.APPLICATION_COMMAND_AUTOCOMPLETE: {8},
    InteractionType.MODAL_SUBMIT: {4, 5, 6, 7},
}


@dataclass(frozen=True)
class InteractionCallback:
    """One `POST /interactions/{id}/{token}/callback` body."""

    type: CallbackType
    data: Payload
    filenames: list[str]


@dataclass
class UserInteraction:
    """An interaction a simulated user started, with everything the bot answered."""

    id: int
    token: str
    type: InteractionType
    guild: Guild
    channel: Channel
    member: Member
    payload: Payload
    signal: ChangeSignal
    started_at: float
    source_message: RecordedMessage | None = None
    callbacks: list[InteractionCallback] = field(default_factory=list)
    original: RecordedMessage | None = None
    followups: list[RecordedMessage] = field(default_factory=list)

    @property
    def callback(self) -> InteractionCallback:
        if not self.callbacks:
            raise AssertionError(f"the bot has not answered interaction {self.id}")
        return self.callbacks[0]

    @property
    def deferred(self) -> bool:
        return self.callback.type in {
            CallbackType.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE,
            CallbackType.DEFERRED_UPDATE_MESSAGE,
        }

    @property
    def message(self) -> RecordedMessage:
        """The original response (for components: the message the component sits on)."""
        if self.original is None:
            raise AssertionError(f"interaction {self.id} has no response message")
        return self.original

    @property
    def content(self) -> str:
        return self.message.content

    @property
    def embeds(self) -> list[Payload]:
        return self.message.embeds

    @property
    def components(self) -> list[Payload]:
        return self.message.components

    @property
    def ephemeral(self) -> bool:
        return self.message.ephemeral

    @property
    def choices(self) -> list[Payload]:
        """Autocomplete suggestions the bot answered with."""
        if self.callback.type is not CallbackType.APPLICATION_COMMAND_AUTOCOMPLETE_RESULT:
            raise AssertionError(f"interaction {self.id} was answered with {self.callback.type!r}")
        return list(self.callback.data.get("choices", []))

    @property
    def modal(self) -> Payload:
        if self.callback.type is not CallbackType.MODAL:
            raise AssertionError(f"interaction {self.id} was answered with {self.callback.type!r}")
        return self.callback.data

    async def wait_for_callback(self, within: float = 5.0) -> InteractionCallback:
        def first() -> InteractionCallback | None:
            return self.callbacks[0] if self.callbacks else None

        what = f"the bot's callback to interaction {self.id}"
        return await self.signal.wait_for(first, within=within, what=what)

    async def wait_for_edit(self, edits: int = 1, within: float = 5.0) -> RecordedMessage:
        """The original response once it has been edited `edits` times (a deferral filled in...)."""

        def edited() -> RecordedMessage | None:
            message = self.original
            return message if message is not None and len(message.edits) >= edits else None

        what = f"{edits} edit(s) of interaction {self.id}'s original response"
        return await self.signal.wait_for(edited, within=within, what=what)

    async def wait_for_followup(self, index: int = 0, within: float = 5.0) -> RecordedMessage:
        def nth() -> RecordedMessage | None:
            return self.followups[index] if len(self.followups) > index else None

        what = f"follow-up #{index} of interaction {self.id}"
        return await self.signal.wait_for(nth, within=within, what=what)
