"""Routes that several entrypoints offer the same way, built from one definition.

A change is a command made from the principal, the path's ids and the body, and executed
(``Send``); a view is relayed from the service that owns it (``Relay``). A list is read a page
at a time, newest first (``Listing``). An operation on a customer's data
is offered twice: to the customer itself on ``/api/customer<path>``, and to a partner user
acting for the customer on ``/api/partner/customers/{customer_id}<path>``. It is written once,
as ``op(gateway, actor, customer_id, ...)``, and ``CustomerRoute.offer`` makes each route of it.
The gateway checks the principal's kind; the owning service decides whether a partner may.
"""

from __future__ import annotations

import inspect
import string
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from services.gateway.adapters.sessions import Principal
from services.gateway.deps import Gateway, GatewayDep, PageCursor
from services.gateway.security import SupportingPartnerUser
from shared.contracts.base import Command
from shared.problems import problem_responses

_NEWEST_FIRST = "Newest first; pass ``next_cursor`` as ``cursor`` for the next page."
CUSTOMER = "/api/customer"
PARTNER = "/api/partner/customers/{customer_id}"


WRITE = (401, 403, 404, 409, 422, 503, 504)  # a command's problems
READ = (401, 403, 404, 422, 502, 503)  # a view's by id
OWN = (401, 403, 502, 503)  # a view of the reader's own company: no id to be wrong
ACTOR = {"actor_user_id": "user_id"}  # a Relay's query: the owner decides by the reader
PARTNER_ID = {"partner_id": "company_id"}  # a Relay's query: the reader's company's items


@dataclass(frozen=True)
class Send:
    """``method path``: the ``command`` made of the path's ids (UUIDs), the ``body``'s fields,
    the acting user's id as ``by`` and, when named, the user's company id as ``company`` and a
    new id as ``new``; executed on ``topic``, answered with its event's data (a rejection is
    its problem). ``lagging_views``: as ``Gateway.execute``."""

    method: str
    path: str
    command: type[Command]
    topic: str
    answer: Any  # the response model: the command's event
    problems: tuple[int, ...] = WRITE
    body: type[BaseModel] | None = None
    by: str = "actor_user_id"
    company: str | None = None
    new: str | None = None
    status_code: int = 200
    lagging_views: frozenset[str] = frozenset()

    def offer(self, router: APIRouter, *, who: Any, name: str, doc: str | None = None) -> None:
        async def send(
            *, user: Principal, gateway: Gateway, body: BaseModel | None = None, **ids: Any
        ) -> Any:
            command = self.command(**self.fields(user, ids, body))
            outcome = await gateway.execute(
                command, topic=self.topic, lagging_views=self.lagging_views
            )
            return outcome.data

        parameters = [
            *(_keyword(i, uuid.UUID) for i in _path_ids(self.path)),
            *([_keyword("body", self.body)] if self.body is not None else []),
            _keyword("user", who),
            _keyword("gateway", GatewayDep),
        ]
        router.api_route(
            self.path,
            methods=[self.method],
            status_code=self.status_code,
            response_model=self.answer,
            responses=problem_responses(*self.problems),
        )(_endpoint(send, parameters, name, doc))

    def fields(
        self, user: Principal, ids: Mapping[str, uuid.UUID], body: BaseModel | None
    ) -> dict[str, Any]:
        fields: dict[str, Any] = {**ids, self.by: user.user_id}
        if self.company is not None:
            fields[self.company] = user.company_id
        if self.new is not None:
            fields[self.new] = uuid.uuid4()
        return fields | (body.model_dump() if body is not None else {})


def redemption(
    path: str, command: type[Command], topic: str, answer: Any, body: type[BaseModel]
) -> Send:
    """A customer's admin redeems a code for its company (``POST``, 201). A customer who
    signed up a moment ago may not be in the owner's view of customers yet."""
    return Send(
        "POST",
        path,
        command,
        topic,
        answer,
        (401, 403, 404, 409, 410, 422, 503, 504),
        body=body,
        by="redeemed_by",
        company="customer_id",
        status_code=201,
        lagging_views=frozenset({"customer_not_found"}),
    )


@dataclass(frozen=True)
class Relay:
    """``GET path``: the view ``internal`` of the ``service`` that owns it, relayed as it is;
    ``internal`` and ``query``'s values name the path's ids (UUIDs) and the reader's
    ``company_id`` or ``user_id``. The owner's access policy answers by those: what the
    reader may not see is a 404 like a random id."""

    path: str
    service: str  # the Gateway's client: "directory", "offers", ...
    internal: str  # "/internal/offers/{offer_id}"
    answer: Any  # the response model: the view's
    problems: tuple[int, ...] | None = None  # READ with ids in the path, else OWN
    query: Mapping[str, str] = field(default_factory=dict)  # {"partner_id": "company_id"}

    def offer(
        self, router: APIRouter, *, who: Any, name: str, doc: str | None = None, prefix: str = ""
    ) -> None:
        """At ``prefix`` + ``path``: one view may be offered at several places."""

        async def relay(*, user: Principal, gateway: Gateway, **ids: Any) -> Any:
            return await _relay(gateway, self.service, self.internal, self.query, user, ids)

        parameters = [
            *(_keyword(i, uuid.UUID) for i in _path_ids(self.path)),
            _keyword("user", who),
            _keyword("gateway", GatewayDep),
        ]
        router.get(
            prefix + self.path,
            response_model=self.answer,
            responses=problem_responses(*self.problems_of(prefix + self.path)),
        )(_endpoint(relay, parameters, name, doc))

    def problems_of(self, path: str) -> tuple[int, ...]:
        if self.problems is not None:
            return self.problems
        return READ if _path_ids(path) else OWN


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


def relayed_page(
    service: str, internal: str, query: Mapping[str, str], **filters: Any
) -> Callable[..., Awaitable[Any]]:
    """A ``Listing``'s ``fetch``: the page of ``internal`` relayed from ``service`` (named
    as in ``Relay``), the page's ``limit`` and ``cursor`` passed on, and ``filters``: the
    list's own queries (name=type, none by default), passed on as they are given."""

    async def fetch(
        gateway: Gateway, user: Principal, limit: int, cursor: str | None, **given: Any
    ) -> Any:
        paging = {**given, "limit": limit, "cursor": cursor}
        return await _relay(gateway, service, internal, query, user, {}, paging)

    own = [_keyword(name, kind, None) for name, kind in filters.items()]
    signature = inspect.signature(fetch, eval_str=True)
    head = list(signature.parameters.values())[:4]
    fetch.__signature__ = signature.replace(parameters=[*head, *own])  # type: ignore[attr-defined]
    return fetch


def partner_links(
    router: APIRouter, path: str, service: str, page: Any, detail: Any, *, key: str
) -> None:
    """A partner's links kept by ``service`` (its invitations, offers) at ``path``: their
    page (``list_<service>``) and one by its id ``key`` (``get_<noun>``), relayed from
    ``/internal/<service>``. The service's access policy: another partner's link is a 404
    like a random id."""
    internal, noun = f"/internal/{service}", key.removesuffix("_id")
    Listing(path, relayed_page(service, internal, PARTNER_ID), page).offer(
        router, who=SupportingPartnerUser, name=f"list_{service}"
    )
    one = f"/{{{key}}}"
    Relay(path + one, service, internal + one, detail, query=PARTNER_ID).offer(
        router, who=SupportingPartnerUser, name=f"get_{noun}"
    )


async def _relay(
    gateway: Gateway,
    service: str,
    internal: str,
    query: Mapping[str, str],
    user: Principal,
    ids: Mapping[str, uuid.UUID],
    paging: Mapping[str, Any] | None = None,
) -> Any:
    """``internal`` of ``service`` relayed, ``internal`` and ``query``'s values naming the
    path's ``ids`` and the reader's ``company_id`` or ``user_id``."""
    names = {"company_id": user.company_id, "user_id": user.user_id, **ids}
    params = {key: names[value] for key, value in query.items()} | dict(paging or {})
    return await getattr(gateway, service).relay(internal.format(**names), **params)


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


def _path_ids(path: str) -> list[str]:
    """The names of ``path``'s parameters, in order: "/a/{a_id}/b/{b_id}" is a_id, b_id."""
    return [name for _, name, _, _ in string.Formatter().parse(path) if name]


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
