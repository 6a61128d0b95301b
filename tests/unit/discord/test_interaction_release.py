"""An answered interaction is freed at once, not left to the cyclic garbage collector."""

from __future__ import annotations

import gc
import weakref
from typing import TYPE_CHECKING, Any

import nextcord
import pytest
from nextcord.interactions import InteractionAttached

from reprise.adapters.discord.bot import release

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture
def no_collector() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _answered() -> nextcord.Interaction[Any]:
    """An interaction as nextcord leaves it: `attached` set, `response` cached."""
    interaction: nextcord.Interaction[Any] = nextcord.Interaction.__new__(nextcord.Interaction)
    interaction.attached = InteractionAttached()
    assert interaction.response.is_done() is False  # caches the response, which points back
    return interaction


@pytest.mark.usefixtures("no_collector")
def test_nextcord_leaves_an_answered_interaction_in_reference_cycles() -> None:
    interaction = _answered()
    attached = weakref.ref(interaction.attached)
    del interaction
    assert attached() is not None


@pytest.mark.usefixtures("no_collector")
def test_a_released_interaction_is_freed_by_reference_counting_alone() -> None:
    interaction = _answered()
    attached = weakref.ref(interaction.attached)
    release(interaction)
    del interaction
    assert attached() is None


def test_releasing_twice_is_harmless() -> None:
    interaction = _answered()
    release(interaction)
    release(interaction)
