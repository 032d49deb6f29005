"""Trial invitations, for partner users."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from services.gateway.deps import GatewayDep
from shared.contracts import invitations
from shared.contracts.topics import INVITATIONS_COMMANDS

router = APIRouter(prefix="/api/partners/{partner_id}/invitations", tags=["invitations"])


class NewInvitation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    created_by: uuid.UUID
    service_id: str
    seats: int = Field(ge=1)
    delegation_role: Literal["full", "limited"] | None = None
    expires_at: datetime | None = None
    max_redemptions: int | None = Field(default=None, ge=1)


class Revocation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    revoked_by: uuid.UUID


@router.post("", status_code=201)
async def create_invitation(
    partner_id: uuid.UUID, body: NewInvitation, gateway: GatewayDep
) -> dict[str, Any]:
    command = invitations.CreateTrialInvitation(
        invitation_id=uuid.uuid4(), partner_id=partner_id, **body.model_dump()
    )
    outcome = await gateway.execute(command, topic=INVITATIONS_COMMANDS)
    return outcome.data


@router.get("")
async def list_invitations(
    partner_id: uuid.UUID,
    gateway: GatewayDep,
    limit: int = Query(50, ge=1, le=200),
    before: datetime | None = None,
) -> dict[str, Any]:
    result: dict[str, Any] = await gateway.invitations.get(
        "/internal/invitations",
        partner_id=partner_id,
        limit=limit,
        before=before.isoformat() if before else None,
    )
    return result


@router.post("/{invitation_id}/revoke")
async def revoke_invitation(
    partner_id: uuid.UUID, invitation_id: uuid.UUID, body: Revocation, gateway: GatewayDep
) -> dict[str, Any]:
    command = invitations.RevokeTrialInvitation(
        invitation_id=invitation_id, partner_id=partner_id, revoked_by=body.revoked_by
    )
    return (await gateway.execute(command, topic=INVITATIONS_COMMANDS)).data
