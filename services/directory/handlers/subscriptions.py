"""The subscription lifecycle after its start (``redemptions.py``): state changes, licence
quantity and assignments, and the expiry of trials.

Each handler runs inside the caller's transaction, loads with a row lock, lets the model
decide, saves, and returns the events to emit. A broken rule raises before anything is
written, so a rejection changes nothing.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from services.directory.adapters.subscriptions import SubscriptionRepository
from services.directory.domain import errors
from services.directory.domain import subscriptions as model
from services.directory.domain.acting import CustomerAction
from services.directory.domain.subscriptions import Subscription
from services.directory.handlers import actors
from shared.contracts import directory as contracts


async def _load_for(
    repo: SubscriptionRepository, cmd: model.SubscriptionCommand, action: CustomerAction
) -> tuple[Subscription, uuid.UUID | None]:
    """The subscription, locked, and the partner the actor acts from (None: the customer).
    The actor enters the customer first (the permission table in ``domain/acting.py``), so
    an outsider learns nothing about the customer's subscriptions."""
    who = await actors.enter(
        repo, actor_user_id=cmd.actor_user_id, customer_id=cmd.customer_id, action=action
    )
    subscription = await repo.get(subscription_id=cmd.subscription_id, lock=True)
    if subscription is None or subscription.customer_id != cmd.customer_id:
        raise errors.SubscriptionNotFound(
            "The customer has no such subscription.", subscription_id=str(cmd.subscription_id)
        )
    return subscription, who.partner_id


def subject(subscription: Subscription) -> dict[str, object]:
    """Which subscription, of which customer, for which service: what every event of a
    subscription says first."""
    return {
        "subscription_id": subscription.subscription_id,
        "customer_id": subscription.customer_id,
        "service_id": subscription.service_id,
    }


def _licences(subscription: Subscription, user_id: uuid.UUID) -> dict[str, object]:
    """A licence event's subscription and user, and the seats it leaves."""
    return subject(subscription) | {
        "user_id": user_id,
        "assigned": subscription.assigned,
        "quantity": subscription.seats,
    }


STATE_ACTIONS = {
    "suspend": CustomerAction.SUSPEND_SUBSCRIPTION,
    "reactivate": CustomerAction.REACTIVATE_SUBSCRIPTION,
    "cancel": CustomerAction.CANCEL_SUBSCRIPTION,
}


async def change_quantity(
    repo: SubscriptionRepository, cmd: model.ChangeQuantity, *, now: datetime
) -> contracts.SubscriptionQuantityChanged:
    subscription, partner = await _load_for(repo, cmd, CustomerAction.CHANGE_QUANTITY)
    previous = subscription.change_quantity(cmd.quantity, now=now)
    await repo.save(subscription=subscription)
    return contracts.SubscriptionQuantityChanged(
        **subject(subscription),
        previous_quantity=previous,
        quantity=subscription.seats,
        assigned=subscription.assigned,
        changed_by=cmd.actor_user_id,
        acting_partner_id=partner,
        changed_at=now,
    )


async def change_state(
    repo: SubscriptionRepository, cmd: model.ChangeState, *, now: datetime
) -> (
    contracts.SubscriptionSuspended
    | contracts.SubscriptionReactivated
    | (contracts.SubscriptionCancelled)
):
    subscription, partner = await _load_for(repo, cmd, STATE_ACTIONS[cmd.action])
    previous = subscription.state
    common = subject(subscription) | {
        "previous_state": previous,
        "by": cmd.actor_user_id,
        "acting_partner_id": partner,
        "at": now,
    }
    if cmd.action == "suspend":
        subscription.suspend(now=now)
        await repo.save(subscription=subscription)
        return contracts.SubscriptionSuspended(**common, reason=cmd.reason)
    if cmd.action == "reactivate":
        subscription.reactivate(now=now)
        await repo.save(subscription=subscription)
        return contracts.SubscriptionReactivated(**common)
    subscription.cancel(now=now)
    released = await repo.release_all(subscription_id=subscription.subscription_id)
    await repo.save(subscription=subscription)
    return contracts.SubscriptionCancelled(**common, reason=cmd.reason, released_user_ids=released)


async def assign_licence(
    repo: SubscriptionRepository, cmd: model.AssignLicence, *, now: datetime
) -> contracts.LicenceAssigned:
    subscription, partner = await _load_for(repo, cmd, CustomerAction.ASSIGN_LICENCE)
    user = await repo.get_user(user_id=cmd.user_id)
    if user is None:
        raise errors.UserNotFound("No such user.", user_id=str(cmd.user_id))
    if user.company_kind != "customer" or user.company_id != subscription.customer_id:
        raise errors.UserNotInCustomer(
            "Licences go only to users of the subscription's customer.",
            user_id=str(cmd.user_id),
        )
    if await repo.is_assigned(subscription_id=subscription.subscription_id, user_id=user.user_id):
        raise errors.LicenceAlreadyAssigned(
            "The user already has a licence of this subscription.", user_id=str(cmd.user_id)
        )
    subscription.assign_one(now=now)
    await repo.assign(
        subscription_id=subscription.subscription_id,
        user_id=user.user_id,
        by=cmd.actor_user_id,
        now=now,
    )
    await repo.save(subscription=subscription)
    return contracts.LicenceAssigned(
        **_licences(subscription, user.user_id),
        assigned_by=cmd.actor_user_id,
        acting_partner_id=partner,
        assigned_at=now,
    )


async def remove_licence(
    repo: SubscriptionRepository, cmd: model.RemoveLicence, *, now: datetime
) -> contracts.LicenceRemoved:
    subscription, partner = await _load_for(repo, cmd, CustomerAction.REMOVE_LICENCE)
    subscription.release_one(now=now)  # checks the state before anything is written
    if not await repo.unassign(subscription_id=subscription.subscription_id, user_id=cmd.user_id):
        raise errors.LicenceNotAssigned(
            "The user has no licence of this subscription.", user_id=str(cmd.user_id)
        )
    await repo.save(subscription=subscription)
    return contracts.LicenceRemoved(
        **_licences(subscription, cmd.user_id),
        removed_by=cmd.actor_user_id,
        acting_partner_id=partner,
        removed_at=now,
    )


async def expire_trials(
    repo: SubscriptionRepository, *, now: datetime, limit: int = 500
) -> list[contracts.SubscriptionExpired]:
    """Trials whose end passed become expired; one event each (only for rows this call
    changed, so two sweeping copies never report one expiry twice)."""
    expired = await repo.expire_trials(now=now, limit=limit)
    return [
        contracts.SubscriptionExpired(
            **subject(s),
            partner_of_record=s.partner_of_record,
            trial_ends_at=s.trial_ends_at or now,
            expired_at=now,
        )
        for s in expired
    ]
