"""The delegation service's read side: every HTTP read is one of these queries, answering a
view model of ``shared.views.delegation``. Visibility is ``access``'s; states are as of now
(an expiry not yet swept already shows)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any, TypeVar
from uuid import UUID

from services.delegation import access
from services.delegation.adapters import queries as sql
from services.delegation.adapters.repository import to_relationship, to_request
from services.delegation.domain.model import offer_url
from shared.cursor import next_cursor
from shared.views import delegation as views

Pool = Any
V = TypeVar("V")


def request_fields(row: Any, now: datetime) -> dict[str, Any]:
    request = to_request(row)
    duration = request.duration
    return {
        "request_id": request.request_id,
        "partner_id": request.partner_id,
        "customer_id": request.customer_id,
        "role": request.role,
        "duration_seconds": int(duration.total_seconds()) if duration is not None else None,
        "state": request.status(now),
        "source_kind": request.source_kind,
        "source_id": request.source_id,
        "requested_by": request.requested_by,
        "requested_at": request.requested_at,
        "expires_at": request.expires_at,
        "decided_at": request.decided_at,
        "decided_by": request.decided_by,
    }


def partner_request_view(row: Any, now: datetime, *, base_url: str) -> views.PartnerRequest:
    """With the URL the customer's admin opens (the partner's to send)."""
    code = row["code"]
    url = offer_url(base_url, code) if code else None
    return views.PartnerRequest(**request_fields(row, now), url=url)


def customer_request_view(row: Any, now: datetime) -> views.DelegationRequest:
    return views.DelegationRequest(**request_fields(row, now))


def relationship_view(row: Any, now: datetime) -> views.Relationship:
    return views.Relationship(**dict(row) | {"state": to_relationship(row).status(now)})


async def _page(
    pool: Pool, listing: sql.Listing, page: sql.Slice, view: Callable[[Any, datetime], V]
) -> tuple[list[V], str | None]:
    """One page of ``listing`` as views, and the cursor after it."""
    now = datetime.now(UTC)
    rows = await sql.page_of(pool, listing, page, now=now)
    items = [view(r, now) for r in rows[: page.limit]]
    return items, next_cursor(rows, page.limit, key=listing.sort_key)


async def partner_requests(
    pool: Pool, page: sql.Slice, *, base_url: str
) -> views.PartnerRequestPage:
    view = partial(partner_request_view, base_url=base_url)
    items, after = await _page(pool, sql.REQUESTS, page, view)
    return views.PartnerRequestPage(items=items, next_cursor=after)


async def customer_requests(pool: Pool, page: sql.Slice) -> views.CustomerRequestPage:
    """The customer already holds the offer's URL: none is shown."""
    items, after = await _page(pool, sql.REQUESTS, page, customer_request_view)
    return views.CustomerRequestPage(items=items, next_cursor=after)


async def relationships(pool: Pool, page: sql.Slice) -> views.RelationshipPage:
    items, after = await _page(pool, sql.RELATIONSHIPS, page, relationship_view)
    return views.RelationshipPage(items=items, next_cursor=after)


def _readable_request(row: Any, reader: access.Reader, base_url: str) -> views.PartnerRequest:
    access.require_request(row, reader)
    return partner_request_view(row, datetime.now(UTC), base_url=base_url)


async def request(
    pool: Pool, *, request_id: UUID, reader: access.Reader, base_url: str
) -> views.PartnerRequest:
    row = await sql.request_by_id(pool, request_id=request_id)
    return _readable_request(row, reader, base_url)


async def request_by_code(
    pool: Pool, *, code: str, reader: access.Reader, base_url: str
) -> views.PartnerRequest:
    return _readable_request(await sql.request_by_code(pool, code=code), reader, base_url)


async def relationship(
    pool: Pool, *, relationship_id: UUID, reader: access.Reader
) -> views.Relationship:
    row = await sql.relationship_by_id(pool, relationship_id=relationship_id)
    access.require_relationship(row, reader)
    return relationship_view(row, datetime.now(UTC))


async def active_relationship(
    pool: Pool, *, partner_id: UUID, customer_id: UUID
) -> views.Relationship:
    """The one relationship that lets ``partner_id`` act for ``customer_id``."""
    now = datetime.now(UTC)
    row = await sql.active_relationship(
        pool, partner_id=partner_id, customer_id=customer_id, now=now
    )
    access.require_active(row)
    return relationship_view(row, now)


async def partner_counts(pool: Pool, *, partner_id: UUID) -> views.DelegationCounts:
    row = await sql.partner_counts(pool, partner_id=partner_id)
    return views.DelegationCounts(pending=int(row["pending"]), active=int(row["active"]))
