"""Customer search and detail over HTTP, on data built through the real broker: partial and
case-insensitive matching, metacharacters taken literally, stable cursor pagination, and a
partner seeing only the customers it is partner of record for or holds a delegation with."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx

from shared.contracts import delegation
from shared.contracts.topics import DELEGATION_EVENTS
from shared.cursor import Cursor
from tests.integration.directory.helpers import (
    Partner,
    approve_delegation,
    customer_of,
    registered_customer,
)
from tests.support.bus import Bus
from tests.support.wait import eventually


async def find(
    http: httpx.AsyncClient, actor: uuid.UUID, q: str = "", **params: Any
) -> dict[str, Any]:
    answer = await http.get(
        "/internal/customers", params={"actor_user_id": str(actor), "q": q, **params}
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def names(page: dict[str, Any]) -> list[str]:
    return [item["name"] for item in page["items"]]


async def test_partial_case_insensitive_match_on_name_domain_and_contact(
    stack: object, bus: Bus, http: httpx.AsyncClient
) -> None:
    partner = await Partner.register(bus, http)
    pid = partner.partner_id
    await customer_of(bus, pid, name="Contoso Pharmaceuticals", contact_email="Ops@Alpha.example")
    await customer_of(bus, pid, name="Northwind Traders", contact_email="helpdesk@nw.example")
    tailspin = await customer_of(bus, pid, name="Tailspin Toys")
    actor = partner.admin_id

    assert names(await find(http, actor, "PHARMA")) == ["Contoso Pharmaceuticals"]
    assert names(await find(http, actor, "wind trad")) == ["Northwind Traders"]
    assert names(await find(http, actor, "HELPDESK@nw")) == ["Northwind Traders"]
    assert names(await find(http, actor, "ops@alpha")) == ["Contoso Pharmaceuticals"]
    assert names(await find(http, actor, tailspin.domain[3:10].upper())) == ["Tailspin Toys"]
    assert names(await find(http, actor, "tailspin pharma")) == []  # every word must match
    assert names(await find(http, actor)) == [
        "Contoso Pharmaceuticals",
        "Northwind Traders",
        "Tailspin Toys",
    ]


async def test_sql_and_pattern_metacharacters_are_taken_literally(
    stack: object, bus: Bus, http: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    partner = await Partner.register(bus, http)
    await customer_of(bus, partner.partner_id, name="50% Off_Sale Ltd")
    await customer_of(bus, partner.partner_id, name="Plain Company")
    actor = partner.admin_id
    assert names(await find(http, actor, "%")) == ["50% Off_Sale Ltd"]
    assert names(await find(http, actor, "_")) == ["50% Off_Sale Ltd"]
    assert names(await find(http, actor, "f_s")) == ["50% Off_Sale Ltd"]
    assert names(await find(http, actor, "\\")) == []
    assert names(await find(http, actor, "'; DROP TABLE customers; --")) == []
    assert await pool.fetchval("SELECT count(*) FROM directory.customers") > 0


async def test_pages_neither_repeat_nor_skip_while_customers_are_added(
    stack: object, bus: Bus, http: httpx.AsyncClient
) -> None:
    partner = await Partner.register(bus, http)
    tag = uuid.uuid4().hex[:6]
    for letter in "bdfhjln":
        await customer_of(bus, partner.partner_id, name=f"{letter.upper()} {tag}")
    actor = partner.admin_id

    first = await find(http, actor, tag, limit=3)
    assert names(first) == [f"B {tag}", f"D {tag}", f"F {tag}"]
    # A customer that sorts before the cursor appears meanwhile: later pages are unmoved.
    await customer_of(bus, partner.partner_id, name=f"A {tag}")
    second = await find(http, actor, tag, limit=3, cursor=first["next_cursor"])
    third = await find(http, actor, tag, limit=3, cursor=second["next_cursor"])
    assert names(second) == [f"H {tag}", f"J {tag}", f"L {tag}"]
    assert names(third) == [f"N {tag}"]
    assert third["next_cursor"] is None


async def test_a_partner_sees_only_its_own_customers_and_delegations(
    stack: object, bus: Bus, http: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    ours = await Partner.register(bus, http)
    theirs = await Partner.register(bus, http)
    tag = uuid.uuid4().hex[:8]
    mine = await customer_of(bus, ours.partner_id, name=f"Mine {tag}")
    other = await customer_of(bus, theirs.partner_id, name=f"Theirs {tag}")
    delegated = await registered_customer(bus, name=f"Delegated {tag}")
    await approve_delegation(
        bus,
        pool,
        ours.partner_id,
        delegated.customer_id,
        delegated.admin.user_id,
        role="limited",
    )

    page = await find(http, ours.admin_id, tag)
    assert names(page) == [f"Delegated {tag}", f"Mine {tag}"]
    assert [(i["partner_of_record"], i["delegation_role"]) for i in page["items"]] == [
        (False, "limited"),
        (True, None),
    ]
    assert names(await find(http, theirs.admin_id, tag)) == [f"Theirs {tag}"]

    detail = await http.get(
        f"/internal/customers/{mine.customer_id}/support",
        params={"actor_user_id": str(ours.admin_id)},
    )
    assert detail.status_code == 200
    assert detail.json()["partner_of_record"] is True
    assert [u["user_id"] for u in detail.json()["users"]] == [str(mine.admin.user_id)]
    for hidden in (other.customer_id, uuid.uuid4()):  # another's, and one that does not exist
        refused = await http.get(
            f"/internal/customers/{hidden}/support",
            params={"actor_user_id": str(ours.admin_id)},
        )
        assert (refused.status_code, refused.json()["code"]) == (404, "customer_not_found")


async def test_users_without_supported_access_cannot_search(
    stack: object, bus: Bus, http: httpx.AsyncClient
) -> None:
    partner = await Partner.register(bus, http)
    _, actor, _ = await partner.create_user(role="billing_admin", access="none", ready=True)
    answer = await http.get("/internal/customers", params={"actor_user_id": str(actor)})
    assert (answer.status_code, answer.json()["code"]) == (403, "not_allowed")
    bad = await http.get(
        "/internal/customers",
        params={"actor_user_id": str(partner.admin_id), "cursor": "not-a-cursor"},
    )
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_cursor")
    # A real cursor, but issued by a list sorted by time (the audit, say), is refused too.
    foreign = Cursor(datetime.now(UTC), uuid.uuid4()).encode()
    refused = await http.get(
        "/internal/customers",
        params={"actor_user_id": str(partner.admin_id), "q": "x", "cursor": foreign},
    )
    assert (refused.status_code, refused.json()["code"]) == (422, "invalid_cursor")


async def test_a_revoked_delegation_takes_the_customer_out_of_reach(
    stack: object, bus: Bus, http: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    partner = await Partner.register(bus, http)
    tag = uuid.uuid4().hex[:8]
    customer = await registered_customer(bus, name=f"Revoked {tag}")
    relationship = await approve_delegation(
        bus, pool, partner.partner_id, customer.customer_id, customer.admin.user_id
    )
    assert names(await find(http, partner.admin_id, tag)) == [f"Revoked {tag}"]
    await bus.send(
        delegation.DelegationRevoked(
            relationship_id=relationship,
            partner_id=partner.partner_id,
            customer_id=customer.customer_id,
            role="full",
            revoked_by=customer.admin.user_id,
            party="customer",
            revoked_at=datetime.now(UTC),
        ),
        topic=DELEGATION_EVENTS,
    )

    async def gone() -> bool:
        return names(await find(http, partner.admin_id, tag)) == []

    await eventually(gone)
    detail = await http.get(
        f"/internal/customers/{customer.customer_id}/support",
        params={"actor_user_id": str(partner.admin_id)},
    )
    assert detail.status_code == 404
