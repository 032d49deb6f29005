"""Security through the real stack: tenant isolation (HTTP and Kafka), codes, sign-in
(lockout, enumeration, fixation, CSRF), secrets in logs, production settings."""

from __future__ import annotations

import asyncio
import base64
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher

from shared.contracts import delegation, directory, invitations, offers
from shared.contracts.common import CommandRejected
from shared.contracts.topics import (
    DELEGATION_COMMANDS,
    DIRECTORY_COMMANDS,
    INVITATIONS_COMMANDS,
    NAMESPACE,
    OFFERS_COMMANDS,
)
from tests.conftest import ARTIFACTS
from tests.support import secrets
from tests.support.bus import Bus
from tests.support.portal import Portal
from tests.support.wait import eventually
from tools.procs import ROOT, ServiceProcess

SECRETS: set[str] = set()  # every password and token this module used; never in a log
TRIAL = "o365-e3"
MOLE_HASH = PasswordHasher().hash("mole password")


@dataclass
class Tenant:
    """A partner with one customer that redeemed its invitation and approved delegation."""

    partner: Portal
    customer: Portal
    ids: dict[str, str] = field(default_factory=dict)


async def register_partner(bus: Bus, tag: str) -> tuple[str, str]:
    email, password = f"sec-{tag}-{uuid.uuid4().hex[:6]}@partner.example", f"Pw-{uuid.uuid4()}"
    SECRETS.add(password)
    command = directory.RegisterPartner(
        partner_id=uuid.uuid4(),
        profile=directory.PartnerProfile(name=f"Security Partner {tag}"),
        admin=directory.FirstAdmin(
            user_id=uuid.uuid4(),
            email=email,
            display_name=f"Admin {tag}",
            password_hash=PasswordHasher().hash(password),
        ),
    )
    reply = await bus.reply_to(await bus.send(command, topic=DIRECTORY_COMMANDS))
    assert reply.type != CommandRejected.ce_type(), reply.data
    return email, password


def remember(client: Portal) -> None:
    SECRETS.add(client.csrf)
    SECRETS.update(c.value for c in client.http.cookies.jar if c.value and len(c.value) >= 16)
    secrets.remember(*SECRETS)  # the end of the run checks every log for them too


async def build_tenant(bus: Bus, open_client: Callable[[], Awaitable[Portal]], tag: str) -> Tenant:
    email, password = await register_partner(bus, tag)
    partner = await open_client()
    assert (await partner.sign_in(email, password)).status_code == 200
    remember(partner)
    ids = {"partner_id": partner.company_id, "partner_user_id": partner.user_id}
    invitation = await partner.post(
        "/api/partner/invitations",
        json={"service_id": TRIAL, "seats": 5, "delegation_role": "full"},
    )
    assert invitation.status_code == 201, invitation.text
    ids["invitation_id"] = invitation.json()["invitation_id"]
    ids["invitation_code"] = invitation.json()["code"]
    offer = await partner.post(
        "/api/partner/offers",
        json={"lines": [{"service_id": TRIAL, "quantity": 3}], "delegation_role": "limited"},
    )
    assert offer.status_code == 201, offer.text
    ids["offer_id"] = offer.json()["offer_id"]
    ids["offer_code"] = offer.json()["code"]
    customer = await open_client()
    await customer.sign_up(f"{tag}{uuid.uuid4().hex[:6]}")
    remember(customer)
    ids["customer_id"] = customer.company_id
    ids["customer_user_id"] = customer.user_id
    redeemed = await customer.post(
        "/api/customer/redemptions", json={"code": ids["invitation_code"]}
    )
    assert redeemed.status_code == 201, redeemed.text

    async def pending() -> list[Any]:
        return list((await customer.get("/api/customer/delegation-requests")).json()["items"])

    request = (await eventually(pending))[0]
    ids["request_id"] = request["request_id"]
    approved = await customer.post(
        f"/api/customer/delegation-requests/{request['request_id']}/approve"
    )
    assert approved.status_code == 200, approved.text

    async def relationships() -> list[Any]:
        return list((await customer.get("/api/customer/delegations")).json()["items"])

    ids["relationship_id"] = (await eventually(relationships))[0]["relationship_id"]

    async def subscriptions() -> list[Any]:
        body = (await customer.get("/api/customer/subscriptions")).json()
        return list(body["items"] if isinstance(body, dict) else body)

    ids["subscription_id"] = (await eventually(subscriptions))[0]["subscription_id"]

    async def administered() -> bool:  # the directory applied the approval
        detail = await partner.get(f"/api/partner/customers/{ids['customer_id']}")
        return detail.status_code == 200 and detail.json()["delegation"] is not None

    await eventually(administered)
    request_made = await partner.post(
        f"/api/partner/customers/{ids['customer_id']}/service-requests",
        json={"title": "Mail is slow", "description": "Since Monday", "severity": "normal"},
    )
    assert request_made.status_code == 201, request_made.text
    ids["service_request_id"] = request_made.json()["request_id"]
    return Tenant(partner, customer, ids)


@pytest.fixture(scope="module")
async def tenants(
    stack: dict[str, ServiceProcess], seeded: list[str], bus: Bus
) -> AsyncIterator[tuple[Tenant, Tenant]]:
    opened: list[Portal] = []

    async def open_client() -> Portal:
        client = Portal(stack["gateway"].url)
        opened.append(client)
        return client

    yield await build_tenant(bus, open_client, "a"), await build_tenant(bus, open_client, "b")
    for client in opened:
        await client.close()


# Every endpoint that names a tenant's object: (method, path template). {x} is filled with
# the other tenant's id, then with a random one: the answers must be the same.
PARTNER_ENDPOINTS = [
    ("GET", "/api/partner/invitations/{invitation_id}"),
    ("POST", "/api/partner/invitations/{invitation_id}/revoke"),
    ("POST", "/api/partner/invitations/{invitation_id}/send"),
    ("GET", "/api/partner/invitations/{invitation_id}/deliveries"),
    ("GET", "/api/partner/offers/{offer_id}"),
    ("POST", "/api/partner/offers/{offer_id}/withdraw"),
    ("POST", "/api/partner/offers/{offer_id}/reissue"),
    ("POST", "/api/partner/offers/{offer_id}/send"),
    ("GET", "/api/partner/offers/{offer_id}/deliveries"),
    ("GET", "/api/partner/customers/{customer_id}"),
    ("GET", "/api/partner/customers/{customer_id}/licences"),
    ("GET", "/api/partner/customers/{customer_id}/service-requests"),
    ("POST", "/api/partner/customers/{customer_id}/service-requests"),
    ("GET", "/api/partner/service-requests/{service_request_id}"),
    ("POST", "/api/partner/customers/{customer_id}/service-requests/{service_request_id}/notes"),
    ("POST", "/api/partner/customers/{customer_id}/service-requests/{service_request_id}/state"),
    ("POST", "/api/partner/customers/{customer_id}/subscriptions/{subscription_id}/quantity"),
    ("POST", "/api/partner/customers/{customer_id}/subscriptions/{subscription_id}/suspend"),
    ("POST", "/api/partner/customers/{customer_id}/subscriptions/{subscription_id}/reactivate"),
    ("POST", "/api/partner/customers/{customer_id}/subscriptions/{subscription_id}/cancel"),
    ("POST", "/api/partner/customers/{customer_id}/subscriptions/{subscription_id}/assign"),
    ("POST", "/api/partner/customers/{customer_id}/subscriptions/{subscription_id}/unassign"),
    ("POST", "/api/partner/delegations/{relationship_id}/revoke"),
    ("POST", "/api/partner/delegation-requests/{request_id}/send"),
    ("GET", "/api/partner/delegation-requests/{request_id}/deliveries"),
    ("GET", "/api/partner/customers/{customer_id}/users"),
    ("POST", "/api/partner/customers/{customer_id}/users"),
    ("POST", "/api/partner/customers/{customer_id}/users/{customer_user_id}/disable"),
    ("POST", "/api/partner/customers/{customer_id}/users/{customer_user_id}/reset-password"),
    ("GET", "/api/partner/customers/{customer_id}/audit"),
    ("PATCH", "/api/partner/users/{partner_user_id}"),
    ("POST", "/api/partner/users/{partner_user_id}/disable"),
    ("POST", "/api/partner/users/{partner_user_id}/enable"),
    ("POST", "/api/partner/users/{partner_user_id}/reset-password"),
]
CUSTOMER_ENDPOINTS = [
    ("POST", "/api/customer/delegation-requests/{request_id}/approve"),
    ("POST", "/api/customer/delegation-requests/{request_id}/decline"),
    ("POST", "/api/customer/delegations/{relationship_id}/revoke"),
    ("GET", "/api/customer/subscriptions/{subscription_id}/assignments"),
    ("POST", "/api/customer/subscriptions/{subscription_id}/quantity"),
    ("POST", "/api/customer/subscriptions/{subscription_id}/suspend"),
    ("POST", "/api/customer/subscriptions/{subscription_id}/reactivate"),
    ("POST", "/api/customer/subscriptions/{subscription_id}/cancel"),
    ("POST", "/api/customer/subscriptions/{subscription_id}/assign"),
    ("POST", "/api/customer/subscriptions/{subscription_id}/unassign"),
    ("GET", "/api/customer/service-requests/{service_request_id}"),
    ("POST", "/api/customer/service-requests/{service_request_id}/notes"),
    ("POST", "/api/customer/users/{customer_user_id}/disable"),
    ("POST", "/api/customer/users/{customer_user_id}/reset-password"),
]
# Existence leaks this test found and that are not fixed yet: the other tenant's id getting a
# 404 whose detail differs from a random id's.
KNOWN_LEAKS: set[str] = set()  # all that this test found are fixed
# Bodies valid in shape, so that only the ownership can refuse them.
BODIES: dict[str, Any] = {
    "reissue": {"lines": [{"service_id": TRIAL, "quantity": 2}], "withdraw_replaced": True},
    "quantity": {"quantity": 4},
    "assign": {"user_id": str(uuid.uuid4())},
    "unassign": {"user_id": str(uuid.uuid4())},
    "notes": {"body": "a note"},
    "state": {"state": "closed"},
    "service-requests": {"title": "x", "description": "y", "severity": "normal"},
    "send": {"to": ["someone@example.com"]},
    "users": {"email": "mole@contoso.example", "display_name": "Mole"},
    "{partner_user_id}": {"display_name": "Renamed"},
}


def body_for(method: str, template: str) -> Any:
    if method == "GET":
        return None
    last = template.rsplit("/", 1)[-1]
    return BODIES.get(last, {})


async def call(client: Portal, method: str, path: str, body: Any) -> httpx.Response:
    headers = {"X-CSRF-Token": client.csrf}
    return await client.http.request(method, path, json=body, headers=headers)


def comparable(response: httpx.Response) -> tuple[int, Any]:
    try:
        body = response.json()
    except ValueError:
        return response.status_code, response.text
    if isinstance(body, dict):
        body = {k: v for k, v in body.items() if k not in ("instance", "errors")}
    return response.status_code, body


async def across(client: Portal, endpoints: list[tuple[str, str]], victim: Tenant) -> list[str]:
    """Each endpoint with the victim's ids, then with random ids: refused, and alike."""
    leaks = []
    for method, template in endpoints:
        names = [p.split("}")[0] for p in template.split("{")[1:]]
        if any(n not in victim.ids for n in names):
            continue
        theirs = template.format(**{n: victim.ids[n] for n in names})
        random = template.format(**{n: str(uuid.uuid4()) for n in names})
        body = body_for(method, template)
        real = await call(client, method, theirs, body)
        fake = await call(client, method, random, body)
        if real.is_success:
            leaks.append(f"{method} {template}: {real.status_code} {real.text[:200]}")
        elif comparable(real) != comparable(fake):
            leaks.append(
                f"{method} {template}: {comparable(real)} for theirs, {comparable(fake)} for random"
            )
    return leaks


async def test_a_partner_cannot_read_or_touch_another_partners_objects(
    tenants: tuple[Tenant, Tenant],
) -> None:
    a, b = tenants
    leaks = await across(b.partner, PARTNER_ENDPOINTS, a) + await across(
        a.partner, PARTNER_ENDPOINTS, b
    )
    known = sorted({leak.split(":")[0] for leak in leaks if leak.split(":")[0] in KNOWN_LEAKS})
    print(f"known existence leaks still found (docs/reliability.md): {known}")
    new = [leak for leak in leaks if leak.split(":")[0] not in KNOWN_LEAKS]
    assert not new, "\n".join(new)
    # Lists and searches show only one's own.
    for path, key in (
        ("/api/partner/invitations", "invitation_id"),
        ("/api/partner/offers", "offer_id"),
        ("/api/partner/customers", "customer_id"),
        ("/api/partner/delegations", "relationship_id"),
    ):
        listed = await b.partner.get(path, params={"limit": 100})
        assert listed.status_code == 200, listed.text
        assert a.ids[key] not in listed.text, path
    search = await b.partner.get("/api/partner/customers", params={"q": "Contoso"})
    assert a.ids["customer_id"] not in search.text
    # B's own audit lists its refused attempts on A's customer (above), naming nothing of it.
    a_customer = (await a.customer.get("/api/customer")).json()["name"]
    attempts = (await b.partner.get("/api/partner/audit", params={"limit": 200})).json()["items"]
    tried = [r for r in attempts if r["customer_id"] == a.ids["customer_id"]]
    assert tried, "the attempts on A's customer are in B's audit"
    assert all(r["customer_name"] is None for r in tried), tried
    assert a_customer not in str(attempts)


async def test_a_customer_cannot_read_or_touch_another_customers_objects(
    tenants: tuple[Tenant, Tenant],
) -> None:
    a, b = tenants
    leaks = await across(b.customer, CUSTOMER_ENDPOINTS, a) + await across(
        a.customer, CUSTOMER_ENDPOINTS, b
    )
    assert not leaks, "\n".join(leaks)
    # And a customer is not a partner, whatever id it names.
    for method, template in PARTNER_ENDPOINTS[:3]:
        answer = await call(
            b.customer, method, template.format(**a.ids), body_for(method, template)
        )
        assert answer.status_code in (403, 404), answer.text


async def test_nothing_changed_for_the_victims(tenants: tuple[Tenant, Tenant]) -> None:
    """After every cross-tenant attempt above, each tenant's objects are as they were."""
    a, b = tenants
    for t in (a, b):
        invitation = await t.partner.get(f"/api/partner/invitations/{t.ids['invitation_id']}")
        assert invitation.json()["status"] == "active", invitation.text
        offer = await t.partner.get(f"/api/partner/offers/{t.ids['offer_id']}")
        assert offer.json()["status"] == "active", offer.text
        relationships = (await t.customer.get("/api/customer/delegations")).json()["items"]
        assert [r["state"] for r in relationships] == ["active"]
        assert (await t.partner.get("/api/session")).status_code == 200  # user not disabled


def cross_tenant_commands(a: Tenant, b: Tenant) -> list[tuple[Any, Any, str]]:
    """Every Kafka command that names a tenant's object, sent by tenant B's users at tenant
    A's objects, each beside the same command naming random ids: (theirs, random, topic).

    Not here: ``OfferDelegation`` (any partner may ask any customer; the customer decides),
    ``RegisterPartner``/``RegisterCustomer`` (create new tenants), the redemptions (the code
    is the bearer's right), and the create commands of invitations and offers, whose owners
    know no users: the gateway vouches that the creator belongs to the partner it names.
    """
    theirs = {
        k: uuid.UUID(v) for k, v in a.ids.items() if k not in ("invitation_code", "offer_code")
    }
    ours = {k: uuid.UUID(v) for k, v in b.ids.items() if k not in ("invitation_code", "offer_code")}

    def rnd() -> uuid.UUID:
        return uuid.uuid4()

    line = [offers.OfferLineTerms(service_id=TRIAL, quantity=2)]
    pairs: list[tuple[Any, Any, str]] = []

    def pair(build: Callable[..., Any], topic: str, **targets: uuid.UUID) -> None:
        """``build(**ids)`` once with A's objects, once with random ids."""
        pairs.append((build(**targets), build(**{k: rnd() for k in targets}), topic))

    partner_b, admin_b, customer_b, customer_admin_b = (
        ours["partner_id"],
        ours["partner_user_id"],
        ours["customer_id"],
        ours["customer_user_id"],
    )
    # Invitations and offers: the intruder names its own partner and A's object.
    pair(
        lambda invitation_id: invitations.RevokeTrialInvitation(
            invitation_id=invitation_id, partner_id=partner_b, revoked_by=admin_b
        ),
        INVITATIONS_COMMANDS,
        invitation_id=theirs["invitation_id"],
    )
    pair(
        lambda offer_id: offers.WithdrawPurchaseOffer(
            offer_id=offer_id, partner_id=partner_b, withdrawn_by=admin_b
        ),
        OFFERS_COMMANDS,
        offer_id=theirs["offer_id"],
    )
    pair(
        lambda offer_id: offers.ReissuePurchaseOffer(
            offer_id=uuid.uuid4(),
            replaces_offer_id=offer_id,
            partner_id=partner_b,
            created_by=admin_b,
            lines=line,
            withdraw_replaced=True,
        ),
        OFFERS_COMMANDS,
        offer_id=theirs["offer_id"],
    )
    # Delegation: B's customer decides A's request; either side of B revokes A's relationship.
    for decide in (
        lambda request_id: delegation.ApproveDelegationRequest(
            request_id=request_id, customer_id=customer_b, approved_by=customer_admin_b
        ),
        lambda request_id: delegation.DeclineDelegationRequest(
            request_id=request_id, customer_id=customer_b, declined_by=customer_admin_b
        ),
    ):
        pair(decide, DELEGATION_COMMANDS, request_id=theirs["request_id"])
    pair(
        lambda relationship_id, customer_id: delegation.RevokeDelegation(
            relationship_id=relationship_id,
            partner_id=partner_b,
            customer_id=customer_id,
            revoked_by=admin_b,
            party="partner",
        ),
        DELEGATION_COMMANDS,
        relationship_id=theirs["relationship_id"],
        customer_id=theirs["customer_id"],
    )
    pair(
        lambda relationship_id, partner_id: delegation.RevokeDelegation(
            relationship_id=relationship_id,
            partner_id=partner_id,
            customer_id=customer_b,
            revoked_by=customer_admin_b,
            party="customer",
        ),
        DELEGATION_COMMANDS,
        relationship_id=theirs["relationship_id"],
        partner_id=theirs["partner_id"],
    )
    # The partner's company and users: B's admin names A's partner, or A's user as its own.
    profile = directory.PartnerProfile(name="Taken over")
    pair(
        lambda partner_id: directory.UpdatePartnerProfile(
            partner_id=partner_id, actor_user_id=admin_b, profile=profile
        ),
        DIRECTORY_COMMANDS,
        partner_id=theirs["partner_id"],
    )
    pair(
        lambda partner_id: directory.CreatePartnerUser(
            partner_id=partner_id,
            actor_user_id=admin_b,
            user_id=uuid.uuid4(),
            email=f"mole-{uuid.uuid4().hex[:6]}@partner.example",
            display_name="Mole",
            company_role="global_admin",
            supported_access="full",
            password_hash=MOLE_HASH,
        ),
        DIRECTORY_COMMANDS,
        partner_id=theirs["partner_id"],
    )
    for partner_id in (theirs["partner_id"], partner_b):
        pair(
            lambda user_id, partner_id=partner_id: directory.UpdatePartnerUser(
                partner_id=partner_id,
                actor_user_id=admin_b,
                user_id=user_id,
                display_name="Renamed",
            ),
            DIRECTORY_COMMANDS,
            user_id=theirs["partner_user_id"],
        )
        for toggle in (directory.DisablePartnerUser, directory.EnablePartnerUser):
            pair(
                lambda user_id, toggle=toggle, partner_id=partner_id: toggle(
                    partner_id=partner_id, actor_user_id=admin_b, user_id=user_id
                ),
                DIRECTORY_COMMANDS,
                user_id=theirs["partner_user_id"],
            )
    # A's customer: B's partner admin acts for it; B's customer admin names A's objects.
    for actor, customer_named in ((admin_b, None), (customer_admin_b, customer_b)):

        def customer_of(
            ids: dict[str, uuid.UUID], named: uuid.UUID | None = customer_named
        ) -> uuid.UUID:
            return named or ids["customer_id"]

        subscription_commands: list[Callable[..., Any]] = [
            lambda c, s, actor=actor: directory.ChangeSubscriptionQuantity(
                customer_id=c, subscription_id=s, actor_user_id=actor, quantity=4
            ),
            lambda c, s, actor=actor: directory.SuspendSubscription(
                customer_id=c, subscription_id=s, actor_user_id=actor, reason="x"
            ),
            lambda c, s, actor=actor: directory.ReactivateSubscription(
                customer_id=c, subscription_id=s, actor_user_id=actor
            ),
            lambda c, s, actor=actor: directory.CancelSubscription(
                customer_id=c, subscription_id=s, actor_user_id=actor, reason="x"
            ),
            lambda c, s, actor=actor: directory.AssignLicence(
                customer_id=c,
                subscription_id=s,
                actor_user_id=actor,
                user_id=theirs["customer_user_id"],
            ),
            lambda c, s, actor=actor: directory.RemoveLicence(
                customer_id=c,
                subscription_id=s,
                actor_user_id=actor,
                user_id=theirs["customer_user_id"],
            ),
        ]
        for command in subscription_commands:
            pairs.append(
                (
                    command(customer_of(theirs), theirs["subscription_id"]),
                    command(customer_named or rnd(), rnd()),
                    DIRECTORY_COMMANDS,
                )
            )
        if "service_request_id" in theirs:
            pairs.append(
                (
                    directory.ChangeServiceRequestState(
                        request_id=theirs["service_request_id"],
                        customer_id=customer_of(theirs),
                        actor_user_id=actor,
                        state="closed",
                    ),
                    directory.ChangeServiceRequestState(
                        request_id=rnd(),
                        customer_id=customer_named or rnd(),
                        actor_user_id=actor,
                        state="closed",
                    ),
                    DIRECTORY_COMMANDS,
                )
            )
            pairs.append(
                (
                    directory.AddServiceRequestNote(
                        request_id=theirs["service_request_id"],
                        customer_id=customer_of(theirs),
                        actor_user_id=actor,
                        note_id=uuid.uuid4(),
                        body="mine now",
                    ),
                    directory.AddServiceRequestNote(
                        request_id=rnd(),
                        customer_id=customer_named or rnd(),
                        actor_user_id=actor,
                        note_id=uuid.uuid4(),
                        body="mine now",
                    ),
                    DIRECTORY_COMMANDS,
                )
            )
        pairs.append(
            (
                directory.DisableCustomerUser(
                    customer_id=customer_of(theirs),
                    actor_user_id=actor,
                    user_id=theirs["customer_user_id"],
                ),
                directory.DisableCustomerUser(
                    customer_id=customer_named or rnd(), actor_user_id=actor, user_id=rnd()
                ),
                DIRECTORY_COMMANDS,
            )
        )
    # B's partner admin creates a user or a service request in A's customer.
    pair(
        lambda customer_id: directory.CreateCustomerUser(
            customer_id=customer_id,
            actor_user_id=admin_b,
            user_id=uuid.uuid4(),
            email=f"mole-{uuid.uuid4().hex[:6]}@contoso.example",
            display_name="Mole",
            company_role="global_admin",
            password_hash=MOLE_HASH,
        ),
        DIRECTORY_COMMANDS,
        customer_id=theirs["customer_id"],
    )
    pair(
        lambda customer_id: directory.CreateServiceRequest(
            request_id=uuid.uuid4(),
            customer_id=customer_id,
            actor_user_id=admin_b,
            title="x",
            description="y",
            severity="normal",
        ),
        DIRECTORY_COMMANDS,
        customer_id=theirs["customer_id"],
    )
    return pairs


async def test_kafka_commands_across_the_boundary_are_rejected_alike(
    tenants: tuple[Tenant, Tenant], bus: Bus
) -> None:
    a, b = tenants
    before = await victim_state(a)
    attempts = cross_tenant_commands(a, b)
    differences = []
    codes: Counter[str] = Counter()
    for theirs, random, topic in attempts:
        real = await bus.reply_to(await bus.send(theirs, topic=topic))
        fake = await bus.reply_to(await bus.send(random, topic=topic))
        name = type(theirs).__name__
        codes[str(real.data.get("code"))] += 1
        if real.type != CommandRejected.ce_type():
            differences.append(f"{name}: accepted ({real.type})")
        elif (real.data["code"], real.data["category"]) != (
            fake.data.get("code"),
            fake.data.get("category"),
        ):
            differences.append(f"{name}: {real.data['code']} for theirs, {fake.data} for random")
    assert not differences, "\n".join(differences)
    assert len(attempts) >= 30
    print(f"\n{len(attempts)} Kafka commands across the boundary, rejected as a random id: {codes}")
    assert await victim_state(a) == before


async def victim_state(t: Tenant) -> dict[str, Any]:
    """What tenant A would notice if a command from B had got through."""
    cid, ids = t.ids["customer_id"], t.ids
    state: dict[str, Any] = {
        "invitation": (
            await t.partner.get(f"/api/partner/invitations/{ids['invitation_id']}")
        ).json()["status"],
        "offer": (await t.partner.get(f"/api/partner/offers/{ids['offer_id']}")).json()["status"],
        "company": (await t.partner.get("/api/partner/company")).json(),
        "partner_users": (await t.partner.get("/api/partner/users")).json(),
        "customer": (await t.partner.get(f"/api/partner/customers/{cid}")).json(),
        "relationships": (await t.customer.get("/api/customer/delegations")).json(),
        "requests": (await t.customer.get("/api/customer/delegation-requests")).json(),
        "customer_users": (await t.customer.get("/api/customer/users")).json(),
        "subscriptions": (await t.customer.get("/api/customer/subscriptions")).json(),
    }
    if "service_request_id" in ids:
        state["service_request"] = (
            await t.customer.get(f"/api/customer/service-requests/{ids['service_request_id']}")
        ).json()
    return state


async def test_codes_carry_192_bits_and_dead_codes_say_nothing_about_the_partner(
    tenants: tuple[Tenant, Tenant], portal: Callable[[], Awaitable[Portal]]
) -> None:
    a, _ = tenants
    for key in ("invitation_code", "offer_code"):
        code = a.ids[key]
        raw = base64.urlsafe_b64decode(code + "=" * (-len(code) % 4))
        assert len(raw) * 8 == 192, (key, code)
    revoked = await a.partner.post(
        "/api/partner/invitations", json={"service_id": TRIAL, "seats": 1}
    )
    await a.partner.post(f"/api/partner/invitations/{revoked.json()['invitation_id']}/revoke")
    soon = (datetime.now(UTC) + timedelta(seconds=2)).isoformat()
    expiring = await a.partner.post(
        "/api/partner/invitations", json={"service_id": TRIAL, "seats": 1, "expires_at": soon}
    )
    assert expiring.status_code == 201, expiring.text
    withdrawn = await a.partner.post(
        "/api/partner/offers", json={"lines": [{"service_id": TRIAL, "quantity": 1}]}
    )
    await a.partner.post(f"/api/partner/offers/{withdrawn.json()['offer_id']}/withdraw")
    visitor = await portal()
    profile = (await a.partner.get("/api/partner/company")).json()
    tells = [a.ids["partner_id"], profile.get("name", "Security Partner a")]
    tells += [v for k, v in profile.items() if k in ("phone", "support_email", "website") and v]

    async def dead(path: str) -> httpx.Response | None:
        answer = await visitor.get(path)
        return answer if answer.status_code == 410 else None

    for path in (
        f"/api/public/invitations/{revoked.json()['code']}",
        f"/api/public/invitations/{expiring.json()['code']}",
        f"/api/public/offers/{withdrawn.json()['code']}",
    ):
        answer = await eventually(lambda p=path: dead(p))  # type: ignore[misc]
        assert answer is not None
        assert answer.headers["content-type"] == "application/problem+json"
        assert not [t for t in tells if str(t) in answer.text], answer.text
    unknown = await visitor.get("/api/public/invitations/" + "A" * 32)
    assert unknown.status_code == 404
    assert not [t for t in tells if str(t) in unknown.text]


async def _until_locked(client: httpx.AsyncClient, email: str) -> list[int]:
    """Wrong passwords until five failures were counted, waiting out the short locks."""
    statuses: list[int] = []
    while statuses.count(401) < 5 and len(statuses) < 30:
        wrong = await client.post("/api/session", json={"email": email, "password": "nope-no"})
        statuses.append(wrong.status_code)
        if wrong.status_code == 423:  # the short locks of the first failures
            await asyncio.sleep(float(wrong.headers.get("retry-after", "1")))
    return statuses


def _answers(statuses: list[int]) -> list[int]:
    return [s for i, s in enumerate(statuses) if i == 0 or s != statuses[i - 1]]


async def test_lockout_after_repeated_failures_and_an_unknown_address_alike(
    bus: Bus, stack: dict[str, ServiceProcess]
) -> None:
    email, password = await register_partner(bus, "lock")
    nobody = f"nobody-{uuid.uuid4().hex[:8]}@partner.example"
    async with httpx.AsyncClient(base_url=stack["gateway"].url, timeout=60) as client:
        statuses = await _until_locked(client, email)
        right = await client.post("/api/session", json={"email": email, "password": password})
        # An address no user has goes through the same answers: lockout does not tell
        # whether an account exists.
        unknown_statuses = await _until_locked(client, nobody)
        unknown = await client.post("/api/session", json={"email": nobody, "password": password})
    assert right.status_code == 423, (statuses, right.text)  # even the right password now
    assert right.headers["content-type"] == "application/problem+json"
    assert int(right.headers["retry-after"]) > 60
    assert "portal_session" not in right.headers.get("set-cookie", "")
    # The same answers in the same order (a short lock waited out a moment too early on a
    # busy machine answers 423 once more): a run of one answer counts once; both runs hold
    # five 401s (_until_locked).
    assert _answers(unknown_statuses) == _answers(statuses), (unknown_statuses, statuses)
    assert unknown.status_code == 423
    assert abs(int(unknown.headers["retry-after"]) - int(right.headers["retry-after"])) <= 30
    assert comparable(unknown) == comparable(right)


async def test_no_user_enumeration_by_answer_or_by_timing(
    bus: Bus, stack: dict[str, ServiceProcess]
) -> None:
    """40 sign-ins with unknown e-mails and 40 with a wrong password (two per account, so
    that no slow-down starts), in alternating order: same status and body; the medians are
    reported, with a very loose bound only (this machine is shared)."""
    accounts = [await register_partner(bus, f"enum{i}") for i in range(20)]
    known: list[float] = []
    unknown: list[float] = []
    answers: set[tuple[int, str]] = set()
    async with httpx.AsyncClient(base_url=stack["gateway"].url, timeout=60) as client:
        for i in range(40):
            pair = [
                (accounts[i % 20][0], known),
                (f"nobody-{uuid.uuid4().hex[:8]}@partner.example", unknown),
            ]
            for email, sink in pair if i % 2 else pair[::-1]:
                started = time.perf_counter()
                answer = await client.post(
                    "/api/session", json={"email": email, "password": "Wrong-Password-1"}
                )
                sink.append(time.perf_counter() - started)
                answers.add((answer.status_code, answer.json()["detail"]))
    figures = {
        "known_median_ms": round(statistics.median(known) * 1000, 1),
        "unknown_median_ms": round(statistics.median(unknown) * 1000, 1),
    }
    print(f"sign-in timing over 40 tries each: {figures}")
    (ARTIFACTS / f"security-timing-{NAMESPACE}.txt").write_text(str(figures))
    assert len(answers) == 1, answers  # the same status and words for both
    ratio = statistics.median(known) / statistics.median(unknown)
    assert 0.2 < ratio < 5, figures  # loose: only a gross difference (no hashing) fails


async def test_a_new_session_at_every_sign_in_and_none_after_sign_out(
    bus: Bus, portal: Callable[[], Awaitable[Portal]]
) -> None:
    email, password = await register_partner(bus, "fix")
    client = await portal()
    client.http.cookies.set("portal_session", "attacker-chosen-session-value")
    first = (await client.sign_in(email, password)).cookies.get("portal_session")
    assert first
    assert first != "attacker-chosen-session-value"
    first_csrf = client.csrf
    second = (await client.sign_in(email, password)).cookies.get("portal_session")
    SECRETS.update(s for s in (first, first_csrf, second, client.csrf) if s)
    assert second
    assert second != first
    async with httpx.AsyncClient(base_url=str(client.http.base_url)) as stolen:
        stolen.cookies.set("portal_session", first)
        assert (await stolen.get("/api/session")).status_code == 401  # the old one is dead
    # CSRF: the first session's token does not work for the second; none works without one.
    for token in (first_csrf, "", None):
        headers = {"X-CSRF-Token": token} if token is not None else {}
        answer = await client.http.post(
            "/api/partner/invitations", json={"service_id": TRIAL, "seats": 1}, headers=headers
        )
        assert answer.status_code == 403, answer.text
    assert (await client.delete("/api/session")).status_code == 204
    async with httpx.AsyncClient(base_url=str(client.http.base_url)) as replay:
        replay.cookies.set("portal_session", second)
        assert (await replay.get("/api/session")).status_code == 401


async def test_passwords_and_tokens_never_reach_a_log(tenants: tuple[Tenant, Tenant]) -> None:
    """Runs after the tests above in this module: every secret they used, in every log
    file of this run's services."""
    assert len(SECRETS) > 10
    logs = sorted((ARTIFACTS / "logs" / NAMESPACE).glob("*.log"))
    assert logs
    found = []
    for path in logs:
        text = path.read_text(errors="replace")
        found += [f"{path.name}: {s[:6]}..." for s in SECRETS if s and s in text]
    assert found == []


@pytest.mark.parametrize(
    ("service", "secret"),
    [("gateway", None), ("gateway", "changeme"), ("gateway", "short"), ("directory", None)],
)
def test_production_mode_refuses_missing_or_default_secrets(
    service: str, secret: str | None
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env |= {
        "PORTAL_ENVIRONMENT": "production",
        "PORTAL_DATABASE_URL": "postgresql://portal:a-real-password@127.0.0.1:1/none",
        "PORTAL_HTTP_PORT": "0",
    }
    if secret is not None:
        env["PORTAL_SECRET_KEY"] = secret
    done = subprocess.run(
        [sys.executable, "-m", f"services.{service}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert b"PORTAL_SECRET_KEY" in done.stderr + done.stdout
