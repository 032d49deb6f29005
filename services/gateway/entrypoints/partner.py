"""The partner's own company."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from services.gateway.deps import GatewayDep
from services.gateway.security import PartnerUser

router = APIRouter(prefix="/api/partner", tags=["partner"])


@router.get("/company")
async def company(user: PartnerUser, gateway: GatewayDep) -> Any:
    """Every user of the partner may read it."""
    return await gateway.directory.get(f"/internal/partners/{user.company_id}")
