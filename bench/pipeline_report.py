"""The pipeline benchmark's table, notes and verdict, as a docs/benchmarks.md section."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bench.pipeline_cpu import describe
from bench.pipeline_phases import label
from bench.report import Section

if TYPE_CHECKING:
    from collections.abc import Sequence

    from bench.pipeline_load import Phase

TITLE = "Command pipeline: publish → handle → store → relay → read model"
COLUMNS = (
    "system",
    "guilds",
    "offered /s",
    "achieved /s",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "max ms",
    "reply p99 ms",
    "errors",
    "other CPU %",
)
TARGET_FACTOR = 1.5
TARGET_RATE = 1_500
TARGET_P99_MS = 50.0
TARGET_P99_LOAD = 500


def row(phase: Phase) -> list[str]:
    offered = f"{phase.offered:,.0f}" if phase.offered else f"saturation (window {phase.window})"
    return [
        phase.system,
        f"{phase.guilds:,}",
        offered,
        f"{phase.achieved:,.0f}",
        f"{phase.p(0.50):.1f}",
        f"{phase.p(0.95):.1f}",
        f"{phase.p(0.99):.1f}",
        f"{phase.p(1.0):.1f}",
        f"{phase.p(0.99, replies=True):.1f}" if phase.replies else "—",
        f"{phase.errors:,}",
        f"{phase.cpu.get('other', 0.0):.0f}",
    ]


def saturated(phases: Sequence[Phase], system: str) -> Phase | None:
    """The system's saturation phase at its largest guild count."""
    candidates = [p for p in phases if p.system == system and p.offered is None]
    return max(candidates, key=lambda p: p.guilds, default=None)


def verdict(phases: Sequence[Phase]) -> str:
    skeleton, reprise = saturated(phases, "skeleton"), saturated(phases, "reprise")
    if skeleton is None or reprise is None:
        return "INCOMPLETE: the run has no saturation phase of both systems."
    factor = reprise.achieved / skeleton.achieved if skeleton.achieved else 0.0
    at_load = [p for p in phases if p.system == "reprise" and p.offered == TARGET_P99_LOAD]
    worst = max((p.p(0.99) for p in at_load), default=0.0)
    errors = sum(p.errors for p in phases if p.system.startswith("reprise"))
    checks = [
        (
            factor >= TARGET_FACTOR and reprise.achieved >= TARGET_RATE,
            f"saturation at {reprise.guilds:,} guilds {reprise.achieved:,.0f} commands/s = "
            f"{factor:.2f}x the skeleton (target ≥ {TARGET_FACTOR}x and ≥ {TARGET_RATE:,}/s)",
        ),
        (
            worst < TARGET_P99_MS,
            f"worst p99 at {TARGET_P99_LOAD}/s {worst:.1f} ms (target < {TARGET_P99_MS:.0f} ms)",
        ),
        (errors == 0, f"{errors:,} errors (target 0)"),
    ]
    missed = sum(not ok for ok, _ in checks)
    listed = "; ".join(f"{text}: {'met' if ok else 'missed'}" for ok, text in checks)
    head = "MET" if not missed else f"MISSED ({missed} of {len(checks)} targets)"
    return f"{head}. {listed}.{_spread(phases)}"


def _spread(phases: Sequence[Phase]) -> str:
    """What the same machine gives with more partitions than consumers (no target of its own)."""
    spread = [p for p in phases if p.system.startswith("reprise, ")]
    at_load = [p for p in spread if p.offered == TARGET_P99_LOAD]
    if not at_load:
        return ""
    worst = max(p.p(0.99) for p in at_load)
    return (
        f" With {at_load[0].system.removeprefix('reprise, ')} on one core process instead of "
        f"one: p99 at {TARGET_P99_LOAD}/s {worst:.1f} ms (ADR 0014)."
    )


def broker_wal(phases: Sequence[Phase]) -> str:
    """In which phases RabbitMQ wrote its quorum WAL out (a short broker pause)."""
    if all(phase.broker_wal_rolled is None for phase in phases):
        return "RabbitMQ's WAL rollovers were not checked (its data directory is not readable)."
    during = [label(phase) for phase in phases if phase.broker_wal_rolled]
    return (
        "RabbitMQ rolled its quorum-queue WAL over (writing the full file out to segment "
        "files, which holds the broker up for a moment; `max ms` shows it) during: "
        f"{', '.join(during) if during else 'no phase'}."
    )


def checkpoints(phases: Sequence[Phase]) -> str:
    """In which phases PostgreSQL began a checkpoint (its writes compete with the commits')."""
    during = [label(phase) for phase in phases if phase.checkpointed]
    return (
        "PostgreSQL began a checkpoint (its writes and the full-page images "
        f"after it compete with the commits) during: {', '.join(during) if during else 'no phase'}."
    )


def notes(phases: Sequence[Phase], arrangement: Sequence[str]) -> list[str]:
    lines = [*arrangement, broker_wal(phases), checkpoints(phases)]
    for phase in phases:
        if phase.problems:
            problems = ", ".join(f"{n:,} {what}" for what, n in phase.problems.most_common())
            lines.append(f"Errors of {label(phase)}: {problems}.")
    for phase in phases:
        if phase.offered is None and phase.cpu:
            per = max(phase.completed, 1)
            lines.append(
                f"At saturation, {label(phase)}: CPU {describe(phase.cpu)}; per command "
                f"{phase.commits / per:.2f} PostgreSQL transactions, "
                f"{phase.fsyncs / per:.2f} WAL fsyncs."
            )
    return lines


def section(phases: Sequence[Phase], command: str, arrangement: Sequence[str]) -> Section:
    rows = [row(phase) for phase in phases]
    return Section(TITLE, command, COLUMNS, rows, verdict(phases), notes(phases, arrangement))
