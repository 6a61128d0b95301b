"""KeyedTurns: work on several keys runs in arrival order per key, and never deadlocks."""

from __future__ import annotations

import asyncio

from reprise.application.keyed_locks import KeyedTurns


async def test_work_sharing_a_key_runs_in_arrival_order_and_disjoint_work_overlaps() -> None:
    turns = KeyedTurns()
    log: list[str] = []
    gates = {name: asyncio.Event() for name in ("ab", "b", "ba", "c")}

    async def work(name: str, keys: list[str]) -> None:
        async with turns.hold_all(keys):
            log.append(f"start {name}")
            await gates[name].wait()
            log.append(f"end {name}")

    tasks = [
        asyncio.create_task(work("ab", ["a", "b"])),
        asyncio.create_task(work("b", ["b"])),
        asyncio.create_task(work("ba", ["b", "a"])),  # keys in the other order: no deadlock
        asyncio.create_task(work("c", ["c"])),
    ]
    await asyncio.sleep(0.01)
    assert log == ["start ab", "start c"]  # c shares nothing, so it need not wait
    for name in ("ba", "b", "c", "ab"):  # released out of order: turns still go in order
        gates[name].set()
    await asyncio.gather(*tasks)
    assert [entry for entry in log if "c" not in entry] == [
        "start ab",
        "end ab",
        "start b",
        "end b",
        "start ba",
        "end ba",
    ]
    assert len(turns) == 0  # nothing left behind
