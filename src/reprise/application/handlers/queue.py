"""Handlers for queue commands: load, decide. The message bus stores the outcome."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reprise.application.unit_of_work import UnitOfWork
    from reprise.domain import commands as c


async def enqueue_tracks(cmd: c.EnqueueTracks, uow: UnitOfWork) -> None:
    limits = (await uow.entitlements(cmd.guild_id)).limits
    queue = await uow.queue(cmd.guild_id)
    queue.enqueue(
        [track.to_track() for track in cmd.tracks],
        requested_by=str(cmd.actor),
        requested_at=cmd.issued_at,
        placement=cmd.placement,
        limits=limits,
        rng=uow.rng,
    )


async def remove_entry(cmd: c.RemoveEntry, uow: UnitOfWork) -> None:
    (await uow.queue(cmd.guild_id)).remove(cmd.entry_id)


async def move_entry(cmd: c.MoveEntry, uow: UnitOfWork) -> None:
    (await uow.queue(cmd.guild_id)).move(cmd.entry_id, cmd.to_index)


async def shuffle_queue(cmd: c.ShuffleQueue, uow: UnitOfWork) -> None:
    (await uow.queue(cmd.guild_id)).shuffle(uow.rng)


async def clear_queue(cmd: c.ClearQueue, uow: UnitOfWork) -> None:
    (await uow.queue(cmd.guild_id)).clear()


async def advance_queue(cmd: c.AdvanceQueue, uow: UnitOfWork) -> None:
    (await uow.queue(cmd.guild_id)).advance(cmd.expected_entry, cmd.failure)


async def skip(cmd: c.Skip, uow: UnitOfWork) -> None:
    (await uow.queue(cmd.guild_id)).skip(cmd.expected_entry)


async def skip_to(cmd: c.SkipTo, uow: UnitOfWork) -> None:
    (await uow.queue(cmd.guild_id)).skip_to(cmd.entry_id)


async def previous(cmd: c.Previous, uow: UnitOfWork) -> None:
    (await uow.queue(cmd.guild_id)).previous()


async def stop(cmd: c.Stop, uow: UnitOfWork) -> None:
    (await uow.queue(cmd.guild_id)).stop()


async def pause(cmd: c.Pause, uow: UnitOfWork) -> None:
    (await uow.queue(cmd.guild_id)).pause()


async def resume(cmd: c.Resume, uow: UnitOfWork) -> None:
    (await uow.queue(cmd.guild_id)).resume()


async def seek(cmd: c.Seek, uow: UnitOfWork) -> None:
    (await uow.queue(cmd.guild_id)).seek(cmd.position_ms)


async def set_loop_mode(cmd: c.SetLoopMode, uow: UnitOfWork) -> None:
    (await uow.queue(cmd.guild_id)).set_loop_mode(cmd.mode)


async def set_volume(cmd: c.SetVolume, uow: UnitOfWork) -> None:
    limits = (await uow.entitlements(cmd.guild_id)).limits
    (await uow.queue(cmd.guild_id)).set_volume(cmd.volume, limits)


async def set_filters(cmd: c.SetFilters, uow: UnitOfWork) -> None:
    limits = (await uow.entitlements(cmd.guild_id)).limits
    (await uow.queue(cmd.guild_id)).set_filters(cmd.preset, limits)


async def set_autoplay(cmd: c.SetAutoplay, uow: UnitOfWork) -> None:
    limits = (await uow.entitlements(cmd.guild_id)).limits
    (await uow.queue(cmd.guild_id)).set_autoplay(cmd.enabled, limits)


async def set_always_on(cmd: c.SetAlwaysOn, uow: UnitOfWork) -> None:
    limits = (await uow.entitlements(cmd.guild_id)).limits
    (await uow.queue(cmd.guild_id)).set_always_on(cmd.enabled, limits)


async def set_dj_role(cmd: c.SetDjRole, uow: UnitOfWork) -> None:
    (await uow.queue(cmd.guild_id)).set_dj_role(cmd.role_id)


async def join_voice(cmd: c.JoinVoice, uow: UnitOfWork) -> None:
    (await uow.queue(cmd.guild_id)).join_voice(cmd.channel_id)


async def leave_voice(cmd: c.LeaveVoice, uow: UnitOfWork) -> None:
    (await uow.queue(cmd.guild_id)).leave_voice()
