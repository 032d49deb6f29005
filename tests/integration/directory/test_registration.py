"""Registration through the real broker: one reply per command, typed rejections that
change nothing, and the internal read endpoints the gateway uses."""

from __future__ import annotations

import asyncpg
import httpx

from shared.contracts import directory
from tests.integration.directory.helpers import (
    REJECTED,
    command,
    register_customer,
    registered_partner,
)
from tests.support.bus import Bus
from tools.procs import ServiceProcess


async def test_register_customer_emits_event_and_stores_company_and_admin(
    stack: dict[str, ServiceProcess], bus: Bus, pool: asyncpg.Pool
) -> None:
    cmd = register_customer()
    reply = await command(bus, cmd)
    assert reply.type == directory.CustomerRegistered.ce_type(), reply.data
    assert reply.key == str(cmd.customer_id)
    assert reply.data["domain"] == cmd.domain
    assert reply.data["admin_user_id"] == str(cmd.admin.user_id)
    role = await pool.fetchval(
        "SELECT company_role FROM directory.users WHERE user_id = $1", cmd.admin.user_id
    )
    assert role == "global_admin"

    async with httpx.AsyncClient(base_url=stack["directory"].url) as http:
        customer = (await http.get(f"/internal/customers/{cmd.customer_id}")).json()
        users = (await http.get(f"/internal/customers/{cmd.customer_id}/users")).json()
    assert customer["name"] == cmd.name
    assert [u["user_id"] for u in users] == [str(cmd.admin.user_id)]
    assert "password_hash" not in users[0]


async def test_duplicate_domain_is_rejected_and_nothing_changes(
    stack: object, bus: Bus, pool: asyncpg.Pool
) -> None:
    first = register_customer()
    assert (await command(bus, first)).type == directory.CustomerRegistered.ce_type()
    second = register_customer(domain=first.domain)
    reply = await command(bus, second)
    assert reply.type == REJECTED
    assert reply.data["code"] == "domain_taken"
    assert reply.correlation_id is not None
    assert not await pool.fetchval(
        "SELECT true FROM directory.customers WHERE customer_id = $1", second.customer_id
    )
    assert not await pool.fetchval(
        "SELECT true FROM directory.users WHERE user_id = $1", second.admin.user_id
    )


async def test_duplicate_email_is_rejected(stack: object, bus: Bus, pool: asyncpg.Pool) -> None:
    first = register_customer()
    assert (await command(bus, first)).type == directory.CustomerRegistered.ce_type()
    second = register_customer(email=first.admin.email.upper())
    reply = await command(bus, second)
    assert reply.type == REJECTED
    assert reply.data["code"] == "email_taken"
    assert not await pool.fetchval(
        "SELECT true FROM directory.customers WHERE customer_id = $1", second.customer_id
    )


async def test_register_partner_and_read_full_and_public_profile(
    stack: dict[str, ServiceProcess], bus: Bus
) -> None:
    cmd = await registered_partner(bus)
    async with httpx.AsyncClient(base_url=stack["directory"].url) as http:
        full = (await http.get(f"/internal/partners/{cmd.partner_id}")).json()
        public = (await http.get(f"/internal/partners/{cmd.partner_id}/public")).json()
        admin = (await http.get(f"/internal/users/{cmd.admin.user_id}")).json()
        missing = await http.get(f"/internal/partners/{cmd.admin.user_id}")
    assert full["name"] == cmd.profile.name
    assert full["updated_by"] == str(cmd.admin.user_id)
    assert set(public) == {"partner_id", "name", "phone", "support_email", "website", "address"}
    assert public["support_email"] == cmd.profile.support_email
    assert admin["company_role"] == "global_admin"
    assert admin["supported_access"] == "full"
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
