"""The directory's read side: every internal read answers one of these, a typed view model
from ``shared.views.directory``. The SQL lives in the adapters (``adapters.queries``,
``adapters.search``, ``adapters.audit``, ``adapters.subscriptions``); who may read what is
``services.directory.access``. A missing object raises a 404 DomainError."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from services.directory.adapters import audit, search
from services.directory.adapters import queries as sql
from services.directory.adapters.queries import Db
from services.directory.adapters.subscriptions import LICENCES
from services.directory.domain import errors
from shared.cursor import Cursor, InvalidCursor
from shared.db import Connection
from shared.errors import NotFound
from shared.views import View
from shared.views import directory as views

_V = TypeVar("_V", bound=View)


def _found(view: type[_V], row: Any, what: str) -> _V:
    """The row as ``view``; no row is a 404."""
    if row is None:
        raise NotFound(f"No such {what}.")
    return view.model_validate(row)


async def partner(db: Db, *, partner_id: UUID) -> views.Partner:
    return _found(views.Partner, await sql.partner(db, partner_id=partner_id), "partner")


async def public_partner(db: Db, *, partner_id: UUID) -> views.PublicPartner:
    return _found(
        views.PublicPartner, await sql.public_partner(db, partner_id=partner_id), "partner"
    )


async def partner_counts(db: Db, *, partner_id: UUID) -> views.PartnerCounts:
    return views.PartnerCounts.model_validate(await sql.partner_counts(db, partner_id=partner_id))


async def company_users(db: Db, *, company_id: UUID) -> list[views.User]:
    rows = await sql.company_users(db, company_id=company_id)
    return [views.User.model_validate(r) for r in rows]


async def user(db: Db, *, user_id: UUID) -> views.User:
    """A user as the gateway's security reads it (never a password hash)."""
    return _found(views.User, await sql.user(db, user_id=user_id), "user")


async def customer(db: Db, *, customer_id: UUID) -> views.Customer:
    return _found(views.Customer, await sql.customer(db, customer_id=customer_id), "customer")


async def subscriptions(db: Db, *, customer_id: UUID) -> list[views.Subscription]:
    rows = await sql.subscriptions(db, customer_id=customer_id)
    return [views.Subscription.model_validate(r) for r in rows]


async def licences(db: Db, *, customer_id: UUID) -> list[views.Licences]:
    """Every subscription of the customer (every state), with its assigned licences."""
    rows = await sql.subscriptions(db, customer_id=customer_id, columns=LICENCES)
    return [views.Licences.model_validate(r) for r in rows]


async def assignments(
    db: Db, *, customer_id: UUID, subscription_id: UUID
) -> list[views.Assignment]:
    rows = await sql.assignments(db, customer_id=customer_id, subscription_id=subscription_id)
    if rows is None:
        raise errors.SubscriptionNotFound("The customer has no such subscription.")
    return [views.Assignment.model_validate(r) for r in rows]


async def search_customers(
    conn: Connection, *, partner_id: UUID, query: str, cursor: str | None, limit: int
) -> views.CustomerPage:
    """Customers in the partner's reach matching every word, in name order."""
    after = Cursor.decode(cursor)
    items, last = await search.search_customers(
        conn, partner_id=partner_id, query=query, after=after, limit=limit
    )
    return views.CustomerPage(
        items=[views.CustomerInReach.model_validate(i) for i in items],
        next_cursor=last.encode() if last else None,
    )


async def customer_detail(db: Db, *, partner_id: UUID, customer_id: UUID) -> views.CustomerDetail:
    """One customer as its partner sees it (the caller checked the reach)."""
    row = await sql.customer_detail(db, partner_id=partner_id, customer_id=customer_id)
    if not row.get("customer_id"):
        raise errors.CustomerNotFound("No such customer.")
    return views.CustomerDetail.model_validate(row)


async def service_requests(
    db: Db,
    *,
    customer_id: UUID,
    partner_id: UUID | None,
    states: tuple[str, ...] | None = None,
    severities: tuple[str, ...] | None = None,
) -> list[views.ServiceRequest]:
    rows = await sql.service_requests(
        db, customer_id=customer_id, partner_id=partner_id, states=states, severities=severities
    )
    return [views.ServiceRequest.model_validate(r) for r in rows]


async def service_request(db: Db, *, request_id: UUID) -> views.ServiceRequestWithNotes:
    row = await sql.service_request(db, request_id=request_id)
    if row is None:
        raise errors.ServiceRequestNotFound("No such service request.")
    return views.ServiceRequestWithNotes.model_validate(row)


async def audit_page(
    db: Db,
    *,
    partner_id: UUID | None,
    customer_id: UUID | None,
    limit: int,
    cursor: str | None,
) -> views.AuditPage:
    """Audit records newest first, tie-safe on (at, audit_id)."""
    after = Cursor.decode(cursor)
    if after is not None and not isinstance(after.key, datetime):
        raise InvalidCursor("This page cursor is not valid for this list.")
    page = await audit.page(
        db, partner_id=partner_id, customer_id=customer_id, limit=limit, cursor=after
    )
    return views.AuditPage.model_validate(page)
