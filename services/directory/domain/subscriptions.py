"""The subscription lifecycle: states, licence quantity and licence assignments (who may
change them: the permission table in ``domain/acting.py``).

    trial ──(offer bought)──► active ◄──(reactivate)── suspended
      │                         │ └────(suspend)────────►  │
      │ (end passes: sweep)     └──────(cancel)──► cancelled ◄┘
      ▼                                               ▲
    expired ──(offer bought)──► active      trial ────┘ (cancel)

One aggregate for trial and paid: an invitation redeemed starts a trial, an offer bought
starts a paid subscription, or converts the customer's trial (or expired trial) of that
service in place: same subscription id (one row, one history), new state, quantity and
partner of record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from uuid import UUID

from services.directory.domain import errors

State = Literal["trial", "active", "suspended", "cancelled", "expired"]
CONVERTIBLE: frozenset[str] = frozenset({"trial", "expired"})
ENDED: frozenset[str] = frozenset({"cancelled", "expired"})


SourceKind = Literal["trial_invitation", "offer"]


@dataclass
class Subscription:
    """A subscription, trial or paid; ``assigned`` = licences given to users."""

    subscription_id: UUID
    customer_id: UUID
    service_id: str
    seats: int
    state: State
    partner_of_record: UUID
    trial_ends_at: datetime | None
    source_kind: SourceKind
    source_id: UUID
    paid_source_id: UUID | None
    created_at: datetime
    updated_at: datetime
    assigned: int = 0

    @classmethod
    def start(
        cls, cmd: ApplyRedemption, line: Line, *, subscription_id: UUID, now: datetime
    ) -> Subscription:
        """The subscription a redemption's line starts: a trial ending ``trial_days`` after
        the redemption, or a paid one (its redemption is also its paid source)."""
        trial = cmd.source_kind == "trial_invitation"
        return cls(
            subscription_id=subscription_id,
            customer_id=cmd.customer_id,
            service_id=line.service_id,
            seats=line.quantity,
            state="trial" if trial else "active",
            partner_of_record=cmd.partner_id,
            trial_ends_at=cmd.redeemed_at + timedelta(days=cmd.trial_days) if trial else None,
            source_kind=cmd.source_kind,
            source_id=cmd.redemption_id,
            paid_source_id=None if trial else cmd.redemption_id,
            created_at=now,
            updated_at=now,
        )

    def _ensure_not_ended(self) -> None:
        if self.state in ENDED:
            raise errors.SubscriptionEnded(
                f"The subscription is {self.state}; nothing can change on it.",
                state=self.state,
            )

    def convert(self, *, seats: int, partner_id: UUID, redemption_id: UUID, now: datetime) -> int:
        """Trial (or expired trial) to paid. Returns how many assignments must be released
        because the bought quantity is below what the trial had assigned."""
        if self.state not in CONVERTIBLE:
            raise errors.InvalidTransition(f"A {self.state} subscription cannot be converted.")
        surplus = max(0, self.assigned - seats)
        self.state = "active"
        self.seats = seats
        self.partner_of_record = partner_id
        self.paid_source_id = redemption_id
        self.trial_ends_at = None
        self.assigned -= surplus
        self.updated_at = now
        return surplus

    def _move(self, before: str, after: State, *, refusal: str, now: datetime) -> None:
        """From ``before`` to ``after`` only (``refusal`` names what may be moved)."""
        self._ensure_not_ended()
        if self.state != before:
            raise errors.InvalidTransition(
                f"{refusal}; this one is {self.state}.", state=self.state
            )
        self.state = after
        self.updated_at = now

    def suspend(self, *, now: datetime) -> None:
        refusal = "Only an active subscription can be suspended"
        self._move("active", "suspended", refusal=refusal, now=now)

    def reactivate(self, *, now: datetime) -> None:
        refusal = "Only a suspended subscription can be reactivated"
        self._move("suspended", "active", refusal=refusal, now=now)

    def cancel(self, *, now: datetime) -> None:
        """Ends the subscription for good; its assignments are released."""
        self._ensure_not_ended()
        self.state = "cancelled"
        self.assigned = 0
        self.updated_at = now

    def change_quantity(self, quantity: int, *, now: datetime) -> int:
        """Returns the previous quantity."""
        self._ensure_not_ended()
        if self.state == "trial":
            raise errors.TrialQuantityFixed(
                "A trial's seats are set by its invitation; buy an offer to change them."
            )
        if self.state == "suspended":
            raise errors.SubscriptionIsSuspended("Reactivate the subscription first.")
        if quantity == self.seats:
            raise errors.QuantityUnchanged(f"The subscription already has {quantity} licences.")
        if quantity < self.assigned:
            raise errors.QuantityBelowAssigned(
                f"{self.assigned} licences are assigned to users; remove some before lowering "
                f"the quantity to {quantity}.",
                assigned=self.assigned,
                quantity=quantity,
            )
        previous, self.seats, self.updated_at = self.seats, quantity, now
        return previous

    def assign_one(self, *, now: datetime) -> None:
        self._ensure_not_ended()
        if self.state == "suspended":
            raise errors.SubscriptionIsSuspended("Reactivate the subscription first.")
        if self.assigned >= self.seats:
            raise errors.NoLicenceAvailable(
                f"All {self.seats} licences are assigned; increase the quantity first.",
                quantity=self.seats,
            )
        self.assigned += 1
        self.updated_at = now

    def release_one(self, *, now: datetime) -> None:
        if self.state == "cancelled":
            raise errors.SubscriptionEnded("The subscription is cancelled.", state=self.state)
        self.assigned -= 1
        self.updated_at = now


# --- internal commands -----------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    service_id: str
    quantity: int


@dataclass(frozen=True)
class ApplyRedemption:
    """A redemption that starts subscriptions: a trial invitation redeemed (one line,
    ``trial_days`` long) or an offer bought (one paid line per service)."""

    source_kind: SourceKind
    redemption_id: UUID
    partner_id: UUID
    customer_id: UUID
    lines: tuple[Line, ...]
    redeemed_at: datetime
    trial_days: int = 0


@dataclass(frozen=True)
class SubscriptionCommand:
    """Who wants to change which subscription of which customer."""

    customer_id: UUID
    subscription_id: UUID
    actor_user_id: UUID


@dataclass(frozen=True)
class ChangeQuantity(SubscriptionCommand):
    quantity: int


@dataclass(frozen=True)
class ChangeState(SubscriptionCommand):
    action: Literal["suspend", "reactivate", "cancel"]
    reason: str = ""


@dataclass(frozen=True)
class AssignLicence(SubscriptionCommand):
    user_id: UUID


@dataclass(frozen=True)
class RemoveLicence(SubscriptionCommand):
    user_id: UUID
