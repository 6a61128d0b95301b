"""The `reprise` processes of a read-side test: run roles, run commands, kill them all."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from tests.reprise_processes import Reprise, process_env

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

__all__ = ["Processes", "process_env"]


class Processes:
    """The `reprise` processes of one test; every one still running is killed at the end."""

    READY: ClassVar[dict[str, str]] = {
        "core": "consuming command partitions",
        "relay": "relay: publishing events",
        "projector": "projector: read models from",
    }

    def __init__(self, env: Mapping[str, str], cwd: Path) -> None:
        self.env = dict(env)
        self._cwd = cwd
        self.started: list[Reprise] = []

    async def start(self, name: str, *args: str, **settings: str | int) -> Reprise:
        env = {**self.env, **{key.upper(): str(value) for key, value in settings.items()}}
        process = await Reprise.start(name, list(args), env, self._cwd)
        self.started.append(process)
        return process

    async def run(self, role: str, *, name: str | None = None, **settings: str | int) -> Reprise:
        """`reprise run ROLE`, once it says it is ready."""
        process = await self.start(name or role, "run", role, **settings)
        await process.wait_for_line(self.READY[role])
        return process

    async def command(self, *args: str, within: float = 120.0, **settings: str | int) -> Reprise:
        """A `reprise` command run to its end; fails unless it exits 0."""
        process = await self.start(" ".join(args), *args, **settings)
        code = await process.finished(within=within)
        assert code == 0, f"reprise {' '.join(args)} exited {code}:\n{process.output}"
        return process

    async def kill_all(self) -> None:
        for process in self.started:
            await process.kill()

    def outputs(self) -> str:
        return "\n".join(f"--- {p.name}:\n{p.output[-4000:]}" for p in self.started)
