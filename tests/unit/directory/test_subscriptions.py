"""The subscription lifecycle with a fake repository: offer redemptions (new paid
subscriptions and trial conversions), state changes, quantity, licence assignments,
authorisation and the trial sweep. Every rejection leaves the repository as it was."""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.directory.domain import errors
from services.directory.domain import subscriptions as model
from services.directory.domain.model import User
from services.directory.domain.roles import CompanyRole, SupportedAccess
from services.directory.domain.subscriptions import Subscription
from services.directory.handlers import redemptions
from services.directory.handlers import subscriptions as handlers
from shared.contracts import directory as contracts
from tests.unit.directory import builders
from tests.unit.directory.subscription_fakes import FakeSubscriptions

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


class World:
    """A customer with its Global admin and a plain user; a partner of record holding a
    Full delegation, with a Full and a Limited user; another partner."""

    def __init__(self) -> None:
        self.repo = FakeSubscriptions()
        self.customer = uuid.uuid4()
        self.partner = uuid.uuid4()
        self.repo.customers.add(self.customer)
        self.admin = self.user("customer", self.customer, CompanyRole.GLOBAL_ADMIN)
        self.member = self.user("customer", self.customer)
        self.full = self.user("partner", self.partner, access=SupportedAccess.FULL)
        self.limited = self.user("partner", self.partner, access=SupportedAccess.LIMITED)
        self.stranger = self.user("partner", uuid.uuid4(), access=SupportedAccess.FULL)
        self.repo.delegations[(self.partner, self.customer)] = "full"

    def user(
        self,
        kind: str,
        company: uuid.UUID,
        role: CompanyRole = CompanyRole.NONE,
        access: SupportedAccess = SupportedAccess.NONE,
    ) -> User:
        made = builders.user(
            company,
            role,
            access,
            company_kind="customer" if kind == "customer" else "partner",
            created_at=NOW,
        )
        self.repo.users[made.user_id] = made
        return made

    def subscription(self, state: str = "active", seats: int = 3, **kw: object) -> uuid.UUID:
        sid = uuid.uuid4()
        self.repo.rows[sid] = Subscription(
            subscription_id=sid,
            customer_id=self.customer,
            service_id=str(kw.get("service_id", "o365-e3")),
            seats=seats,
            state=state,  # type: ignore[arg-type]
            partner_of_record=self.partner,
            trial_ends_at=kw.get("trial_ends_at"),  # type: ignore[arg-type]
            source_kind="trial_invitation" if state in ("trial", "expired") else "offer",
            source_id=uuid.uuid4(),
            paid_source_id=None,
            created_at=NOW - timedelta(days=5),
            updated_at=NOW - timedelta(days=5),
        )
        return sid

    def snapshot(self) -> object:
        return copy.deepcopy((self.repo.rows, self.repo.assignments))

    async def assign(self, sid: uuid.UUID, user: User, actor: User | None = None) -> object:
        cmd = model.AssignLicence(self.customer, sid, (actor or self.admin).user_id, user.user_id)
        return await handlers.assign_licence(self.repo, cmd, now=NOW)


def redemption(
    world: World, *lines: tuple[str, int], partner: uuid.UUID | None = None
) -> model.ApplyRedemption:
    return model.ApplyRedemption(
        source_kind="offer",
        redemption_id=uuid.uuid4(),
        partner_id=partner or world.partner,
        customer_id=world.customer,
        lines=tuple(model.Line(s, q) for s, q in lines),
        redeemed_at=NOW,
    )


def trial_redeemed(
    world: World, service_id: str = "o365-e3", seats: int = 25, **kw: uuid.UUID
) -> model.ApplyRedemption:
    return model.ApplyRedemption(
        source_kind="trial_invitation",
        redemption_id=kw.get("redemption_id") or uuid.uuid4(),
        partner_id=kw.get("partner") or world.partner,
        customer_id=kw.get("customer") or world.customer,
        lines=(model.Line(service_id, seats),),
        redeemed_at=NOW,
        trial_days=30,
    )


# --- trial redemptions --------------------------------------------------------------------


async def test_trial_redemption_starts_a_trial_with_partner_of_record() -> None:
    w = World()
    partner = uuid.uuid4()
    cmd = trial_redeemed(w, partner=partner)
    [event] = await redemptions.apply_redemption(w.repo, cmd, now=NOW)
    assert isinstance(event, contracts.SubscriptionCreated)
    assert event.state == "trial"
    assert event.partner_of_record == partner
    assert event.trial_ends_at == NOW + timedelta(days=30)
    assert (event.source.kind, event.source.id) == ("trial_invitation", cmd.redemption_id)
    assert event.seats == 25
    [row] = w.repo.rows.values()
    assert (row.state, row.paid_source_id) == ("trial", None)
    assert (partner, w.customer) in w.repo.reach


async def test_same_trial_redemption_twice_starts_one_subscription() -> None:
    w = World()
    cmd = trial_redeemed(w)
    assert len(await redemptions.apply_redemption(w.repo, cmd, now=NOW)) == 1
    assert await redemptions.apply_redemption(w.repo, cmd, now=NOW) == []
    assert len(w.repo.rows) == 1


async def test_trial_redemption_for_unknown_customer_is_rejected() -> None:
    w = World()
    with pytest.raises(errors.CustomerNotFound):
        await redemptions.apply_redemption(
            w.repo, trial_redeemed(w, customer=uuid.uuid4()), now=NOW
        )
    assert w.repo.rows == {}


async def test_a_trial_bought_stays_one_subscription_through_both_redemptions() -> None:
    w = World()
    [started] = await redemptions.apply_redemption(w.repo, trial_redeemed(w), now=NOW)
    buyer = uuid.uuid4()
    [converted] = await redemptions.apply_redemption(
        w.repo, redemption(w, ("o365-e3", 40), partner=buyer), now=NOW
    )
    assert isinstance(converted, contracts.SubscriptionConverted)
    assert converted.subscription_id == started.subscription_id  # type: ignore[attr-defined]
    [row] = w.repo.rows.values()
    assert (row.state, row.seats, row.partner_of_record) == ("active", 40, buyer)
    assert (buyer, w.customer) in w.repo.reach


async def test_a_run_of_trials_set_based_is_decided_as_one_after_the_other() -> None:
    w = World()
    other = uuid.uuid4()
    w.repo.customers.add(other)
    first = trial_redeemed(w)
    run = [
        first,
        trial_redeemed(w, "intune", 10, customer=other),
        trial_redeemed(w, customer=uuid.uuid4()),  # unknown customer
        first,  # the same redemption again in the run
    ]
    outcomes = await redemptions.start_trials(w.repo, run, now=NOW)
    started, intune, unknown, again = outcomes
    assert isinstance(started, list)
    assert [(e.customer_id, e.service_id, e.state) for e in started] == [  # type: ignore[attr-defined]
        (w.customer, "o365-e3", "trial")
    ]
    assert isinstance(intune, list)
    assert [e.customer_id for e in intune] == [other]  # type: ignore[attr-defined]
    assert isinstance(unknown, errors.CustomerNotFound)
    assert again == []
    assert len(w.repo.rows) == 2
    assert w.repo.reach == {(w.partner, w.customer), (w.partner, other)}
    # The same run redelivered (under new message ids) starts nothing more.
    assert await redemptions.start_trials(w.repo, run[:2], now=NOW) == [[], []]
    assert len(w.repo.rows) == 2


# --- offer redemptions ------------------------------------------------------------------


async def test_offer_creates_one_paid_subscription_per_line() -> None:
    w = World()
    cmd = redemption(w, ("o365-e3", 50), ("intune", 40))
    events = await redemptions.apply_redemption(w.repo, cmd, now=NOW)
    assert [type(e) for e in events] == [contracts.SubscriptionCreated] * 2
    rows = sorted(w.repo.rows.values(), key=lambda s: s.service_id)
    assert [(s.service_id, s.seats, s.state) for s in rows] == [
        ("intune", 40, "active"),
        ("o365-e3", 50, "active"),
    ]
    assert {s.partner_of_record for s in rows} == {w.partner}
    created = events[0]
    assert isinstance(created, contracts.SubscriptionCreated)
    assert created.source.kind == "offer"
    assert created.source.id == cmd.redemption_id


async def test_the_same_redemption_applied_again_changes_nothing() -> None:
    w = World()
    cmd = redemption(w, ("o365-e3", 50), ("intune", 40))
    await redemptions.apply_redemption(w.repo, cmd, now=NOW)
    before = w.snapshot()
    assert await redemptions.apply_redemption(w.repo, cmd, now=NOW) == []
    assert w.snapshot() == before


async def test_offer_for_unknown_customer_is_rejected() -> None:
    w = World()
    cmd = redemption(w, ("o365-e3", 5))
    w.repo.customers.clear()
    with pytest.raises(errors.CustomerNotFound):
        await redemptions.apply_redemption(w.repo, cmd, now=NOW)
    assert w.repo.rows == {}


async def test_trial_of_the_same_service_is_converted_in_place() -> None:
    w = World()
    trial = w.subscription("trial", seats=25, trial_ends_at=NOW + timedelta(days=9))
    other_partner = uuid.uuid4()
    cmd = redemption(w, ("o365-e3", 50), ("intune", 10), partner=other_partner)
    events = await redemptions.apply_redemption(w.repo, cmd, now=NOW)
    converted, created = events
    assert isinstance(converted, contracts.SubscriptionConverted)
    assert converted.subscription_id == trial
    assert (converted.previous_state, converted.previous_seats, converted.seats) == (
        "trial",
        25,
        50,
    )
    assert converted.previous_partner_of_record == w.partner
    assert converted.partner_of_record == other_partner
    assert isinstance(created, contracts.SubscriptionCreated)
    assert len(w.repo.rows) == 2
    row = w.repo.rows[trial]
    assert (row.state, row.seats, row.trial_ends_at) == ("active", 50, None)
    assert row.paid_source_id == cmd.redemption_id
    # Applied again: no second conversion, no new subscription.
    assert await redemptions.apply_redemption(w.repo, cmd, now=NOW) == []
    assert len(w.repo.rows) == 2


async def test_expired_trial_is_converted_too() -> None:
    w = World()
    trial = w.subscription("expired", seats=5)
    [event] = await redemptions.apply_redemption(w.repo, redemption(w, ("o365-e3", 8)), now=NOW)
    assert isinstance(event, contracts.SubscriptionConverted)
    assert event.previous_state == "expired"
    assert w.repo.rows[trial].state == "active"


async def test_conversion_to_fewer_seats_releases_the_newest_assignments() -> None:
    w = World()
    trial = w.subscription("trial", seats=3, trial_ends_at=NOW + timedelta(days=1))
    users = [w.user("customer", w.customer) for _ in range(3)]
    for i, u in enumerate(users):
        w.repo.assignments.setdefault(trial, {})[u.user_id] = NOW - timedelta(hours=3 - i)
    [event] = await redemptions.apply_redemption(w.repo, redemption(w, ("o365-e3", 1)), now=NOW)
    assert isinstance(event, contracts.SubscriptionConverted)
    assert event.released_user_ids == sorted([users[1].user_id, users[2].user_id])
    assert set(w.repo.assignments[trial]) == {users[0].user_id}


async def test_an_active_subscription_is_not_converted_a_new_one_is_made() -> None:
    w = World()
    active = w.subscription("active", seats=5)
    [event] = await redemptions.apply_redemption(w.repo, redemption(w, ("o365-e3", 8)), now=NOW)
    assert isinstance(event, contracts.SubscriptionCreated)
    assert event.subscription_id != active
    assert w.repo.rows[active].seats == 5


# --- authorisation ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["admin", "full"])
async def test_customer_global_admin_and_full_delegated_partner_may_act(who: str) -> None:
    w = World()
    sid = w.subscription(seats=3)
    actor = getattr(w, who)
    cmd = model.ChangeQuantity(w.customer, sid, actor.user_id, 10)
    event = await handlers.change_quantity(w.repo, cmd, now=NOW)
    assert event.quantity == 10
    assert event.previous_quantity == 3
    assert event.changed_by == actor.user_id
    assert event.acting_partner_id == (w.partner if who == "full" else None)


@pytest.mark.parametrize(
    ("who", "refusal"),
    [
        ("member", errors.NotAllowed),
        ("limited", errors.BeyondRole),  # Limited administration: password resets only
        ("stranger", errors.NoActiveDelegation),
        ("nobody", errors.NotAllowed),
    ],
)
async def test_others_may_not_act(who: str, refusal: type[Exception]) -> None:
    w = World()
    sid = w.subscription(seats=3)
    actor_id = getattr(w, who).user_id if who != "nobody" else uuid.uuid4()
    before = w.snapshot()
    with pytest.raises(refusal):
        await handlers.change_quantity(
            w.repo, model.ChangeQuantity(w.customer, sid, actor_id, 10), now=NOW
        )
    assert w.snapshot() == before


@pytest.mark.parametrize("role", [None, "limited"])
async def test_partner_of_record_needs_an_active_full_delegation(role: str | None) -> None:
    """Being partner of record grants nothing; a Limited delegation makes even a Full user
    the customer's Password admin."""
    w = World()
    sid = w.subscription(seats=3)
    if role is None:
        del w.repo.delegations[(w.partner, w.customer)]
    else:
        w.repo.delegations[(w.partner, w.customer)] = role
    with pytest.raises(errors.NoActiveDelegation if role is None else errors.BeyondRole):
        await w.assign(sid, w.member, actor=w.full)
    assert sid not in w.repo.assignments


async def test_another_customers_admin_may_not_act() -> None:
    w = World()
    sid = w.subscription()
    outsider = w.user("customer", uuid.uuid4(), CompanyRole.GLOBAL_ADMIN)
    with pytest.raises(errors.NotAllowed):
        await w.assign(sid, w.member, actor=outsider)


async def test_disabled_or_temporary_password_actor_is_refused() -> None:
    w = World()
    sid = w.subscription()
    w.admin.disabled_at = NOW
    with pytest.raises(errors.NotAllowed):
        await w.assign(sid, w.member)
    w.admin.disabled_at = None
    w.admin.must_change_password = True
    with pytest.raises(errors.PasswordChangeRequired):
        await w.assign(sid, w.member)


async def test_subscription_of_another_customer_is_not_found() -> None:
    w = World()
    theirs = World()
    w.repo.rows.update(theirs.repo.rows)
    sid = theirs.subscription()
    w.repo.rows[sid] = theirs.repo.rows[sid]
    cmd = model.ChangeQuantity(w.customer, sid, w.admin.user_id, 10)
    with pytest.raises(errors.SubscriptionNotFound):
        await handlers.change_quantity(w.repo, cmd, now=NOW)
    # Naming the other customer instead: this admin cannot enter it at all.
    with pytest.raises(errors.NotAllowed):
        await handlers.change_quantity(
            w.repo, model.ChangeQuantity(theirs.customer, sid, w.admin.user_id, 10), now=NOW
        )
    with pytest.raises(errors.SubscriptionNotFound):
        await handlers.change_quantity(
            w.repo, model.ChangeQuantity(w.customer, uuid.uuid4(), w.admin.user_id, 10), now=NOW
        )


# --- quantity and licences ----------------------------------------------------------------


async def test_quantity_never_below_assigned() -> None:
    w = World()
    sid = w.subscription(seats=3)
    await w.assign(sid, w.member)
    await w.assign(sid, w.admin)
    before = w.snapshot()
    with pytest.raises(errors.QuantityBelowAssigned):
        await handlers.change_quantity(
            w.repo, model.ChangeQuantity(w.customer, sid, w.admin.user_id, 1), now=NOW
        )
    assert w.snapshot() == before
    event = await handlers.change_quantity(
        w.repo, model.ChangeQuantity(w.customer, sid, w.admin.user_id, 2), now=NOW
    )
    assert (event.previous_quantity, event.quantity, event.assigned) == (3, 2, 2)


@pytest.mark.parametrize(
    ("state", "error"),
    [
        ("trial", errors.TrialQuantityFixed),
        ("suspended", errors.SubscriptionIsSuspended),
        ("cancelled", errors.SubscriptionEnded),
        ("expired", errors.SubscriptionEnded),
    ],
)
async def test_quantity_changes_only_on_active(state: str, error: type[Exception]) -> None:
    w = World()
    sid = w.subscription(state, seats=3)
    with pytest.raises(error):
        await handlers.change_quantity(
            w.repo, model.ChangeQuantity(w.customer, sid, w.admin.user_id, 4), now=NOW
        )
    assert w.repo.rows[sid].seats == 3


async def test_unchanged_quantity_is_rejected() -> None:
    w = World()
    sid = w.subscription(seats=3)
    with pytest.raises(errors.QuantityUnchanged):
        await handlers.change_quantity(
            w.repo, model.ChangeQuantity(w.customer, sid, w.admin.user_id, 3), now=NOW
        )


async def test_assignments_never_exceed_the_quantity() -> None:
    w = World()
    sid = w.subscription(seats=1)
    event = await w.assign(sid, w.member)
    assert isinstance(event, contracts.LicenceAssigned)
    assert (event.assigned, event.quantity) == (1, 1)
    with pytest.raises(errors.NoLicenceAvailable):
        await w.assign(sid, w.admin)
    assert set(w.repo.assignments[sid]) == {w.member.user_id}


async def test_licence_on_a_trial_may_be_assigned() -> None:
    w = World()
    sid = w.subscription("trial", seats=2, trial_ends_at=NOW + timedelta(days=3))
    await w.assign(sid, w.member)
    assert set(w.repo.assignments[sid]) == {w.member.user_id}


async def test_bad_assignments_are_rejected_and_change_nothing() -> None:
    w = World()
    sid = w.subscription(seats=5)
    await w.assign(sid, w.member)
    before = w.snapshot()
    with pytest.raises(errors.LicenceAlreadyAssigned):
        await w.assign(sid, w.member)
    with pytest.raises(errors.UserNotInCustomer):
        await w.assign(sid, w.full)  # a partner user
    with pytest.raises(errors.UserNotInCustomer):
        await w.assign(sid, w.user("customer", uuid.uuid4()))  # another customer's user
    ghost = User(**{**vars(w.member), "user_id": uuid.uuid4()})
    with pytest.raises(errors.UserNotFound):
        await w.assign(sid, ghost)
    assert w.snapshot() == before


@pytest.mark.parametrize(
    ("state", "error"),
    [("suspended", errors.SubscriptionIsSuspended), ("cancelled", errors.SubscriptionEnded)],
)
async def test_no_assignment_on_suspended_or_cancelled(state: str, error: type[Exception]) -> None:
    w = World()
    sid = w.subscription(state, seats=5)
    with pytest.raises(error):
        await w.assign(sid, w.member)
    assert sid not in w.repo.assignments


async def test_remove_licence_frees_it() -> None:
    w = World()
    sid = w.subscription(seats=1)
    await w.assign(sid, w.member)
    cmd = model.RemoveLicence(w.customer, sid, w.admin.user_id, w.member.user_id)
    event = await handlers.remove_licence(w.repo, cmd, now=NOW)
    assert (event.user_id, event.assigned) == (w.member.user_id, 0)
    await w.assign(sid, w.admin)
    with pytest.raises(errors.LicenceNotAssigned):
        await handlers.remove_licence(w.repo, cmd, now=NOW)


# --- states -----------------------------------------------------------------------------


def change(w: World, sid: uuid.UUID, action: str) -> model.ChangeState:
    return model.ChangeState(w.customer, sid, w.admin.user_id, action, "why")  # type: ignore[arg-type]


async def test_suspend_reactivate_cancel() -> None:
    w = World()
    sid = w.subscription(seats=2)
    await w.assign(sid, w.member)
    suspended = await handlers.change_state(w.repo, change(w, sid, "suspend"), now=NOW)
    assert isinstance(suspended, contracts.SubscriptionSuspended)
    assert (suspended.previous_state, suspended.reason) == ("active", "why")
    assert w.repo.rows[sid].state == "suspended"
    reactivated = await handlers.change_state(w.repo, change(w, sid, "reactivate"), now=NOW)
    assert isinstance(reactivated, contracts.SubscriptionReactivated)
    cancelled = await handlers.change_state(w.repo, change(w, sid, "cancel"), now=NOW)
    assert isinstance(cancelled, contracts.SubscriptionCancelled)
    assert cancelled.released_user_ids == [w.member.user_id]
    assert w.repo.rows[sid].state == "cancelled"
    assert not w.repo.assignments.get(sid)


@pytest.mark.parametrize(
    ("state", "action", "error"),
    [
        ("trial", "suspend", errors.InvalidTransition),
        ("suspended", "suspend", errors.InvalidTransition),
        ("active", "reactivate", errors.InvalidTransition),
        ("trial", "reactivate", errors.InvalidTransition),
        ("cancelled", "cancel", errors.SubscriptionEnded),
        ("cancelled", "reactivate", errors.SubscriptionEnded),
        ("expired", "cancel", errors.SubscriptionEnded),
    ],
)
async def test_invalid_transitions(state: str, action: str, error: type[Exception]) -> None:
    w = World()
    sid = w.subscription(state)
    with pytest.raises(error):
        await handlers.change_state(w.repo, change(w, sid, action), now=NOW)
    assert w.repo.rows[sid].state == state


async def test_a_trial_may_be_cancelled() -> None:
    w = World()
    sid = w.subscription("trial", trial_ends_at=NOW + timedelta(days=2))
    event = await handlers.change_state(w.repo, change(w, sid, "cancel"), now=NOW)
    assert isinstance(event, contracts.SubscriptionCancelled)
    assert event.previous_state == "trial"


# --- the sweep --------------------------------------------------------------------------


async def test_sweep_expires_due_trials_once() -> None:
    w = World()
    due = w.subscription("trial", trial_ends_at=NOW - timedelta(seconds=1))
    later = w.subscription("trial", trial_ends_at=NOW + timedelta(days=1))
    paid = w.subscription("active")
    [event] = await handlers.expire_trials(w.repo, now=NOW)
    assert (event.subscription_id, event.expired_at) == (due, NOW)
    assert event.trial_ends_at == NOW - timedelta(seconds=1)
    assert [w.repo.rows[s].state for s in (due, later, paid)] == ["expired", "trial", "active"]
    assert await handlers.expire_trials(w.repo, now=NOW) == []
