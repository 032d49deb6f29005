"""The partner overview's live counts (sending links by e-mail: ``mail.py``)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from services.gateway.deps import GatewayDep
from services.gateway.security import SupportingPartnerUser
from shared.problems import Problem, problem_responses

router = APIRouter(prefix="/api/partner", tags=["partner overview"])


class Overview(BaseModel):
    """The partner overview's live counts; null where the owning service did not answer."""

    customers: int | None = Field(description="Customers in the partner's reach")
    active_invitations: int | None
    open_offers: int | None
    pending_delegations: int | None
    open_service_requests: int | None


@router.get("/overview", response_model=Overview, responses=problem_responses(401, 403))
async def overview(user: SupportingPartnerUser, gateway: GatewayDep) -> Overview:
    """Counts for the overview page; a service that does not answer gives null, not an error."""
    pid = user.company_id

    async def counts(coro: Awaitable[Any]) -> dict[str, Any]:
        try:
            return dict(await coro)
        except Problem:
            return {}

    async def fetch() -> Overview:
        # One call per owning service, all at once: the page waits for the slowest only.
        directory, invitations, offers, delegations = await asyncio.gather(
            counts(gateway.directory.get(f"/internal/partners/{pid}/counts")),
            counts(gateway.invitations.get("/internal/invitations/counts", partner_id=pid)),
            counts(gateway.offers.get("/internal/offers/counts", partner_id=pid)),
            counts(gateway.delegation.get(f"/internal/partners/{pid}/counts")),
        )
        return Overview(
            customers=directory.get("customers"),
            active_invitations=invitations.get("active"),
            open_offers=offers.get("active"),
            pending_delegations=delegations.get("pending"),
            open_service_requests=directory.get("open_service_requests"),
        )

    # Kept until an event names this partner (so a partner's own change shows at once); a
    # count a service could not give is not kept.
    def complete(answer: Overview) -> bool:
        return None not in answer.model_dump().values()

    ttl = gateway.settings.overview_fresh_seconds
    answer: Overview = await gateway.fresh.get(
        ("overview", pid), (pid,), fetch, keep=complete, ttl=ttl
    )
    return answer
