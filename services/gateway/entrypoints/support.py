"""Service requests: opened by the partner for a customer, followed by both sides."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, EmailStr, Field

from services.gateway.adapters.sessions import Principal
from services.gateway.deps import Gateway, GatewayDep
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
    state: list[State] | None,
    severity: list[Severity] | None,
) -> Any:
    return await gateway.read(
        gateway.directory,
        f"/internal/customers/{customer_id}/service-requests",
        ids=(customer_id, user.company_id, user.user_id),
        actor_user_id=user.user_id,
        state=state,
        severity=severity,
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


@router.get(
    "/api/partner/customers/{customer_id}/service-requests",
    response_model=list[views.ServiceRequest],
    responses=problem_responses(401, 403, 404, 422, 502, 503),
)
async def partner_list(
    customer_id: uuid.UUID,
    user: SupportingPartnerUser,
    gateway: GatewayDep,
    state: States = None,
    severity: Severities = None,
) -> Any:
    return await _list(gateway, user, customer_id, state, severity)


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


@router.post(
    "/api/partner/customers/{customer_id}/service-requests/{request_id}/notes",
    response_model=directory.ServiceRequestNoteAddedV2,
    responses=problem_responses(401, 403, 404, 409, 422, 503, 504),
)
async def partner_note(
    customer_id: uuid.UUID,
    request_id: uuid.UUID,
    body: Note,
    user: SupportingPartnerUser,
    gateway: GatewayDep,
) -> Any:
    return await _note(gateway, user, customer_id, request_id, body)


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


@router.get(
    "/api/customer/service-requests",
    response_model=list[views.ServiceRequest],
    responses=problem_responses(401, 403, 422, 502, 503),
)
async def customer_list(
    user: CustomerUser,
    gateway: GatewayDep,
    state: States = None,
    severity: Severities = None,
) -> Any:
    return await _list(gateway, user, user.company_id, state, severity)


@router.get(
    "/api/customer/service-requests/{request_id}",
    response_model=views.ServiceRequestWithNotes,
    responses=problem_responses(401, 403, 404, 422, 502, 503),
)
async def customer_get(request_id: uuid.UUID, user: CustomerUser, gateway: GatewayDep) -> Any:
    return await gateway.directory.relay(
        f"/internal/service-requests/{request_id}", actor_user_id=user.user_id
    )


@router.post(
    "/api/customer/service-requests/{request_id}/notes",
    response_model=directory.ServiceRequestNoteAddedV2,
    responses=problem_responses(401, 403, 404, 409, 422, 503, 504),
)
async def customer_note(
    request_id: uuid.UUID, body: Note, user: CustomerUser, gateway: GatewayDep
) -> Any:
    return await _note(gateway, user, user.company_id, request_id, body)
