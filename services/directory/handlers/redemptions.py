"""How subscriptions start: the one handler both redemption events reach (an invitation
redeemed starts a trial; an offer bought converts the customer's trial of each service in
place, or starts a paid subscription), and its set-based form for a run of trials.

Each runs inside the caller's transaction; a broken rule raises (or, set-based, is returned
for its message) before anything is written for it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from services.directory.adapters.subscriptions import SubscriptionRepository
from services.directory.domain import errors
from services.directory.domain import subscriptions as model
from services.directory.domain.subscriptions import Subscription
from services.directory.handlers.subscriptions import subject
from shared.contracts import directory as contracts
from shared.contracts.base import Event
from shared.errors import DomainError


async def apply_redemption(
    repo: SubscriptionRepository, cmd: model.ApplyRedemption, *, now: datetime
) -> list[Event]:
    """The one way subscriptions start, for both redemption events. An invitation redeemed
    starts a trial; an offer bought converts the customer's trial (or expired trial) of each
    line's service in place, or starts a paid subscription. A line this redemption already
    applied (a redelivery under any message id) is skipped, so a redelivery emits nothing."""
    if not await repo.customer_exists(customer_id=cmd.customer_id):
        raise errors.CustomerNotFound(
            "The redeeming customer is not known.", customer_id=str(cmd.customer_id)
        )
    events: list[Event] = []
    for line in cmd.lines:
        if cmd.source_kind == "offer":
            if await repo.line_applied(redemption_id=cmd.redemption_id, service_id=line.service_id):
                continue
            trial = await repo.convertible(customer_id=cmd.customer_id, service_id=line.service_id)
            if trial is not None:
                events.append(await _convert(repo, trial, cmd, line, now=now))
                continue
        created = await _start(repo, cmd, line, now=now)
        if created is not None:
            events.append(created)
    return events


async def _convert(
    repo: SubscriptionRepository,
    trial: Subscription,
    cmd: model.ApplyRedemption,
    line: model.Line,
    *,
    now: datetime,
) -> contracts.SubscriptionConverted:
    previous_state, previous_seats = trial.state, trial.seats
    previous_partner = trial.partner_of_record
    surplus = trial.convert(
        seats=line.quantity, partner_id=cmd.partner_id, redemption_id=cmd.redemption_id, now=now
    )
    released = await repo.release_newest(subscription_id=trial.subscription_id, count=surplus)
    await repo.save(subscription=trial)
    await repo.add_partner_of_record(partner_id=cmd.partner_id, customer_id=trial.customer_id)
    assert previous_state in ("trial", "expired")
    return contracts.SubscriptionConverted(
        subscription_id=trial.subscription_id,
        customer_id=trial.customer_id,
        service_id=trial.service_id,
        previous_state=previous_state,
        previous_seats=previous_seats,
        seats=trial.seats,
        partner_of_record=trial.partner_of_record,
        previous_partner_of_record=previous_partner,
        source=contracts.SubscriptionSource(kind="offer", id=cmd.redemption_id),
        released_user_ids=released,
        converted_at=now,
    )


async def _start(
    repo: SubscriptionRepository,
    cmd: model.ApplyRedemption,
    line: model.Line,
    *,
    now: datetime,
) -> contracts.SubscriptionCreated | None:
    s = Subscription.start(cmd, line, subscription_id=uuid.uuid4(), now=now)
    if not await repo.add(subscription=s):
        return None  # this redemption's line exists already (a redelivery, a concurrent copy)
    await repo.add_partner_of_record(partner_id=cmd.partner_id, customer_id=s.customer_id)
    return _created(s, now=now)


def _created(s: Subscription, *, now: datetime) -> contracts.SubscriptionCreated:
    assert s.state in ("trial", "active")
    return contracts.SubscriptionCreated(
        **subject(s),
        seats=s.seats,
        state=s.state,
        partner_of_record=s.partner_of_record,
        trial_ends_at=s.trial_ends_at,
        source=contracts.SubscriptionSource(kind=s.source_kind, id=s.source_id),
        created_at=now,
    )


async def start_trials(
    repo: SubscriptionRepository, cmds: Sequence[model.ApplyRedemption], *, now: datetime
) -> list[list[Event] | DomainError]:
    """A run of trial redemptions set-based, with the outcome of each as if applied one
    after the other: one read of the customers, one insert of the subscriptions (in a fixed
    order, so two copies of the service lock unique keys alike), one insert into the
    partners' reach. A redemption whose trial exists already (a redelivery under any id, or
    the same one twice in the run) starts nothing; an unknown customer is refused."""
    known = await repo.customers_known(customer_ids={c.customer_id for c in cmds})
    started: list[list[Subscription]] = [
        [Subscription.start(c, line, subscription_id=uuid.uuid4(), now=now) for line in c.lines]
        if c.customer_id in known
        else []
        for c in cmds
    ]
    everything = sorted(
        (s for run in started for s in run), key=lambda s: (s.source_id, s.service_id)
    )
    added = await repo.add_all(subscriptions=everything)
    await repo.add_partners_of_record(
        pairs=sorted(
            {(s.partner_of_record, s.customer_id) for s in everything if s.subscription_id in added}
        )
    )
    outcomes: list[list[Event] | DomainError] = []
    for cmd, subscriptions in zip(cmds, started, strict=True):
        if cmd.customer_id not in known:
            outcomes.append(
                errors.CustomerNotFound(
                    "The redeeming customer is not known.", customer_id=str(cmd.customer_id)
                )
            )
        else:
            outcomes.append(
                [_created(s, now=now) for s in subscriptions if s.subscription_id in added]
            )
    return outcomes
