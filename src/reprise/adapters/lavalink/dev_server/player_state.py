"""A guild's player on the dev server: its track, clock, settings and the events it emits."""

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from reprise.adapters.lavalink.dev_server import events
from reprise.adapters.lavalink.dev_server.playback_clock import PlaybackClock
from reprise.adapters.lavalink.dev_server.player_payloads import (
    Filters,
    Player,
    PlayerState,
    VoiceState,
)
from reprise.adapters.lavalink.dev_server.track_payloads import (
    JsonObject,
    LavalinkException,
    Track,
)

type Emit = Callable[[JsonObject], None]
type Milestone = Literal["end", "exception", "stuck"]

INJECTED_TRACK_EXCEPTION = LavalinkException(
    message="Injected playback failure (dev server fault switch)",
    severity="fault",
    cause="java.lang.RuntimeException: Injected playback failure",
)


@dataclass(frozen=True)
class PlaybackSettings:
    """Server-wide playback settings shared by every player."""

    time_scale: float = 1.0
    update_interval: float = 5.0
    stuck_threshold_ms: int = 10_000


@dataclass
class PlayingTrack:
    """The track a player is playing, with its clock and the points where something happens."""

    track: Track
    clock: PlaybackClock
    end_time_ms: int | None = None
    exception_at_ms: int | None = None
    stuck_at_ms: int | None = None

    def end_position_ms(self) -> int | None:
        """Where the track ends: its length or endTime; a stream without endTime never ends."""
        natural = None if self.track.info.is_stream else self.track.info.length
        return min((p for p in (natural, self.end_time_ms) if p is not None), default=None)

    def position_ms(self) -> int:
        """The current position, never past the end."""
        position = int(self.clock.position_ms())
        end = self.end_position_ms()
        return position if end is None else min(position, end)

    def next_milestone(self) -> tuple[float, Milestone] | None:
        """The next point of the track where the player must act."""
        candidates: list[tuple[float, Milestone]] = []
        end = self.end_position_ms()
        if end is not None:
            candidates.append((end, "end"))
        if self.exception_at_ms is not None:
            candidates.append((self.exception_at_ms, "exception"))
        if self.stuck_at_ms is not None and not self.clock.frozen:
            candidates.append((self.stuck_at_ms, "stuck"))
        return min(candidates, default=None)

    def current_track(self) -> Track:
        """The wire track with its info's position set to now."""
        info = self.track.info.model_copy(update={"position": self.position_ms()})
        return self.track.model_copy(update={"info": info})


class DevPlayer:
    """One guild's player; every change that Lavalink reports is emitted through `emit`."""

    def __init__(self, guild_id: int, emit: Emit, settings: PlaybackSettings) -> None:
        self.guild_id = guild_id
        self.volume = 100
        self.paused = False
        self.filters = Filters()
        self.voice = VoiceState()
        self.connected = False
        self.playing: PlayingTrack | None = None
        self._emit = emit
        self._settings = settings
        self._watcher: asyncio.Task[None] | None = None
        self._updates: asyncio.Task[None] | None = None

    def state(self) -> PlayerState:
        """The player state as playerUpdate reports it."""
        return PlayerState(
            time=int(time.time() * 1000),
            position=0 if self.playing is None else self.playing.position_ms(),
            connected=self.connected,
            ping=1 if self.connected else -1,
        )

    def to_payload(self) -> Player:
        """The player object of the REST API."""
        track = None if self.playing is None else self.playing.current_track()
        return Player(
            guild_id=str(self.guild_id),
            track=track,
            volume=self.volume,
            paused=self.paused,
            state=self.state(),
            voice=self.voice,
            filters=self.filters,
        )

    def send_update(self) -> None:
        """Emit a playerUpdate now."""
        self._emit(events.player_update(self.guild_id, self.state()))

    def play(self, playing: PlayingTrack) -> None:
        """Start a track, replacing the current one."""
        previous = self.playing
        playing.clock.set_rate(self._rate())
        playing.clock.set_paused(self.paused)
        self.playing = playing
        if previous is not None:
            self._emit(events.track_end(self.guild_id, previous.current_track(), "replaced"))
        self._emit(events.track_start(self.guild_id, playing.track))
        self.send_update()
        self._ensure_updates()
        self._rewatch()

    def stop(self, reason: events.TrackEndReason = "stopped") -> None:
        """End the current track, if any, with this reason."""
        playing = self.playing
        if playing is None:
            return
        self.playing = None
        self._cancel_tasks()
        self._emit(events.track_end(self.guild_id, playing.current_track(), reason))

    def seek(self, position_ms: int) -> None:
        """Move the current track's position."""
        if self.playing is None:
            return
        self.playing.clock.seek(position_ms)
        self.send_update()
        self._rewatch()

    def set_paused(self, paused: bool) -> None:
        """Pause or resume."""
        self.paused = paused
        if self.playing is not None:
            self.playing.clock.set_paused(paused)
            self._rewatch()

    def set_filters(self, filters: Filters) -> None:
        """Replace the filters; timescale changes the clock's speed."""
        self.filters = filters
        if self.playing is not None:
            self.playing.clock.set_rate(self._rate())
            self._rewatch()
        self.send_update()

    def set_end_time(self, end_time_ms: int | None) -> None:
        """Set or clear where the current track stops."""
        if self.playing is not None:
            self.playing.end_time_ms = end_time_ms
            self._rewatch()

    def set_user_data(self, user_data: JsonObject) -> None:
        """Attach user data to the current track."""
        if self.playing is not None:
            track = self.playing.track.model_copy(update={"user_data": user_data})
            self.playing.track = track

    def connect_voice(self, voice: VoiceState) -> None:
        """Pretend to join Discord's voice server."""
        self.voice = voice
        self.connected = True
        self.send_update()

    def close_voice(self, code: int, reason: str, *, by_remote: bool) -> None:
        """Pretend the voice connection to Discord closed."""
        self.connected = False
        self._emit(events.websocket_closed(self.guild_id, code, reason, by_remote=by_remote))
        self.send_update()

    def shutdown(self) -> None:
        """Stop all background work without emitting anything."""
        self.playing = None
        self._cancel_tasks()

    def _rate(self) -> float:
        return self._settings.time_scale * self.filters.speed_factor()

    def _ensure_updates(self) -> None:
        if self._updates is None or self._updates.done():
            self._updates = asyncio.create_task(self._send_updates())

    async def _send_updates(self) -> None:
        while self.playing is not None:
            await asyncio.sleep(self._settings.update_interval)
            self.send_update()

    def _rewatch(self) -> None:
        self._cancel(self._watcher)
        self._watcher = asyncio.create_task(self._watch())

    async def _watch(self) -> None:
        while (playing := self.playing) is not None:
            milestone = playing.next_milestone()
            delay = None if milestone is None else playing.clock.seconds_until(milestone[0])
            if milestone is None or delay is None:
                return
            await asyncio.sleep(delay)
            if playing.clock.position_ms() >= milestone[0] - 0.5:
                self._reach(playing, *milestone)

    def _reach(self, playing: PlayingTrack, position_ms: float, milestone: Milestone) -> None:
        if milestone == "end":
            self.stop("finished")
        elif milestone == "exception":
            exception = INJECTED_TRACK_EXCEPTION
            self._emit(events.track_exception(self.guild_id, playing.current_track(), exception))
            self.stop("loadFailed")
        else:
            # Timers fire a little late; the track sticks exactly where the fault says.
            playing.clock.freeze(at_ms=position_ms)
            threshold = self._settings.stuck_threshold_ms
            self._emit(events.track_stuck(self.guild_id, playing.current_track(), threshold))

    def _cancel_tasks(self) -> None:
        self._cancel(self._watcher)
        self._cancel(self._updates)
        self._watcher = self._updates = None

    @staticmethod
    def _cancel(task: asyncio.Task[None] | None) -> None:
        # The watcher ends tracks itself; it must not cancel itself mid-step.
        if task is not None and task is not asyncio.current_task():
            task.cancel()


def new_playing_track(
    track: Track, *, position_ms: int = 0, end_time_ms: int | None = None
) -> PlayingTrack:
    """A track about to start, at a position and with an optional end time."""
    return PlayingTrack(track=track, clock=PlaybackClock(position_ms), end_time_ms=end_time_ms)
