"""Sign-in on the directory's internal HTTP endpoint, against the real database: argon2
verification, slow-down then lockout, and a reset's temporary password that must be changed."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

import asyncpg
import httpx

from services.directory.entrypoints import housekeeping
from shared.contracts import directory
from shared.db import create_pool
from tests.integration.directory.helpers import PASSWORD, Partner, command, registered_customer
from tests.support.bus import Bus
from tests.support.wait import eventually


async def sign_in(http: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await http.post("/internal/authenticate", json={"email": email, "password": password})


async def test_customer_admin_signs_in_with_the_registered_password(
    stack: object, bus: Bus, http: httpx.AsyncClient
) -> None:
    customer = await registered_customer(bus, password=PASSWORD)
    ok = await sign_in(http, customer.admin.email.upper(), PASSWORD)
    assert ok.status_code == 200, ok.text
    body = ok.json()
    assert body["user_id"] == str(customer.admin.user_id)
    assert (body["company_kind"], body["company_id"]) == ("customer", str(customer.customer_id))
    assert body["company_role"] == "global_admin"
    assert body["must_change_password"] is False
    assert "password_hash" not in body


async def test_wrong_password_and_unknown_email_get_the_same_answer_and_both_are_counted(
    stack: object, bus: Bus, http: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    customer = await registered_customer(bus, password=PASSWORD)
    wrong = await sign_in(http, customer.admin.email, "not the password")
    nobody = f"Nobody-{uuid.uuid4().hex[:8]}@nowhere.example"
    unknown = await sign_in(http, nobody, PASSWORD)
    again = await sign_in(http, nobody.lower(), "another guess")
    assert wrong.status_code == unknown.status_code == again.status_code == 401
    assert wrong.headers["content-type"] == "application/problem+json"
    assert wrong.json() | {"instance": None} == unknown.json() | {"instance": None}
    assert wrong.json()["code"] == "invalid_credentials"
    # Both failures were written and committed (the same cost, nothing to time apart).
    failed = await pool.fetchval(
        "SELECT failed_sign_ins FROM directory.users WHERE user_id = $1", customer.admin.user_id
    )
    assert failed == 1
    counted = await pool.fetchval(
        "SELECT failed_sign_ins FROM directory.unknown_sign_ins WHERE email_digest = $1",
        hashlib.sha256(nobody.lower().encode()).digest(),
    )
    assert counted == 2


async def test_repeated_failures_slow_down_then_lock_until_a_reset(
    stack: object, bus: Bus, http: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    partner = await Partner.register(bus, http)
    _, user_id, email = await partner.create_user(ready=True)

    async def state() -> asyncpg.Record:
        row = await pool.fetchrow(
            "SELECT failed_sign_ins, locked_until, now() AS db_now FROM directory.users "
            "WHERE user_id = $1",
            user_id,
        )
        assert row is not None
        return row

    for _ in range(2):
        assert (await sign_in(http, email, "wrong")).status_code == 401
    assert (await state())["locked_until"] is None  # the first failures cost nothing
    assert (await sign_in(http, email, "wrong")).status_code == 401
    third = await state()
    assert third["failed_sign_ins"] == 3
    assert third["locked_until"] is not None  # from the third on, each retry must wait

    async def five_failures() -> bool:
        answer = await sign_in(http, email, "wrong")  # 423 while a short lock lasts
        assert answer.status_code in (401, 423), answer.text
        return bool((await state())["failed_sign_ins"] >= 5)

    await eventually(five_failures, timeout=15)
    locked = await sign_in(http, email, PASSWORD)
    assert locked.status_code == 423
    assert int(locked.headers["retry-after"]) > 14 * 60
    assert (
        await pool.fetchval(
            "SELECT failed_sign_ins FROM directory.users WHERE user_id = $1", user_id
        )
        == 5
    )

    reset = await http.post(
        f"/internal/users/{user_id}/reset-password",
        json={"actor_user_id": str(partner.admin_id)},
    )
    assert reset.status_code == 200, reset.text
    temporary = reset.json()["temporary_password"]
    first = await sign_in(http, email, temporary)
    assert first.status_code == 200
    assert first.json()["must_change_password"] is True

    changed = await http.post(
        f"/internal/users/{user_id}/password",
        json={"current_password": temporary, "new_password": "a brand new passphrase"},
    )
    assert changed.status_code == 200
    assert changed.json()["must_change_password"] is False
    assert (await sign_in(http, email, temporary)).status_code == 401
    assert (await sign_in(http, email, "a brand new passphrase")).status_code == 200


async def test_reset_emits_an_event_without_the_password(
    stack: object, bus: Bus, http: httpx.AsyncClient
) -> None:
    partner = await Partner.register(bus, http)
    _, user_id, _ = await partner.create_user()
    reset = await http.post(
        f"/internal/users/{user_id}/reset-password",
        json={"actor_user_id": str(partner.admin_id)},
    )
    temporary = reset.json()["temporary_password"]
    [event] = await bus.wait_for(
        lambda s: (
            s.type == "portal.directory.UserPasswordReset.v1" and s.data["user_id"] == str(user_id)
        )
    )
    assert event.data["reset_by"] == str(partner.admin_id)
    assert temporary.encode() not in event.value


async def test_disabled_user_cannot_sign_in(
    stack: object, bus: Bus, http: httpx.AsyncClient
) -> None:
    partner = await Partner.register(bus, http)
    _, user_id, email = await partner.create_user(ready=True)
    disable = directory.DisablePartnerUser(
        partner_id=partner.partner_id, actor_user_id=partner.admin_id, user_id=user_id
    )
    assert (await command(bus, disable)).type == directory.PartnerUserDisabled.ce_type()
    refused = await sign_in(http, email, PASSWORD)
    assert (refused.status_code, refused.json()["code"]) == (403, "user_disabled")


async def test_unknown_addresses_are_forgotten_after_30_days(
    stack: object, database: str, pool: asyncpg.Pool
) -> None:
    old, recent = (hashlib.sha256(uuid.uuid4().bytes).digest() for _ in range(2))
    await pool.executemany(
        "INSERT INTO directory.unknown_sign_ins (email_digest, failed_sign_ins, first_at, "
        "last_at) VALUES ($1, 3, now() - $2::interval, now() - $2::interval)",
        [(old, timedelta(days=31)), (recent, timedelta(days=29))],
    )
    conn_pool = await create_pool(database, "directory", size=1)
    try:
        assert await housekeeping.prune_unknown_sign_ins(conn_pool) >= 1
        assert await housekeeping.prune_unknown_sign_ins(conn_pool) == 0  # idempotent
    finally:
        await conn_pool.close()
    left = await pool.fetch(
        "SELECT email_digest FROM directory.unknown_sign_ins WHERE email_digest = ANY($1)",
        [old, recent],
    )
    assert [r["email_digest"] for r in left] == [recent]
