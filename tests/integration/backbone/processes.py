"""Real `reprise` processes started by a backbone test, always killed when the test ends."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from tests.reprise_processes import Reprise, process_env

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path


def service_env(
    database_url: str, schema: str, amqp_url: str, **extra: str | int
) -> dict[str, str]:
    """The environment of a `reprise run ...` process on this test's schema and vhost."""
    return process_env(
        database_url=database_url,
        database_schema=schema,
        amqp_url=amqp_url,
        partitions=4,
        **extra,
    )


class Processes:
    """Starts `reprise` processes for one test and kills every one of them at the end."""

    def __init__(self, cwd: Path) -> None:
        self._cwd = cwd
        self.started: list[Reprise] = []

    async def core(self, env: Mapping[str, str], name: str = "core") -> Reprise:
        process = await self._start(name, ["run", "core"], env)
        await process.wait_for_line("consuming command partitions", within=60)
        return process

    async def relay(self, env: Mapping[str, str], name: str = "relay") -> Reprise:
        process = await self._start(name, ["run", "relay"], env)
        await process.wait_for_line("relay: publishing events", within=60)
        return process

    async def migrate(self, env: Mapping[str, str]) -> None:
        process = await self._start("migrate", ["db", "migrate"], env)
        code = await asyncio.wait_for(process.process.wait(), 60)
        await process.kill()  # collects its output readers
        assert code == 0, process.output

    async def kill_all(self) -> None:
        for process in self.started:
            await process.kill()

    async def _start(self, name: str, args: list[str], env: Mapping[str, str]) -> Reprise:
        process = await Reprise.start(name, args, env, self._cwd)
        self.started.append(process)
        return process
