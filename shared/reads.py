"""The internal read route every service has most of: one object (or list) by the one id its
path names, answered by one query over the service's pool. A table of ``Read`` rows says
which; routes with more to them (pages, filters, a policy first) are written out, a page's
parameters read by ``PageArgs``."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query, Request

from shared.cursor import Cursor
from shared.pools import pool_of

Answer = Callable[..., Awaitable[Any]]


@dataclass(frozen=True)
class Read:
    """``GET path`` answers ``query(pool, <arg>=<the path's id>)`` as ``view``; ``arg`` is the
    query's keyword, by default the name of the path's one ``{parameter}``. An id that is not
    a UUID is refused like any bad input (422)."""

    path: str
    query: Answer
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


@dataclass(frozen=True)
class Page:
    """A list's ``cursor`` (an opaque ``next_cursor`` of the page before, decoded) and
    ``limit`` query parameters."""

    cursor: Cursor | None
    limit: int


def _page(cursor: str | None = None, limit: int = Query(50, ge=1, le=200)) -> Page:
    return Page(cursor=Cursor.decode_timestamp(cursor), limit=limit)


PageArgs = Annotated[Page, Depends(_page)]
