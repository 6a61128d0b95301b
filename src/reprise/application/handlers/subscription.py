"""Handlers for subscription commands; the actor becomes the recorded cause."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reprise.domain import commands as c
from reprise.domain.values import Cause, CauseKind

if TYPE_CHECKING:
    from reprise.application.unit_of_work import UnitOfWork

_CAUSE_KINDS = {
    c.ActorKind.USER: CauseKind.USER,
    c.ActorKind.ADMIN: CauseKind.ADMIN,
    c.ActorKind.STRIPE: CauseKind.STRIPE,
    c.ActorKind.SYSTEM: CauseKind.TIMER,
}


def cause_of(command: c.CommandBase) -> Cause:
    return Cause(_CAUSE_KINDS[command.actor.kind], command.actor.id)


async def start_trial(cmd: c.StartTrial, uow: UnitOfWork) -> None:
    (await uow.subscription(cmd.guild_id)).start_trial(uow.now, cause_of(cmd))


async def activate_premium(cmd: c.ActivatePremium, uow: UnitOfWork) -> None:
    subscription = await uow.subscription(cmd.guild_id)
    subscription.activate(
        cmd.period_end, cause_of(cmd), cmd.stripe_customer_id, cmd.stripe_subscription_id
    )


async def renew_subscription(cmd: c.RenewSubscription, uow: UnitOfWork) -> None:
    (await uow.subscription(cmd.guild_id)).renew(cmd.period_end, cause_of(cmd))


async def record_payment_failure(cmd: c.RecordPaymentFailure, uow: UnitOfWork) -> None:
    (await uow.subscription(cmd.guild_id)).record_payment_failure(uow.now, cause_of(cmd))


async def cancel_subscription(cmd: c.CancelSubscription, uow: UnitOfWork) -> None:
    subscription = await uow.subscription(cmd.guild_id)
    subscription.cancel(cause_of(cmd), at_period_end=cmd.at_period_end)


async def expire_subscription(cmd: c.ExpireSubscription, uow: UnitOfWork) -> None:
    (await uow.subscription(cmd.guild_id)).expire(uow.now, cause_of(cmd))
