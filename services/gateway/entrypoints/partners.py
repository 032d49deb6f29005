"""The partner's own company."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter

from services.gateway.deps import GatewayDep

router = APIRouter(prefix="/api/partners", tags=["partners"])


@router.get("/{partner_id}")
async def partner_profile(partner_id: uuid.UUID, gateway: GatewayDep) -> Any:
    return await gateway.directory.get(f"/internal/partners/{partner_id}")
