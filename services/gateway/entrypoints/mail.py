"""Sending a link by e-mail, and what became of each message.

"Send by e-mail" is a command to the notifications service: it records one delivery per
recipient and answers at once (202 with the delivery ids); its sender then delivers each
message with retries. The gateway never talks to a mail server. Each route first asks the
owning service for the invitation, offer or delegation request as the partner's own (another
partner's is the same 404 as a random id), then sends or reads.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, EmailStr, Field

from services.gateway.adapters.sessions import Principal
from services.gateway.deps import Gateway, GatewayDep
from services.gateway.entrypoints.preferences import LanguageView, RequestLanguage
from services.gateway.i18n import Language
from services.gateway.security import SupportingPartnerUser
from shared.contracts import notifications
from shared.contracts.notifications import QueuedDelivery, SubjectKind
from shared.contracts.topics import NOTIFICATIONS_COMMANDS
from shared.problems import Problem, problem_responses
from shared.views import notifications as views

router = APIRouter(prefix="/api/partner", tags=["sending links"])


class Recipients(BaseModel):
    model_config = ConfigDict(extra="forbid")
    to: list[EmailStr] = Field(min_length=1, max_length=50)
    message: str = Field(default="", max_length=2000, description="A personal note")
    language: Language | None = Field(
        default=None, description="The e-mail's language; default: the sender's portal language"
    )


class Queued(BaseModel):
    """Accepted: one message per recipient is queued; each delivery's status follows at the
    subject's ``/deliveries``."""

    request_id: uuid.UUID = Field(description="This send request")
    deliveries: list[QueuedDelivery] = Field(description="One per distinct recipient")


SEND_PROBLEMS = problem_responses(401, 403, 404, 422, 503, 504)
READ_PROBLEMS = problem_responses(401, 403, 404, 422, 502, 503)


async def _send(
    gateway: Gateway,
    user: Principal,
    kind: SubjectKind,
    subject_id: uuid.UUID,
    url: str,
    body: Recipients,
    language: LanguageView,
) -> Queued:
    profile = await gateway.partner_named_by(user.company_id)
    command = notifications.SendLinkByEmail(
        request_id=uuid.uuid4(),
        partner_id=user.company_id,
        sent_by=user.user_id,
        subject_kind=kind,
        subject_id=subject_id,
        url=url,
        recipients=body.to,
        note=body.message,
        language=body.language or language.language,
        partner=notifications.PartnerContact(
            name=profile["name"],
            phone=profile.get("phone") or None,
            website=profile.get("website") or None,
            support_email=profile.get("support_email") or None,
        ),
    )
    queued = notifications.LinkEmailQueued.model_validate(
        (await gateway.execute(command, topic=NOTIFICATIONS_COMMANDS)).data
    )
    return Queued(request_id=queued.request_id, deliveries=queued.deliveries)


async def _deliveries(
    gateway: Gateway, user: Principal, kind: SubjectKind, subject_id: uuid.UUID, limit: int
) -> Any:
    return await gateway.notifications.relay(
        "/internal/deliveries",
        partner_id=user.company_id,
        subject_kind=kind,
        subject_id=subject_id,
        limit=limit,
    )


async def _own_link(
    service: str, gateway: Gateway, user: Principal, link_id: uuid.UUID
) -> dict[str, Any]:
    """The partner's own invitation or offer (``service``'s); another partner's gets the very
    same 404 as a random id (the service decides), so nothing says it exists."""
    link: dict[str, Any] = await getattr(gateway, service).get(
        f"/internal/{service}/{link_id}", partner_id=user.company_id
    )
    return link


async def _own_delegation_request(
    gateway: Gateway, user: Principal, request_id: uuid.UUID
) -> dict[str, Any]:
    # The delegation service's access policy answers another partner's request exactly like
    # one that does not exist.
    request: dict[str, Any] = await gateway.delegation.get(
        f"/internal/requests/{request_id}", partner_id=user.company_id
    )
    if not request.get("url"):
        raise Problem(404, "not_found", "No such delegation request.")
    return request


Limit = Query(200, ge=1, le=500)


@dataclass(frozen=True)
class _Link:
    """A subject whose link can be sent: its kind, its path, its words and how to get it as
    the partner's own (a dict with the link's ``url``)."""

    kind: SubjectKind
    path: str  # "/invitations/{invitation_id}"
    noun: str  # "invitation", "offer", "delegation request"
    own: Callable[[Gateway, Principal, uuid.UUID], Awaitable[dict[str, Any]]]
    sender: str  # the send route's name (its operation id's start)


async def _own_invitation_link(
    gateway: Gateway, user: Principal, invitation_id: uuid.UUID
) -> dict[str, Any]:
    invitation = await _own_link("invitations", gateway, user, invitation_id)
    base = gateway.settings.public_base_url.rstrip("/")
    return {**invitation, "url": f"{base}/i/{invitation['code']}"}


def _routes(link: _Link) -> None:
    """``POST {path}/send`` and ``GET {path}/deliveries`` for one kind of link."""
    subject = Path(alias=link.path.rsplit("{", 1)[1].rstrip("}"))  # the path's id

    async def send(
        body: Recipients,
        user: SupportingPartnerUser,
        gateway: GatewayDep,
        language: RequestLanguage,
        subject_id: uuid.UUID = subject,
    ) -> Queued:
        url = (await link.own(gateway, user, subject_id))["url"]
        return await _send(gateway, user, link.kind, subject_id, url, body, language)

    async def deliveries(
        user: SupportingPartnerUser,
        gateway: GatewayDep,
        subject_id: uuid.UUID = subject,
        limit: int = Limit,
    ) -> Any:
        await link.own(gateway, user, subject_id)
        return await _deliveries(gateway, user, link.kind, subject_id, limit)

    router.post(
        f"{link.path}/send",
        status_code=202,
        response_model=Queued,
        responses=SEND_PROBLEMS,
        name=link.sender,
        description=f"The {link.noun}'s link to each recipient, one message each.",
    )(send)
    router.get(
        f"{link.path}/deliveries",
        response_model=views.DeliveryList,
        responses=READ_PROBLEMS,
        name=f"{link.kind}_deliveries",
        description=f"Each message sent with the {link.noun}'s link: to whom, and its status.",
    )(deliveries)


for _link in (
    _Link(
        "invitation",
        "/invitations/{invitation_id}",
        "invitation",
        _own_invitation_link,
        "send_invitation",
    ),
    _Link("offer", "/offers/{offer_id}", "offer", partial(_own_link, "offers"), "send_offer"),
    _Link(
        "delegation_request",
        "/delegation-requests/{request_id}",
        "delegation request",
        _own_delegation_request,
        "send_delegation_offer",
    ),
):
    _routes(_link)
