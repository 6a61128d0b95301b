"""One leader at a time, by a PostgreSQL session advisory lock."""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager, suppress
from typing import TYPE_CHECKING

import asyncpg

from reprise.adapters.postgres.event_store import unavailable_on_db_errors

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

_log = logging.getLogger(__name__)


class LeadershipLost(Exception):
    """The connection that held the lock went away; another process may lead now."""


class PostgresLeadership:
    """Holds `pg_advisory_lock(key)` on its own connection while the context is entered.

    If that connection dies, PostgreSQL releases the lock, so a waiting process takes over;
    a watchdog notices and cancels the holder, which then leaves with LeadershipLost.
    """

    def __init__(self, dsn: str, key: int, *, poll: float = 0.5) -> None:
        self._dsn = dsn
        self._key = key
        self._poll = poll

    @asynccontextmanager
    async def hold(self) -> AsyncIterator[None]:
        async with unavailable_on_db_errors():
            connection: asyncpg.Connection = await asyncpg.connect(self._dsn)
        try:
            await self._acquire(connection)
            holder = asyncio.current_task()
            if holder is None:
                raise RuntimeError("leadership must be held from inside an asyncio task")
            watchdog = asyncio.create_task(self._watch(connection, holder))
            try:
                yield
            except asyncio.CancelledError:
                if watchdog.done() and not watchdog.cancelled():
                    raise LeadershipLost(f"advisory lock {self._key}") from None
                raise
            finally:
                watchdog.cancel()
                with suppress(asyncio.CancelledError):
                    await watchdog
        finally:
            with suppress(*_CLOSE_ERRORS):
                await connection.close(timeout=2)

    async def _acquire(self, connection: asyncpg.Connection) -> None:
        async with unavailable_on_db_errors():
            while True:  # no event announces a released advisory lock: poll for it
                if await connection.fetchval("SELECT pg_try_advisory_lock($1)", self._key):
                    break
                await asyncio.sleep(self._poll)
        _log.info("leadership: holding advisory lock %s", self._key)

    async def _watch(self, connection: asyncpg.Connection, holder: asyncio.Task[object]) -> None:
        try:
            while True:
                await asyncio.sleep(self._poll)
                await connection.fetchval("SELECT 1", timeout=self._poll * 4)
        except Exception:
            _log.warning("leadership: lost the connection holding lock %s", self._key)
            holder.cancel()


_CLOSE_ERRORS = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError)
