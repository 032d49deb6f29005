"""Service requests: opened by the partner for a customer, followed by both sides."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, EmailStr, Field

from services.gateway.adapters.sessions import Principal
from services.gateway.deps import Gateway
from services.gateway.routes import ACTOR, CustomerRoute, Relay, Send
from services.gateway.security import CustomerUser, SupportingPartnerUser
from shared.contracts import directory
from shared.contracts.topics import DIRECTORY_COMMANDS
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
# One request with its notes, to either side: the directory decides by the reader.
GET = Relay(
    "/service-requests/{request_id}",
    "directory",
    "/internal/service-requests/{request_id}",
    views.ServiceRequestWithNotes,
    query=ACTOR,
)

# Each in the order of the API's document: a partner's routes, then the customer's.
LIST.offer(router, partner=True, who=SupportingPartnerUser, name="partner_list")


Send(
    "POST",
    "/api/partner/customers/{customer_id}/service-requests",
    directory.CreateServiceRequest,
    DIRECTORY_COMMANDS,
    directory.ServiceRequestCreated,
    body=NewRequest,
    new="request_id",
    status_code=201,
).offer(router, who=SupportingPartnerUser, name="partner_create")
GET.offer(router, prefix="/api/partner", who=SupportingPartnerUser, name="partner_get")
NOTE.offer(router, partner=True, who=SupportingPartnerUser, name="partner_note")


Send(
    "POST",
    "/api/partner/customers/{customer_id}/service-requests/{request_id}/state",
    directory.ChangeServiceRequestState,
    DIRECTORY_COMMANDS,
    directory.ServiceRequestStateChangedV2,
    body=StateChange,
).offer(
    router,
    who=SupportingPartnerUser,
    name="partner_state",
    doc="open → in progress → waiting on customer → resolved → closed; reopen from resolved.",
)


LIST.offer(router, partner=False, who=CustomerUser, name="customer_list")


GET.offer(router, prefix="/api/customer", who=CustomerUser, name="customer_get")


NOTE.offer(router, partner=False, who=CustomerUser, name="customer_note")
