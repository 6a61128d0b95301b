"""Real `reprise` processes started by a test, always killed when the test ends."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Self

from tests.integration.backbone.waiting import until

if TYPE_CHECKING:
    from collections.abc import Mapping

REPRISE = str(Path(sys.executable).parent / "reprise")
# Variables of the developer's shell that would change what the process under test does.
_SCRUBBED = {
    "DATABASE_URL",
    "DATABASE_SCHEMA",
    "AMQP_URL",
    "PARTITIONS",
    "CORE_PARTITIONS",
    "RELAY_BATCH_SIZE",
    "MIGRATE_ON_START",
    "METRICS_PORT",
    "REDIS_URL",
    "REDIS_PREFIX",
    "SQLITE_PATH",
}


def service_env(
    database_url: str, schema: str, amqp_url: str, **extra: str | int
) -> dict[str, str]:
    """The environment of a `reprise run ...` process on this test's schema and vhost."""
    environment = {k: v for k, v in os.environ.items() if k not in _SCRUBBED}
    environment.update(
        {
            "DATABASE_URL": database_url,
            "DATABASE_SCHEMA": schema,
            "AMQP_URL": amqp_url,
            "PARTITIONS": "4",
            "PYTHONUNBUFFERED": "1",
            "NO_COLOR": "1",
            "COLUMNS": "200",
        }
    )
    environment.update({key.upper(): str(value) for key, value in extra.items()})
    return environment


class RepriseProcess:
    """One `reprise` subprocess; its output is drained continuously and kept for diagnosis."""

    def __init__(self, name: str, process: asyncio.subprocess.Process) -> None:
        self.name = name
        self.process = process
        self.lines: list[str] = []
        self._readers = [
            asyncio.create_task(self._drain(stream, prefix))
            for stream, prefix in ((process.stdout, ""), (process.stderr, "[stderr] "))
            if stream is not None
        ]

    @classmethod
    async def start(cls, name: str, *args: str, env: Mapping[str, str], cwd: Path) -> Self:
        process = await asyncio.create_subprocess_exec(
            REPRISE,
            *args,
            env=dict(env),
            cwd=cwd,  # no stray .env file is read from the working tree
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        return cls(name, process)

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    @property
    def running(self) -> bool:
        return self.process.returncode is None

    async def wait_for_line(self, text: str, *, within: float = 30.0) -> None:
        def printed() -> bool:
            if any(text in line for line in self.lines):
                return True
            if not self.running:
                raise AssertionError(f"{self.name} exited early:\n{self.output}")
            return False

        try:
            await until(printed, within=within, what=f"{self.name} printed {text!r}")
        except AssertionError as error:
            raise AssertionError(f"{error}\n--- {self.name} output:\n{self.output}") from None

    async def kill(self) -> None:
        """SIGKILL: no clean-up code of the process runs, as in a crash or an OOM kill."""
        if self.running:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGKILL)
        await self.process.wait()
        for reader in self._readers:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(reader, 5)

    async def _drain(self, stream: asyncio.StreamReader, prefix: str) -> None:
        while line := await stream.readline():
            self.lines.append(prefix + line.decode(errors="replace").rstrip())


class Processes:
    """Starts `reprise` processes for one test and kills every one of them at the end."""

    def __init__(self, cwd: Path) -> None:
        self._cwd = cwd
        self.started: list[RepriseProcess] = []

    async def core(self, env: Mapping[str, str], name: str = "core") -> RepriseProcess:
        process = await self._start(name, ["run", "core"], env)
        await process.wait_for_line("consuming command partitions", within=60)
        return process

    async def relay(self, env: Mapping[str, str], name: str = "relay") -> RepriseProcess:
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

    async def _start(self, name: str, args: list[str], env: Mapping[str, str]) -> RepriseProcess:
        process = await RepriseProcess.start(name, *args, env=env, cwd=self._cwd)
        self.started.append(process)
        return process
