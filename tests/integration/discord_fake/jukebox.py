"""A small nextcord bot that uses what Reprise will: slash commands, views, voice, raw events."""

import asyncio
from typing import Any

import nextcord
from nextcord.ext import commands


class Controls(nextcord.ui.View):
    """A skip button and a loop-mode select menu."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    @nextcord.ui.button(label="Skip", custom_id="skip")
    async def skip(
        self, _button: nextcord.ui.Button[Any], interaction: nextcord.Interaction[Any]
    ) -> None:
        await interaction.response.edit_message(content="Skipped")

    @nextcord.ui.select(
        custom_id="loop",
        options=[
            nextcord.SelectOption(label="Off", value="off"),
            nextcord.SelectOption(label="Track", value="track"),
        ],
    )
    async def loop(
        self, select: nextcord.ui.StringSelect[Any], interaction: nextcord.Interaction[Any]
    ) -> None:
        await interaction.response.send_message(f"Loop: {select.values[0]}", ephemeral=True)


async def play(
    interaction: nextcord.Interaction[Any],
    query: str = nextcord.SlashOption(description="What to play", autocomplete=True),
) -> None:
    await interaction.response.send_message(f"Queued {query}", ephemeral=True)


async def suggest(interaction: nextcord.Interaction[Any], query: str) -> None:
    await interaction.response.send_autocomplete([f"{query} (live)", f"{query} (remix)"])


async def search(interaction: nextcord.Interaction[Any], query: str) -> None:
    await interaction.response.defer(ephemeral=True)
    await interaction.followup.send(f"Searching {query}")
    await interaction.followup.send("Tip: use /play")
    await interaction.edit_original_message(content=f"Results for {query}")


async def controls(interaction: nextcord.Interaction[Any]) -> None:
    embed = nextcord.Embed(title="Now playing", description="Song")
    await interaction.response.send_message("Controls", embed=embed, view=Controls())


async def queue(interaction: nextcord.Interaction[Any]) -> None:
    """Parent of the queue subcommands; never invoked itself."""


async def remove(
    interaction: nextcord.Interaction[Any],
    index: int = nextcord.SlashOption(description="Position", min_value=1),
) -> None:
    await interaction.response.send_message(f"Removed #{index}")


def jukebox_commands() -> list[nextcord.SlashApplicationCommand]:
    """/play (with autocomplete), /search (deferred), /controls (a view) and /queue remove."""
    slash = nextcord.SlashApplicationCommand
    play_command = slash(name="play", description="Queue a track", callback=play)
    play_command.on_autocomplete("query")(suggest)
    queue_command = slash(name="queue", description="The queue", callback=queue)
    queue_command.subcommand(name="remove", description="Remove a track")(remove)
    return [
        play_command,
        slash(name="search", description="Search", callback=search),
        slash(name="controls", description="Player controls", callback=controls),
        queue_command,
    ]


class JukeboxBot(commands.Bot):
    """The test bot: members intent, raw gateway frames kept, resumes counted."""

    def __init__(self, **options: Any) -> None:
        intents = nextcord.Intents.default()
        intents.members = True
        super().__init__(
            intents=intents, guild_ready_timeout=0.05, enable_debug_events=True, **options
        )
        self.raw_events: list[str] = []
        self.resumed = asyncio.Event()
        self.jukebox_commands = jukebox_commands()

    def add_all_application_commands(self) -> None:
        """Adds the jukebox commands each time nextcord (re)builds its command list on READY."""
        super().add_all_application_commands()
        for command in self.jukebox_commands:
            command.from_callback(command.callback)
            self.add_application_command(command, use_rollout=True, pre_remove=False)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """No 5 s pause between IDENTIFYs: the stand-in has no identify rate limit."""

    async def on_socket_raw_receive(self, message: str) -> None:
        self.raw_events.append(message)

    async def on_resumed(self) -> None:
        self.resumed.set()
