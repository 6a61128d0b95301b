"""Fault switches that make the dev server misbehave on purpose, for tests."""

import asyncio

from pydantic import Field

from reprise.adapters.lavalink.dev_server.track_payloads import WireModel

INJECTED_LOAD_FAILURE = "Injected load failure (dev server fault switch)"


class Faults:
    """Switches read by the server as it works; flip them from Python or POST /_dev/faults.

    Track faults apply to tracks that start playing while they are set.
    """

    def __init__(self) -> None:
        self.failing_identifiers: dict[str, str] = {}
        self.fail_next_loads = 0
        self.track_exception_at_ms: int | None = None
        self.track_stuck_at_ms: int | None = None
        self._answering = asyncio.Event()
        self._answering.set()

    @property
    def unresponsive(self) -> bool:
        """Whether the server holds every request (but /_dev/ ones) without answering."""
        return not self._answering.is_set()

    @unresponsive.setter
    def unresponsive(self, value: bool) -> None:
        if value:
            self._answering.clear()
        else:
            self._answering.set()

    async def wait_until_responsive(self) -> None:
        """Return once the server may answer requests."""
        await self._answering.wait()

    def take_load_failure(self, identifier: str) -> str | None:
        """The message to fail this load with, consuming one `fail_next_loads`, or None."""
        if identifier in self.failing_identifiers:
            return self.failing_identifiers[identifier]
        if self.fail_next_loads > 0:
            self.fail_next_loads -= 1
            return INJECTED_LOAD_FAILURE
        return None

    def reset(self) -> None:
        """Turn every switch off."""
        self.failing_identifiers.clear()
        self.fail_next_loads = 0
        self.track_exception_at_ms = None
        self.track_stuck_at_ms = None
        self.unresponsive = False


class FaultSwitches(WireModel):
    """Body of POST /_dev/faults: the switches to change; absent ones stay as they are."""

    failing_identifiers: dict[str, str] | None = None
    fail_next_loads: int | None = Field(default=None, ge=0)
    track_exception_at_ms: int | None = Field(default=None, ge=0)
    track_stuck_at_ms: int | None = Field(default=None, ge=0)
    unresponsive: bool | None = None

    def apply_to(self, faults: Faults) -> None:
        """Set the switches this request names (null clears the track faults)."""
        sent = self.model_fields_set
        if self.failing_identifiers is not None:
            faults.failing_identifiers = dict(self.failing_identifiers)
        if self.fail_next_loads is not None:
            faults.fail_next_loads = self.fail_next_loads
        if "track_exception_at_ms" in sent:
            faults.track_exception_at_ms = self.track_exception_at_ms
        if "track_stuck_at_ms" in sent:
            faults.track_stuck_at_ms = self.track_stuck_at_ms
        if self.unresponsive is not None:
            faults.unresponsive = self.unresponsive

    @classmethod
    def of(cls, faults: Faults) -> "FaultSwitches":
        """The current switches, for GET /_dev/faults."""
        return cls(
            failing_identifiers=dict(faults.failing_identifiers),
            fail_next_loads=faults.fail_next_loads,
            track_exception_at_ms=faults.track_exception_at_ms,
            track_stuck_at_ms=faults.track_stuck_at_ms,
            unresponsive=faults.unresponsive,
        )


class VoiceCloseRequest(WireModel):
    """Body of POST /_dev/actions/close-voice."""

    guild_id: str
    code: int = 4006
    reason: str = "Your session is no longer valid."
    by_remote: bool = True
