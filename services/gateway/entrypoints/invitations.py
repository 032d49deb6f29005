"""Trial invitations, for partner users with admin access to supported companies."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from services.gateway.adapters.sessions import Principal
from services.gateway.deps import Gateway, GatewayDep
from services.gateway.routes import Listing
from services.gateway.security import SupportingPartnerUser
from shared.contracts import invitations
from shared.contracts.topics import INVITATIONS_COMMANDS
from shared.problems import problem_responses
from shared.views import invitations as views

router = APIRouter(prefix="/api/partner/invitations", tags=["trial invitations"])


class NewInvitation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    service_id: str = Field(min_length=2, max_length=63)
    seats: int = Field(ge=1, le=1_000_000)
    delegation_role: Literal["full", "limited"] | None = None
    expires_at: datetime | None = None
    max_redemptions: int | None = Field(default=None, ge=1, le=1_000_000)


@router.post(
    "",
    status_code=201,
    response_model=invitations.TrialInvitationCreated,
    responses=problem_responses(401, 403, 404, 409, 422, 503, 504),
)
async def create_invitation(
    body: NewInvitation, user: SupportingPartnerUser, gateway: GatewayDep
) -> dict[str, Any]:
    """One trial subscription (service + seats), optionally with delegated administration.
    The answer carries the URL to send to any number of customers."""
    command = invitations.CreateTrialInvitation(
        invitation_id=uuid.uuid4(),
        partner_id=user.company_id,
        created_by=user.user_id,
        **body.model_dump(),
    )
    return (await gateway.execute(command, topic=INVITATIONS_COMMANDS)).data


async def _page(gateway: Gateway, user: Principal, limit: int, cursor: str | None) -> Any:
    return await gateway.invitations.relay(
        "/internal/invitations", partner_id=user.company_id, limit=limit, cursor=cursor
    )


Listing("", _page, views.InvitationPage).offer(
    router, who=SupportingPartnerUser, name="list_invitations"
)


@router.get(
    "/{invitation_id}",
    response_model=views.InvitationDetail,
    responses=problem_responses(401, 403, 404, 422, 502, 503),
)
async def get_invitation(
    invitation_id: uuid.UUID, user: SupportingPartnerUser, gateway: GatewayDep
) -> Any:
    # The service's access policy: another partner's invitation is a 404 like a random id.
    return await gateway.invitations.relay(
        f"/internal/invitations/{invitation_id}", partner_id=user.company_id
    )


async def own_invitation(
    gateway: Gateway, user: Principal, invitation_id: uuid.UUID
) -> dict[str, Any]:
    """The partner's own invitation; another partner's gets the very same 404 as a random
    id (the invitations service decides), so nothing says it exists."""
    invitation: dict[str, Any] = await gateway.invitations.get(
        f"/internal/invitations/{invitation_id}", partner_id=user.company_id
    )
    return invitation


@router.post(
    "/{invitation_id}/revoke",
    response_model=invitations.TrialInvitationRevoked,
    responses=problem_responses(401, 403, 404, 409, 422, 503, 504),
)
async def revoke_invitation(
    invitation_id: uuid.UUID, user: SupportingPartnerUser, gateway: GatewayDep
) -> dict[str, Any]:
    command = invitations.RevokeTrialInvitation(
        invitation_id=invitation_id, partner_id=user.company_id, revoked_by=user.user_id
    )
    return (await gateway.execute(command, topic=INVITATIONS_COMMANDS)).data
