"""Acting for a customer over real Kafka and PostgreSQL: partner user access (none, Limited,
Full) x delegation state (none, pending, active, revoked, expired) x action (list users,
create user, reset a non-admin's password, reset an admin's password, assign licence).

Every cell asserts allowed or refused (with its code), the effect or its absence, and the
one audit row of the attempt. Delegation state is driven by the delegation service's real
events on its topic; the directory's view is awaited through its customer-detail endpoint.
The partner is the partner of record of the customer's trial in every state, so the cells
also show that being partner of record grants nothing.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import pytest

from shared.contracts import delegation, directory
from shared.contracts.topics import DELEGATION_EVENTS
from tests.integration.directory.helpers import (
    REJECTED,
    Partner,
    command,
    customer_of,
    password_hash,
)
from tests.support.bus import Bus
from tests.support.wait import eventually
from tools.procs import ServiceProcess

STATES = ("none", "pending", "active", "revoked", "expired")
ACCESS = ("none", "limited", "full")
ACTIONS = ("list_users", "create_user", "reset_password", "reset_admin_password", "assign_licence")


def expected(access: str, state: str, action: str) -> str | None:
    """None: allowed; otherwise the rejection code. (The table in domain/acting.py, with an
    active Full delegation, so the user's own access decides Full or Limited.)"""
    if access == "none":
        return "not_allowed"
    if state != "active":
        return "no_active_delegation"
    if access == "limited" and action not in ("list_users", "reset_password"):
        return "beyond_role"
    return None


@dataclass
class World:
    """One partner (a user per access level) and one customer in one delegation state."""

    state: str
    partner_id: uuid.UUID
    users: dict[str, uuid.UUID]
    customer_id: uuid.UUID
    customer_admin: uuid.UUID
    subscription_id: uuid.UUID


async def _add_customer_user(
    pool: asyncpg.Pool, customer_id: uuid.UUID, role: str = "none"
) -> uuid.UUID:
    """A target user of the customer, stored exactly as the directory stores its users."""
    user_id = uuid.uuid4()
    await pool.execute(
        "INSERT INTO directory.users (user_id, company_kind, company_id, email, display_name, "
        "password_hash, company_role, created_at) "
        "VALUES ($1, 'customer', $2, $3, 'Target', $4, $5, now())",
        user_id,
        customer_id,
        f"t-{user_id.hex[:12]}@contoso.example",
        password_hash("correct horse battery"),
        role,
    )
    return user_id


async def delegation_in_view(
    http: httpx.AsyncClient, w: World | tuple[uuid.UUID, uuid.UUID]
) -> Any:
    """The delegation the directory's view holds, as the partner's customer detail shows it
    (asked as the partner's first admin, who has Full access)."""
    customer_id, admin = (w.customer_id, w.users["admin"]) if isinstance(w, World) else w
    detail = await http.get(
        f"/internal/customers/{customer_id}/support", params={"actor_user_id": str(admin)}
    )
    assert detail.status_code == 200, detail.text
    return detail.json()["delegation"]


async def drive(bus: Bus, http: httpx.AsyncClient, w: World) -> None:
    """Put the partner-customer pair into ``w.state`` with the delegation service's events."""
    request_id = uuid.uuid4()
    now = datetime.now(UTC)
    pair = {"partner_id": w.partner_id, "customer_id": w.customer_id}
    if w.state == "none":
        return
    if w.state == "pending":
        await bus.send(
            delegation.DelegationRequested(
                request_id=request_id,
                **pair,
                role="full",
                source_kind="standalone",
                source_id=request_id,
                requested_at=now,
            ),
            topic=DELEGATION_EVENTS,
        )
        return
    await bus.send(
        delegation.DelegationApproved(
            request_id=request_id,
            **pair,
            role="full",
            approved_by=w.customer_admin,
            approved_at=now,
        ),
        topic=DELEGATION_EVENTS,
    )
    await eventually(lambda: delegation_in_view(http, w))
    if w.state == "active":
        return
    ended: Any
    if w.state == "revoked":
        ended = delegation.DelegationRevoked(
            relationship_id=request_id,
            **pair,
            role="full",
            revoked_by=w.customer_admin,
            party="customer",
            revoked_at=now,
        )
    else:
        ended = delegation.DelegationExpired(
            relationship_id=request_id, **pair, role="full", ends_at=now, expired_at=now
        )
    await bus.send(ended, topic=DELEGATION_EVENTS)

    async def gone() -> bool:
        return await delegation_in_view(http, w) is None

    await eventually(gone)


async def make_world(bus: Bus, http: httpx.AsyncClient, pool: asyncpg.Pool, state: str) -> World:
    partner = await Partner.register(bus, http)
    users = {"admin": partner.admin_id}
    for access in ACCESS:
        _, users[access], _ = await partner.create_user(access=access, ready=True)
    customer = await customer_of(bus, partner.partner_id, name=f"Matrix {state}")
    subscription_id = await pool.fetchval(
        "SELECT subscription_id FROM directory.subscriptions WHERE customer_id = $1",
        customer.customer_id,
    )
    world = World(
        state=state,
        partner_id=partner.partner_id,
        users=users,
        customer_id=customer.customer_id,
        customer_admin=customer.admin.user_id,
        subscription_id=subscription_id,
    )
    await drive(bus, http, world)
    return world


@pytest.fixture(scope="module")
async def http(stack: dict[str, ServiceProcess]) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack["directory"].url, timeout=20) as client:
        yield client


@pytest.fixture(scope="module")
async def matrix_pool(database: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(database, min_size=1, max_size=8)
    assert pool is not None
    yield pool
    await pool.close()


@pytest.fixture(scope="module")
async def worlds(
    stack: dict[str, ServiceProcess], bus: Bus, http: httpx.AsyncClient, matrix_pool: asyncpg.Pool
) -> dict[str, World]:
    made = await asyncio.gather(*(make_world(bus, http, matrix_pool, s) for s in STATES))
    return {w.state: w for w in made}


# --- one attempt per action: returns None (allowed) or the rejection code ----------------


@dataclass
class Attempted:
    code: str | None
    target: uuid.UUID | None  # the audit row's target_id
    effect: bool  # whether the action's effect is in the database


async def _http_code(response: httpx.Response) -> str | None:
    if response.status_code == 200:
        return None
    assert response.headers["content-type"].startswith("application/problem+json")
    return str(response.json()["code"])


async def attempt(
    action: str, w: World, actor: uuid.UUID, http: httpx.AsyncClient, bus: Bus, pool: asyncpg.Pool
) -> Attempted:
    if action == "list_users":
        answer = await http.get(
            f"/internal/customers/{w.customer_id}/managed-users",
            params={"actor_user_id": str(actor)},
        )
        code = await _http_code(answer)
        if code is None:
            assert str(w.customer_admin) in {u["user_id"] for u in answer.json()}
            assert all("password_hash" not in u for u in answer.json())
        return Attempted(code, None, code is None)
    if action == "create_user":
        user_id = uuid.uuid4()
        reply = await command(
            bus,
            directory.CreateCustomerUser(
                customer_id=w.customer_id,
                actor_user_id=actor,
                user_id=user_id,
                email=f"n-{user_id.hex[:12]}@contoso.example",
                display_name="New User",
                password_hash=password_hash("temporary password 1"),
            ),
        )
        code = reply.data["code"] if reply.type == REJECTED else None
        if code is None:
            assert reply.type == directory.CustomerUserCreated.ce_type(), reply.data
            assert reply.data["acting_partner_id"] == str(w.partner_id)
        exists = await pool.fetchval("SELECT true FROM directory.users WHERE user_id = $1", user_id)
        return Attempted(code, user_id, bool(exists))
    if action in ("reset_password", "reset_admin_password"):
        role = "none" if action == "reset_password" else "global_admin"
        target = await _add_customer_user(pool, w.customer_id, role)
        before = await pool.fetchval(
            "SELECT password_hash FROM directory.users WHERE user_id = $1", target
        )
        answer = await http.post(
            f"/internal/users/{target}/reset-password",
            json={"actor_user_id": str(actor), "customer_id": str(w.customer_id)},
        )
        code = await _http_code(answer)
        if code is None:
            assert answer.json()["temporary_password"]
        after = await pool.fetchrow(
            "SELECT password_hash, must_change_password FROM directory.users WHERE user_id = $1",
            target,
        )
        assert after is not None
        changed = after["password_hash"] != before
        assert changed == after["must_change_password"]
        return Attempted(code, target, changed)
    assert action == "assign_licence"
    target = await _add_customer_user(pool, w.customer_id)
    reply = await command(
        bus,
        directory.AssignLicence(
            customer_id=w.customer_id,
            subscription_id=w.subscription_id,
            actor_user_id=actor,
            user_id=target,
        ),
    )
    code = reply.data["code"] if reply.type == REJECTED else None
    if code is None:
        assert reply.type == directory.LicenceAssigned.ce_type(), reply.data
    assigned = await pool.fetchval(
        "SELECT true FROM directory.licence_assignments WHERE subscription_id = $1 "
        "AND user_id = $2",
        w.subscription_id,
        target,
    )
    return Attempted(code, w.subscription_id, bool(assigned))


async def audit_rows(
    pool: asyncpg.Pool, w: World, actor: uuid.UUID, action: str
) -> list[dict[str, Any]]:
    rows = await pool.fetch(
        "SELECT partner_id, target_id, outcome, reason_code, reason, details "
        "FROM directory.acting_audit WHERE customer_id = $1 AND actor_user_id = $2 "
        "AND action = $3",
        w.customer_id,
        actor,
        action,
    )
    return [dict(r) for r in rows]


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("access", ACCESS)
@pytest.mark.parametrize("state", STATES)
async def test_cell(
    worlds: dict[str, World],
    http: httpx.AsyncClient,
    bus: Bus,
    matrix_pool: asyncpg.Pool,
    state: str,
    access: str,
    action: str,
) -> None:
    w = worlds[state]
    actor = w.users[access]
    want = expected(access, state, action)

    done = await attempt(action, w, actor, http, bus, matrix_pool)

    assert done.code == want, f"{access} x {state} x {action}"
    assert done.effect == (want is None), "a refusal changes nothing; an allowed act happens"
    [row] = await audit_rows(matrix_pool, w, actor, action)  # each cell: one actor, once
    assert row["partner_id"] == w.partner_id
    if action != "list_users":
        assert row["target_id"] == done.target
    if want is None:
        assert (row["outcome"], row["reason_code"]) == ("allowed", None)
    else:
        assert (row["outcome"], row["reason_code"]) == ("refused", want)
        assert row["reason"]


async def test_revocation_takes_effect_for_the_next_command(
    stack: dict[str, ServiceProcess], bus: Bus, http: httpx.AsyncClient, matrix_pool: asyncpg.Pool
) -> None:
    """Allowed while active; once the directory has applied DelegationRevoked (its view no
    longer holds the delegation), the very next command of each kind is refused."""
    w = await make_world(bus, http, matrix_pool, "active")
    full = w.users["full"]
    assert (await attempt("assign_licence", w, full, http, bus, matrix_pool)).code is None
    assert (await attempt("reset_password", w, full, http, bus, matrix_pool)).code is None

    relationship = (await delegation_in_view(http, w))["relationship_id"]
    await bus.send(
        delegation.DelegationRevoked(
            relationship_id=uuid.UUID(relationship),
            partner_id=w.partner_id,
            customer_id=w.customer_id,
            role="full",
            revoked_by=w.users["admin"],
            party="partner",
            revoked_at=datetime.now(UTC),
        ),
        topic=DELEGATION_EVENTS,
    )

    async def applied() -> bool:
        return await delegation_in_view(http, w) is None

    await eventually(applied)
    for action in ("assign_licence", "reset_password", "create_user", "list_users"):
        done = await attempt(action, w, full, http, bus, matrix_pool)
        assert (done.code, done.effect) == ("no_active_delegation", False), action
    outcomes = await matrix_pool.fetch(
        "SELECT action, outcome FROM directory.acting_audit WHERE customer_id = $1 "
        "ORDER BY at, action",
        w.customer_id,
    )
    assert [(r["action"], r["outcome"]) for r in outcomes] == [
        ("assign_licence", "allowed"),
        ("reset_password", "allowed"),
        ("assign_licence", "refused"),
        ("reset_password", "refused"),
        ("create_user", "refused"),
        ("list_users", "refused"),
    ]


async def test_a_limited_delegation_makes_a_full_user_a_password_admin(
    stack: dict[str, ServiceProcess], bus: Bus, http: httpx.AsyncClient, matrix_pool: asyncpg.Pool
) -> None:
    w = await make_world(bus, http, matrix_pool, "none")
    await bus.send(
        delegation.DelegationApproved(
            request_id=uuid.uuid4(),
            partner_id=w.partner_id,
            customer_id=w.customer_id,
            role="limited",
            approved_by=w.customer_admin,
            approved_at=datetime.now(UTC),
        ),
        topic=DELEGATION_EVENTS,
    )
    await eventually(lambda: delegation_in_view(http, w))
    full = w.users["full"]
    for action in ACTIONS:
        done = await attempt(action, w, full, http, bus, matrix_pool)
        allowed = action in ("list_users", "reset_password")
        assert done.code == (None if allowed else "beyond_role"), action
