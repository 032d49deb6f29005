"""The internal read route every service has most of: one object (or list) by the one id its
path names, answered by one query over the service's pool. A table of ``Read`` rows says
which; routes with more to them (pages, filters, a policy first) are written out."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Path, Request

from shared.pools import pool_of

Query = Callable[..., Awaitable[Any]]


@dataclass(frozen=True)
class Read:
    """``GET path`` answers ``query(pool, <arg>=<the path's id>)`` as ``view``; ``arg`` is the
    query's keyword, by default the name of the path's one ``{parameter}``. An id that is not
    a UUID is refused like any bad input (422)."""

    path: str
    query: Query
    view: Any
    description: str = ""
    arg: str | None = None

    def add_to(self, router: APIRouter) -> None:
        (param,) = re.findall(r"\{(\w+)\}", self.path)
        query, arg = self.query, self.arg or param
        in_path = Path(alias=param)

        async def route(request: Request, id: UUID = in_path) -> Any:
            return await query(pool_of(request), **{arg: id})

        router.add_api_route(
            self.path,
            route,
            methods=["GET"],
            response_model=self.view,
            name=query.__name__,
            description=self.description,
        )
