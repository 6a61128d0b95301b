"""The handler of every command type."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reprise.application.handlers import queue as q
from reprise.application.handlers import subscription as s
from reprise.domain import commands as c

if TYPE_CHECKING:
    from reprise.application.message_bus import Handler
    from reprise.domain.commands import CommandBase

HANDLERS: dict[type[CommandBase], Handler] = {
    c.EnqueueTracks: q.enqueue_tracks,
    c.RemoveEntry: q.remove_entry,
    c.MoveEntry: q.move_entry,
    c.ShuffleQueue: q.shuffle_queue,
    c.ClearQueue: q.clear_queue,
    c.AdvanceQueue: q.advance_queue,
    c.Skip: q.skip,
    c.SkipTo: q.skip_to,
    c.Previous: q.previous,
    c.Stop: q.stop,
    c.Pause: q.pause,
    c.Resume: q.resume,
    c.Seek: q.seek,
    c.SetLoopMode: q.set_loop_mode,
    c.SetVolume: q.set_volume,
    c.SetFilters: q.set_filters,
    c.SetAutoplay: q.set_autoplay,
    c.SetAlwaysOn: q.set_always_on,
    c.SetDjRole: q.set_dj_role,
    c.JoinVoice: q.join_voice,
    c.LeaveVoice: q.leave_voice,
    c.StartTrial: s.start_trial,
    c.ActivatePremium: s.activate_premium,
    c.RenewSubscription: s.renew_subscription,
    c.RecordPaymentFailure: s.record_payment_failure,
    c.CancelSubscription: s.cancel_subscription,
    c.ExpireSubscription: s.expire_subscription,
}
