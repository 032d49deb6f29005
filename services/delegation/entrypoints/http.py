"""Internal read endpoints for the gateway (loopback only; never another service's tables).

Each route parses, and answers one query of ``services.delegation.queries`` (visibility is
``services.delegation.access``'s: a reader naming itself with ``partner_id`` or
``customer_id`` sees only its own requests and relationships, another's is a 404 like a
random id). Lists are pages with an opaque ``next_cursor``; pass it as ``cursor`` for the
next page. Errors are the problem bodies of ``shared.problems``.
"""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Request

from services.delegation import queries
from services.delegation.access import Reader
from services.delegation.adapters.queries import Party, Slice
from shared.pools import pool_of
from shared.reads import Page, PageArgs
from shared.views import delegation as views

router = APIRouter(prefix="/internal")

RequestState = Literal["pending", "approved", "declined", "expired"]
RelationshipState = Literal["active", "revoked", "expired", "replaced"]


def _slice(page: Page, party: Party, party_id: UUID, state: str | None) -> Slice:
    return Slice(party, party_id, state, page.cursor, page.limit)


def _reader(partner_id: UUID | None = None, customer_id: UUID | None = None) -> Reader:
    return Reader(partner_id=partner_id, customer_id=customer_id)


ReaderArgs = Annotated[Reader, Depends(_reader)]


def _base_url(request: Request) -> str:
    return str(request.app.state.service.settings.public_base_url)


@router.get("/customers/{customer_id}/requests", response_model=views.CustomerRequestPage)
async def customer_requests(
    request: Request, customer_id: UUID, page: PageArgs, state: RequestState | None = None
) -> views.CustomerRequestPage:
    return await queries.customer_requests(
        pool_of(request), _slice(page, "customer", customer_id, state)
    )


@router.get("/partners/{partner_id}/requests", response_model=views.PartnerRequestPage)
async def partner_requests(
    request: Request, partner_id: UUID, page: PageArgs, state: RequestState | None = None
) -> views.PartnerRequestPage:
    slice_ = _slice(page, "partner", partner_id, state)
    return await queries.partner_requests(pool_of(request), slice_, base_url=_base_url(request))


@router.get("/{parties}/{party_id}/relationships", response_model=views.RelationshipPage)
async def relationships(
    request: Request,
    parties: Literal["customers", "partners"],
    party_id: UUID,
    page: PageArgs,
    state: RelationshipState | None = None,
) -> views.RelationshipPage:
    """A customer's or a partner's relationships (``/customers/{id}/…``, ``/partners/{id}/…``)."""
    party: Party = "customer" if parties == "customers" else "partner"
    return await queries.relationships(pool_of(request), _slice(page, party, party_id, state))


@router.get("/relationships/active", response_model=views.Relationship)
async def active_relationship(
    request: Request, partner_id: UUID, customer_id: UUID
) -> views.Relationship:
    """The one relationship that lets ``partner_id`` act for ``customer_id``, if any."""
    return await queries.active_relationship(
        pool_of(request), partner_id=partner_id, customer_id=customer_id
    )


@router.get("/relationships/{relationship_id}", response_model=views.Relationship)
async def relationship_by_id(
    request: Request, relationship_id: UUID, reader: ReaderArgs
) -> views.Relationship:
    return await queries.relationship(
        pool_of(request), relationship_id=relationship_id, reader=reader
    )


@router.get("/requests/by-code/{code}", response_model=views.PartnerRequest)
async def request_by_code(request: Request, code: str, reader: ReaderArgs) -> views.PartnerRequest:
    return await queries.request_by_code(
        pool_of(request), code=code, reader=reader, base_url=_base_url(request)
    )


@router.get("/requests/{request_id}", response_model=views.PartnerRequest)
async def request_by_id(
    request: Request, request_id: UUID, reader: ReaderArgs
) -> views.PartnerRequest:
    return await queries.request(
        pool_of(request), request_id=request_id, reader=reader, base_url=_base_url(request)
    )


@router.get("/partners/{partner_id}/counts", response_model=views.DelegationCounts)
async def partner_counts(request: Request, partner_id: UUID) -> views.DelegationCounts:
    """For the partner overview."""
    return await queries.partner_counts(pool_of(request), partner_id=partner_id)
