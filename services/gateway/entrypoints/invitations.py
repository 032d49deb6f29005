"""Trial invitations, for partner users with admin access to supported companies."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from services.gateway.routes import Send, partner_links
from services.gateway.security import SupportingPartnerUser
from shared.contracts import invitations
from shared.contracts.topics import INVITATIONS_COMMANDS
from shared.views import invitations as views

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


partner_links(
    router, "", "invitations", views.InvitationPage, views.InvitationDetail, key="invitation_id"
)


Send(
    "POST",
    "/{invitation_id}/revoke",
    invitations.RevokeTrialInvitation,
    INVITATIONS_COMMANDS,
    invitations.TrialInvitationRevoked,
    by="revoked_by",
    company="partner_id",
).offer(router, who=SupportingPartnerUser, name="revoke_invitation")
