"""Service requests: opened by the partner for a customer, followed by both sides."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, EmailStr, Field

from services.gateway.adapters.sessions import Principal
from services.gateway.deps import Gateway, GatewayDep
from services.gateway.routes import CustomerRoute
from services.gateway.security import CustomerUser, SupportingPartnerUser
from shared.contracts import directory
from shared.contracts.topics import DIRECTORY_COMMANDS
from shared.problems import problem_responses
from shared.views import directory as views

router = APIRouter(tags=["service requests"])

Severity = Literal["critical", "high", "normal", "low"]
State = Literal["open", "in_progress", "waiting_on_customer", "resolved", "closed"]
States = Annotated[list[State] | None, Query(description="Repeat for several")]
Severities = Annotated[list[Severity] | None, Query(description="Repeat for several")]


class NewRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=10_000)
    severity: Severity = "normal"
    contact_name: str = Field(default="", max_length=200)
    contact_email: EmailStr | None = None


class Note(BaseModel):
    model_config = ConfigDict(extra="forbid")
    body: str = Field(min_length=1, max_length=10_000)


class StateChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    state: State


async def _list(
    gateway: Gateway,
    user: Principal,
    customer_id: uuid.UUID,
    state: States = None,
    severity: Severities = None,
) -> Any:
    return await gateway.customer_view(
        user, customer_id, "service-requests", state=state, severity=severity
    )


async def _note(
    gateway: Gateway, user: Principal, customer_id: uuid.UUID, request_id: uuid.UUID, body: Note
) -> Any:
    command = directory.AddServiceRequestNote(
        request_id=request_id,
        customer_id=customer_id,
        actor_user_id=user.user_id,
        note_id=uuid.uuid4(),
        body=body.body,
    )
    return (await gateway.execute(command, topic=DIRECTORY_COMMANDS)).data


LIST = CustomerRoute(
    "GET", "/service-requests", _list, list[views.ServiceRequest], (401, 403, 422, 502, 503)
)
NOTE = CustomerRoute(
    "POST",
    "/service-requests/{request_id}/notes",
    _note,
    directory.ServiceRequestNoteAddedV2,
    (401, 403, 404, 409, 422, 503, 504),
)

# Each in the order of the API's document: a partner's routes, then the customer's.
LIST.offer(router, partner=True, who=SupportingPartnerUser, name="partner_list")


@router.post(
    "/api/partner/customers/{customer_id}/service-requests",
    status_code=201,
    response_model=directory.ServiceRequestCreated,
    responses=problem_responses(401, 403, 404, 409, 422, 503, 504),
)
async def partner_create(
    customer_id: uuid.UUID, body: NewRequest, user: SupportingPartnerUser, gateway: GatewayDep
) -> Any:
    command = directory.CreateServiceRequest(
        request_id=uuid.uuid4(),
        customer_id=customer_id,
        actor_user_id=user.user_id,
        **body.model_dump(),
    )
    return (await gateway.execute(command, topic=DIRECTORY_COMMANDS)).data


@router.get(
    "/api/partner/service-requests/{request_id}",
    response_model=views.ServiceRequestWithNotes,
    responses=problem_responses(401, 403, 404, 422, 502, 503),
)
async def partner_get(
    request_id: uuid.UUID, user: SupportingPartnerUser, gateway: GatewayDep
) -> Any:
    return await gateway.directory.relay(
        f"/internal/service-requests/{request_id}", actor_user_id=user.user_id
    )


NOTE.offer(router, partner=True, who=SupportingPartnerUser, name="partner_note")


@router.post(
    "/api/partner/customers/{customer_id}/service-requests/{request_id}/state",
    response_model=directory.ServiceRequestStateChangedV2,
    responses=problem_responses(401, 403, 404, 409, 422, 503, 504),
)
async def partner_state(
    customer_id: uuid.UUID,
    request_id: uuid.UUID,
    body: StateChange,
    user: SupportingPartnerUser,
    gateway: GatewayDep,
) -> Any:
    """open → in progress → waiting on customer → resolved → closed; reopen from resolved."""
    command = directory.ChangeServiceRequestState(
        request_id=request_id, customer_id=customer_id, actor_user_id=user.user_id, state=body.state
    )
    return (await gateway.execute(command, topic=DIRECTORY_COMMANDS)).data


LIST.offer(router, partner=False, who=CustomerUser, name="customer_list")


@router.get(
    "/api/customer/service-requests/{request_id}",
    response_model=views.ServiceRequestWithNotes,
    responses=problem_responses(401, 403, 404, 422, 502, 503),
)
async def customer_get(request_id: uuid.UUID, user: CustomerUser, gateway: GatewayDep) -> Any:
    return await gateway.directory.relay(
        f"/internal/service-requests/{request_id}", actor_user_id=user.user_id
    )


NOTE.offer(router, partner=False, who=CustomerUser, name="customer_note")
