"""The permission matrix through the gateway: partner user access (none, Limited, Full) x
delegation state (none, pending, active, revoked, expired) x action, every cell a real HTTP
request of a signed-in partner user.

Each cell asserts its answer (allowed, or refused with its status and code). At the end,
per customer, the effects are exactly those of the allowed cells (users created, licence
assigned, user disabled) and the audit holds one row per attempt that reached the directory.
Every state is reached through the gateway, except that "expired" moves the end of an
approved relationship into the past in the delegation service's table: the sweep then
expires it as it would after a day, and the directory learns it from the real event.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import asyncpg

from tests.e2e.test_acting_for_customers import audit, new_partner_user
from tests.e2e.test_trial_flow import create_invitation, redeem, requests, subscriptions
from tests.support.portal import Portal
from tests.support.wait import eventually

STATES = ("none", "pending", "active", "revoked", "expired")
ACCESS = ("none", "limited", "full")
# In this order: disabling the target comes last, so the other actions still find it.
ACTIONS = (
    "list_users",
    "create_user",
    "reset_password",
    "reset_admin_password",
    "assign_licence",
    "disable_user",
)


def expected(access: str, state: str, action: str) -> tuple[int, str | None]:
    """The answer of one cell: status and problem code (None when allowed)."""
    if access == "none":
        return 403, "no_supported_company_access"  # refused by the gateway itself
    if state != "active":
        return 403, "no_active_delegation"
    if access == "limited" and action not in ("list_users", "reset_password"):
        return 403, "beyond_role"
    return (201 if action == "create_user" else 200), None


@dataclass
class Customer:
    state: str
    portal: Portal
    subscription_id: str
    target: str  # a user without an admin role
    admin: str  # another Global admin (not the one signed in here)

    @property
    def id(self) -> str:
        return str(self.portal.company_id)


async def _customer(
    state: str, partner: Portal, portal: Callable[[], Awaitable[Portal]], pool: asyncpg.Pool
) -> Customer:
    """A customer of the partner (its trial's partner of record) in ``state``."""
    client = await portal()
    await client.sign_up()
    role = None if state == "none" else "full"
    invitation = await create_invitation(partner, delegation_role=role)
    assert (await redeem(client, invitation["code"])).status_code == 201
    [subscription] = await eventually(lambda: subscriptions(client))
    target, admin = [
        await client.post(
            "/api/customer/users",
            json={
                "email": f"{kind}-{uuid.uuid4().hex[:8]}@contoso.example",
                "display_name": kind,
                "company_role": kind,
            },
        )
        for kind in ("none", "global_admin")
    ]
    assert (target.status_code, admin.status_code) == (201, 201), (target.text, admin.text)
    if state != "none":
        [request] = await eventually(lambda: requests(client))
        if state != "pending":
            approve = f"/api/customer/delegation-requests/{request['request_id']}/approve"
            assert (await client.post(approve)).status_code == 200
            await eventually(lambda: _delegation(partner, client.company_id, "full"))
    if state == "revoked":
        [relationship] = (await client.get("/api/customer/delegations")).json()["items"]
        revoke = f"/api/customer/delegations/{relationship['relationship_id']}/revoke"
        assert (await client.post(revoke)).status_code == 200
        await eventually(lambda: _delegation(partner, client.company_id, None))
    if state == "expired":
        # The clock of this one relationship moves a day on; the sweep does the rest.
        moved = await pool.execute(
            "UPDATE delegation.relationships SET ends_at = now() "
            "WHERE customer_id = $1 AND state = 'active'",
            uuid.UUID(client.company_id),
        )
        assert moved == "UPDATE 1"
        await eventually(lambda: _delegation(partner, client.company_id, None), timeout=60)
        states = {
            r["state"] for r in (await client.get("/api/customer/delegations")).json()["items"]
        }
        assert states == {"expired"}
    return Customer(
        state,
        client,
        subscription["subscription_id"],
        target.json()["user_id"],
        admin.json()["user_id"],
    )


async def _delegation(partner: Portal, customer_id: str, role: str | None) -> bool:
    """Whether the directory's view of the customer shows an active delegation of ``role``
    (None: none active)."""
    detail = await partner.get(f"/api/partner/customers/{customer_id}")
    if detail.status_code != 200:
        return role is None
    active = detail.json()["delegation"]
    return (active or {}).get("role") == role if role else active is None


async def _partner_user(
    partner: Portal, portal: Callable[[], Awaitable[Portal]], access: str
) -> Portal:
    email = f"{access}-{uuid.uuid4().hex[:10]}@fabrikam.example"
    return await new_partner_user(
        partner, portal, email, display_name=f"Matrix {access}", supported_access=access
    )


async def _act(actor: Portal, customer: Customer, action: str) -> Any:
    base = f"/api/partner/customers/{customer.id}"
    match action:
        case "list_users":
            return await actor.get(f"{base}/users")
        case "create_user":
            email = f"new-{uuid.uuid4().hex[:8]}@contoso.example"
            return await actor.post(f"{base}/users", json={"email": email, "display_name": "N"})
        case "reset_password":
            return await actor.post(f"{base}/users/{customer.target}/reset-password")
        case "reset_admin_password":
            return await actor.post(f"{base}/users/{customer.admin}/reset-password")
        case "assign_licence":
            return await actor.post(
                f"{base}/subscriptions/{customer.subscription_id}/assign",
                json={"user_id": customer.target},
            )
        case "disable_user":
            return await actor.post(f"{base}/users/{customer.target}/disable")
    raise AssertionError(action)


async def test_every_cell_of_the_permission_matrix_through_the_gateway(
    partner: Portal, portal: Callable[[], Awaitable[Portal]], pool: asyncpg.Pool
) -> None:
    actors = {access: await _partner_user(partner, portal, access) for access in ACCESS}
    customers = [await _customer(state, partner, portal, pool) for state in STATES]
    users_before = {c.state: await _user_ids(c) for c in customers}

    answers: dict[tuple[str, str, str], tuple[int, str | None]] = {}
    for customer in customers:
        for action in ACTIONS:
            for access, actor in actors.items():
                response = await _act(actor, customer, action)
                body = response.json()
                code = body.get("code") if response.status_code >= 400 else None
                answers[access, customer.state, action] = (response.status_code, code)
    wrong = {
        cell: (answer, expected(*cell))
        for cell, answer in answers.items()
        if answer != expected(*cell)
    }
    assert not wrong, wrong
    assert len(answers) == len(ACCESS) * len(STATES) * len(ACTIONS) == 90

    for customer in customers:
        active = customer.state == "active"
        # Effects: only those of the allowed cells, all made by the Full user.
        users = await _user_ids(customer)
        assert len(users - users_before[customer.state]) == (1 if active else 0), customer.state
        target = next(
            u
            for u in (await customer.portal.get("/api/customer/users")).json()
            if u["user_id"] == customer.target
        )
        assert bool(target["disabled_at"]) is active, customer.state
        assignments = await customer.portal.get(
            f"/api/customer/subscriptions/{customer.subscription_id}/assignments"
        )
        assigned = {a["user_id"] for a in assignments.json()}
        assert (customer.target in assigned) is active, customer.state

        # The audit: one row per attempt that reached the directory, with its outcome.
        rows = [
            r
            for r in await audit(customer.portal, "/api/customer/audit?limit=200")
            if r["partner_id"]
        ]
        seen = sorted((r["actor_user_id"], r["action"], r["reason_code"]) for r in rows)
        want = sorted(
            (
                actors[access].user_id,
                action,
                expected(access, customer.state, action)[1],
            )
            for access in ("limited", "full")
            for action in ACTIONS
        )
        assert seen == want, customer.state


async def _user_ids(customer: Customer) -> set[str]:
    response = await customer.portal.get("/api/customer/users")
    assert response.status_code == 200, response.text
    return {u["user_id"] for u in response.json()}


# --- Partner webhooks: company role x action -----------------------------------------------
# Only a partner's Global admin manages its webhook endpoints; every other partner role is
# refused by the gateway (403 partner_admin_only), a customer's Global admin too (partner_only).

WEBHOOK_ROLES = ("global_admin", "billing_admin", "user_management_admin", "none")
WEBHOOK_ACTIONS = (
    "event_types",
    "list",
    "register",
    "show",
    "rotate",
    "disable",
    "enable",
    "redeliver",
    "delete",
)


def webhook_expected(role: str, action: str) -> tuple[int, str | None]:
    if role == "customer":
        return 403, "partner_only"
    if role != "global_admin":
        return 403, "partner_admin_only"
    if action == "redeliver":
        return 404, "webhook_delivery_not_found"  # allowed; no such delivery of the endpoint
    return {"register": 201, "delete": 204}.get(action, 200), None


async def _webhook_act(actor: Portal, endpoint_id: str, action: str) -> Any:
    base = "/api/partner/webhooks"
    path = f"{base}/{endpoint_id}"
    match action:
        case "event_types":
            return await actor.get(f"{base}/event-types")
        case "list":
            return await actor.get(base)
        case "register":
            return await actor.post(
                base,
                json={
                    "url": "http://127.0.0.1:9/hook",
                    "event_types": ["portal.invitations.TrialInvitationCreated.v1"],
                },
            )
        case "show":
            return await actor.get(path)
        case "rotate":
            return await actor.post(f"{path}/rotate-secret")
        case "disable" | "enable":
            return await actor.post(f"{path}/{action}")
        case "redeliver":
            return await actor.post(f"{path}/deliveries/{uuid.uuid4()}/redeliver")
        case "delete":
            return await actor.delete(path)
    raise AssertionError(action)


async def test_only_a_partners_global_admin_manages_its_webhooks(
    partner: Portal, customer: Portal, portal: Callable[[], Awaitable[Portal]]
) -> None:
    actors: dict[str, Portal] = {"global_admin": partner, "customer": customer}
    for role in WEBHOOK_ROLES[1:]:
        email = f"hook-{role}-{uuid.uuid4().hex[:8]}@fabrikam.example"
        actors[role] = await new_partner_user(
            partner, portal, email, display_name=role, company_role=role
        )
    made = await partner.post(
        "/api/partner/webhooks",
        json={
            "url": "http://127.0.0.1:9/matrix",
            "event_types": ["portal.delegation.DelegationApproved.v1"],
        },
    )
    assert made.status_code == 201, made.text
    endpoint_id = made.json()["endpoint_id"]
    answers: dict[tuple[str, str], tuple[int, str | None]] = {}
    # The admin acts last on each action, so the others meet the endpoint as it was.
    for action in WEBHOOK_ACTIONS:
        for role in (*[r for r in actors if r != "global_admin"], "global_admin"):
            response = await _webhook_act(actors[role], endpoint_id, action)
            code = response.json().get("code") if response.status_code >= 400 else None
            answers[role, action] = (response.status_code, code)
    wrong = {
        cell: (answer, webhook_expected(*cell))
        for cell, answer in answers.items()
        if answer != webhook_expected(*cell)
    }
    assert not wrong, wrong
    assert len(answers) == (len(WEBHOOK_ROLES) + 1) * len(WEBHOOK_ACTIONS)
    # The only effects are the admin's: the endpoint it deleted is gone, the one it registered
    # in its cell is there (and removed now, so nothing of the demo partner reaches port 9).
    left = {e["endpoint_id"] for e in (await partner.get("/api/partner/webhooks")).json()["items"]}
    assert endpoint_id not in left
    for other in left:
        assert (await partner.delete(f"/api/partner/webhooks/{other}")).status_code == 204
