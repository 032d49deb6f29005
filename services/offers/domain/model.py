"""Catalogue services, purchase offers, and the rules of building and buying them."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from services.offers.domain import errors
from services.offers.domain.commands import LineTerms, ServiceTerms


def new_code() -> str:
    """192 random bits, URL-safe: unguessable, and not tied to any one customer."""
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class CatalogueService(ServiceTerms):
    """A service of the catalogue: its terms, and the rules of selling on them."""

    def check_terms(self) -> None:
        if self.min_seats > self.max_seats:
            raise errors.InvalidSeatRange(
                f"{self.name}: the minimum ({self.min_seats}) exceeds the maximum "
                f"({self.max_seats}) seats per subscription.",
                service_id=self.service_id,
            )
        if self.trial_max_seats is not None and self.trial_max_seats > self.max_seats:
            raise errors.TrialSeatsAboveMaximum(
                f"{self.name}: a trial cannot hold more seats ({self.trial_max_seats}) than a "
                f"subscription may ({self.max_seats}).",
                service_id=self.service_id,
            )

    def check_on_sale(self) -> None:
        if not self.on_sale:
            raise errors.ServiceNotOnSale(
                f"{self.name} is no longer on sale.", service_id=self.service_id
            )

    def check_quantity(self, quantity: int) -> None:
        if not self.min_seats <= quantity <= self.max_seats:
            raise errors.QuantityOutsideCatalogueLimits(
                f"{self.name} is sold in {self.min_seats} to {self.max_seats} "
                f"{self.licence_unit} licences; {quantity} is outside that range.",
                service_id=self.service_id,
                min_seats=self.min_seats,
                max_seats=self.max_seats,
            )


@dataclass(frozen=True)
class OfferLine:
    service_id: str
    quantity: int
    min_quantity: int
    max_quantity: int

    def as_dict(self) -> dict[str, Any]:
        """The line as events and the stored offer carry it."""
        return asdict(self)


def build_lines(
    terms: Sequence[LineTerms],
    catalogue: Mapping[str, CatalogueService],
    *,
    changeable: bool,
) -> tuple[OfferLine, ...]:
    """The lines of a new offer: every service known and on sale, every quantity and bound
    within the catalogue's limits. Fixed lines get bounds equal to their quantity."""
    seen: set[str] = set()
    lines: list[OfferLine] = []
    for term in terms:
        if term.service_id in seen:
            raise errors.DuplicateOfferLine(
                f"{term.service_id!r} appears twice; give each service one line.",
                service_id=term.service_id,
            )
        seen.add(term.service_id)
        service = catalogue.get(term.service_id)
        if service is None:
            raise errors.UnknownService(
                f"There is no service {term.service_id!r} in the catalogue.",
                service_id=term.service_id,
            )
        service.check_on_sale()
        service.check_quantity(term.quantity)
        lines.append(_line(term, service, changeable=changeable))
    return tuple(lines)


def _line(term: LineTerms, service: CatalogueService, *, changeable: bool) -> OfferLine:
    bounded = term.min_quantity is not None or term.max_quantity is not None
    if not changeable:
        if bounded:
            raise errors.QuantityBoundsNotAllowed(
                "Bounds only apply when the customer may change quantities.",
                service_id=term.service_id,
            )
        return OfferLine(term.service_id, term.quantity, term.quantity, term.quantity)
    low = service.min_seats if term.min_quantity is None else term.min_quantity
    high = service.max_seats if term.max_quantity is None else term.max_quantity
    if not low <= term.quantity <= high:
        raise errors.InvalidQuantityBounds(
            f"{service.name}: the bounds {low}..{high} must include the offered quantity "
            f"{term.quantity}.",
            service_id=term.service_id,
        )
    service.check_quantity(low)
    service.check_quantity(high)
    return OfferLine(term.service_id, term.quantity, low, high)


@dataclass
class Offer:
    offer_id: UUID
    partner_id: UUID
    created_by: UUID
    code: str
    lines: tuple[OfferLine, ...]
    delegation_role: str | None
    expires_at: datetime | None
    customer_may_change_quantities: bool
    created_at: datetime
    replaces_offer_id: UUID | None = None
    redemptions: int = 0
    withdrawn_at: datetime | None = None
    withdrawn_by: UUID | None = None

    def status(self, now: datetime) -> str:
        if self.withdrawn_at is not None:
            return "withdrawn"
        if self.expires_at is not None and now >= self.expires_at:
            return "expired"
        return "active"

    def check_owner(self, partner_id: UUID) -> None:
        if partner_id != self.partner_id:
            # Same answer as a missing offer: nothing leaks about other partners.
            raise errors.OfferNotFound("No such offer.")

    def check_purchasable(self, now: datetime) -> None:
        status = self.status(now)
        if status == "withdrawn":
            raise errors.OfferWithdrawn("This offer was withdrawn by the partner.")
        if status == "expired":
            raise errors.OfferExpired("This offer has expired.")

    def withdraw(self, *, partner_id: UUID, by: UUID, now: datetime) -> None:
        self.check_owner(partner_id)
        if self.withdrawn_at is not None:
            raise errors.OfferWithdrawn("This offer is already withdrawn.")
        self.withdrawn_at = now
        self.withdrawn_by = by

    def final_quantities(self, chosen: Sequence[tuple[str, int]]) -> tuple[tuple[str, int], ...]:
        """Every line with the customer's quantity (or the offered one), within bounds."""
        by_service = {line.service_id: line for line in self.lines}
        picked: dict[str, int] = {}
        for service_id, quantity in chosen:
            line = by_service.get(service_id)
            if line is None:
                raise errors.UnknownOfferLine(
                    f"This offer has no line for {service_id!r}.", service_id=service_id
                )
            if service_id in picked:
                raise errors.DuplicateOfferLine(
                    f"{service_id!r} is given twice.", service_id=service_id
                )
            if quantity != line.quantity and not self.customer_may_change_quantities:
                raise errors.QuantitiesNotChangeable(
                    "The partner fixed the quantities of this offer.", service_id=service_id
                )
            if not line.min_quantity <= quantity <= line.max_quantity:
                raise errors.QuantityOutOfBounds(
                    f"Choose {line.min_quantity} to {line.max_quantity} licences of "
                    f"{service_id!r}; {quantity} is outside that range.",
                    service_id=service_id,
                    min_quantity=line.min_quantity,
                    max_quantity=line.max_quantity,
                )
            picked[service_id] = quantity
        return tuple(
            (line.service_id, picked.get(line.service_id, line.quantity)) for line in self.lines
        )

    def redeem(self, now: datetime) -> None:
        self.check_purchasable(now)
        self.redemptions += 1
