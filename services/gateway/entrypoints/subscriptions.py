"""Subscriptions and licences, for the customer's Global admin and for a partner user acting
for the customer (the directory decides whether the partner may)."""

from __future__ import annotations

import inspect
import uuid
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from services.gateway.adapters.sessions import Principal
from services.gateway.deps import Gateway, GatewayDep
from services.gateway.routes import Relay
from services.gateway.security import CustomerAdmin, CustomerUser, SupportingPartnerUser
from shared.contracts import directory
from shared.contracts.base import Command, Event
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


Relay(
    "/api/customer/licences",
    "directory",
    "/internal/customers/{company_id}/licences",
    list[views.Licences],
).offer(
    router,
    who=CustomerUser,
    name="my_licences",
    doc="Every subscription of the company with its assigned licence count.",
)
Relay(
    "/api/customer/subscriptions/{subscription_id}/assignments",
    "directory",
    "/internal/customers/{company_id}/subscriptions/{subscription_id}/assignments",
    list[views.Assignment],
).offer(router, who=CustomerUser, name="my_assignments")


@router.get(
    "/api/partner/customers/{customer_id}/licences",
    response_model=list[views.Licences],
    responses=problem_responses(401, 403, 404, 422, 502, 503),
)
async def customer_licences(
    customer_id: uuid.UUID, user: SupportingPartnerUser, gateway: GatewayDep
) -> Any:
    # The directory answers 404 outside the partner's reach (its access policy).
    return await gateway.customer_view(user, customer_id, "licences")


@dataclass(frozen=True)
class _Change:
    """One change of a subscription, offered twice: to the customer's Global admin on
    ``/api/customer/subscriptions/{id}/<name>`` and to a partner user acting for the customer
    on ``/api/partner/customers/{customer_id}/subscriptions/{id}/<name>``."""

    name: str
    command: type[Command]
    answer: type[Event]
    body: type[BaseModel] | None
    does: str


CHANGES = (
    _Change(
        "quantity",
        directory.ChangeSubscriptionQuantity,
        directory.SubscriptionQuantityChanged,
        Quantity,
        "change the number of licences (not below those assigned).",
    ),
    _Change(
        "suspend",
        directory.SuspendSubscription,
        directory.SubscriptionSuspended,
        Reason,
        "suspend.",
    ),
    _Change(
        "reactivate",
        directory.ReactivateSubscription,
        directory.SubscriptionReactivated,
        None,
        "reactivate a suspended subscription.",
    ),
    _Change(
        "cancel",
        directory.CancelSubscription,
        directory.SubscriptionCancelled,
        Reason,
        "cancel (releases every licence).",
    ),
    _Change(
        "assign",
        directory.AssignLicence,
        directory.LicenceAssigned,
        Assignee,
        "assign a licence to a user of the customer.",
    ),
    _Change(
        "unassign",
        directory.RemoveLicence,
        directory.LicenceRemoved,
        Assignee,
        "take a licence back.",
    ),
)


async def _change(
    gateway: Gateway,
    actor: Principal,
    customer_id: uuid.UUID,
    subscription_id: uuid.UUID,
    change: _Change,
    body: BaseModel | None,
) -> Any:
    fields: dict[str, Any] = {
        "customer_id": customer_id,
        "subscription_id": subscription_id,
        "actor_user_id": actor.user_id,
    }
    fields |= body.model_dump() if body is not None else {}
    command = change.command(**fields)
    return (await gateway.execute(command, topic=DIRECTORY_COMMANDS)).data


def _offer(change: _Change) -> None:
    """Both routes of ``change``; the directory decides whether a partner may act."""

    async def customer(
        subscription_id: uuid.UUID, user: CustomerAdmin, gateway: GatewayDep, body: Any = None
    ) -> Any:
        return await _change(gateway, user, user.company_id, subscription_id, change, body)

    async def partner(
        customer_id: uuid.UUID,
        subscription_id: uuid.UUID,
        user: SupportingPartnerUser,
        gateway: GatewayDep,
        body: Any = None,
    ) -> Any:
        return await _change(gateway, user, customer_id, subscription_id, change, body)

    _route(change, customer, "/api/customer", "The customer's Global admin")
    _route(
        change,
        partner,
        "/api/partner/customers/{customer_id}",
        "A partner user acting for the customer",
    )


def _route(change: _Change, endpoint: Any, prefix: str, who: str) -> None:
    """``endpoint`` as ``POST <prefix>/subscriptions/{subscription_id}/<name>``, its body
    (its last parameter) the change's model, or none."""
    endpoint.__name__ = f"{endpoint.__name__}_{change.name}"  # the operation's id
    endpoint.__doc__ = f"{who}: {change.does}"
    signature = inspect.signature(endpoint, eval_str=True)
    *parameters, body = signature.parameters.values()
    if change.body is not None:
        parameters.append(body.replace(annotation=change.body, default=inspect.Parameter.empty))
    endpoint.__signature__ = signature.replace(parameters=parameters)
    router.post(
        f"{prefix}/subscriptions/{{subscription_id}}/{change.name}",
        response_model=change.answer,
        responses=problem_responses(401, 403, 404, 409, 422, 503, 504),
    )(endpoint)


for _each in CHANGES:
    _offer(_each)
