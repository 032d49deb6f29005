"""The invitations service's read side: every HTTP read is one of these queries, answering
a view model of ``shared.views.invitations``. Visibility is ``access``'s; the state shown is
as of now (an expiry not yet acted on already shows)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from services.invitations import access
from services.invitations.adapters.repository import COLUMNS, to_invitation
from shared.cursor import Cursor, next_cursor
from shared.views import invitations as views

Pool = Any


def invitation_view(row: Any, now: datetime) -> views.Invitation:
    return views.Invitation(**dict(row), status=to_invitation(row).status(now))


async def partner_invitations(
    pool: Pool, *, partner_id: UUID, cursor: Cursor | None, limit: int
) -> views.InvitationPage:
    """Newest first, tie-safe: (created_at, invitation_id) descending."""
    rows = await pool.fetch(
        f"SELECT {COLUMNS} FROM invitations WHERE partner_id = $1 "
        "AND ($2::timestamptz IS NULL OR (created_at, invitation_id) < ($2, $3::uuid)) "
        "ORDER BY created_at DESC, invitation_id DESC LIMIT $4",
        partner_id,
        cursor.key if cursor else None,
        cursor.id if cursor else None,
        limit + 1,
    )
    now = datetime.now(UTC)
    return views.InvitationPage(
        items=[invitation_view(r, now) for r in rows[:limit]],
        next_cursor=next_cursor(rows, limit, key=lambda r: (r["created_at"], r["invitation_id"])),
    )


async def invitation_detail(
    pool: Pool, *, invitation_id: UUID, partner_id: UUID | None
) -> views.InvitationDetail:
    row = await pool.fetchrow(
        f"SELECT {COLUMNS} FROM invitations WHERE invitation_id = $1", invitation_id
    )
    access.require_visible(row["partner_id"] if row else None, partner_id)
    redemptions = await pool.fetch(
        "SELECT r.redemption_id, r.customer_id, c.name AS customer_name, r.redeemed_by, "
        "r.redeemed_at FROM redemptions r LEFT JOIN customers c USING (customer_id) "
        "WHERE r.invitation_id = $1 ORDER BY r.redeemed_at, r.redemption_id",
        invitation_id,
    )
    funnel = await pool.fetchrow(
        "SELECT opens, sign_ups FROM funnel WHERE invitation_id = $1", invitation_id
    )
    return views.InvitationDetail(
        **invitation_view(row, datetime.now(UTC)).model_dump(),
        funnel=views.InvitationFunnel(
            opens=funnel["opens"] if funnel else 0,
            sign_ups=funnel["sign_ups"] if funnel else 0,
            redemptions=row["redemptions"],
        ),
        redemptions_list=[views.InvitationRedemption(**dict(r)) for r in redemptions],
    )


async def public_invitation(pool: Pool, *, code: str) -> views.PublicInvitationLookup:
    row = await pool.fetchrow(f"SELECT {COLUMNS} FROM invitations WHERE code = $1", code)
    status = to_invitation(row).status(datetime.now(UTC)) if row else None
    access.require_public(status)
    return views.PublicInvitationLookup(**dict(row), status=status)


async def partner_counts(pool: Pool, *, partner_id: UUID) -> views.InvitationCounts:
    row = await pool.fetchrow(
        "SELECT count(*) FILTER (WHERE revoked_at IS NULL AND (expires_at IS NULL OR "
        "expires_at > now()) AND (max_redemptions IS NULL OR redemptions < max_redemptions)) "
        "AS active, coalesce(sum(redemptions), 0) AS redemptions "
        "FROM invitations WHERE partner_id = $1",
        partner_id,
    )
    return views.InvitationCounts(active=int(row["active"]), redemptions=int(row["redemptions"]))


async def customer_redemptions(pool: Pool, *, customer_id: UUID) -> list[views.CustomerRedemption]:
    rows = await pool.fetch(
        "SELECT redemption_id, invitation_id, customer_id, service_id, redeemed_by, redeemed_at "
        "FROM redemptions WHERE customer_id = $1 ORDER BY redeemed_at, redemption_id",
        customer_id,
    )
    return [views.CustomerRedemption(**dict(r)) for r in rows]
