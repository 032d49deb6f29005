"""The partner overview's live counts and sending links by e-mail."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, EmailStr, Field

from services.gateway.adapters.sessions import Principal
from services.gateway.deps import Gateway, GatewayDep
from services.gateway.entrypoints.invitations import own_invitation
from services.gateway.entrypoints.preferences import LanguageView, RequestLanguage
from services.gateway.i18n import Language
from services.gateway.mail_text import LinkKind, link_mail
from services.gateway.security import SupportingPartnerUser
from shared.problems import Problem, problem_responses

router = APIRouter(prefix="/api/partner", tags=["partner overview"])


class Recipients(BaseModel):
    model_config = ConfigDict(extra="forbid")
    to: list[EmailStr] = Field(min_length=1, max_length=50)
    message: str = Field(default="", max_length=2000, description="A personal note")
    language: Language | None = Field(
        default=None, description="The e-mail's language; default: the sender's portal language"
    )


class Overview(BaseModel):
    """The partner overview's live counts; null where the owning service did not answer."""

    customers: int | None = Field(description="Customers in the partner's reach")
    active_invitations: int | None
    open_offers: int | None
    pending_delegations: int | None
    open_service_requests: int | None


class Sent(BaseModel):
    sent: int = Field(description="How many recipients the message was sent to")


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


async def _send_link(
    gateway: Gateway,
    user: Principal,
    kind: LinkKind,
    url: str,
    body: Recipients,
    language: LanguageView,
) -> Sent:
    profile = await gateway.directory.get(f"/internal/partners/{user.company_id}/public")
    subject, text = link_mail(
        body.language or language.language, kind=kind, partner=profile, url=url, note=body.message
    )
    try:
        await gateway.mailer.send(
            to=[str(a) for a in body.to],
            subject=subject,
            body=text,
            reply_to=profile.get("support_email"),
        )
    except OSError as exc:
        raise Problem(503, "mail_unavailable", "The mail server is not answering.") from exc
    return Sent(sent=len(body.to))


@router.post(
    "/invitations/{invitation_id}/send",
    response_model=Sent,
    responses=problem_responses(401, 403, 404, 422, 503),
)
async def send_invitation(
    invitation_id: uuid.UUID,
    body: Recipients,
    user: SupportingPartnerUser,
    gateway: GatewayDep,
    language: RequestLanguage,
) -> Sent:
    invitation = await own_invitation(gateway, user, invitation_id)
    url = f"{gateway.settings.public_base_url.rstrip('/')}/i/{invitation['code']}"
    return await _send_link(gateway, user, "trial", url, body, language)


@router.post(
    "/offers/{offer_id}/send",
    response_model=Sent,
    responses=problem_responses(401, 403, 404, 422, 503),
)
async def send_offer(
    offer_id: uuid.UUID,
    body: Recipients,
    user: SupportingPartnerUser,
    gateway: GatewayDep,
    language: RequestLanguage,
) -> Sent:
    offer = await gateway.offers.get(f"/internal/offers/{offer_id}", partner_id=user.company_id)
    return await _send_link(gateway, user, "offer", offer["url"], body, language)


@router.post(
    "/delegation-requests/{request_id}/send",
    response_model=Sent,
    responses=problem_responses(401, 403, 404, 422, 503),
)
async def send_delegation_offer(
    request_id: uuid.UUID,
    body: Recipients,
    user: SupportingPartnerUser,
    gateway: GatewayDep,
    language: RequestLanguage,
) -> Sent:
    # The delegation service's access policy answers another partner's request exactly like
    # one that does not exist.
    request = await gateway.delegation.get(
        f"/internal/requests/{request_id}", partner_id=user.company_id
    )
    if not request.get("url"):
        raise Problem(404, "not_found", "No such delegation request.")
    return await _send_link(gateway, user, "delegation", request["url"], body, language)
