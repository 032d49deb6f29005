"""The delegation service's reads: tie-safe pages of requests and relationships, and the
access policy (a reader naming itself sees its own objects only; another's answers like a
random id)."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx

from tests.support.pages import walk
from tools.procs import ServiceProcess


async def _request(
    pool: asyncpg.Pool, partner: uuid.UUID, customer: uuid.UUID, at: datetime
) -> str:
    request_id = uuid.uuid4()
    await pool.execute(
        "INSERT INTO delegation.requests (request_id, partner_id, customer_id, role, "
        "source_kind, source_id, code, requested_at, expires_at) "
        "VALUES ($1, $2, $3, 'limited', 'standalone', $1, $4, $5, $6)",
        request_id,
        partner,
        customer,
        secrets.token_urlsafe(24),
        at,
        at + timedelta(days=7),
    )
    return str(request_id)


async def _relationship(
    pool: asyncpg.Pool, partner: uuid.UUID, customer: uuid.UUID, at: datetime
) -> str:
    request_id = await _request(pool, partner, customer, at)
    await pool.execute(
        "UPDATE delegation.requests SET state = 'approved' WHERE request_id = $1",
        uuid.UUID(request_id),
    )
    await pool.execute(
        "INSERT INTO delegation.relationships (relationship_id, partner_id, customer_id, role, "
        "approved_by, started_at, state) VALUES ($1, $2, $3, 'limited', $4, $5, 'revoked')",
        uuid.UUID(request_id),
        partner,
        customer,
        uuid.uuid4(),
        at,
    )
    return request_id


async def test_pages_neither_skip_nor_repeat_rows_sharing_a_timestamp(
    stack: dict[str, ServiceProcess], pool: asyncpg.Pool
) -> None:
    partner, customer = uuid.uuid4(), uuid.uuid4()
    same = datetime.now(UTC).replace(microsecond=0)
    requests = [await _request(pool, partner, uuid.uuid4(), same) for _ in range(3)]
    requests += [await _request(pool, uuid.uuid4(), customer, same) for _ in range(3)]
    relationships = [await _relationship(pool, partner, uuid.uuid4(), same) for _ in range(3)]

    async with httpx.AsyncClient(base_url=stack["delegation"].url) as http:
        partner_seen, partner_pages = await walk(
            http, f"/internal/partners/{partner}/requests", "request_id", limit=2
        )
        customer_seen, customer_pages = await walk(
            http, f"/internal/customers/{customer}/requests", "request_id", limit=2
        )
        related, _ = await walk(
            http, f"/internal/partners/{partner}/relationships", "relationship_id", limit=2
        )
        bad = await http.get(f"/internal/partners/{partner}/requests", params={"cursor": "no"})

    # The partner's requests include those its relationships started.
    assert partner_seen == sorted(requests[:3] + relationships, reverse=True)
    assert customer_seen == sorted(requests[3:], reverse=True)
    assert related == sorted(relationships, reverse=True)
    # The URL is the partner's to send; the customer's list carries none.
    assert all(i["url"] for p in partner_pages for i in p["items"])
    assert all("url" not in i for p in customer_pages for i in p["items"])
    assert bad.status_code == 422
    assert bad.json()["code"] == "invalid_cursor"


async def test_another_partys_request_or_relationship_is_not_found(
    stack: dict[str, ServiceProcess], pool: asyncpg.Pool
) -> None:
    partner, customer, stranger = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    at = datetime.now(UTC)
    request = await _request(pool, partner, customer, at)
    relationship = await _relationship(pool, partner, customer, at)
    code = await pool.fetchval(
        "SELECT code FROM delegation.requests WHERE request_id = $1", uuid.UUID(request)
    )

    async with httpx.AsyncClient(base_url=stack["delegation"].url) as http:

        async def get(path: str, **params: object) -> httpx.Response:
            return await http.get(path, params={k: str(v) for k, v in params.items()})

        # The same five reads: by their owner, by a stranger, and of an id that does not exist.
        reads = [  # (path, the real id, a made-up one, which side asks)
            ("/internal/requests/{}", request, uuid.uuid4(), "partner_id"),
            ("/internal/requests/{}", request, uuid.uuid4(), "customer_id"),
            ("/internal/requests/by-code/{}", code, "y" * 32, "customer_id"),
            ("/internal/relationships/{}", relationship, uuid.uuid4(), "partner_id"),
            ("/internal/relationships/{}", relationship, uuid.uuid4(), "customer_id"),
        ]
        owner = {"partner_id": partner, "customer_id": customer}
        own = [await get(p.format(real), **{side: owner[side]}) for p, real, _, side in reads]
        foreign = [await get(p.format(real), **{side: stranger}) for p, real, _, side in reads]
        random = [await get(p.format(fake), **{side: owner[side]}) for p, _, fake, side in reads]
        counts = await get(f"/internal/partners/{partner}/counts")

    assert [r.status_code for r in own] == [200] * 5
    for mine, theirs, none in zip(own, foreign, random, strict=True):
        assert theirs.status_code == none.status_code == 404
        assert theirs.headers["content-type"] == "application/problem+json"
        assert (theirs.json()["code"], theirs.json()["detail"]) == (
            none.json()["code"],
            none.json()["detail"],
        )
        assert str(mine.json()["partner_id"]) not in theirs.text
    assert counts.json() == {"pending": 1, "active": 0}
