"""What every slash command and button goes through: refuse, send, reply, translate errors."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import nextcord
from pydantic import ValidationError

from reprise.adapters.discord.refusals import Refusal
from reprise.adapters.discord.views import rejections
from reprise.application.messaging import BrokerUnavailable, CommandTimeout
from reprise.application.voice_ports import ResolverUnavailable
from reprise.domain.commands import Actor, ActorKind
from reprise.domain.ids import queue_id

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from reprise.adapters.discord.options import GatewayOptions
    from reprise.adapters.discord.panel import PanelKeeper
    from reprise.adapters.discord.reads import ReadModels
    from reprise.adapters.discord.votes import SkipVotes
    from reprise.application.messaging import CommandBus
    from reprise.application.results import CommandResult
    from reprise.application.voice_ports import TrackResolver
    from reprise.domain.commands import CommandBase

_log = logging.getLogger(__name__)
Interaction = nextcord.Interaction[Any]
NONE: frozenset[str] = frozenset()
ALREADY = frozenset({"already_in_state"})


def user_actor(member: nextcord.abc.User) -> Actor:
    return Actor(kind=ActorKind.USER, id=str(member.id))


def by(member: nextcord.Member) -> dict[str, Any]:
    """The envelope fields of a command `member` issues in their guild."""
    return {"guild_id": member.guild.id, "actor": user_actor(member)}


class Edge:
    """The gateway's dependencies and its one error translator."""

    def __init__(
        self,
        commands: CommandBus,
        reads: ReadModels,
        resolver: TrackResolver,
        panel: PanelKeeper,
        votes: SkipVotes,
        options: GatewayOptions,
    ) -> None:
        self.commands = commands
        self.reads = reads
        self.resolver = resolver
        self.panel = panel
        self.votes = votes
        self.options = options

    async def send(
        self, interaction: Interaction, command: CommandBase, *, tolerate: frozenset[str] = NONE
    ) -> CommandResult:
        """Sends `command` and waits for the core; a rejection (its code not in `tolerate`)
        becomes a `Refusal`."""
        within = self.options.reply_within
        if interaction.response.is_done():
            within = self.options.deferred_reply_within
        result = await self.commands.send(command, reply_within=within)
        rejection = result.rejection
        if rejection is not None and rejection.code in tolerate:
            return result
        if not result.accepted and rejection is not None:
            plan = await self.reads.entitlements(command.guild_id)
            raise Refusal(rejections.rejection_text(rejection, plan))
        version = result.versions.get(str(queue_id(command.guild_id)))
        if version is not None:
            self.reads.wrote(command.guild_id, version)
        self.panel.touch(command.guild_id, version)
        return result

    async def reply(self, interaction: Interaction, text: str, **extra: Any) -> None:
        """Answers the interaction, or follows up once it was deferred or answered."""
        if interaction.response.is_done():
            await interaction.followup.send(text, **extra)
        else:
            await interaction.response.send_message(text, **extra)
        forget_view(extra.get("view"))

    async def refuse(self, interaction: Interaction, text: str) -> None:
        await self.reply(interaction, text, ephemeral=True)

    @asynccontextmanager
    async def replying(self, interaction: Interaction) -> AsyncIterator[None]:
        """Turns every failure inside into a friendly ephemeral reply (the edge's translator)."""
        try:
            yield
        except Refusal as refusal:
            await self.refuse(interaction, refusal.message)
        except CommandTimeout:
            await self.refuse(interaction, rejections.TIMEOUT_TEXT)
        except BrokerUnavailable:
            await self.refuse(interaction, rejections.BROKER_DOWN_TEXT)
        except ResolverUnavailable:
            await self.refuse(interaction, rejections.RESOLVER_DOWN_TEXT)
        except ValidationError as error:
            await self.refuse(interaction, _invalid_input(error))
        except Exception:  # the top of an interaction: log it, never show a stack trace
            _log.exception("interaction %s failed", interaction.id)
            await self.refuse(interaction, rejections.UNEXPECTED_TEXT)


def component_data(interaction: Interaction) -> dict[str, Any]:
    return dict(interaction.data or {})


def component_values(interaction: Interaction) -> list[str]:
    """The values picked in a select menu."""
    return [str(value) for value in component_data(interaction).get("values", [])]


def forget_view(view: object) -> None:
    """Display-only views are routed by custom id; nextcord need not keep them."""
    if isinstance(view, nextcord.ui.View):
        view.stop()


def _invalid_input(error: ValidationError) -> str:
    problem = error.errors()[0]
    field = ".".join(str(part) for part in problem["loc"]) or "input"
    return f"That does not work: {field} {problem['msg'].lower()}."
