"""What a customer sees from a link, before signing in: the offer and who makes it."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Path

from services.gateway.deps import Gateway, GatewayDep
from services.gateway.security import PublicPageLimit
from shared.contracts.base import Command
from shared.contracts.common import CODE_PATTERN
from shared.contracts.invitations import RecordInvitationOpened
from shared.contracts.offers import RecordOfferOpened
from shared.contracts.topics import INVITATIONS_COMMANDS, OFFERS_COMMANDS
from shared.logging import get_logger
from shared.problems import problem_responses
from shared.views import gateway as views
from shared.views.offers import Catalogue

# Checked before it goes into an internal URL: no "../", nothing a URL cannot carry.
Code = Annotated[str, Path(pattern=CODE_PATTERN)]

log = get_logger(__name__)

# Counting an open must not slow the page down nor fail it: the command is sent in the
# background (a reference is kept so the task is not collected before it ends).
_counting: set[asyncio.Task[None]] = set()

router = APIRouter(prefix="/api/public", tags=["public"], dependencies=[PublicPageLimit])


@router.get(
    "/invitations/{code}",
    response_model=views.PublicInvitationPage,
    responses=problem_responses(404, 410, 422, 429, 502, 503),
)
async def invitation_page(code: Code, gateway: GatewayDep) -> dict[str, Any]:
    # The invitations service answers 410 for a revoked, expired or used-up invitation, and
    # says nothing about who made it.
    invitation = dict(await gateway.invitations.get(f"/internal/invitations/by-code/{code}"))
    partner_id = invitation.pop("partner_id")
    _count_open(gateway, RecordInvitationOpened(code=code), INVITATIONS_COMMANDS)
    partner, service = await asyncio.gather(
        gateway.partner_named_by(partner_id),
        gateway.offers.get(f"/internal/catalogue/{invitation['service_id']}"),
    )
    return {"invitation": invitation, "service": service, "partner": partner}


def _count_open(gateway: Gateway, command: Command, topic: str) -> None:
    """One more page load of a link that can be redeemed: a count, no cookie, no address;
    a reload counts again (the README says why that is the rule)."""

    async def send() -> None:
        try:
            await gateway.bus.send(command, topic=topic, timeout=gateway.settings.command_timeout)
        except Exception as exc:  # a lost count is not worth a failed page
            log.warning("open_not_counted", error=type(exc).__name__)

    task = asyncio.create_task(send())
    _counting.add(task)
    task.add_done_callback(_counting.discard)


@router.get("/catalogue", response_model=Catalogue, responses=problem_responses(429, 502, 503))
async def catalogue(gateway: GatewayDep) -> Any:
    return await gateway.offers.relay("/internal/catalogue")


@router.get(
    "/offers/{code}",
    response_model=views.PublicOfferPage,
    responses=problem_responses(404, 410, 422, 429, 502, 503),
)
async def offer_page(code: Code, gateway: GatewayDep) -> dict[str, Any]:
    # The offers service answers 410 for an offer that can no longer be bought.
    offer = dict(await gateway.offers.get(f"/internal/offers/by-code/{code}"))
    _count_open(gateway, RecordOfferOpened(code=code), OFFERS_COMMANDS)
    partner_id = offer.pop("partner_id")
    partner = await gateway.partner_named_by(partner_id)
    return {"offer": offer, "partner": partner}
