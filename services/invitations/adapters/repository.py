"""Persistence of invitations, and the local views of the catalogue and the customers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from services.invitations.domain.model import Invitation, TrialOffer
from shared import rows
from shared.links import FunnelCount, FunnelRepository, FunnelSql
from shared.repository import NamedCustomers

COLUMNS = (
    "invitation_id, partner_id, created_by, code, service_id, seats, trial_days, "
    "delegation_role, expires_at, max_redemptions, created_at, redemptions, revoked_at, revoked_by"
)

_I_COLUMNS = ", ".join(f"i.{c.strip()}" for c in COLUMNS.split(","))


@dataclass(frozen=True)
class RedemptionContext:
    """Everything a redemption decides on, read in one round trip."""

    invitation: Invitation | None
    customer_known: bool
    had_trial: bool


@dataclass(frozen=True)
class NewRedemption:
    redemption_id: UUID
    invitation_id: UUID
    customer_id: UUID
    service_id: str
    redeemed_by: UUID
    redeemed_at: datetime


_INSERT = rows.insert("invitations", COLUMNS)
_CHANGES = "redemptions, revoked_at, revoked_by"  # what saving an invitation may change
_UPDATE = rows.update("invitations", "invitation_id", _CHANGES)


class Repository(Protocol):
    async def trial_offer(self, *, service_id: str) -> TrialOffer | None: ...
    async def get(self, *, invitation_id: UUID) -> Invitation | None: ...
    async def for_redemptions(
        self, requests: Sequence[tuple[str, UUID]]
    ) -> list[RedemptionContext]: ...
    async def add(self, *, invitation: Invitation) -> None: ...
    async def save(self, *, invitation: Invitation) -> None: ...
    async def add_redemptions(
        self, added: Sequence[NewRedemption], *, counts: dict[UUID, int]
    ) -> None: ...
    async def record_open(self, *, code: str) -> FunnelCount | None: ...
    async def record_sign_up(
        self, *, code: str, customer_id: UUID, now: datetime
    ) -> FunnelCount | None: ...


def to_invitation(row: Any) -> Invitation:
    return Invitation(**dict(row))


class PgRepository(FunnelRepository, NamedCustomers):
    funnel = FunnelSql("invitations", "invitation_id")

    async def trial_offer(self, *, service_id: str) -> TrialOffer | None:
        row = await self.conn.fetchrow(
            "SELECT service_id, name, trial_days, trial_max_seats FROM catalogue "
            "WHERE service_id = $1",
            service_id,
        )
        return TrialOffer(**dict(row)) if row else None

    async def get(self, *, invitation_id: UUID) -> Invitation | None:
        row = await self.conn.fetchrow(
            f"SELECT {COLUMNS} FROM invitations WHERE invitation_id = $1 FOR UPDATE",
            invitation_id,
        )
        return to_invitation(row) if row else None

    async def for_redemptions(
        self, requests: Sequence[tuple[str, UUID]]
    ) -> list[RedemptionContext]:
        """Per (code, customer): the invitation (locked, in invitation id order whatever
        the order of the requests: a cap holds under concurrent redemptions and two batches
        cannot deadlock), whether the customer is known, and whether it already had a trial
        of the invited service. One round trip for the whole batch."""
        rows = await self.conn.fetch(
            f"WITH locked AS (SELECT {COLUMNS} FROM invitations "
            "  WHERE code = ANY($1::text[]) ORDER BY invitation_id FOR UPDATE) "
            f"SELECT {_I_COLUMNS}, "
            "EXISTS (SELECT 1 FROM customers c WHERE c.customer_id = r.customer_id) "
            "  AS customer_known, "
            "EXISTS (SELECT 1 FROM redemptions x WHERE x.customer_id = r.customer_id "
            "        AND x.service_id = i.service_id) AS had_trial "
            "FROM unnest($1::text[], $2::uuid[]) WITH ORDINALITY AS r(code, customer_id, n) "
            "LEFT JOIN locked i ON i.code = r.code ORDER BY r.n",
            [code for code, _ in requests],
            [customer for _, customer in requests],
        )
        found: list[RedemptionContext] = []
        for row in rows:
            fields = dict(row)
            known, had = fields.pop("customer_known"), fields.pop("had_trial")
            invitation = Invitation(**fields) if fields["invitation_id"] is not None else None
            found.append(RedemptionContext(invitation, customer_known=known, had_trial=had))
        return found

    async def add(self, *, invitation: Invitation) -> None:
        await self.conn.execute(_INSERT, *rows.values(invitation, COLUMNS))

    async def save(self, *, invitation: Invitation) -> None:
        await self.conn.execute(
            _UPDATE, invitation.invitation_id, *rows.values(invitation, _CHANGES)
        )

    async def add_redemptions(
        self, added: Sequence[NewRedemption], *, counts: dict[UUID, int]
    ) -> None:
        """The redemptions, and the invitations' new counts, in one statement."""
        if not added:
            return
        await self.conn.execute(
            "WITH added AS (INSERT INTO redemptions (redemption_id, invitation_id, customer_id, "
            "service_id, redeemed_by, redeemed_at) SELECT * FROM unnest($1::uuid[], $2::uuid[], "
            "$3::uuid[], $4::text[], $5::uuid[], $6::timestamptz[])) "
            "UPDATE invitations i SET redemptions = c.redemptions "
            "FROM unnest($7::uuid[], $8::int[]) AS c(invitation_id, redemptions) "
            "WHERE i.invitation_id = c.invitation_id",
            [a.redemption_id for a in added],
            [a.invitation_id for a in added],
            [a.customer_id for a in added],
            [a.service_id for a in added],
            [a.redeemed_by for a in added],
            [a.redeemed_at for a in added],
            list(counts),
            list(counts.values()),
        )

    # Projections fed by other services' events.

    async def upsert_catalogue(
        self, *, service_id: str, name: str, trial_days: int | None, trial_max_seats: int | None
    ) -> None:
        await self.conn.execute(
            "INSERT INTO catalogue (service_id, name, trial_days, trial_max_seats) "
            "VALUES ($1, $2, $3, $4) ON CONFLICT (service_id) DO UPDATE SET name = $2, "
            "trial_days = $3, trial_max_seats = $4",
            service_id,
            name,
            trial_days,
            trial_max_seats,
        )
