"""The signed-in user's live updates: one server-sent-event stream per user, carrying every
event that names the user's company (services/gateway/live.py says which and how)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse

from services.gateway.deps import GatewayDep
from services.gateway.security import CurrentUser, PartnerOnly, still_signed_in
from shared.problems import problem_responses

router = APIRouter(tags=["live updates"])

SSE_RESPONSES = {
    200: {"content": {"text/event-stream": {"schema": {"type": "string"}}}},
    **problem_responses(401, 403, 422),
}
LastEventId = Annotated[
    str | None,
    Header(
        alias="Last-Event-ID",
        description="The last id received; the stream resumes after it (set by EventSource)",
    ),
]
ResumeAfter = Annotated[
    str | None,
    Query(
        max_length=64,
        description="As Last-Event-ID, for a page that opens a new EventSource itself; "
        "the header wins when both are given",
    ),
]


@router.get("/api/events", response_class=StreamingResponse, responses=SSE_RESPONSES)
async def events(
    request: Request,
    user: CurrentUser,
    gateway: GatewayDep,
    last_event_id: LastEventId = None,
    after: ResumeAfter = None,
) -> StreamingResponse:
    """Server-sent events for the signed-in user, partner or customer: every event naming its
    company. Each frame is ``event: message`` with an ``id:`` and data ``{type, name, id, time,
    data}``; ``event: ready`` marks the position at connect, ``event: reset`` says that events
    after the given id are no longer known (reload the page's data)."""

    async def still_allowed() -> bool:
        return await still_signed_in(request, user)

    return StreamingResponse(
        gateway.live.stream(
            user.company_id,
            # The events of a partner's customers only for who may read those customers.
            sees_customers=user.company_kind == "customer"
            or user.supported_access in ("full", "limited"),
            last_event_id=last_event_id or after,
            still_allowed=still_allowed,
        ),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


# The same endpoint: the route's own dependency keeps it to partner users.
router.get(
    "/api/partner/events",
    response_class=StreamingResponse,
    responses=SSE_RESPONSES,
    dependencies=[PartnerOnly],
    name="partner_events",
    description="The same stream as ``/api/events``, for partner users only (kept for "
    "existing callers).",
)(events)
