"""The partner's invitation list pages with the one opaque, tie-safe cursor."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import asyncpg
import httpx

from shared.cursor import Cursor
from tests.integration.invitations.test_invitation_commands import _invitation
from tests.support.bus import Bus
from tools.procs import ServiceProcess


async def test_rows_sharing_one_created_at_are_neither_repeated_nor_skipped(
    stack: dict[str, ServiceProcess], bus: Bus, pool: asyncpg.Pool
) -> None:
    partner_id = uuid.uuid4()
    created = [await _invitation(bus, pool, partner_id=partner_id) for _ in range(3)]
    ids = {str(c["invitation_id"]) for c in created}
    # Two (here: all three) created in the very same microsecond: a timestamp-only cursor
    # would skip the second one.
    same = datetime(2026, 11, 30, 12, 0, 0, 123456, tzinfo=UTC)
    await pool.execute(
        "UPDATE invitations.invitations SET created_at = $1 WHERE partner_id = $2",
        same,
        partner_id,
    )

    seen: list[str] = []
    cursor: str | None = None
    async with httpx.AsyncClient(base_url=stack["invitations"].url) as http:
        for _ in range(10):
            params: dict[str, str | int] = {"partner_id": str(partner_id), "limit": 1}
            if cursor is not None:
                params["cursor"] = cursor
            answer = await http.get("/internal/invitations", params=params)
            assert answer.status_code == 200, answer.text
            page = answer.json()
            assert set(page) == {"items", "next_cursor"}
            seen += [item["invitation_id"] for item in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert len(seen) == len(set(seen)) == 3, seen
        assert set(seen) == ids
        # Newest first, ties broken by id (descending), the same on every read.
        assert seen == sorted(ids, key=uuid.UUID, reverse=True)

        # Garbage, and a well-formed cursor of a list sorted by something else than a time.
        for foreign in ("x", Cursor("Contoso", uuid.uuid4()).encode()):
            bad = await http.get(
                "/internal/invitations", params={"partner_id": str(partner_id), "cursor": foreign}
            )
            assert (bad.status_code, bad.json()["code"]) == (422, "invalid_cursor"), bad.text
            assert bad.json()["type"].endswith("/problems/invalid_cursor")
