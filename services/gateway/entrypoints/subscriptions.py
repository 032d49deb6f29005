"""Subscriptions and licences, for the customer's Global admin and for a partner user acting
for the customer (the directory decides whether the partner may)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from services.gateway.adapters.sessions import Principal
from services.gateway.deps import Gateway, GatewayDep
from services.gateway.security import CustomerAdmin, CustomerUser, SupportingPartnerUser
from shared.contracts import directory
from shared.contracts.base import Command
from shared.contracts.topics import DIRECTORY_COMMANDS
from shared.problems import problem_responses
from shared.views import directory as views

router = APIRouter(tags=["subscriptions and licences"])


class Quantity(BaseModel):
    model_config = ConfigDict(extra="forbid")
    quantity: int = Field(ge=1, le=1_000_000)


class Reason(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(default="", max_length=500)


class Assignee(BaseModel):
    model_config = ConfigDict(extra="forbid")
    user_id: uuid.UUID


async def _change(
    gateway: Gateway,
    actor: Principal,
    customer_id: uuid.UUID,
    subscription_id: uuid.UUID,
    action: str,
    body: BaseModel | None,
) -> Any:
    fields: dict[str, Any] = {
        "customer_id": customer_id,
        "subscription_id": subscription_id,
        "actor_user_id": actor.user_id,
    }
    fields |= body.model_dump() if body is not None else {}
    command = _COMMANDS[action](**fields)
    return (await gateway.execute(command, topic=DIRECTORY_COMMANDS)).data


_COMMANDS: dict[str, type[Command]] = {
    "quantity": directory.ChangeSubscriptionQuantity,
    "suspend": directory.SuspendSubscription,
    "reactivate": directory.ReactivateSubscription,
    "cancel": directory.CancelSubscription,
    "assign": directory.AssignLicence,
    "unassign": directory.RemoveLicence,
}


@router.get(
    "/api/customer/licences",
    response_model=list[views.Licences],
    responses=problem_responses(401, 403, 502, 503),
)
async def my_licences(user: CustomerUser, gateway: GatewayDep) -> Any:
    """Every subscription of the company with its assigned licence count."""
    return await gateway.directory.relay(f"/internal/customers/{user.company_id}/licences")


@router.get(
    "/api/customer/subscriptions/{subscription_id}/assignments",
    response_model=list[views.Assignment],
    responses=problem_responses(401, 403, 404, 422, 502, 503),
)
async def my_assignments(
    subscription_id: uuid.UUID, user: CustomerUser, gateway: GatewayDep
) -> Any:
    return await gateway.directory.relay(
        f"/internal/customers/{user.company_id}/subscriptions/{subscription_id}/assignments"
    )


@router.get(
    "/api/partner/customers/{customer_id}/licences",
    response_model=list[views.Licences],
    responses=problem_responses(401, 403, 404, 422, 502, 503),
)
async def customer_licences(
    customer_id: uuid.UUID, user: SupportingPartnerUser, gateway: GatewayDep
) -> Any:
    # The directory answers 404 outside the partner's reach (its access policy).
    return await gateway.read(
        gateway.directory,
        f"/internal/customers/{customer_id}/licences",
        ids=(customer_id, user.company_id, user.user_id),
        actor_user_id=user.user_id,
    )


@router.post(
    "/api/customer/subscriptions/{subscription_id}/quantity",
    response_model=directory.SubscriptionQuantityChanged,
    responses=problem_responses(401, 403, 404, 409, 422, 503, 504),
)
async def customer_quantity(
    subscription_id: uuid.UUID, body: Quantity, user: CustomerAdmin, gateway: GatewayDep
) -> Any:
    """The customer's Global admin: change the number of licences (not below those
    assigned)."""
    return await _change(gateway, user, user.company_id, subscription_id, "quantity", body)


@router.post(
    "/api/partner/customers/{customer_id}/subscriptions/{subscription_id}/quantity",
    response_model=directory.SubscriptionQuantityChanged,
    responses=problem_responses(401, 403, 404, 409, 422, 503, 504),
)
async def partner_quantity(
    customer_id: uuid.UUID,
    subscription_id: uuid.UUID,
    body: Quantity,
    user: SupportingPartnerUser,
    gateway: GatewayDep,
) -> Any:
    """A partner user acting for the customer: change the number of licences (not below
    those assigned)."""
    return await _change(gateway, user, customer_id, subscription_id, "quantity", body)


@router.post(
    "/api/customer/subscriptions/{subscription_id}/suspend",
    response_model=directory.SubscriptionSuspended,
    responses=problem_responses(401, 403, 404, 409, 422, 503, 504),
)
async def customer_suspend(
    subscription_id: uuid.UUID, body: Reason, user: CustomerAdmin, gateway: GatewayDep
) -> Any:
    """The customer's Global admin: suspend."""
    return await _change(gateway, user, user.company_id, subscription_id, "suspend", body)


@router.post(
    "/api/partner/customers/{customer_id}/subscriptions/{subscription_id}/suspend",
    response_model=directory.SubscriptionSuspended,
    responses=problem_responses(401, 403, 404, 409, 422, 503, 504),
)
async def partner_suspend(
    customer_id: uuid.UUID,
    subscription_id: uuid.UUID,
    body: Reason,
    user: SupportingPartnerUser,
    gateway: GatewayDep,
) -> Any:
    """A partner user acting for the customer: suspend."""
    return await _change(gateway, user, customer_id, subscription_id, "suspend", body)


@router.post(
    "/api/customer/subscriptions/{subscription_id}/reactivate",
    response_model=directory.SubscriptionReactivated,
    responses=problem_responses(401, 403, 404, 409, 422, 503, 504),
)
async def customer_reactivate(
    subscription_id: uuid.UUID, user: CustomerAdmin, gateway: GatewayDep
) -> Any:
    """The customer's Global admin: reactivate a suspended subscription."""
    return await _change(gateway, user, user.company_id, subscription_id, "reactivate", None)


@router.post(
    "/api/partner/customers/{customer_id}/subscriptions/{subscription_id}/reactivate",
    response_model=directory.SubscriptionReactivated,
    responses=problem_responses(401, 403, 404, 409, 422, 503, 504),
)
async def partner_reactivate(
    customer_id: uuid.UUID,
    subscription_id: uuid.UUID,
    user: SupportingPartnerUser,
    gateway: GatewayDep,
) -> Any:
    """A partner user acting for the customer: reactivate a suspended subscription."""
    return await _change(gateway, user, customer_id, subscription_id, "reactivate", None)


@router.post(
    "/api/customer/subscriptions/{subscription_id}/cancel",
    response_model=directory.SubscriptionCancelled,
    responses=problem_responses(401, 403, 404, 409, 422, 503, 504),
)
async def customer_cancel(
    subscription_id: uuid.UUID, body: Reason, user: CustomerAdmin, gateway: GatewayDep
) -> Any:
    """The customer's Global admin: cancel (releases every licence)."""
    return await _change(gateway, user, user.company_id, subscription_id, "cancel", body)


@router.post(
    "/api/partner/customers/{customer_id}/subscriptions/{subscription_id}/cancel",
    response_model=directory.SubscriptionCancelled,
    responses=problem_responses(401, 403, 404, 409, 422, 503, 504),
)
async def partner_cancel(
    customer_id: uuid.UUID,
    subscription_id: uuid.UUID,
    body: Reason,
    user: SupportingPartnerUser,
    gateway: GatewayDep,
) -> Any:
    """A partner user acting for the customer: cancel (releases every licence)."""
    return await _change(gateway, user, customer_id, subscription_id, "cancel", body)


@router.post(
    "/api/customer/subscriptions/{subscription_id}/assign",
    response_model=directory.LicenceAssigned,
    responses=problem_responses(401, 403, 404, 409, 422, 503, 504),
)
async def customer_assign(
    subscription_id: uuid.UUID, body: Assignee, user: CustomerAdmin, gateway: GatewayDep
) -> Any:
    """The customer's Global admin: assign a licence to a user of the customer."""
    return await _change(gateway, user, user.company_id, subscription_id, "assign", body)


@router.post(
    "/api/partner/customers/{customer_id}/subscriptions/{subscription_id}/assign",
    response_model=directory.LicenceAssigned,
    responses=problem_responses(401, 403, 404, 409, 422, 503, 504),
)
async def partner_assign(
    customer_id: uuid.UUID,
    subscription_id: uuid.UUID,
    body: Assignee,
    user: SupportingPartnerUser,
    gateway: GatewayDep,
) -> Any:
    """A partner user acting for the customer: assign a licence to a user of the customer."""
    return await _change(gateway, user, customer_id, subscription_id, "assign", body)


@router.post(
    "/api/customer/subscriptions/{subscription_id}/unassign",
    response_model=directory.LicenceRemoved,
    responses=problem_responses(401, 403, 404, 409, 422, 503, 504),
)
async def customer_unassign(
    subscription_id: uuid.UUID, body: Assignee, user: CustomerAdmin, gateway: GatewayDep
) -> Any:
    """The customer's Global admin: take a licence back."""
    return await _change(gateway, user, user.company_id, subscription_id, "unassign", body)


@router.post(
    "/api/partner/customers/{customer_id}/subscriptions/{subscription_id}/unassign",
    response_model=directory.LicenceRemoved,
    responses=problem_responses(401, 403, 404, 409, 422, 503, 504),
)
async def partner_unassign(
    customer_id: uuid.UUID,
    subscription_id: uuid.UUID,
    body: Assignee,
    user: SupportingPartnerUser,
    gateway: GatewayDep,
) -> Any:
    """A partner user acting for the customer: take a licence back."""
    return await _change(gateway, user, customer_id, subscription_id, "unassign", body)
