"""The customer side: sign up, redeem an invitation, subscriptions, delegation decisions."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, EmailStr, Field

from services.gateway.adapters.passwords import hash_password
from services.gateway.adapters.sessions import Principal
from services.gateway.deps import Gateway, GatewayDep
from services.gateway.entrypoints.session import start_session
from services.gateway.routes import Listing, Relay, Send, redemption
from services.gateway.security import CustomerAdmin, CustomerUser, SignInLimit
from shared.contracts import delegation, directory, invitations, offers
from shared.contracts.base import Command
from shared.contracts.common import CODE_PATTERN
from shared.contracts.topics import (
    DELEGATION_COMMANDS,
    DIRECTORY_COMMANDS,
    INVITATIONS_COMMANDS,
    OFFERS_COMMANDS,
)
from shared.logging import get_logger
from shared.problems import Problem, problem_responses
from shared.views import delegation as delegation_views
from shared.views import directory as directory_views
from shared.views.gateway import SignedUp

log = get_logger(__name__)

router = APIRouter(tags=["customers"])


class NewAdmin(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: EmailStr
    display_name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=12, max_length=200)


class SignUp(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    domain: str = Field(min_length=3, max_length=253)
    contact_email: EmailStr
    admin: NewAdmin
    invitation_code: str | None = Field(
        default=None,
        pattern=CODE_PATTERN,
        description="The code of the invitation whose page the customer signed up from: "
        "counted in that invitation's funnel (accounts created from the link)",
    )
    offer_code: str | None = Field(
        default=None,
        pattern=CODE_PATTERN,
        description="The code of the offer whose page the customer signed up from: counted "
        "in that offer's funnel (accounts created from the link)",
    )


class Code(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=16, max_length=128)


@router.post(
    "/api/signup",
    status_code=201,
    dependencies=[SignInLimit],
    response_model=SignedUp,
    responses=problem_responses(409, 422, 429, 502, 503, 504),
)
async def sign_up(
    body: SignUp, request: Request, response: Response, gateway: GatewayDep
) -> dict[str, Any]:
    """A new customer company and its first Global admin, signed in at once."""
    command = directory.RegisterCustomer(
        customer_id=uuid.uuid4(),
        name=body.name,
        domain=body.domain,
        contact_email=body.contact_email,
        admin=directory.FirstAdmin(
            user_id=uuid.uuid4(),
            email=body.admin.email,
            display_name=body.admin.display_name,
            password_hash=await hash_password(body.admin.password),
        ),
    )
    registered = (await gateway.execute(command, topic=DIRECTORY_COMMANDS)).data
    if body.invitation_code is not None:
        await _count_sign_up(
            gateway,
            invitations.RecordInvitationSignUp(
                code=body.invitation_code, customer_id=command.customer_id
            ),
            INVITATIONS_COMMANDS,
        )
    if body.offer_code is not None:
        await _count_sign_up(
            gateway,
            offers.RecordOfferSignUp(code=body.offer_code, customer_id=command.customer_id),
            OFFERS_COMMANDS,
        )
    user = await gateway.directory.get(f"/internal/users/{command.admin.user_id}")
    session = await start_session(request, response, gateway, Principal.from_directory(user))
    return {"customer": registered, **session}


async def _count_sign_up(gateway: Gateway, command: Command, topic: str) -> None:
    """The funnel's "account created from the link". The account exists already, so a
    count that fails (an unknown or revoked code, a timeout) must not fail the sign-up."""
    try:
        await gateway.execute(command, topic=topic)
    except Problem as exc:
        log.warning("sign_up_not_counted", status=exc.status, code=exc.code)


Relay(
    "/api/customer",
    "directory",
    "/internal/customers/{company_id}",
    directory_views.Customer,
    (401, 403, 404, 502, 503),
).offer(router, who=CustomerUser, name="my_company")
redemption(
    "/api/customer/redemptions",
    invitations.RedeemTrialInvitation,
    INVITATIONS_COMMANDS,
    invitations.TrialInvitationRedeemed,
    Code,
).offer(
    router,
    who=CustomerAdmin,
    name="redeem",
    doc="Redeem a trial invitation for the signed-in admin's company.",
)
Relay(
    "/api/customer/subscriptions",
    "directory",
    "/internal/customers/{company_id}/subscriptions",
    list[directory_views.Subscription],
).offer(router, who=CustomerUser, name="subscriptions")


async def _requests(gateway: Gateway, user: Principal, limit: int, cursor: str | None) -> Any:
    return await _named_page(gateway, user, "requests", limit, cursor)


async def _relationships(gateway: Gateway, user: Principal, limit: int, cursor: str | None) -> Any:
    return await _named_page(gateway, user, "relationships", limit, cursor)


Listing("/api/customer/delegation-requests", _requests, delegation_views.NamedRequestPage).offer(
    router, who=CustomerUser, name="delegation_requests"
)
Listing("/api/customer/delegations", _relationships, delegation_views.NamedRelationshipPage).offer(
    router, who=CustomerUser, name="relationships"
)


async def _named_page(
    gateway: Gateway, user: Principal, listing: str, limit: int, cursor: str | None
) -> dict[str, Any]:
    """A page of the customer's delegation requests or relationships, each with its
    partner's public name: the customer sees who asks (the names are kept per partner,
    ``Gateway.partner_profile``, so a page costs one call to the delegation service)."""
    page: dict[str, Any] = await gateway.delegation.get(
        f"/internal/customers/{user.company_id}/{listing}", limit=limit, cursor=cursor
    )
    ids = sorted({item["partner_id"] for item in page["items"]})
    profiles = await asyncio.gather(*(gateway.partner_profile(uuid.UUID(p)) for p in ids))
    names = {p: f["name"] if f else None for p, f in zip(ids, profiles, strict=True)}
    return page | {"items": [i | {"partner_name": names[i["partner_id"]]} for i in page["items"]]}


# The customer's Global admin decides a delegation a partner offered.
for _verb, _command, _answer, _by in (
    ("approve", delegation.ApproveDelegationRequest, delegation.DelegationApproved, "approved_by"),
    ("decline", delegation.DeclineDelegationRequest, delegation.DelegationDeclined, "declined_by"),
):
    Send(
        "POST",
        f"/api/customer/delegation-requests/{{request_id}}/{_verb}",
        _command,
        DELEGATION_COMMANDS,
        _answer,
        by=_by,
        company="customer_id",
    ).offer(router, who=CustomerAdmin, name=_verb)
