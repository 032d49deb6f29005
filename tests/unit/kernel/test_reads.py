"""A ``Read`` row is a GET route answering its query with the one id its path names, under the
query's keyword; an id that is not a UUID is refused before the query runs."""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any
from uuid import UUID

from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient

from shared import problems
from shared.reads import PageArgs, Read

POOL = object()
calls: list[tuple[object, dict[str, UUID]]] = []


async def company_users(db: object, *, company_id: UUID) -> list[str]:
    calls.append((db, {"company_id": company_id}))
    return [str(company_id)]


async def partner(db: object, *, partner_id: UUID) -> dict[str, Any]:
    calls.append((db, {"partner_id": partner_id}))
    return {"partner_id": str(partner_id)}


def _client() -> TestClient:
    router = APIRouter(prefix="/internal")
    Read("/partners/{partner_id}", partner, dict[str, str], "The partner.").add_to(router)
    Read("/partners/{partner_id}/users", company_users, list[str], arg="company_id").add_to(router)
    app = FastAPI()
    problems.install(app)
    app.include_router(router)
    app.state.service = SimpleNamespace(pool=POOL)
    return TestClient(app)


def test_the_path_id_reaches_the_query_under_its_keyword() -> None:
    client, partner_id = _client(), uuid.uuid4()
    calls.clear()
    assert client.get(f"/internal/partners/{partner_id}").json() == {"partner_id": str(partner_id)}
    assert client.get(f"/internal/partners/{partner_id}/users").json() == [str(partner_id)]
    assert calls == [(POOL, {"partner_id": partner_id}), (POOL, {"company_id": partner_id})]


def test_an_id_that_is_not_a_uuid_is_refused_before_the_query() -> None:
    client = _client()
    calls.clear()
    answer = client.get("/internal/partners/not-a-uuid")
    assert answer.status_code == 422
    assert calls == []


def test_a_page_is_the_decoded_cursor_and_a_bounded_limit() -> None:
    app = FastAPI()
    problems.install(app)

    @app.get("/items")
    async def items(page: PageArgs) -> dict[str, Any]:
        return {"limit": page.limit, "cursor": page.cursor is not None}

    client = TestClient(app)
    assert client.get("/items").json() == {"limit": 50, "cursor": False}
    assert client.get("/items", params={"limit": 200}).json()["limit"] == 200
    for limit in (0, 201):
        assert client.get("/items", params={"limit": limit}).status_code == 422
