"""Customer sign-up, redemption, subscriptions and delegation decisions."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, EmailStr, Field

from services.gateway.adapters.passwords import hash_password
from services.gateway.deps import GatewayDep
from shared.contracts import delegation, directory, invitations
from shared.contracts.topics import DELEGATION_COMMANDS, DIRECTORY_COMMANDS, INVITATIONS_COMMANDS

router = APIRouter(prefix="/api/customers", tags=["customers"])


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


class Redemption(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=16, max_length=128)
    redeemed_by: uuid.UUID


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decided_by: uuid.UUID


@router.post("", status_code=201)
async def sign_up(body: SignUp, gateway: GatewayDep) -> dict[str, Any]:
    command = directory.RegisterCustomer(
        customer_id=uuid.uuid4(),
        name=body.name,
        domain=body.domain,
        contact_email=body.contact_email,
        admin=directory.FirstAdmin(
            user_id=uuid.uuid4(),
            email=body.admin.email,
            display_name=body.admin.display_name,
            password_hash=hash_password(body.admin.password),
        ),
    )
    return (await gateway.execute(command, topic=DIRECTORY_COMMANDS)).data


@router.get("/{customer_id}")
async def get_customer(customer_id: uuid.UUID, gateway: GatewayDep) -> dict[str, Any]:
    result: dict[str, Any] = await gateway.directory.get(f"/internal/customers/{customer_id}")
    return result


@router.post("/{customer_id}/redemptions", status_code=201)
async def redeem(customer_id: uuid.UUID, body: Redemption, gateway: GatewayDep) -> dict[str, Any]:
    command = invitations.RedeemTrialInvitation(
        code=body.code, customer_id=customer_id, redeemed_by=body.redeemed_by
    )
    outcome = await gateway.execute(
        command, topic=INVITATIONS_COMMANDS, lagging_views=frozenset({"customer_not_found"})
    )
    return outcome.data


@router.get("/{customer_id}/subscriptions")
async def subscriptions(customer_id: uuid.UUID, gateway: GatewayDep) -> Any:
    return await gateway.directory.get(f"/internal/customers/{customer_id}/subscriptions")


@router.get("/{customer_id}/delegation-requests")
async def delegation_requests(customer_id: uuid.UUID, gateway: GatewayDep) -> Any:
    return await gateway.delegation.get(f"/internal/customers/{customer_id}/requests")


@router.post("/{customer_id}/delegation-requests/{request_id}/approve")
async def approve(
    customer_id: uuid.UUID, request_id: uuid.UUID, body: Decision, gateway: GatewayDep
) -> dict[str, Any]:
    command = delegation.ApproveDelegationRequest(
        request_id=request_id, customer_id=customer_id, approved_by=body.decided_by
    )
    return (await gateway.execute(command, topic=DELEGATION_COMMANDS)).data


@router.post("/{customer_id}/delegation-requests/{request_id}/decline")
async def decline(
    customer_id: uuid.UUID, request_id: uuid.UUID, body: Decision, gateway: GatewayDep
) -> dict[str, Any]:
    command = delegation.DeclineDelegationRequest(
        request_id=request_id, customer_id=customer_id, declined_by=body.decided_by
    )
    return (await gateway.execute(command, topic=DELEGATION_COMMANDS)).data
