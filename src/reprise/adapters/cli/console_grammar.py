"""The console's little language: one line in, one command (or a console action) out."""

from __future__ import annotations

import base64
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from pydantic import ValidationError

from reprise.adapters.lavalink.dev_server.track_codec import encode_track
from reprise.adapters.lavalink.dev_server.track_payloads import TrackInfo
from reprise.domain import commands as c
from reprise.domain.values import QueuePlacement

HELP = """\
queue:  play TITLE [M:SS] [next] | skip | skipto N | previous | pause | resume | stop
        seek M:SS | loop off|track|queue | volume N | filter NAME | shuffle | clear
        remove N | move N M | autoplay on|off | 247 on|off | join CHANNEL_ID | leave
        finish | fail REASON            (what the audio process reports when a track ends)
premium: trial | activate DAYS | renew DAYS | payment-failed | cancel [now] | expire
console: state | events | help | quit"""


class ConsoleInputError(ValueError):
    """The line could not be understood; the message says how to write it."""


@dataclass(frozen=True)
class ConsoleContext:
    guild_id: int
    actor: c.Actor
    now: datetime
    upcoming: list[UUID]
    current: UUID | None

    def envelope(self) -> dict[str, object]:
        return {"guild_id": self.guild_id, "actor": self.actor}

    def entry(self, number: str) -> UUID:
        index = _integer(number, "a queue position") - 1
        if not 0 <= index < len(self.upcoming):
            raise ConsoleInputError(f"there is no queue position {number} (see `state`)")
        return self.upcoming[index]


def parse_duration_ms(text: str) -> int:
    """'3:20' or '1:02:03' or '45' (seconds) to milliseconds."""
    try:
        parts = [int(part) for part in text.split(":")]
    except ValueError:
        raise ConsoleInputError(f"{text!r} is not a time like 1:23") from None
    if len(parts) > 3 or any(part < 0 for part in parts):
        raise ConsoleInputError(f"{text!r} is not a time like 1:23")
    seconds = 0
    for part in parts:
        seconds = seconds * 60 + part
    return seconds * 1000


def _integer(text: str, what: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ConsoleInputError(f"{text!r} is not {what}") from None


def _on_off(args: list[str]) -> bool:
    if args not in (["on"], ["off"]):
        raise ConsoleInputError("say `on` or `off`")
    return args == ["on"]


def _console_track(title: str, length_ms: int) -> c.TrackData:
    """A made-up track; its encoded form is one the development Lavalink server can play."""
    identifier = "console:" + base64.urlsafe_b64encode(title.encode()).decode()
    info = TrackInfo(
        identifier=identifier,
        author="console",
        length=length_ms,
        title=title,
        source_name="console",
    )
    return c.TrackData(
        encoded=encode_track(info),
        identifier=identifier,
        title=title,
        author="console",
        length_ms=length_ms,
        source_name="console",
    )


Fields = dict[str, object]


def _play(ctx: ConsoleContext, args: list[str]) -> Fields:
    placement = QueuePlacement.END
    if args and args[-1] == "next":
        placement, args = QueuePlacement.NEXT, args[:-1]
    length = 180_000
    if len(args) > 1 and ":" in args[-1]:
        length, args = parse_duration_ms(args[-1]), args[:-1]
    if not args:
        raise ConsoleInputError("usage: play TITLE [M:SS] [next]")
    track = _console_track(" ".join(args), length)
    return {"type": "EnqueueTracks", "tracks": [track], "placement": placement}


def _arg(args: list[str], index: int, usage: str) -> str:
    if len(args) <= index:
        raise ConsoleInputError(f"usage: {usage}")
    return args[index]


def _days(args: list[str]) -> timedelta:
    return timedelta(days=_integer(args[0], "a number of days") if args else 30)


def _current(ctx: ConsoleContext) -> UUID:
    if ctx.current is None:
        raise ConsoleInputError("nothing is playing")
    return ctx.current


_Builder = Callable[[ConsoleContext, list[str]], Fields]

_BUILDERS: dict[str, _Builder] = {
    "play": _play,
    "skip": lambda x, a: {"type": "Skip"},
    "skipto": lambda x, a: {"type": "SkipTo", "entry_id": x.entry(_arg(a, 0, "skipto N"))},
    "previous": lambda x, a: {"type": "Previous"},
    "pause": lambda x, a: {"type": "Pause"},
    "resume": lambda x, a: {"type": "Resume"},
    "stop": lambda x, a: {"type": "Stop"},
    "seek": lambda x, a: {
        "type": "Seek",
        "position_ms": parse_duration_ms(_arg(a, 0, "seek M:SS")),
    },
    "loop": lambda x, a: {"type": "SetLoopMode", "mode": _arg(a, 0, "loop off|track|queue")},
    "volume": lambda x, a: {"type": "SetVolume", "volume": _arg(a, 0, "volume N")},
    "filter": lambda x, a: {"type": "SetFilters", "preset": _arg(a, 0, "filter NAME")},
    "shuffle": lambda x, a: {"type": "ShuffleQueue"},
    "clear": lambda x, a: {"type": "ClearQueue"},
    "remove": lambda x, a: {"type": "RemoveEntry", "entry_id": x.entry(_arg(a, 0, "remove N"))},
    "move": lambda x, a: {
        "type": "MoveEntry",
        "entry_id": x.entry(_arg(a, 0, "move N M")),
        "to_index": _integer(_arg(a, 1, "move N M"), "a queue position") - 1,
    },
    "autoplay": lambda x, a: {"type": "SetAutoplay", "enabled": _on_off(a)},
    "247": lambda x, a: {"type": "SetAlwaysOn", "enabled": _on_off(a)},
    "join": lambda x, a: {"type": "JoinVoice", "channel_id": _arg(a, 0, "join CHANNEL_ID")},
    "leave": lambda x, a: {"type": "LeaveVoice"},
    "finish": lambda x, a: {"type": "AdvanceQueue", "expected_entry": _current(x)},
    "fail": lambda x, a: {
        "type": "AdvanceQueue",
        "expected_entry": _current(x),
        "failure": " ".join(a) or "unknown",
    },
    "trial": lambda x, a: {"type": "StartTrial"},
    "activate": lambda x, a: {"type": "ActivatePremium", "period_end": x.now + _days(a)},
    "renew": lambda x, a: {"type": "RenewSubscription", "period_end": x.now + _days(a)},
    "payment-failed": lambda x, a: {"type": "RecordPaymentFailure"},
    "cancel": lambda x, a: {"type": "CancelSubscription", "at_period_end": a != ["now"]},
    "expire": lambda x, a: {"type": "ExpireSubscription"},
}
CONSOLE_ACTIONS = frozenset({"state", "events", "help", "quit", "exit"})


def parse_line(line: str, ctx: ConsoleContext) -> c.Command | str | None:
    """A command to send, the name of a console action, or None for a blank line."""
    try:
        words = shlex.split(line)
    except ValueError as error:
        raise ConsoleInputError(str(error)) from None
    if not words:
        return None
    verb, args = words[0].lower(), words[1:]
    if verb in CONSOLE_ACTIONS:
        return verb
    builder = _BUILDERS.get(verb)
    if builder is None:
        raise ConsoleInputError(f"unknown command {verb!r}; type `help`")
    fields = builder(ctx, args)
    try:
        return c.COMMAND_ADAPTER.validate_python({**ctx.envelope(), **fields})
    except ValidationError as error:
        raise ConsoleInputError(describe_validation_error(error)) from None


def describe_validation_error(error: ValidationError) -> str:
    """One readable line per bad field, without pydantic's union bookkeeping."""
    parts = []
    for problem in error.errors():
        field = ".".join(str(part) for part in problem["loc"][1:]) or "input"
        parts.append(f"{field}: {problem['msg']}")
    return "; ".join(parts)
