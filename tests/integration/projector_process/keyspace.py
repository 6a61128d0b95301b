"""Reading a read-model key space out of Redis, key by key, to compare two of them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reprise.projections.registry import READ_MODELS

if TYPE_CHECKING:
    import redis.asyncio as aioredis

MODELS = tuple(model.name for model in READ_MODELS)
FIRST_GENERATION = "g0"
Space = dict[str, tuple[str, Any]]  # key below the generation -> (Redis type, value)


async def current_generation(client: aioredis.Redis, prefix: str, model: str) -> str:
    return str(await client.get(f"{prefix}:{model}:current") or FIRST_GENERATION)


async def keys_of(client: aioredis.Redis, prefix: str, model: str, generation: str) -> list[str]:
    base = f"{prefix}:{model}:{generation}:"
    return [str(key) async for key in client.scan_iter(match=f"{base}*", count=1_000)]


async def _value(client: aioredis.Redis, key: str) -> tuple[str, Any]:
    kind = str(await client.type(key))
    if kind == "string":
        return kind, await client.get(key)
    if kind == "hash":
        return kind, await client.hgetall(key)
    if kind == "zset":
        scored = await client.zrange(key, 0, -1, withscores=True)
        return kind, {str(pair[0]): float(pair[1]) for pair in scored}
    if kind == "set":
        return kind, set(await client.smembers(key))
    raise AssertionError(f"{key}: unexpected Redis type {kind}")


async def space(client: aioredis.Redis, prefix: str, model: str) -> Space:
    """Every key of the model's current generation but `position`, with its value."""
    generation = await current_generation(client, prefix, model)
    base = f"{prefix}:{model}:{generation}:"
    found: Space = {}
    for key in await keys_of(client, prefix, model, generation):
        name = key.removeprefix(base)
        if name != "position":
            found[name] = await _value(client, key)
    return found


async def read_models(client: aioredis.Redis, prefix: str) -> dict[str, Space]:
    return {model: await space(client, prefix, model) for model in MODELS}


def differences(live: dict[str, Space], rebuilt: dict[str, Space], shown: int = 5) -> list[str]:
    """What differs, model by model and key by key (the first few of each model)."""
    found = []
    for model in MODELS:
        mine, theirs = live.get(model, {}), rebuilt.get(model, {})
        keys = sorted(k for k in mine.keys() | theirs.keys() if mine.get(k) != theirs.get(k))
        for key in keys[:shown]:
            found.append(f"{model}:{key}\n  live:    {mine.get(key)}\n  rebuilt: {theirs.get(key)}")
        if len(keys) > shown:
            found.append(f"{model}: {len(keys) - shown} more keys differ")
    return found


def assert_same(live: dict[str, Space], rebuilt: dict[str, Space]) -> None:
    problems = differences(live, rebuilt)
    assert not problems, "the read models differ from a rebuild:\n" + "\n".join(problems)
