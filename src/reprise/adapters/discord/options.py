"""The gateway's tunables, from settings (or a test)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class GatewayOptions:
    """`reply_within` keeps a plain reply inside Discord's 3 s interaction deadline."""

    reply_within: float = 2.0
    deferred_reply_within: float = 10.0
    resolve_within: float = 8.0
    idle_leave_after: float = 300.0
    panel_edit_interval: float = 2.0
    panel_edits_per_second: float = 30.0
    panel_projection_wait: float = 2.0
    search_results: int = 5
    search_menu_ttl: float = 300.0
