"""The offers service's list is tie-safe: offers created in the same instant are neither
skipped nor repeated across pages; a cursor not issued by the list is a problem."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx

from tests.support.pages import walk
from tools.procs import ServiceProcess


async def _insert(pool: asyncpg.Pool, partner_id: uuid.UUID, created_at: datetime) -> str:
    offer_id = uuid.uuid4()
    await pool.execute(
        "INSERT INTO offers.offers (offer_id, partner_id, created_by, code, lines, "
        "customer_may_change_quantities, created_at) VALUES ($1, $2, $3, $4, $5::jsonb, "
        "false, $6)",
        offer_id,
        partner_id,
        uuid.uuid4(),
        secrets.token_urlsafe(24),
        '[{"service_id": "gone-svc", "quantity": 2, "min_quantity": 2, "max_quantity": 2}]',
        created_at,
    )
    return str(offer_id)


async def test_pages_neither_skip_nor_repeat_offers_sharing_a_timestamp(
    stack: dict[str, ServiceProcess], pool: asyncpg.Pool
) -> None:
    partner = uuid.uuid4()
    same = datetime.now(UTC).replace(microsecond=0)
    tied = [await _insert(pool, partner, same) for _ in range(4)]
    older = await _insert(pool, partner, same - timedelta(seconds=1))
    await _insert(pool, uuid.uuid4(), same)  # another partner's

    async with httpx.AsyncClient(base_url=stack["offers"].url) as http:
        seen, pages = await walk(http, "/internal/offers", "offer_id", limit=3, partner_id=partner)
        bad = await http.get(
            "/internal/offers", params={"partner_id": str(partner), "cursor": "x" * 40}
        )

    assert seen == [*sorted(tied, reverse=True), older]
    assert len(pages) == 2
    # A service gone from the catalogue still shows, by its id and not on sale.
    line = pages[0]["items"][0]["lines"][0]
    assert (line["name"], line["on_sale"]) == ("gone-svc", False)
    assert bad.status_code == 422
    assert bad.json()["code"] == "invalid_cursor"
