"""A real `reprise` subprocess of a test: its output drained continuously, killed at the end."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Self

from reprise.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Mapping

REPRISE = str(Path(sys.executable).parent / "reprise")
# Every setting Reprise reads, so the developer's shell cannot leak into the process.
SETTINGS_VARIABLES = frozenset(name.upper() for name in Settings.model_fields)


def process_env(**settings: str | int) -> dict[str, str]:
    """This machine's environment without Reprise settings, plus `settings` (upper-cased)."""
    env = {k: v for k, v in os.environ.items() if k.upper() not in SETTINGS_VARIABLES}
    env.update({"PYTHONUNBUFFERED": "1", "NO_COLOR": "1", "COLUMNS": "200", "TERM": "dumb"})
    env.update({key.upper(): str(value) for key, value in settings.items()})
    return env


class Reprise:
    """One `reprise` subprocess; stdout and stderr are kept line by line for the test to read."""

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
    async def start(cls, name: str, args: list[str], env: Mapping[str, str], cwd: Path) -> Self:
        process = await asyncio.create_subprocess_exec(
            REPRISE,
            *args,
            env=dict(env),
            cwd=cwd,  # no `.env` of the work tree is read
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

    def printed(self, text: str) -> str | None:
        return next((line for line in self.lines if text in line), None)

    async def wait_for_line(self, text: str, *, within: float = 60.0) -> str:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while (line := self.printed(text)) is None:
            if not self.running:
                await self._collect()
                if (line := self.printed(text)) is not None:
                    return line
                raise AssertionError(f"{self.name} exited before printing {text!r}:\n{self.output}")
            if loop.time() > deadline:
                raise AssertionError(
                    f"{self.name} did not print {text!r} in {within} s:\n{self.output}"
                )
            await asyncio.sleep(0.05)
        return line

    async def finished(self, *, within: float = 120.0) -> int:
        """Wait for the process to exit by itself; its exit code."""
        try:
            code = await asyncio.wait_for(self.process.wait(), within)
        except TimeoutError:
            await self.kill()
            raise AssertionError(
                f"{self.name} still running after {within} s:\n{self.output}"
            ) from None
        await self._collect()
        return code

    async def kill(self) -> None:
        """SIGKILL: none of the process's clean-up runs, as in a crash or an OOM kill."""
        if self.running:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGKILL)
        await self.process.wait()
        await self._collect()

    async def _collect(self) -> None:
        for reader in self._readers:
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(reader, 5)

    async def _drain(self, stream: asyncio.StreamReader, prefix: str) -> None:
        while line := await stream.readline():
            self.lines.append(prefix + line.decode(errors="replace").rstrip())
