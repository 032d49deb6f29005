"""Persistence of the catalogue, of offers and their redemptions, and the local view of the
customers. Reads for the internal HTTP endpoints live here too, so no SQL sits in routes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from services.offers.domain.model import CatalogueService, Offer, OfferLine
from shared import rows
from shared.cursor import Cursor
from shared.links import FunnelCount, FunnelRepository, FunnelSql
from shared.repository import NamedCustomers

_SERVICE_COLUMNS = (
    "service_id, name, description, licence_unit, min_seats, max_seats, trial_days, "
    "trial_max_seats, on_sale"
)
_OFFER_COLUMNS = (
    "offer_id, partner_id, created_by, code, lines, delegation_role, expires_at, "
    "customer_may_change_quantities, created_at, replaces_offer_id, redemptions, "
    "withdrawn_at, withdrawn_by"
)


@dataclass(frozen=True)
class Redemption:
    """One purchase of an offer, with its final quantities (service id, quantity)."""

    redemption_id: UUID
    offer_id: UUID
    customer_id: UUID
    redeemed_by: UUID
    lines: tuple[tuple[str, int], ...]
    redeemed_at: datetime


_PUT_SERVICE = rows.insert("catalogue", _SERVICE_COLUMNS) + (
    " ON CONFLICT (service_id) DO UPDATE SET name = $2, description = $3, "
    "licence_unit = $4, min_seats = $5, max_seats = $6, trial_days = $7, "
    "trial_max_seats = $8, on_sale = $9, updated_at = now()"
)
_INSERT_OFFER = rows.insert("offers", _OFFER_COLUMNS)
_OFFER_CHANGES = "redemptions, withdrawn_at, withdrawn_by"  # what saving an offer may change
_UPDATE_OFFER = rows.update("offers", "offer_id", _OFFER_CHANGES)
_REDEMPTION_COLUMNS = "redemption_id, offer_id, customer_id, redeemed_by, lines, redeemed_at"
_INSERT_REDEMPTION = rows.insert("redemptions", _REDEMPTION_COLUMNS)


class Repository(Protocol):
    async def service(self, *, service_id: str) -> CatalogueService | None: ...
    async def services(self, *, service_ids: Sequence[str]) -> dict[str, CatalogueService]: ...
    async def put_service(self, *, service: CatalogueService) -> None: ...
    async def customer_exists(self, *, customer_id: UUID) -> bool: ...
    async def get_offer(self, *, offer_id: UUID) -> Offer | None: ...
    async def get_offer_by_code(self, *, code: str) -> Offer | None: ...
    async def add_offer(self, *, offer: Offer) -> None: ...
    async def save_offer(self, *, offer: Offer) -> None: ...
    async def has_purchased(self, *, offer_id: UUID, customer_id: UUID) -> bool: ...
    async def add_redemption(self, *, redemption: Redemption) -> None: ...
    async def record_open(self, *, code: str) -> FunnelCount | None: ...
    async def record_sign_up(
        self, *, code: str, customer_id: UUID, now: datetime
    ) -> FunnelCount | None: ...


def service_from_row(row: Any) -> CatalogueService:
    return CatalogueService(**{k: row[k] for k in _SERVICE_COLUMNS.split(", ")})


def offer_from_row(row: Any) -> Offer:
    values = {k: row[k] for k in _OFFER_COLUMNS.split(", ")}
    values["lines"] = tuple(OfferLine(**line) for line in row["lines"])
    return Offer(**values)


class PgRepository(FunnelRepository, NamedCustomers):
    funnel = FunnelSql("offers", "offer_id")

    async def service(self, *, service_id: str) -> CatalogueService | None:
        return (await self.services(service_ids=[service_id])).get(service_id)

    async def services(self, *, service_ids: Sequence[str]) -> dict[str, CatalogueService]:
        # FOR SHARE: a concurrent withdrawal from sale waits until this offer is decided.
        rows = await self.conn.fetch(
            f"SELECT {_SERVICE_COLUMNS} FROM catalogue WHERE service_id = ANY($1::text[]) "
            "FOR SHARE",
            list(service_ids),
        )
        return {row["service_id"]: service_from_row(row) for row in rows}

    async def put_service(self, *, service: CatalogueService) -> None:
        await self.conn.execute(_PUT_SERVICE, *rows.values(service, _SERVICE_COLUMNS))

    async def get_offer(self, *, offer_id: UUID) -> Offer | None:
        row = await self.conn.fetchrow(
            f"SELECT {_OFFER_COLUMNS} FROM offers WHERE offer_id = $1 FOR UPDATE", offer_id
        )
        return offer_from_row(row) if row else None

    async def get_offer_by_code(self, *, code: str) -> Offer | None:
        row = await self.conn.fetchrow(
            f"SELECT {_OFFER_COLUMNS} FROM offers WHERE code = $1 FOR UPDATE", code
        )
        return offer_from_row(row) if row else None

    async def add_offer(self, *, offer: Offer) -> None:
        lines = [line.as_dict() for line in offer.lines]
        await self.conn.execute(_INSERT_OFFER, *rows.values(offer, _OFFER_COLUMNS, lines=lines))

    async def save_offer(self, *, offer: Offer) -> None:
        await self.conn.execute(_UPDATE_OFFER, offer.offer_id, *rows.values(offer, _OFFER_CHANGES))

    async def has_purchased(self, *, offer_id: UUID, customer_id: UUID) -> bool:
        return await self.exists(
            "SELECT true FROM redemptions WHERE offer_id = $1 AND customer_id = $2",
            offer_id,
            customer_id,
        )

    async def add_redemption(self, *, redemption: Redemption) -> None:
        lines = [{"service_id": s, "quantity": q} for s, q in redemption.lines]
        await self.conn.execute(
            _INSERT_REDEMPTION, *rows.values(redemption, _REDEMPTION_COLUMNS, lines=lines)
        )

    async def funnel_of(self, *, offer_id: UUID) -> tuple[int, int]:
        row = await self.conn.fetchrow(
            "SELECT opens, sign_ups FROM funnel WHERE offer_id = $1", offer_id
        )
        return (row["opens"], row["sign_ups"]) if row else (0, 0)

    # Reads for the internal HTTP endpoints (no locks).

    async def catalogue(self) -> list[CatalogueService]:
        rows = await self.conn.fetch(f"SELECT {_SERVICE_COLUMNS} FROM catalogue ORDER BY name")
        return [service_from_row(r) for r in rows]

    async def find_service(self, *, service_id: str) -> CatalogueService | None:
        row = await self.conn.fetchrow(
            f"SELECT {_SERVICE_COLUMNS} FROM catalogue WHERE service_id = $1", service_id
        )
        return service_from_row(row) if row else None

    async def partner_offers(
        self, *, partner_id: UUID, after: Cursor | None, limit: int
    ) -> list[Offer]:
        """Newest first, tie-safe: continues strictly after ``after``'s (created_at, id)."""
        rows = await self.conn.fetch(
            f"SELECT {_OFFER_COLUMNS} FROM offers WHERE partner_id = $1 "
            "AND ($2::timestamptz IS NULL OR (created_at, offer_id) < ($2, $3::uuid)) "
            "ORDER BY created_at DESC, offer_id DESC LIMIT $4",
            partner_id,
            after.key if after else None,
            after.id if after else None,
            limit,
        )
        return [offer_from_row(r) for r in rows]

    async def offer_counts(self, *, partner_id: UUID) -> dict[str, int]:
        row = await self.conn.fetchrow(
            "SELECT count(*) FILTER (WHERE withdrawn_at IS NOT NULL) AS withdrawn, "
            "count(*) FILTER (WHERE withdrawn_at IS NULL AND expires_at <= now()) AS expired, "
            "count(*) FILTER (WHERE withdrawn_at IS NULL AND (expires_at IS NULL "
            "OR expires_at > now())) AS active FROM offers WHERE partner_id = $1",
            partner_id,
        )
        assert row is not None
        return {"active": row["active"], "expired": row["expired"], "withdrawn": row["withdrawn"]}

    async def find_offer(self, *, offer_id: UUID) -> Offer | None:
        row = await self.conn.fetchrow(
            f"SELECT {_OFFER_COLUMNS} FROM offers WHERE offer_id = $1", offer_id
        )
        return offer_from_row(row) if row else None

    async def find_offer_by_code(self, *, code: str) -> Offer | None:
        row = await self.conn.fetchrow(f"SELECT {_OFFER_COLUMNS} FROM offers WHERE code = $1", code)
        return offer_from_row(row) if row else None

    async def replaced_by(self, *, offer_id: UUID) -> list[UUID]:
        rows = await self.conn.fetch(
            "SELECT offer_id FROM offers WHERE replaces_offer_id = $1 ORDER BY created_at",
            offer_id,
        )
        return [r["offer_id"] for r in rows]

    async def redemptions_of(
        self, *, offer_id: UUID | None = None, customer_id: UUID | None = None
    ) -> list[dict[str, Any]]:
        rows = await self.conn.fetch(
            "SELECT r.redemption_id, r.offer_id, r.customer_id, c.name AS customer_name, "
            "r.redeemed_by, r.lines, r.redeemed_at "
            "FROM redemptions r LEFT JOIN customers c USING (customer_id) "
            "WHERE ($1::uuid IS NULL OR r.offer_id = $1) "
            "AND ($2::uuid IS NULL OR r.customer_id = $2) ORDER BY r.redeemed_at, r.redemption_id",
            offer_id,
            customer_id,
        )
        return [dict(r) for r in rows]
