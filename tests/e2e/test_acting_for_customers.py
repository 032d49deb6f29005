"""Acting for a customer through the gateway: Full administration acts as the customer's
Global admin, Limited only resets passwords of users without an admin role, a revoked
delegation refuses the next action, and both sides read the audit of who did what."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from tests.e2e.test_trial_flow import delegate
from tests.support.portal import Portal
from tests.support.wait import eventually

NEW_PASSWORD = "a brand new passphrase"


async def delegated(partner: Portal, customer: Portal, role: str = "full") -> str:
    """The customer redeems the partner's invitation and approves its delegation request;
    returns once the directory lets the partner list the customer's users."""
    await delegate(partner, customer, role)
    users = f"/api/partner/customers/{customer.company_id}/users"

    async def listed() -> bool:
        return (await partner.get(users)).status_code == 200

    await eventually(listed)
    return users


async def signed_in_user(
    portal: Callable[[], Awaitable[Portal]], email: str, temporary: str
) -> Portal:
    client = await portal()
    assert (await client.sign_in(email, temporary)).status_code == 200
    changed = await client.post(
        "/api/session/password",
        json={"current_password": temporary, "new_password": NEW_PASSWORD},
    )
    assert changed.status_code == 200, changed.text
    client.csrf = changed.json()["csrf_token"]  # a new session comes with the new password
    client.user = changed.json()["user"]
    return client


async def new_partner_user(
    partner: Portal, portal: Callable[[], Awaitable[Portal]], email: str, **fields: str
) -> Portal:
    """A user the partner's admin creates (``fields``: its display name, supported access,
    company role), signed in and past its temporary password."""
    created = await partner.post("/api/partner/users", json={"email": email, **fields})
    assert created.status_code == 201, created.text
    return await signed_in_user(portal, email, created.json()["temporary_password"])


async def limited_partner_user(partner: Portal, portal: Callable[[], Awaitable[Portal]]) -> Portal:
    email = f"limited-{uuid.uuid4().hex[:10]}@fabrikam.example"
    return await new_partner_user(
        partner, portal, email, display_name="Lee Limited", supported_access="limited"
    )


async def audit(client: Portal, path: str) -> list[dict[str, Any]]:
    response = await client.get(path)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def test_full_acts_limited_resets_only_non_admins_and_both_sides_see_the_audit(
    partner: Portal, customer: Portal, portal: Callable[[], Awaitable[Portal]]
) -> None:
    users = await delegated(partner, customer)
    cid = customer.company_id

    # Full administration: the customer's Global admin.
    email = f"kim-{uuid.uuid4().hex[:8]}@contoso.example"
    created = await partner.post(users, json={"email": email, "display_name": "Kim Akers"})
    assert created.status_code == 201, created.text
    kim = created.json()
    assert kim["must_change_password"]
    assert kim["company_id"] == cid
    assert "password_hash" not in kim
    kim_portal = await signed_in_user(portal, email, kim["temporary_password"])
    assert kim_portal.user["company_id"] == cid
    reset = await partner.post(f"{users}/{kim['user_id']}/reset-password")
    assert reset.status_code == 200, reset.text
    assert set(reset.json()) == {"temporary_password"}

    # Limited administration: the customer's Password admin.
    limited = await limited_partner_user(partner, portal)
    assert (await limited.get(users)).status_code == 200
    ok = await limited.post(f"{users}/{kim['user_id']}/reset-password")
    assert ok.status_code == 200, ok.text
    admin_reset = await limited.post(f"{users}/{customer.user_id}/reset-password")
    assert admin_reset.status_code == 403, admin_reset.text
    assert admin_reset.json()["code"] == "beyond_role"
    refused = await limited.post(users, json={"email": "x@contoso.example", "display_name": "X"})
    assert (refused.status_code, refused.json()["code"]) == (403, "beyond_role")
    disable = await limited.post(f"{users}/{kim['user_id']}/disable")
    assert (disable.status_code, disable.json()["code"]) == (403, "beyond_role")

    disabled = await partner.post(f"{users}/{kim['user_id']}/disable")
    assert disabled.status_code == 200, disabled.text
    assert disabled.json()["disabled_at"]

    # The customer's own Global admin administers its users too.
    own = await customer.get("/api/customer/users")
    assert {u["user_id"] for u in own.json()} >= {customer.user_id, kim["user_id"]}
    mine = await customer.post(
        "/api/customer/users",
        json={"email": f"own-{uuid.uuid4().hex[:8]}@contoso.example", "display_name": "Own"},
    )
    assert mine.status_code == 201, mine.text
    again = await customer.post(f"/api/customer/users/{mine.json()['user_id']}/reset-password")
    assert again.status_code == 200, again.text

    # The audit: the partner sees its users' acts, the customer sees everything in it.
    partner_side = await audit(partner, f"/api/partner/customers/{cid}/audit")
    assert all(r["customer_id"] == cid for r in partner_side)
    seen = {(r["actor_user_id"], r["action"], r["outcome"]) for r in partner_side}
    assert (partner.user_id, "create_user", "allowed") in seen
    assert (partner.user_id, "disable_user", "allowed") in seen
    assert (limited.user_id, "reset_password", "allowed") in seen
    assert (limited.user_id, "reset_admin_password", "refused") in seen
    assert (limited.user_id, "create_user", "refused") in seen
    assert not any(r["actor_user_id"] == customer.user_id for r in partner_side)
    refusal = next(r for r in partner_side if r["action"] == "reset_admin_password")
    assert refusal["reason_code"] == "beyond_role"
    assert refusal["reason"]
    assert refusal["actor_name"] == "Lee Limited"
    everything = await audit(partner, "/api/partner/audit")
    assert {r["audit_id"] for r in partner_side} <= {r["audit_id"] for r in everything}

    customer_side = await audit(customer, "/api/customer/audit?limit=200")
    by_actor = {(r["actor_user_id"], r["action"], r["outcome"]) for r in customer_side}
    assert seen <= by_actor
    assert (customer.user_id, "create_user", "allowed") in by_actor
    partner_rows = [r for r in customer_side if r["partner_id"]]
    assert partner_rows
    assert all(r["partner_name"] for r in partner_rows)
    stamps = [r["at"] for r in customer_side]
    assert stamps == sorted(stamps, reverse=True)

    # Neither side reads the other's way in.
    assert (await customer.get("/api/partner/audit")).status_code == 403
    assert (await limited.get("/api/customer/audit")).status_code == 403


async def test_after_revocation_the_next_action_is_refused(
    partner: Portal, customer: Portal
) -> None:
    users = await delegated(partner, customer)
    cid = customer.company_id
    assert (await partner.post(f"{users}/{customer.user_id}/reset-password")).status_code == 200

    # Revoked by the partner: the directory applies the event, and the next act is refused.
    ours = (await partner.get("/api/partner/delegations", params={"state": "active"})).json()
    [relationship] = [r for r in ours["items"] if r["customer_id"] == cid]
    revoked = await partner.post(
        f"/api/partner/delegations/{relationship['relationship_id']}/revoke"
    )
    assert revoked.status_code == 200, revoked.text

    async def applied() -> bool:
        detail = await partner.get(f"/api/partner/customers/{cid}")
        return detail.status_code == 404 or detail.json()["delegation"] is None

    await eventually(applied)
    for path, body in (
        (f"{users}/{customer.user_id}/reset-password", None),
        (users, {"email": f"late-{uuid.uuid4().hex[:8]}@contoso.example", "display_name": "L"}),
    ):
        late = await partner.post(path, json=body)
        assert (late.status_code, late.json()["code"]) == (403, "no_active_delegation"), path
    listing = await partner.get(users)
    assert (listing.status_code, listing.json()["code"]) == (403, "no_active_delegation")

    records = await audit(partner, f"/api/partner/customers/{cid}/audit")
    assert [(r["action"], r["outcome"], r["reason_code"]) for r in records[:3]] == [
        ("list_users", "refused", "no_active_delegation"),
        ("create_user", "refused", "no_active_delegation"),
        ("reset_admin_password", "refused", "no_active_delegation"),
    ]
    assert ("reset_admin_password", "allowed") in {(r["action"], r["outcome"]) for r in records}
