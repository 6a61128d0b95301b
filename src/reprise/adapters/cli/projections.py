"""`reprise projections rebuild|status`: the read models against the event store.

Each command imports the read models when it runs (see ADR 0012).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Annotated

import typer

from reprise.adapters.cli.runtime import err, out, run, settings

if TYPE_CHECKING:
    from reprise.projections.projector import Projector

projections_app = typer.Typer(no_args_is_help=True, help="Read models.")


@projections_app.command("rebuild")
def rebuild(
    name: Annotated[
        str | None, typer.Argument(help="one model as `projections status` names it; all if none")
    ] = None,
) -> None:
    """Rebuild one or all read models into a fresh key space and swap it in atomically."""
    from reprise.adapters import bootstrap
    from reprise.projections.registry import ALL_NAMES, AUDIT_LOG

    config = settings()
    if name is not None and name not in ALL_NAMES:
        raise typer.BadParameter(f"unknown read model {name!r}; known: {', '.join(ALL_NAMES)}")
    if not config.redis_url:
        err.print(
            "REDIS_URL is not set: the in-memory read models live inside `reprise up`, "
            "which rebuilds them whenever it starts."
        )
        raise typer.Exit(2)

    async def work() -> int:
        store, _ = await bootstrap.open_event_store(config)
        cache = bootstrap.open_read_cache(config)
        models = None if name in (None, AUDIT_LOG) else [name]
        projector = await bootstrap.build_projector(store, cache, models)
        if name == AUDIT_LOG:
            projector.models = []
        try:
            head = await store.max_position()
            reached = await _with_progress(projector, head)
        finally:
            await projector.close()
            await cache.close()
            await store.close()
        out.print(f"Rebuilt {name or 'every read model'} up to position {reached}.")
        return 0

    run(work())


async def _with_progress(projector: Projector, head: int) -> int:
    from rich.progress import (
        BarColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    from reprise.projections.rebuild import rebuild as rebuild_models

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rate]:,.0f} events/s"),
        TimeRemainingColumn(),
    )
    started = time.monotonic()
    with Progress(*columns, console=err) as progress:
        task = progress.add_task("rebuilding", total=max(head, 1), rate=0.0)

        def advance(count: int, position: int) -> None:
            elapsed = max(time.monotonic() - started, 1e-6)
            progress.update(task, completed=position, rate=position / elapsed)

        return await rebuild_models(projector, advance)


@projections_app.command("status")
def status() -> None:
    """Each read model's position and how far it lags the event store."""
    from rich.table import Table

    from reprise.adapters import bootstrap
    from reprise.projections.registry import AUDIT_LOG, read_models

    config = settings()

    async def work() -> int:
        store, _ = await bootstrap.open_event_store(config)
        cache = bootstrap.open_read_cache(config)
        audit = await bootstrap.open_audit_log(store)
        try:
            head = await store.max_position()
            table = Table(title=f"Read models (event store at position {head})")
            for column in ("model", "position", "lag (events)"):
                table.add_column(column)
            for model in read_models():
                position = await cache.position(model.name)
                table.add_row(model.name, str(position), str(head - position))
            if audit is not None:
                position = await audit.position()
                table.add_row(AUDIT_LOG, str(position), str(head - position))
        finally:
            if audit is not None:
                await audit.close()
            await cache.close()
            await store.close()
        out.print(table)
        if not config.redis_url:
            out.print("REDIS_URL is not set: read caches are in memory inside `reprise up`.")
        return 0

    run(work())
