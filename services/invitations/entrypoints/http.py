"""Internal read endpoints for the gateway (loopback only; never another service's tables).

Each route parses, and answers one query of ``services.invitations.queries`` (visibility is
``services.invitations.access``'s). Lists are pages with an opaque ``next_cursor``; pass it
as ``cursor`` for the next page. Errors are the problem bodies of ``shared.problems``.
"""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request

from services.invitations import queries
from shared.pools import pool_of
from shared.reads import PageArgs
from shared.views import invitations as views

router = APIRouter(prefix="/internal")


@router.get("/invitations", response_model=views.InvitationPage)
async def list_invitations(
    request: Request, partner_id: UUID, page: PageArgs
) -> views.InvitationPage:
    """The partner's invitations, newest first."""
    return await queries.partner_invitations(
        pool_of(request), partner_id=partner_id, cursor=page.cursor, limit=page.limit
    )


@router.get("/invitations/counts", response_model=views.InvitationCounts)
async def counts(request: Request, partner_id: UUID) -> views.InvitationCounts:
    """For the partner overview: active invitations and redemptions in all."""
    return await queries.partner_counts(pool_of(request), partner_id=partner_id)


@router.get("/invitations/by-code/{code}", response_model=views.PublicInvitationLookup)
async def by_code(request: Request, code: str) -> views.PublicInvitationLookup:
    """What a link shows before signing in; 410 once it can no longer be redeemed."""
    return await queries.public_invitation(pool_of(request), code=code)


@router.get("/invitations/{invitation_id}", response_model=views.InvitationDetail)
async def get_invitation(
    request: Request, invitation_id: UUID, partner_id: UUID | None = None
) -> views.InvitationDetail:
    """One invitation with its redemptions; with ``partner_id``, only if it is that
    partner's (another partner's is a 404 like a random id)."""
    return await queries.invitation_detail(
        pool_of(request), invitation_id=invitation_id, partner_id=partner_id
    )


@router.get("/redemptions", response_model=list[views.CustomerRedemption])
async def redemptions(request: Request, customer_id: UUID) -> list[views.CustomerRedemption]:
    return await queries.customer_redemptions(pool_of(request), customer_id=customer_id)
