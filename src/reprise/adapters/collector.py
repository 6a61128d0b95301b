"""Garbage-collector thresholds for Reprise's processes.

The core's aggregate cache and the projector's aggregate states keep hundreds of thousands of
objects alive. With CPython's default thresholds (700, 10, 10), allocation-heavy work such as
decoding a batch of events triggers collections that traverse those live objects over and over:
a rebuild spent a fifth of its time in them. A larger first threshold and rarer full
collections keep the collector's work proportional to the garbage, not to the live state
(figures in docs/benchmarks.md, Projection rebuild). Reference cycles are still collected.
"""

from __future__ import annotations

import gc

THRESHOLDS = (50_000, 20, 100)


def tune_collector() -> None:
    gc.set_threshold(*THRESHOLDS)
