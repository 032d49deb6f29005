"""The whole lifecycle on the real broker and database, with two copies of the service:
standalone offers, pending expiry, revocation by either side, replacement by a new role,
and time-bound relationships that warn and then expire (each transition exactly once)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import asyncpg
import httpx

from shared.contracts import delegation
from shared.contracts.base import Command
from shared.contracts.topics import DELEGATION_COMMANDS
from tests.integration.delegation.support import (
    REJECTED,
    Customer,
    barrier,
    register_customer,
)
from tests.support.bus import Bus, Seen
from tools.procs import ServiceProcess

WARNING_LEAD = timedelta(seconds=2)  # PORTAL_DELEGATION_EXPIRY_WARNING in conftest.py


async def _command(bus: Bus, command: Command) -> Seen:
    return await bus.reply_to(await bus.send(command, topic=DELEGATION_COMMANDS))


async def _offer(
    bus: Bus, customer: Customer, *, partner_id: uuid.UUID | None = None, **fields: Any
) -> dict[str, Any]:
    command = delegation.OfferDelegation(
        request_id=uuid.uuid4(),
        partner_id=partner_id or uuid.uuid4(),
        customer_id=customer.customer_id,
        offered_by=uuid.uuid4(),
        **{"role": "full", **fields},
    )
    reply = await _command(bus, command)
    assert reply.type == delegation.DelegationOffered.ce_type(), reply.data
    return reply.data


async def _approve(bus: Bus, customer: Customer, request_id: object) -> Seen:
    return await _command(
        bus,
        delegation.ApproveDelegationRequest(
            request_id=uuid.UUID(str(request_id)),
            customer_id=customer.customer_id,
            approved_by=customer.admin_id,
        ),
    )


async def _active(bus: Bus, customer: Customer, **fields: Any) -> dict[str, Any]:
    offered = await _offer(bus, customer, **fields)
    approved = await _approve(bus, customer, offered["request_id"])
    assert approved.type == delegation.DelegationApproved.ce_type(), approved.data
    return offered


def _about(ce_type: str, key: str, value: object) -> Any:
    return lambda s: s.type == ce_type and s.data.get(key) == str(value)


async def test_standalone_offer_is_opened_by_its_url_and_approved(
    stack: dict[str, ServiceProcess], bus: Bus, pool: asyncpg.Pool
) -> None:
    customer = await register_customer(bus, pool)
    offered = await _offer(bus, customer, role="limited", duration="P90D")
    code = offered["code"]
    assert len(code) >= 32
    assert offered["url"].endswith(f"/d/{code}")
    requested = await bus.wait_for(
        _about(delegation.DelegationRequested.ce_type(), "request_id", offered["request_id"])
    )
    assert requested[0].data["source_kind"] == "standalone"

    async with httpx.AsyncClient(base_url=stack["delegation"].url) as http:
        shown = (await http.get(f"/internal/requests/by-code/{code}")).json()
        unknown = await http.get(f"/internal/requests/by-code/{'x' * 32}")
    assert (shown["request_id"], shown["state"], shown["role"]) == (
        offered["request_id"],
        "pending",
        "limited",
    )
    assert shown["duration_seconds"] == 90 * 86400
    assert unknown.status_code == 404

    approved = await _approve(bus, customer, offered["request_id"])
    assert approved.type == delegation.DelegationApproved.ce_type(), approved.data
    ends_at = await pool.fetchval(
        "SELECT ends_at - started_at FROM delegation.relationships WHERE relationship_id = $1",
        uuid.UUID(offered["request_id"]),
    )
    assert ends_at == timedelta(days=90)


async def test_offer_to_an_unknown_customer_is_rejected(stack: object, bus: Bus) -> None:
    nobody = Customer(uuid.uuid4(), uuid.uuid4())
    reply = await _command(
        bus,
        delegation.OfferDelegation(
            request_id=uuid.uuid4(),
            partner_id=uuid.uuid4(),
            customer_id=nobody.customer_id,
            offered_by=uuid.uuid4(),
            role="full",
        ),
    )
    assert (reply.type, reply.data["code"]) == (REJECTED, "customer_not_found")


async def test_unanswered_offer_expires_once_and_cannot_be_approved(
    stack: object, bus: Bus, pool: asyncpg.Pool
) -> None:
    customer = await register_customer(bus, pool)
    offered = await _offer(bus, customer, respond_within="PT1S")

    expired = await bus.wait_for(
        _about(delegation.DelegationRequestExpired.ce_type(), "request_id", offered["request_id"])
    )
    late = await _approve(bus, customer, offered["request_id"])
    await barrier(bus, customer.customer_id)

    assert expired[0].key == str(customer.customer_id)
    assert (late.type, late.data["code"]) == (REJECTED, "request_expired")
    assert (
        await pool.fetchval(
            "SELECT state FROM delegation.requests WHERE request_id = $1",
            uuid.UUID(offered["request_id"]),
        )
        == "expired"
    )
    seen = bus.matching(
        _about(delegation.DelegationRequestExpired.ce_type(), "request_id", offered["request_id"])
    )
    assert len(seen) == 1


async def test_customer_admin_revokes_and_access_ends(
    stack: dict[str, ServiceProcess], bus: Bus, pool: asyncpg.Pool
) -> None:
    customer = await register_customer(bus, pool)
    offered = await _active(bus, customer)
    revoke = delegation.RevokeDelegation(
        relationship_id=offered["request_id"],
        partner_id=offered["partner_id"],
        customer_id=customer.customer_id,
        revoked_by=uuid.uuid4(),
        party="customer",
    )

    not_admin = await _command(bus, revoke)
    revoked = await _command(bus, revoke.model_copy(update={"revoked_by": customer.admin_id}))
    again = await _command(bus, revoke.model_copy(update={"revoked_by": customer.admin_id}))

    assert (not_admin.type, not_admin.data["code"]) == (REJECTED, "not_customer_admin")
    assert revoked.type == delegation.DelegationRevoked.ce_type(), revoked.data
    assert (revoked.data["party"], revoked.data["role"]) == ("customer", "full")
    assert (again.type, again.data["code"]) == (REJECTED, "relationship_not_active")
    async with httpx.AsyncClient(base_url=stack["delegation"].url) as http:
        active = await http.get(
            "/internal/relationships/active",
            params={"partner_id": offered["partner_id"], "customer_id": str(customer.customer_id)},
        )
        listed = (
            await http.get(f"/internal/customers/{customer.customer_id}/relationships")
        ).json()
    assert active.status_code == 404
    assert [(r["relationship_id"], r["state"]) for r in listed["items"]] == [
        (offered["request_id"], "revoked")
    ]


async def test_partner_revokes_its_own_relationship_and_no_other(
    stack: object, bus: Bus, pool: asyncpg.Pool
) -> None:
    customer = await register_customer(bus, pool)
    offered = await _active(bus, customer)
    revoke = delegation.RevokeDelegation(
        relationship_id=offered["request_id"],
        partner_id=uuid.uuid4(),
        customer_id=customer.customer_id,
        revoked_by=uuid.uuid4(),
        party="partner",
    )

    stranger = await _command(bus, revoke)
    revoked = await _command(
        bus, revoke.model_copy(update={"partner_id": uuid.UUID(offered["partner_id"])})
    )

    assert (stranger.type, stranger.data["code"]) == (REJECTED, "relationship_not_found")
    assert revoked.type == delegation.DelegationRevoked.ce_type(), revoked.data
    assert revoked.data["party"] == "partner"
    assert (
        await pool.fetchval(
            "SELECT state FROM delegation.relationships WHERE relationship_id = $1",
            uuid.UUID(offered["request_id"]),
        )
        == "revoked"
    )


async def test_approval_with_another_role_replaces_the_active_relationship(
    stack: dict[str, ServiceProcess], bus: Bus, pool: asyncpg.Pool
) -> None:
    customer = await register_customer(bus, pool)
    partner = uuid.uuid4()
    limited = await _active(bus, customer, partner_id=partner, role="limited")
    full = await _offer(bus, customer, partner_id=partner, role="full")

    approved = await _approve(bus, customer, full["request_id"])
    replaced = await bus.wait_for(
        _about(delegation.DelegationReplaced.ce_type(), "relationship_id", limited["request_id"])
    )

    assert approved.type == delegation.DelegationApproved.ce_type(), approved.data
    assert replaced[0].causation_id == approved.causation_id
    assert replaced[0].offset > approved.offset  # same partition: the approval comes first
    assert replaced[0].data["replaced_by"] == full["request_id"]
    assert (replaced[0].data["role"], replaced[0].data["new_role"]) == ("limited", "full")
    rows = await pool.fetch(
        "SELECT relationship_id, state, role FROM delegation.relationships "
        "WHERE partner_id = $1 AND customer_id = $2 ORDER BY started_at",
        partner,
        customer.customer_id,
    )
    assert [(str(r["relationship_id"]), r["state"], r["role"]) for r in rows] == [
        (limited["request_id"], "replaced", "limited"),
        (full["request_id"], "active", "full"),
    ]
    async with httpx.AsyncClient(base_url=stack["delegation"].url) as http:
        active = (
            await http.get(
                "/internal/relationships/active",
                params={"partner_id": str(partner), "customer_id": str(customer.customer_id)},
            )
        ).json()
    assert (active["relationship_id"], active["role"]) == (full["request_id"], "full")


async def test_time_bound_relationship_warns_then_expires_once(
    stack: object, bus: Bus, pool: asyncpg.Pool
) -> None:
    customer = await register_customer(bus, pool)
    offered = await _active(bus, customer, duration="PT4S")
    rid = offered["request_id"]

    expired = await bus.wait_for(
        _about(delegation.DelegationExpired.ce_type(), "relationship_id", rid)
    )
    warnings = bus.matching(_about(delegation.DelegationExpiring.ce_type(), "relationship_id", rid))
    await barrier(bus, customer.customer_id)

    assert len(warnings) == 1
    assert warnings[0].partition == expired[0].partition
    assert warnings[0].offset < expired[0].offset
    ends_at = datetime.fromisoformat(expired[0].data["ends_at"])
    warned_at = datetime.fromisoformat(warnings[0].data["warned_at"])
    assert ends_at - WARNING_LEAD <= warned_at < ends_at
    assert datetime.fromisoformat(expired[0].data["expired_at"]) >= ends_at
    assert (
        len(bus.matching(_about(delegation.DelegationExpired.ce_type(), "relationship_id", rid)))
        == 1
    )
    assert (
        len(bus.matching(_about(delegation.DelegationExpiring.ce_type(), "relationship_id", rid)))
        == 1
    )
    assert (
        await pool.fetchval(
            "SELECT state FROM delegation.relationships WHERE relationship_id = $1", uuid.UUID(rid)
        )
        == "expired"
    )
