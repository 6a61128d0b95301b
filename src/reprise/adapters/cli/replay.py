"""`reprise replay queue|check`: a guild's state at any moment, and the pre-deploy check.

Each command imports the aggregates and the views when it runs (see ADR 0012).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

from reprise.adapters.cli.arguments import version_or_moment, version_range
from reprise.adapters.cli.runtime import err, out, run, with_store
from reprise.domain.ids import queue_id

if TYPE_CHECKING:
    from reprise.adapters.cli.store_session import StoreSession

replay_app = typer.Typer(no_args_is_help=True, help="Rebuild state from the events.")


def _view(queue: Any) -> dict[str, Any]:
    """The queue view with entries reduced to their titles, to read changes at a glance."""
    from reprise.domain.queue import GuildQueue
    from reprise.projections.queue_view import render

    if not isinstance(queue, GuildQueue):
        return {}
    view: dict[str, Any] = json.loads(render(queue, position=0))
    del view["position"]
    view["current"] = view["current"]["title"] if view["current"] else None
    view["upcoming"] = [entry["title"] for entry in view["upcoming"]]
    view["history"] = [entry["title"] for entry in view["history"]]
    return view


@replay_app.command("queue")
def replay_queue(
    guild: Annotated[int, typer.Argument(help="the guild id")],
    at: Annotated[str | None, typer.Option(help="VERSION or ISO 8601 TIME")] = None,
    diff: Annotated[str | None, typer.Option(help="versions A..B: each change between")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False,
) -> None:
    """Print the guild's queue as it was at a moment, or what changed between two."""
    from reprise.adapters.cli import views
    from reprise.application.replay import NothingToReplay, state_at
    from reprise.domain.queue import GuildQueue

    if at is not None and diff is not None:
        raise typer.BadParameter("give --at or --diff, not both")
    version, moment = version_or_moment(at) if at else (None, None)
    span = version_range(diff) if diff else None

    async def replay(session: StoreSession) -> int:
        try:
            if span is not None:
                return await _print_diff(session, guild, span, as_json)
            queue, events = await state_at(
                session.store, queue_id(guild), version=version, at=moment
            )
        except NothingToReplay as error:
            err.print(f"[red]Nothing to replay:[/] guild {guild}: {error}")
            return 1
        if as_json:
            print(json.dumps(_view(queue)))
        else:
            out.print(f"Guild {guild} after {len(events)} events (version {queue.version}):")
            out.print(views.queue_view(queue if isinstance(queue, GuildQueue) else None))
        return 0

    run(with_store(replay))


async def _print_diff(
    session: StoreSession, guild: int, span: tuple[int, int], as_json: bool
) -> int:
    from rich.text import Text

    from reprise.application.replay import changes_between
    from reprise.projections.audit_log import summary

    changes = await changes_between(session.store, queue_id(guild), *span)
    for change in changes:
        before, after = _view(change.before), _view(change.after)
        moved = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
        moved.pop("version", None)
        name = type(change.event).__name__
        if as_json:
            print(
                json.dumps(
                    {"version": change.event.originator_version, "type": name, "changes": moved}
                )
            )
            continue
        heading = (f"v{change.event.originator_version} {name}", "bold")
        out.print(Text.assemble(heading, ": ", summary(change.event)))
        for key, (old, new) in moved.items():
            out.print(f"    {key}: {_short(old)} → {_short(new)}", markup=False, highlight=False)
    return 0


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 120 else text[:117] + "…"


@replay_app.command("check")
def replay_check() -> None:
    """Load every stream fully and through its snapshot; report failures (run before a deploy)."""
    from rich.progress import Progress

    from reprise.application.replay import check_everything

    async def check(session: StoreSession) -> int:
        with Progress(console=err, transient=True) as progress:
            task = progress.add_task("replaying streams", total=None)
            report = await check_everything(
                session.store, session.history, lambda done: progress.update(task, completed=done)
            )
        for aggregate_id, problems in report.problems.items():
            for problem in problems:
                err.print(f"[red]{aggregate_id}[/]: {problem}")
        verdict = "[green]all good[/]" if not report.problems else "[red]problems found[/]"
        out.print(
            f"Checked {report.aggregates} streams, {report.events} events: {verdict} "
            f"({len(report.problems)} with problems)."
        )
        return 1 if report.problems else 0

    run(with_store(check))
