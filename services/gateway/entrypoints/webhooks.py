"""Partner webhooks: a partner's Global admin registers and manages its endpoints.

Writes are commands to the notifications service, which owns the endpoints and checks every
rule (the URL, the event types, the production mode's SSRF rules) and that the endpoint is
the partner's own: another partner's endpoint is the same 404 as a random id. Reads relay the
service's views. The signing secret is made here, sent in the command (never in an event)
and answered once, by the request that registers or rotates it; no read ever shows it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from services.gateway.adapters.sessions import Principal
from services.gateway.deps import Gateway, GatewayDep
from services.gateway.security import PartnerAdmin
from shared.contracts import notifications as nc
from shared.contracts.base import Command
from shared.contracts.topics import NOTIFICATIONS_COMMANDS
from shared.contracts.webhooks import new_secret, webhook_event_types
from shared.problems import problem_responses
from shared.views import notifications as views

router = APIRouter(prefix="/api/partner/webhooks", tags=["partner webhooks"])

GRACE_SECONDS = 24 * 3600  # the old secret still signs this long after a rotation
WRITE_PROBLEMS = problem_responses(401, 403, 404, 409, 422, 503, 504)
READ_PROBLEMS = problem_responses(401, 403, 404, 422, 502, 503)


class NewEndpoint(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(max_length=2048, description="https (http and loopback in development)")
    event_types: list[str] = Field(
        max_length=200, description="At least one of `GET /api/partner/webhooks/event-types`"
    )
    description: str = Field(default="", max_length=500)


class EndpointWithSecret(views.WebhookEndpoint):
    """The endpoint as made, with its signing secret: shown this once, never again."""

    secret: str = Field(description="`whsec_…`: verify each delivery's webhook-signature")


class RotatedSecret(BaseModel):
    """The new signing secret, shown this once; the old one also signs until
    ``previous_secret_until``."""

    endpoint_id: uuid.UUID
    secret: str
    previous_secret_until: datetime


class EventTypes(BaseModel):
    items: list[str] = Field(description="The CloudEvents types an endpoint may receive")


class RedeliveryQueued(BaseModel):
    """The delivery is pending again; it is sent with the same ``webhook-id``."""

    delivery_id: uuid.UUID
    queued_at: datetime


async def _send(gateway: Gateway, command: Command) -> dict[str, Any]:
    data: dict[str, Any] = (await gateway.execute(command, topic=NOTIFICATIONS_COMMANDS)).data
    return data


async def _endpoint(gateway: Gateway, user: Principal, endpoint_id: uuid.UUID) -> dict[str, Any]:
    endpoint: dict[str, Any] = await gateway.notifications.get(
        f"/internal/webhooks/{endpoint_id}", partner_id=user.company_id, limit=1
    )
    endpoint.pop("deliveries", None)
    return endpoint


@router.get("/event-types", response_model=EventTypes, responses=READ_PROBLEMS)
async def event_types(user: PartnerAdmin) -> EventTypes:
    """What an endpoint may subscribe to."""
    return EventTypes(items=webhook_event_types())


async def _act(
    gateway: Gateway,
    user: Principal,
    endpoint_id: uuid.UUID,
    command: Callable[..., Command],
    **fields: Any,
) -> dict[str, Any]:
    """The admin's command about one endpoint of their partner; its outcome's data."""
    return await _send(
        gateway, command(endpoint_id=endpoint_id, partner_id=user.company_id, **fields)
    )


@router.post("", status_code=201, response_model=EndpointWithSecret, responses=WRITE_PROBLEMS)
async def register(body: NewEndpoint, user: PartnerAdmin, gateway: GatewayDep) -> dict[str, Any]:
    """Register an endpoint. Refusals, each a typed 422: `invalid_url`, `https_required` and
    `forbidden_address` (production), `unknown_event_type`, `no_event_types`."""
    secret = new_secret()
    registered = await _act(
        gateway, user, uuid.uuid4(), nc.RegisterWebhookEndpoint, secret=secret,
        registered_by=user.user_id, **body.model_dump(),
    )  # fmt: skip
    endpoint = await _endpoint(gateway, user, uuid.UUID(registered["endpoint_id"]))
    return {**endpoint, "secret": secret}


@router.get("", response_model=views.WebhookEndpointList, responses=READ_PROBLEMS)
async def list_endpoints(user: PartnerAdmin, gateway: GatewayDep) -> Any:
    return await gateway.notifications.relay("/internal/webhooks", partner_id=user.company_id)


@router.get("/{endpoint_id}", response_model=views.WebhookEndpointDetail, responses=READ_PROBLEMS)
async def get_endpoint(
    endpoint_id: uuid.UUID,
    user: PartnerAdmin,
    gateway: GatewayDep,
    limit: int = Query(50, ge=1, le=200),
) -> Any:
    """The endpoint and its delivery log, newest first: status, HTTP status, response time
    and every attempt."""
    return await gateway.notifications.relay(
        f"/internal/webhooks/{endpoint_id}", partner_id=user.company_id, limit=limit
    )


@router.post("/{endpoint_id}/rotate-secret", response_model=RotatedSecret, responses=WRITE_PROBLEMS)
async def rotate_secret(
    endpoint_id: uuid.UUID, user: PartnerAdmin, gateway: GatewayDep
) -> RotatedSecret:
    """A new secret, shown this once; for 24 h deliveries carry a signature with each."""
    secret = new_secret()
    answer = await _act(
        gateway, user, endpoint_id, nc.RotateWebhookSecret,
        secret=secret, grace_seconds=GRACE_SECONDS, rotated_by=user.user_id,
    )  # fmt: skip
    rotated = nc.WebhookSecretRotated.model_validate(answer)
    return RotatedSecret(
        endpoint_id=endpoint_id, secret=secret, previous_secret_until=rotated.previous_valid_until
    )


@router.post(
    "/{endpoint_id}/disable", response_model=views.WebhookEndpoint, responses=WRITE_PROBLEMS
)
async def disable(endpoint_id: uuid.UUID, user: PartnerAdmin, gateway: GatewayDep) -> Any:
    """Deliver nothing until enabled; what is pending waits."""
    await _act(gateway, user, endpoint_id, nc.DisableWebhookEndpoint, disabled_by=user.user_id)
    return await _endpoint(gateway, user, endpoint_id)


@router.post(
    "/{endpoint_id}/enable", response_model=views.WebhookEndpoint, responses=WRITE_PROBLEMS
)
async def enable(endpoint_id: uuid.UUID, user: PartnerAdmin, gateway: GatewayDep) -> Any:
    """Deliver again, what waited included; the failure count starts afresh."""
    await _act(gateway, user, endpoint_id, nc.EnableWebhookEndpoint, enabled_by=user.user_id)
    return await _endpoint(gateway, user, endpoint_id)


@router.delete(
    "/{endpoint_id}",
    status_code=204,
    responses=problem_responses(401, 403, 404, 422, 503, 504),
)
async def delete(endpoint_id: uuid.UUID, user: PartnerAdmin, gateway: GatewayDep) -> Response:
    """The endpoint, its deliveries and their log."""
    await _act(gateway, user, endpoint_id, nc.DeleteWebhookEndpoint, deleted_by=user.user_id)
    return Response(status_code=204)


@router.post(
    "/{endpoint_id}/deliveries/{delivery_id}/redeliver",
    status_code=202,
    response_model=RedeliveryQueued,
    responses=WRITE_PROBLEMS,
)
async def redeliver(
    endpoint_id: uuid.UUID, delivery_id: uuid.UUID, user: PartnerAdmin, gateway: GatewayDep
) -> RedeliveryQueued:
    """Send a delivered or failed delivery again, with the same `webhook-id`; one still
    being tried is a 409 `delivery_in_progress`."""
    answer = await _act(
        gateway, user, endpoint_id, nc.RedeliverWebhook,
        delivery_id=delivery_id, requested_by=user.user_id,
    )  # fmt: skip
    queued = nc.WebhookRedeliveryQueued.model_validate(answer)
    return RedeliveryQueued(delivery_id=queued.delivery_id, queued_at=queued.queued_at)
