"""Routes that several entrypoints offer the same way, built from one definition.

An operation on a customer's data is offered twice: to the customer itself on
``/api/customer<path>``, and to a partner user acting for the customer on
``/api/partner/customers/{customer_id}<path>``. It is written once, as
``op(gateway, actor, customer_id, ...)``, and ``CustomerRoute.offer`` makes each route of it.
The gateway checks the principal's kind; the owning service decides whether a partner may.
"""

from __future__ import annotations

import inspect
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter

from services.gateway.adapters.sessions import Principal
from services.gateway.deps import Gateway, GatewayDep
from services.gateway.security import SupportingPartnerUser
from shared.problems import problem_responses

CUSTOMER = "/api/customer"
PARTNER = "/api/partner/customers/{customer_id}"


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
        own = [
            p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
            for p in list(inspect.signature(self.op, eval_str=True).parameters.values())[3:]
        ]
        head = [_keyword("customer_id", uuid.UUID)] if partner else []
        tail = [_keyword("user", SupportingPartnerUser if partner else who)]
        op = self.op

        async def endpoint(
            *, user: Principal, gateway: Gateway, customer_id: uuid.UUID | None = None, **own: Any
        ) -> Any:
            return await op(gateway, user, customer_id if partner else user.company_id, **own)

        endpoint.__name__ = name
        endpoint.__doc__ = doc
        endpoint.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
            [*head, *own, *tail, _keyword("gateway", GatewayDep)]
        )
        problems = sorted({*self.problems, 404, 422}) if partner else self.problems
        router.api_route(
            (PARTNER if partner else CUSTOMER) + self.path,
            methods=[self.method],
            status_code=self.status_code,
            response_model=self.answer,
            responses=problem_responses(*problems),
        )(endpoint)


def _keyword(name: str, annotation: Any) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation)
