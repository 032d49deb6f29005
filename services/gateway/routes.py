"""Routes that several entrypoints offer the same way, built from one definition.

A list is read a page at a time, newest first (``Listing``). An operation on a customer's data
is offered twice: to the customer itself on ``/api/customer<path>``, and to a partner user
acting for the customer on ``/api/partner/customers/{customer_id}<path>``. It is written once,
as ``op(gateway, actor, customer_id, ...)``, and ``CustomerRoute.offer`` makes each route of it.
The gateway checks the principal's kind; the owning service decides whether a partner may.
"""

from __future__ import annotations

import inspect
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Query

from services.gateway.adapters.sessions import Principal
from services.gateway.deps import Gateway, GatewayDep, PageCursor
from services.gateway.security import SupportingPartnerUser
from shared.problems import problem_responses

_NEWEST_FIRST = "Newest first; pass ``next_cursor`` as ``cursor`` for the next page."
CUSTOMER = "/api/customer"
PARTNER = "/api/partner/customers/{customer_id}"


@dataclass(frozen=True)
class Listing:
    """``GET path``: ``fetch(gateway, reader, limit, cursor, ...)``, its parameters after
    ``cursor`` the route's filters (queries), read by FastAPI as they are written there."""

    path: str
    fetch: Callable[..., Awaitable[Any]]
    answer: Any  # the response model: a page with ``next_cursor``

    def offer(self, router: APIRouter, *, who: Any, name: str) -> None:
        fetch = self.fetch

        async def call(
            *, user: Principal, gateway: Gateway, limit: int, cursor: str | None, **filters: Any
        ) -> Any:
            return await fetch(gateway, user, limit, cursor, **filters)

        parameters = [
            _keyword("user", who),
            _keyword("gateway", GatewayDep),
            *_own(fetch, after=4),
            _keyword("limit", int, Query(50, ge=1, le=200)),
            _keyword("cursor", PageCursor, None),
        ]
        router.get(
            self.path,
            response_model=self.answer,
            responses=problem_responses(401, 403, 422, 502, 503),
        )(_endpoint(call, parameters, name, _NEWEST_FIRST))


@dataclass(frozen=True)
class CustomerRoute:
    """``op``'s parameters after ``customer_id`` are the route's own (path ids, a body,
    queries), read by FastAPI as they are written there."""

    method: str
    path: str  # below the customer: "/users/{user_id}/disable"
    op: Callable[..., Awaitable[Any]]
    answer: Any  # the response model
    problems: tuple[int, ...]  # the customer's; a partner's path adds 404 and 422
    status_code: int = 200

    def offer(
        self, router: APIRouter, *, partner: bool, who: Any, name: str, doc: str | None = None
    ) -> None:
        """Offer it to a partner user acting for the customer (``partner``, the customer
        the path's ``customer_id``: one out of reach is a 404), or to the customer's own
        users allowed by ``who`` (the customer their company)."""
        op = self.op

        async def call(
            *, user: Principal, gateway: Gateway, customer_id: uuid.UUID | None = None, **own: Any
        ) -> Any:
            return await op(gateway, user, customer_id if partner else user.company_id, **own)

        parameters = [
            *([_keyword("customer_id", uuid.UUID)] if partner else []),
            *_own(op, after=3),
            _keyword("user", SupportingPartnerUser if partner else who),
            _keyword("gateway", GatewayDep),
        ]
        problems = sorted({*self.problems, 404, 422}) if partner else self.problems
        router.api_route(
            (PARTNER if partner else CUSTOMER) + self.path,
            methods=[self.method],
            status_code=self.status_code,
            response_model=self.answer,
            responses=problem_responses(*problems),
        )(_endpoint(call, parameters, name, doc))


def endpoint(
    call: Callable[..., Awaitable[Any]], *, who: Any, name: str, doc: str | None = None
) -> Callable[..., Awaitable[Any]]:
    """``call(gateway, user, ...)`` as an endpoint for the principals ``who`` allows; its
    parameters after ``user`` are the route's own, read by FastAPI as they are written there."""

    async def with_user(*, user: Principal, gateway: Gateway, **own: Any) -> Any:
        return await call(gateway, user, **own)

    parameters = [*_own(call, after=2), _keyword("user", who), _keyword("gateway", GatewayDep)]
    return _endpoint(with_user, parameters, name, doc)


def _endpoint(
    call: Callable[..., Awaitable[Any]],
    parameters: list[inspect.Parameter],
    name: str,
    doc: str | None,
) -> Callable[..., Awaitable[Any]]:
    """``call`` as FastAPI reads an endpoint: ``name`` (the operation's id and summary),
    ``doc`` (its description) and the keyword ``parameters`` it is called with."""
    call.__name__ = name
    call.__doc__ = doc
    call.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    return call


def _own(call: Callable[..., Any], *, after: int) -> list[inspect.Parameter]:
    """``call``'s parameters after the first ``after``, their types evaluated where
    ``call`` is written."""
    parameters = list(inspect.signature(call, eval_str=True).parameters.values())[after:]
    return [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in parameters]


def _keyword(
    name: str, annotation: Any, default: Any = inspect.Parameter.empty
) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default
    )
