"""The customer's Global admin approves or declines; nobody else may, and only once."""

from __future__ import annotations

import uuid

import asyncpg
import httpx

from shared.contracts import delegation
from shared.contracts.topics import DELEGATION_COMMANDS
from tests.integration.delegation.support import (
    REJECTED,
    Customer,
    redeemed,
    register_customer,
    request_from,
)
from tests.support.bus import Bus
from tools.procs import ServiceProcess


async def _pending(bus: Bus, pool: asyncpg.Pool) -> tuple[Customer, uuid.UUID, dict[str, object]]:
    customer = await register_customer(bus, pool)
    data = await request_from(bus, redeemed(customer.customer_id))
    return customer, uuid.UUID(str(data["request_id"])), data


async def _state(pool: asyncpg.Pool, request_id: uuid.UUID) -> str:
    return str(
        await pool.fetchval(
            "SELECT state FROM delegation.requests WHERE request_id = $1", request_id
        )
    )


def _approve(
    customer: Customer, request_id: uuid.UUID, by: uuid.UUID
) -> delegation.ApproveDelegationRequest:
    return delegation.ApproveDelegationRequest(
        request_id=request_id, customer_id=customer.customer_id, approved_by=by
    )


async def test_customer_admin_approves(
    stack: dict[str, ServiceProcess], bus: Bus, pool: asyncpg.Pool
) -> None:
    customer, request_id, requested = await _pending(bus, pool)

    reply = await bus.reply_to(
        await bus.send(_approve(customer, request_id, customer.admin_id), topic=DELEGATION_COMMANDS)
    )

    assert reply.type == delegation.DelegationApproved.ce_type(), reply.data
    assert reply.data["partner_id"] == requested["partner_id"]
    assert reply.data["approved_by"] == str(customer.admin_id)
    assert reply.key == str(customer.customer_id)
    assert await _state(pool, request_id) == "approved"
    relationship = await pool.fetchrow(
        "SELECT state, role FROM delegation.relationships WHERE relationship_id = $1", request_id
    )
    assert relationship is not None
    assert (relationship["state"], relationship["role"]) == ("active", "full")

    async with httpx.AsyncClient(base_url=stack["delegation"].url) as http:
        view = (await http.get(f"/internal/requests/{request_id}")).json()
        active = await http.get(
            "/internal/relationships/active",
            params={
                "partner_id": str(requested["partner_id"]),
                "customer_id": str(customer.customer_id),
            },
        )
    assert view["state"] == "approved"
    assert view["partner_id"] == requested["partner_id"]
    assert view["duration_seconds"] is None
    assert active.status_code == 200
    assert active.json()["relationship_id"] == str(request_id)


async def test_someone_else_cannot_approve(stack: object, bus: Bus, pool: asyncpg.Pool) -> None:
    customer, request_id, _ = await _pending(bus, pool)

    reply = await bus.reply_to(
        await bus.send(_approve(customer, request_id, uuid.uuid4()), topic=DELEGATION_COMMANDS)
    )

    assert reply.type == REJECTED
    assert reply.data["code"] == "not_customer_admin"
    assert await _state(pool, request_id) == "pending"
    assert not await pool.fetchval(
        "SELECT true FROM delegation.relationships WHERE relationship_id = $1", request_id
    )


async def test_deciding_twice_is_rejected(stack: object, bus: Bus, pool: asyncpg.Pool) -> None:
    customer, request_id, _ = await _pending(bus, pool)
    decline = delegation.DeclineDelegationRequest(
        request_id=request_id, customer_id=customer.customer_id, declined_by=customer.admin_id
    )
    declined = await bus.reply_to(await bus.send(decline, topic=DELEGATION_COMMANDS))
    assert declined.type == delegation.DelegationDeclined.ce_type(), declined.data

    again = await bus.reply_to(await bus.send(decline, topic=DELEGATION_COMMANDS))
    approve = await bus.reply_to(
        await bus.send(_approve(customer, request_id, customer.admin_id), topic=DELEGATION_COMMANDS)
    )

    assert (again.type, again.data["code"]) == (REJECTED, "request_already_decided")
    assert (approve.type, approve.data["code"]) == (REJECTED, "request_already_decided")
    assert await _state(pool, request_id) == "declined"
    assert not await pool.fetchval(
        "SELECT true FROM delegation.relationships WHERE relationship_id = $1", request_id
    )


async def test_approving_twice_is_rejected(stack: object, bus: Bus, pool: asyncpg.Pool) -> None:
    customer, request_id, _ = await _pending(bus, pool)
    approve = _approve(customer, request_id, customer.admin_id)
    first = await bus.reply_to(await bus.send(approve, topic=DELEGATION_COMMANDS))
    assert first.type == delegation.DelegationApproved.ce_type(), first.data

    second = await bus.reply_to(await bus.send(approve, topic=DELEGATION_COMMANDS))

    assert (second.type, second.data["code"]) == (REJECTED, "request_already_decided")
    assert (
        await pool.fetchval(
            "SELECT count(*) FROM delegation.relationships WHERE relationship_id = $1", request_id
        )
        == 1
    )
