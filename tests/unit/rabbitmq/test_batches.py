"""Batches: packing under the size limit, and coalescing while a publish is in flight."""

from __future__ import annotations

import asyncio
import json

import pytest

from reprise.adapters.rabbitmq.batches import Coalescer, join, pack, split


def test_items_are_packed_in_order_under_the_limit_and_an_oversized_one_goes_alone() -> None:
    items = [b"a" * 40, b"b" * 40, b"c" * 40, b"d" * 500, b"e" * 10]
    groups = pack(items, bytes, limit=100)
    assert [item for group in groups for item in group] == items
    assert groups == [[items[0], items[1]], [items[2]], [items[3]], [items[4]]]
    assert all(len(join(group)) <= 100 for group in groups if len(group) > 1)


def test_a_batch_splits_back_into_its_items_and_refuses_what_is_not_an_array() -> None:
    assert split(join([b'{"a":1}', b"2"])) == [{"a": 1}, 2]
    with pytest.raises(ValueError, match="JSON array"):
        split(b'{"a": 1}')
    with pytest.raises(json.JSONDecodeError):
        split(b"[{")


async def _settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_submissions_during_a_publish_go_out_together_in_the_next_batch() -> None:
    published: list[tuple[int, list[bytes]]] = []
    release = asyncio.Event()

    async def publish(partition: int, items: list[bytes]) -> None:
        published.append((partition, items))
        await release.wait()

    coalescer = Coalescer(publish)
    first = asyncio.create_task(coalescer.submit(0, b"1"))
    await _settle()
    assert published == [(0, [b"1"])]  # an idle partition publishes at once
    later = [asyncio.create_task(coalescer.submit(0, item)) for item in (b"2", b"3")]
    other = asyncio.create_task(coalescer.submit(1, b"x"))
    await _settle()
    assert published == [(0, [b"1"]), (1, [b"x"])]  # partitions do not wait for each other
    assert not first.done()
    release.set()
    await asyncio.gather(first, *later, other)
    assert published == [(0, [b"1"]), (1, [b"x"]), (0, [b"2", b"3"])]
    await coalescer.close()


async def test_a_failed_publish_fails_its_submitters_and_the_next_batch_still_goes() -> None:
    calls = 0

    async def publish(partition: int, items: list[bytes]) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionError("broker gone")

    coalescer = Coalescer(publish)
    with pytest.raises(ConnectionError, match="broker gone"):
        await coalescer.submit(0, b"1")
    await coalescer.submit(0, b"2")
    assert calls == 2
    await coalescer.close()


async def test_closing_fails_what_waits_for_a_publish_without_cancelling_its_caller() -> None:
    async def publish(partition: int, items: list[bytes]) -> None:
        await asyncio.sleep(3600)

    coalescer = Coalescer(publish)
    waiting = asyncio.create_task(coalescer.submit(0, b"1"))
    queued = asyncio.create_task(coalescer.submit(0, b"2"))
    await asyncio.sleep(0)
    await coalescer.close()
    for task in (waiting, queued):
        with pytest.raises(ConnectionError, match=r"interrupted|closed"):
            await task
