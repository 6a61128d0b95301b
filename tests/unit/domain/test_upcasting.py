"""Old stored shapes still load: events through `class_version` upcasters, snapshots too."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.persistence import StoredEvent

from reprise.adapters.event_store.mapping import build_mapper
from reprise.domain.ids import queue_id
from reprise.domain.queue import GuildQueue

# A GuildQueue snapshot as class version 1 stored it (no started_at / position_at).
# Never edit these bytes: they stand for snapshots already in databases.
GUILD_QUEUE_V1_SNAPSHOT = (
    b'{"timestamp":{"_type_":"datetime_iso","_data_":"2026-10-02T09:00:05+00:00"},'
    b'"topic":"reprise.domain.queue:GuildQueue","state":{'
    b'"_created_on":{"_type_":"datetime_iso","_data_":"2026-10-02T09:00:00+00:00"},'
    b'"_modified_on":{"_type_":"datetime_iso","_data_":"2026-10-02T09:00:00+00:00"},'
    b'"guild_id":88,"upcoming":[],"current":{"_type_":"queue_entry","_data_":{'
    b'"entry_id":{"_type_":"uuid_hex","_data_":"216363698b524b4a97b750923ceb3ffd"},'
    b'"track":{"_type_":"track","_data_":{"encoded":"QAAB","identifier":"abc",'
    b'"title":"Snap Song","author":"Artist","length_ms":200000,"is_stream":false,'
    b'"uri":null,"source_name":"unknown","artwork_url":null}},"requested_by":"user:5",'
    b'"requested_at":{"_type_":"datetime_iso","_data_":"2026-10-02T09:00:00+00:00"}}},'
    b'"position_ms":0,"history":[],"loop_mode":{"_type_":"loop_mode","_data_":"off"},'
    b'"paused":false,"volume":100,"filters":{"_type_":"filter_preset","_data_":"off"},'
    b'"autoplay":false,"always_on":false,"voice_channel_id":null}}'
)


def test_a_version_1_guild_queue_snapshot_is_upcast_when_loaded() -> None:
    stored = StoredEvent(queue_id(88), 3, "eventsourcing.domain:Snapshot", GUILD_QUEUE_V1_SNAPSHOT)
    snapshot = build_mapper().to_domain_event(stored)
    queue = snapshot.mutate(None)  # type: ignore[attr-defined]
    assert isinstance(queue, GuildQueue)
    assert queue.version == 3
    assert queue.current is not None
    assert queue.current.track.title == "Snap Song"
    assert queue.current.entry_id == UUID("216363698b524b4a97b750923ceb3ffd")
    assert queue.started_at is None
    assert queue.position_at is None
    assert queue.dj_role_id is None
    queue.skip()
    assert [type(e).__name__ for e in queue.collect_events()] == ["Skipped"]
