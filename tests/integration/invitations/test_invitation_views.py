"""The invitations service's reads: tie-safe pages, and the access policy (a partner sees its
own invitations only; a link shows an invitation only while it can be redeemed)."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx

from tests.support.pages import walk
from tools.procs import ServiceProcess


async def _insert(
    pool: asyncpg.Pool, partner_id: uuid.UUID, created_at: datetime, **fields: object
) -> uuid.UUID:
    invitation_id = uuid.uuid4()
    await pool.execute(
        "INSERT INTO invitations.invitations (invitation_id, partner_id, created_by, code, "
        "service_id, seats, trial_days, delegation_role, expires_at, max_redemptions, "
        "created_at, redemptions, revoked_at, revoked_by) "
        "VALUES ($1, $2, $3, $4, 'it-trial-svc', 5, 30, NULL, $5, NULL, $6, 0, $7, NULL)",
        invitation_id,
        partner_id,
        uuid.uuid4(),
        secrets.token_urlsafe(24),
        fields.get("expires_at"),
        created_at,
        fields.get("revoked_at"),
    )
    return invitation_id


async def test_pages_neither_skip_nor_repeat_invitations_sharing_a_timestamp(
    stack: dict[str, ServiceProcess], pool: asyncpg.Pool
) -> None:
    partner = uuid.uuid4()
    same = datetime.now(UTC).replace(microsecond=0)
    ids = [await _insert(pool, partner, same) for _ in range(5)]
    ids.append(await _insert(pool, partner, same - timedelta(seconds=1)))
    await _insert(pool, uuid.uuid4(), same)  # another partner's

    async with httpx.AsyncClient(base_url=stack["invitations"].url) as http:
        seen, pages = await walk(http, "/internal/invitations", "invitation_id", limit=2,
                                 partner_id=partner)  # fmt: skip
        everything = (
            await http.get("/internal/invitations", params={"partner_id": str(partner)})
        ).json()
        bad = await http.get(
            "/internal/invitations", params={"partner_id": str(partner), "cursor": "nope"}
        )

    newest_first = [*sorted(map(str, ids[:5]), reverse=True), str(ids[5])]
    assert seen == newest_first == [i["invitation_id"] for i in everything["items"]]
    assert len(pages) == 3
    assert everything["next_cursor"] is None
    assert bad.status_code == 422
    assert bad.headers["content-type"] == "application/problem+json"
    assert bad.json()["code"] == "invalid_cursor"


async def test_another_partners_invitation_is_not_found_like_a_random_id(
    stack: dict[str, ServiceProcess], pool: asyncpg.Pool
) -> None:
    partner = uuid.uuid4()
    own = await _insert(pool, partner, datetime.now(UTC))
    async with httpx.AsyncClient(base_url=stack["invitations"].url) as http:
        mine = await http.get(f"/internal/invitations/{own}", params={"partner_id": str(partner)})
        foreign = await http.get(
            f"/internal/invitations/{own}", params={"partner_id": str(uuid.uuid4())}
        )
        random = await http.get(
            f"/internal/invitations/{uuid.uuid4()}", params={"partner_id": str(partner)}
        )
        counts = await http.get("/internal/invitations/counts", params={"partner_id": str(partner)})

    assert mine.status_code == 200
    assert mine.json()["status"] == "active"
    assert mine.json()["redemptions_list"] == []
    assert foreign.status_code == random.status_code == 404
    assert foreign.json() | {"instance": ""} == random.json() | {"instance": ""}
    assert foreign.headers["content-type"] == "application/problem+json"
    assert counts.json() == {"active": 1, "redemptions": 0}


async def test_a_link_shows_an_invitation_only_while_it_can_be_redeemed(
    stack: dict[str, ServiceProcess], pool: asyncpg.Pool
) -> None:
    partner = uuid.uuid4()
    now = datetime.now(UTC)
    active = await _insert(pool, partner, now)
    revoked = await _insert(pool, partner, now, revoked_at=now)
    expired = await _insert(pool, partner, now, expires_at=now - timedelta(seconds=1))
    codes = {
        r["invitation_id"]: r["code"]
        for r in await pool.fetch(
            "SELECT invitation_id, code FROM invitations.invitations WHERE partner_id = $1",
            partner,
        )
    }
    async with httpx.AsyncClient(base_url=stack["invitations"].url) as http:
        shown = await http.get(f"/internal/invitations/by-code/{codes[active]}")
        gone = [
            await http.get(f"/internal/invitations/by-code/{codes[i]}") for i in (revoked, expired)
        ]
        unknown = await http.get(f"/internal/invitations/by-code/{'x' * 32}")

    assert shown.status_code == 200
    assert set(shown.json()) == {
        "service_id", "seats", "trial_days", "delegation_role", "expires_at", "status",
        "partner_id",
    }  # fmt: skip
    for answer in gone:
        assert answer.status_code == 410
        assert answer.json()["code"] == "invitation_unavailable"
        assert str(partner) not in answer.text
    assert unknown.status_code == 404
