"""Trial invitations, for partner users with admin access to supported companies."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from services.gateway.adapters.sessions import Principal
from services.gateway.deps import Gateway
from services.gateway.routes import Listing, Relay, Send, relayed_page
from services.gateway.security import SupportingPartnerUser
from shared.contracts import invitations
from shared.contracts.topics import INVITATIONS_COMMANDS
from shared.views import invitations as views

# The reader's company is the partner whose items the service gives.
PARTNER_ID = {"partner_id": "company_id"}

router = APIRouter(prefix="/api/partner/invitations", tags=["trial invitations"])


class NewInvitation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    service_id: str = Field(min_length=2, max_length=63)
    seats: int = Field(ge=1, le=1_000_000)
    delegation_role: Literal["full", "limited"] | None = None
    expires_at: datetime | None = None
    max_redemptions: int | None = Field(default=None, ge=1, le=1_000_000)


Send(
    "POST",
    "",
    invitations.CreateTrialInvitation,
    INVITATIONS_COMMANDS,
    invitations.TrialInvitationCreated,
    body=NewInvitation,
    by="created_by",
    company="partner_id",
    new="invitation_id",
    status_code=201,
).offer(
    router,
    who=SupportingPartnerUser,
    name="create_invitation",
    doc="""One trial subscription (service + seats), optionally with delegated administration.
    The answer carries the URL to send to any number of customers.""",
)


Listing(
    "", relayed_page("invitations", "/internal/invitations", PARTNER_ID), views.InvitationPage
).offer(router, who=SupportingPartnerUser, name="list_invitations")


# The service's access policy: another partner's invitation is a 404 like a random id.
Relay(
    "/{invitation_id}",
    "invitations",
    "/internal/invitations/{invitation_id}",
    views.InvitationDetail,
    query=PARTNER_ID,
).offer(router, who=SupportingPartnerUser, name="get_invitation")


async def own_invitation(
    gateway: Gateway, user: Principal, invitation_id: uuid.UUID
) -> dict[str, Any]:
    """The partner's own invitation; another partner's gets the very same 404 as a random
    id (the invitations service decides), so nothing says it exists."""
    invitation: dict[str, Any] = await gateway.invitations.get(
        f"/internal/invitations/{invitation_id}", partner_id=user.company_id
    )
    return invitation


Send(
    "POST",
    "/{invitation_id}/revoke",
    invitations.RevokeTrialInvitation,
    INVITATIONS_COMMANDS,
    invitations.TrialInvitationRevoked,
    by="revoked_by",
    company="partner_id",
).offer(router, who=SupportingPartnerUser, name="revoke_invitation")
