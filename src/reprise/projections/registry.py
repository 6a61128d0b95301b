"""The read models the projector keeps in the read cache."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reprise.projections import due_timers, entitlements, now_playing, queue_view, stats
from reprise.projections.writes import Write


@dataclass(frozen=True)
class ReadModel:
    """A projection module: its name, whether it renders state or counts events, its logic."""

    name: str
    state_derived: bool
    process_event: Callable[[Any, Any, int], list[Write]]


def _model(module: Any) -> ReadModel:
    return ReadModel(module.NAME, module.STATE_DERIVED, module.process_event)


READ_MODELS: tuple[ReadModel, ...] = tuple(
    _model(module) for module in (queue_view, now_playing, entitlements, due_timers, stats)
)
AUDIT_LOG = "audit_log"
ALL_NAMES = (*tuple(model.name for model in READ_MODELS), AUDIT_LOG)


def read_models(names: list[str] | None = None) -> list[ReadModel]:
    if not names:
        return list(READ_MODELS)
    unknown = set(names) - {model.name for model in READ_MODELS}
    if unknown:
        raise ValueError(f"unknown read model {sorted(unknown)}; known: {list(ALL_NAMES)}")
    return [model for model in READ_MODELS if model.name in names]
