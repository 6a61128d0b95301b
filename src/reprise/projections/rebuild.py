"""Rebuilding read models from the event store into fresh generations, then swapping them in.

The rebuild writes where nobody reads, swaps each model's generation atomically, then catches
up once more from where it stopped: events the live projector applied to the old generation
meanwhile reach the new one too, and the version checks make the overlap harmless.
"""

from __future__ import annotations

from reprise.projections.aggregate_states import AggregateStates
from reprise.projections.projector import REBUILD_BATCH, Progress, Projector


async def rebuild(projector: Projector, progress: Progress | None = None) -> int:
    """Rebuild the projector's models; returns the position the swapped-in models reached."""
    cache = projector.cache
    generations = {m.name: await cache.new_generation(m.name) for m in projector.models}
    fresh = Projector(
        store=projector.store,
        cache=cache,
        audit=projector.audit,
        models=projector.models,
        states=AggregateStates(projector.store),
    )
    reached = await fresh.catch_up(0, generations, progress, REBUILD_BATCH)
    replaced = {
        name: await cache.swap(name, generation) for name, generation in generations.items()
    }
    reached = await fresh.catch_up(reached, progress=progress)
    for name, old in replaced.items():
        if old is not None and old != generations[name]:
            await cache.drop(name, old)
    return reached
