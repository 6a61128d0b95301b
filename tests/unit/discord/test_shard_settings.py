"""Shards come from configuration so gateway pods can split them."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from reprise.settings import Settings


def test_all_shards_by_default() -> None:
    assert Settings(discord_shard_ids="all").shard_ids is None


def test_a_pod_runs_the_shards_it_is_given() -> None:
    settings = Settings(discord_shard_count=4, discord_shard_ids="3, 1")
    assert settings.shard_ids == [1, 3]


@pytest.mark.parametrize(
    ("count", "ids", "message"),
    [
        (None, "0,1", "needs discord_shard_count"),
        (2, "0,2", "within 0..2"),
        (2, "one", 'must be "all" or numbers'),
    ],
)
def test_impossible_shard_settings_are_refused(count: int | None, ids: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Settings(discord_shard_count=count, discord_shard_ids=ids)
