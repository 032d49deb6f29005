"""Quantity, licence assignments and the lifecycle commands over the real broker and
database: assignments never exceed the quantity, the quantity never goes below the
assignments, who may act, and every bad input gets a typed rejection and changes nothing."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import asyncpg
import httpx
import pytest

from shared.contracts import directory
from shared.contracts.base import Event
from shared.contracts.topics import INVITATIONS_EVENTS
from tests.integration.directory.helpers import (
    REJECTED,
    approve_delegation,
    command,
    created_for,
    redeemed,
    registered_customer,
    registered_partner,
)
from tests.integration.directory.subscription_helpers import customer_user, paid, state_of
from tests.support.bus import Bus


class Customer:
    """A registered customer, its Global admin, and one more user of it."""

    def __init__(self, cmd: directory.RegisterCustomer, user: uuid.UUID) -> None:
        self.id = cmd.customer_id
        self.admin = cmd.admin.user_id
        self.user = user

    @classmethod
    async def make(cls, bus: Bus, pool: asyncpg.Pool) -> Customer:
        cmd = await registered_customer(bus)
        return cls(cmd, await customer_user(pool, cmd.customer_id))

    def ref(self, subscription_id: uuid.UUID, actor: uuid.UUID | None = None) -> dict[str, Any]:
        return {
            "customer_id": self.id,
            "subscription_id": subscription_id,
            "actor_user_id": actor or self.admin,
        }


async def _accepted(bus: Bus, message: Any, event: type[Event]) -> dict[str, Any]:
    reply = await command(bus, message)
    assert reply.type == event.ce_type(), reply.data
    assert reply.key == str(message.customer_id)
    return reply.data


async def _rejected(bus: Bus, message: Any, code: str) -> dict[str, Any]:
    reply = await command(bus, message)
    assert reply.type == REJECTED, reply.data
    assert reply.data["code"] == code, reply.data
    return reply.data


async def test_quantity_change_is_bounded_by_assignments(
    stack: object, bus: Bus, pool: asyncpg.Pool, http: httpx.AsyncClient
) -> None:
    c = await Customer.make(bus, pool)
    third = await customer_user(pool, c.id)
    sid = await paid(bus, c.id, 2)

    assign = directory.AssignLicence
    first = await _accepted(bus, assign(**c.ref(sid), user_id=c.admin), directory.LicenceAssigned)
    assert (first["assigned"], first["quantity"]) == (1, 2)
    second = await _accepted(bus, assign(**c.ref(sid), user_id=c.user), directory.LicenceAssigned)
    assert second["assigned"] == 2
    before = await state_of(pool, sid)
    await _rejected(bus, assign(**c.ref(sid), user_id=third), "no_licence_available")
    lower = directory.ChangeSubscriptionQuantity(**c.ref(sid), quantity=1)
    rejection = await _rejected(bus, lower, "quantity_below_assigned")
    assert rejection["category"] == "conflict"
    assert await state_of(pool, sid) == before

    removed = await _accepted(
        bus, directory.RemoveLicence(**c.ref(sid), user_id=c.user), directory.LicenceRemoved
    )
    assert removed["assigned"] == 1
    changed = await _accepted(bus, lower, directory.SubscriptionQuantityChanged)
    assert (changed["previous_quantity"], changed["quantity"], changed["assigned"]) == (2, 1, 1)
    raised = directory.ChangeSubscriptionQuantity(**c.ref(sid), quantity=5)
    assert (await _accepted(bus, raised, directory.SubscriptionQuantityChanged))["quantity"] == 5
    await _accepted(bus, assign(**c.ref(sid), user_id=third), directory.LicenceAssigned)

    listed = (await http.get(f"/internal/customers/{c.id}/licences")).json()
    assert [(s["subscription_id"], s["seats"], s["assigned"]) for s in listed] == [(str(sid), 5, 2)]
    holders = (await http.get(f"/internal/customers/{c.id}/subscriptions/{sid}/assignments")).json()
    assert sorted(h["user_id"] for h in holders) == sorted([str(c.admin), str(third)])
    other = await http.get(f"/internal/customers/{uuid.uuid4()}/subscriptions/{sid}/assignments")
    assert other.status_code == 404
    assert other.json()["code"] == "subscription_not_found"


async def test_suspend_reactivate_cancel_by_a_partner_with_an_active_delegation(
    stack: object, bus: Bus, pool: asyncpg.Pool
) -> None:
    partner = await registered_partner(bus)  # its first admin has Full administration
    c = await Customer.make(bus, pool)
    sid = await paid(bus, c.id, 3, partner_id=partner.partner_id)
    await _accepted(
        bus, directory.AssignLicence(**c.ref(sid), user_id=c.user), directory.LicenceAssigned
    )
    acting = c.ref(sid, actor=partner.admin.user_id)
    # Partner of record is not enough: the partner needs an active delegation.
    await _rejected(bus, directory.SuspendSubscription(**acting), "no_active_delegation")
    await approve_delegation(bus, pool, partner.partner_id, c.id, c.admin)
    suspended = await _accepted(
        bus,
        directory.SuspendSubscription(**acting, reason="Unpaid"),
        directory.SubscriptionSuspended,
    )
    assert suspended["acting_partner_id"] == str(partner.partner_id)
    assert (suspended["previous_state"], suspended["reason"]) == ("active", "Unpaid")
    await _rejected(
        bus, directory.AssignLicence(**c.ref(sid), user_id=c.admin), "subscription_is_suspended"
    )
    await _accepted(
        bus, directory.ReactivateSubscription(**acting), directory.SubscriptionReactivated
    )
    cancelled = await _accepted(
        bus, directory.CancelSubscription(**c.ref(sid)), directory.SubscriptionCancelled
    )
    assert cancelled["acting_partner_id"] is None
    assert cancelled["released_user_ids"] == [str(c.user)]
    after = await state_of(pool, sid)
    assert after["row"]["state"] == "cancelled"
    assert after["users"] == []


async def _trial(bus: Bus, customer_id: uuid.UUID) -> uuid.UUID:
    event = redeemed(customer_id, service_id="intune")
    await bus.send(event, topic=INVITATIONS_EVENTS)
    [created] = await bus.wait_for(created_for(event.redemption_id))
    return uuid.UUID(created.data["subscription_id"])


BadInput = Callable[["Setup"], Any]


class Setup:
    """Everything the bad inputs refer to: an active subscription with its one licence used
    (by the customer's second user), a trial, a cancelled one, and strangers. (Lowering a
    quantity below the assignments is shown by test_quantity_change_is_bounded_by_assignments.)"""

    def __init__(self, c: Customer, other: Customer, sid: uuid.UUID, trial: uuid.UUID,
                 cancelled: uuid.UUID, other_sid: uuid.UUID) -> None:  # fmt: skip
        self.c, self.other = c, other
        self.sid, self.trial, self.cancelled, self.other_sid = sid, trial, cancelled, other_sid


def _raw_quantity(s: Setup, quantity: int) -> directory.ChangeSubscriptionQuantity:
    # model_construct skips validation: the bytes on the wire are what a careless client sends.
    return directory.ChangeSubscriptionQuantity.model_construct(**s.c.ref(s.sid), quantity=quantity)


BAD_INPUTS: dict[str, tuple[BadInput, str]] = {
    "zero quantity": (lambda s: _raw_quantity(s, 0), "invalid_message"),
    "negative quantity": (lambda s: _raw_quantity(s, -3), "invalid_message"),
    "unchanged quantity": (
        lambda s: directory.ChangeSubscriptionQuantity(**s.c.ref(s.sid), quantity=1),
        "quantity_unchanged",
    ),
    "remove a licence the user does not hold": (
        lambda s: directory.RemoveLicence(**s.c.ref(s.sid), user_id=s.c.admin),
        "licence_not_assigned",
    ),
    "unknown subscription": (
        lambda s: directory.ChangeSubscriptionQuantity(**s.c.ref(uuid.uuid4()), quantity=4),
        "subscription_not_found",
    ),
    "another customer's subscription": (
        lambda s: directory.ChangeSubscriptionQuantity(**s.c.ref(s.other_sid), quantity=4),
        "subscription_not_found",
    ),
    "unknown user": (
        lambda s: directory.AssignLicence(**s.c.ref(s.sid), user_id=uuid.uuid4()),
        "user_not_found",
    ),
    "user of another company": (
        lambda s: directory.AssignLicence(**s.c.ref(s.sid), user_id=s.other.user),
        "user_not_in_customer",
    ),
    "over quantity": (
        lambda s: directory.AssignLicence(**s.c.ref(s.sid), user_id=s.c.admin),
        "no_licence_available",
    ),
    "already assigned": (
        lambda s: directory.AssignLicence(**s.c.ref(s.trial), user_id=s.c.user),
        "licence_already_assigned",
    ),
    "cancelled subscription": (
        lambda s: directory.AssignLicence(**s.c.ref(s.cancelled), user_id=s.c.admin),
        "subscription_ended",
    ),
    "quantity of a cancelled subscription": (
        lambda s: directory.ChangeSubscriptionQuantity(**s.c.ref(s.cancelled), quantity=9),
        "subscription_ended",
    ),
    "quantity of a trial": (
        lambda s: directory.ChangeSubscriptionQuantity(**s.c.ref(s.trial), quantity=9),
        "trial_quantity_fixed",
    ),
    "suspend a trial": (
        lambda s: directory.SuspendSubscription(**s.c.ref(s.trial)),
        "invalid_transition",
    ),
    "reactivate an active one": (
        lambda s: directory.ReactivateSubscription(**s.c.ref(s.sid)),
        "invalid_transition",
    ),
    "non-admin user of the customer": (
        lambda s: directory.ChangeSubscriptionQuantity(**s.c.ref(s.sid, s.c.user), quantity=4),
        "not_allowed",
    ),
    "another customer's admin": (
        lambda s: directory.CancelSubscription(**s.c.ref(s.sid, s.other.admin)),
        "not_allowed",
    ),
    "unknown actor": (
        lambda s: directory.CancelSubscription(**s.c.ref(s.sid, uuid.uuid4())),
        "not_allowed",
    ),
}


@pytest.fixture(scope="module")
async def setup(stack: object, bus: Bus, database: str) -> Setup:
    pool = await asyncpg.create_pool(database, min_size=1, max_size=2)
    assert pool is not None
    try:
        c, other = await Customer.make(bus, pool), await Customer.make(bus, pool)
        sid, cancelled = await paid(bus, c.id, 1), await paid(bus, c.id, 2)
        other_sid = await paid(bus, other.id, 2)
        trial = await _trial(bus, c.id)
        for target in (sid, trial):
            await _accepted(
                bus, directory.AssignLicence(**c.ref(target), user_id=c.user),
                directory.LicenceAssigned,
            )  # fmt: skip
        await _accepted(
            bus, directory.CancelSubscription(**c.ref(cancelled)), directory.SubscriptionCancelled
        )
        return Setup(c, other, sid, trial, cancelled, other_sid)
    finally:
        await pool.close()


@pytest.mark.parametrize("case", list(BAD_INPUTS))
async def test_every_bad_input_is_rejected_and_changes_nothing(
    setup: Setup, bus: Bus, pool: asyncpg.Pool, case: str
) -> None:
    build, code = BAD_INPUTS[case]
    subscriptions = (setup.sid, setup.trial, setup.cancelled, setup.other_sid)
    before = [await state_of(pool, s) for s in subscriptions]
    rejection = await _rejected(bus, build(setup), code)
    assert rejection["service"] == "directory"
    assert [await state_of(pool, s) for s in subscriptions] == before
