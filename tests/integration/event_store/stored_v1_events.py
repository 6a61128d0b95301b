"""Events exactly as an earlier version of Reprise stored them. Never edit these bytes."""

from __future__ import annotations

QUEUE_CREATED_TOPIC = "reprise.domain.queue_events:QueueCreated"
QUEUE_CREATED_STATE = (
    b'{"timestamp":{"_type_":"datetime_iso","_data_":"2026-10-01T12:00:00+00:00"},'
    b'"originator_topic":"reprise.domain.queue:GuildQueue","guild_id":77}'
)

# TracksEnqueued version 1 had no `placement`: tracks always went to the end.
TRACKS_ENQUEUED_V1_TOPIC = "reprise.domain.queue_events:TracksEnqueued"
TRACKS_ENQUEUED_V1_STATE = (
    b'{"timestamp":{"_type_":"datetime_iso","_data_":"2026-10-01T12:00:01+00:00"},'
    b'"entries":[{"_type_":"queue_entry","_data_":{'
    b'"entry_id":{"_type_":"uuid_hex","_data_":"0f8fad5bd9cb469fa16570867728950e"},'
    b'"track":{"_type_":"track","_data_":{"encoded":"QAAA","identifier":"dQw4w9WgXcQ",'
    b'"title":"Old Song","author":"Old Artist","length_ms":212000,"is_stream":false,'
    b'"uri":null,"source_name":"youtube","artwork_url":null}},'
    b'"requested_by":"user:42",'
    b'"requested_at":{"_type_":"datetime_iso","_data_":"2026-10-01T12:00:01+00:00"}}}]}'
)
