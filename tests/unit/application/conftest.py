from __future__ import annotations

from random import Random
from typing import TYPE_CHECKING

import pytest

from reprise.adapters.bootstrap import Core, assemble_core, in_memory_event_store
from reprise.settings import Settings
from tests.unit.domain.builders import NOW

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from datetime import datetime


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
async def core(clock: FixedClock) -> AsyncIterator[Core]:
    settings = Settings(snapshot_interval=10, sqlite_path="unused")  # type: ignore[arg-type]
    core = assemble_core(in_memory_event_store(), settings, clock=clock, rng=Random(5))
    yield core
    await core.close()
