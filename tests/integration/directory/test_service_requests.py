"""Service requests over the real broker and database: the life cycle, notes from both
sides, listing with filters, and another partner seeing and touching nothing."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import httpx

from shared.contracts import directory
from shared.contracts.base import Command
from tests.integration.directory.helpers import (
    REJECTED,
    Partner,
    approve_delegation,
    command,
    registered_customer,
)
from tests.support.bus import Bus


async def delegated_customer(
    bus: Bus, pool: asyncpg.Pool, partner: Partner
) -> directory.RegisterCustomer:
    customer = await registered_customer(bus)
    await approve_delegation(
        bus, pool, partner.partner_id, customer.customer_id, customer.admin.user_id
    )
    return customer


def open_request(
    customer_id: uuid.UUID, actor: uuid.UUID, severity: str = "high"
) -> directory.CreateServiceRequest:
    return directory.CreateServiceRequest(
        request_id=uuid.uuid4(),
        customer_id=customer_id,
        actor_user_id=actor,
        title="Mail flow stopped",
        description="No external mail since 09:00.",
        severity=severity,
        contact_name="Chris Admin",
        contact_email="admin@contoso.example",
    )


def acting_on(request: directory.CreateServiceRequest, actor: uuid.UUID) -> dict[str, Any]:
    """The fields of a command by ``actor`` on the request ``open_request`` made."""
    return {
        "request_id": request.request_id,
        "customer_id": request.customer_id,
        "actor_user_id": actor,
    }


def move(
    request: directory.CreateServiceRequest, actor: uuid.UUID, state: str
) -> directory.ChangeServiceRequestState:
    return directory.ChangeServiceRequestState(**acting_on(request, actor), state=state)


def note(
    request: directory.CreateServiceRequest, author: uuid.UUID, body: str
) -> directory.AddServiceRequestNote:
    return directory.AddServiceRequestNote(
        **acting_on(request, author), note_id=uuid.uuid4(), body=body
    )


async def test_life_cycle_notes_and_listing(
    stack: object, bus: Bus, http: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    partner = await Partner.register(bus, http)
    customer = await delegated_customer(bus, pool, partner)
    cid, actor = customer.customer_id, partner.admin_id
    create = open_request(cid, actor)
    created = await command(bus, create)
    assert created.type == directory.ServiceRequestCreated.ce_type(), created.data
    assert (created.data["state"], created.data["partner_id"]) == ("open", str(partner.partner_id))
    low = await command(bus, open_request(cid, actor, severity="low"))
    assert low.type == directory.ServiceRequestCreated.ce_type()

    refused = await command(bus, move(create, actor, "closed"))
    assert (refused.type, refused.data["code"]) == (REJECTED, "invalid_transition")
    path = ["in_progress", "waiting_on_customer", "in_progress", "resolved", "open"]
    for state in [*path, "in_progress", "resolved", "closed"]:
        moved = await command(bus, move(create, actor, state))
        assert moved.type == directory.ServiceRequestStateChangedV2.ce_type(), moved.data
        assert moved.data["to_state"] == state
        assert moved.data["partner_id"] == str(partner.partner_id)  # v2 names the partner
    assert (await command(bus, move(create, actor, "open"))).data["code"] == "invalid_transition"

    for author in (actor, customer.admin.user_id):
        added = await command(bus, note(create, author, f"note by {author}"))
        assert added.type == directory.ServiceRequestNoteAddedV2.ce_type(), added.data
        assert added.data["partner_id"] == str(partner.partner_id)

    detail = await http.get(
        f"/internal/service-requests/{create.request_id}",
        params={"actor_user_id": str(customer.admin.user_id)},
    )
    assert detail.status_code == 200, detail.text
    body = detail.json()
    assert body["state"] == "closed"
    assert [n["author_kind"] for n in body["notes"]] == ["partner", "customer"]

    async def listed(**filters: str) -> list[str]:
        answer = await http.get(
            f"/internal/customers/{cid}/service-requests",
            params={"actor_user_id": str(actor), **filters},
        )
        assert answer.status_code == 200, answer.text
        return [r["request_id"] for r in answer.json()]

    assert set(await listed()) == {str(create.request_id), str(low.data["request_id"])}
    assert await listed(severity="low") == [low.data["request_id"]]
    assert await listed(state="closed") == [str(create.request_id)]
    assert await listed(state="open", severity="high") == []


async def test_another_partner_can_neither_see_nor_touch_requests(
    stack: object, bus: Bus, http: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    ours = await Partner.register(bus, http)
    theirs = await Partner.register(bus, http)
    customer = await delegated_customer(bus, pool, ours)
    create = open_request(customer.customer_id, ours.admin_id)
    assert (await command(bus, create)).type == directory.ServiceRequestCreated.ce_type()

    intruder = theirs.admin_id
    attempts: list[Command] = [
        open_request(customer.customer_id, intruder),
        move(create, intruder, "in_progress"),
        note(create, intruder, "hello"),
    ]
    codes = [(await command(bus, m)).data.get("code") for m in attempts]
    assert codes == ["customer_not_found", "service_request_not_found", "service_request_not_found"]
    for path in (
        f"/internal/service-requests/{create.request_id}",
        f"/internal/customers/{customer.customer_id}/service-requests",
    ):
        answer = await http.get(path, params={"actor_user_id": str(intruder)})
        assert answer.status_code == 404, (path, answer.text)
    state = await pool.fetchval(
        "SELECT state FROM directory.service_requests WHERE request_id = $1", create.request_id
    )
    assert state == "open"
    assert not await pool.fetchval(
        "SELECT count(*) FROM directory.service_request_notes WHERE request_id = $1",
        create.request_id,
    )


async def test_the_customer_page_holds_what_the_single_reads_answer(
    stack: object, bus: Bus, http: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    """The customer page is built in one statement: its parts must be the single reads'."""
    partner = await Partner.register(bus, http)
    other = await Partner.register(bus, http)
    customer = await delegated_customer(bus, pool, partner)
    await delegated_customer(bus, pool, other)
    cid, actor = customer.customer_id, partner.admin_id
    kept_open = await command(bus, open_request(cid, actor))
    resolved = open_request(cid, actor, severity="low")
    await command(bus, resolved)
    for state in ("in_progress", "resolved"):
        changed = await command(bus, move(resolved, actor, state))
        assert changed.type == directory.ServiceRequestStateChangedV2.ce_type()

    async def get(path: str, **params: Any) -> Any:
        answer = await http.get(path, params=params)
        assert answer.status_code == 200, answer.text
        return answer.json()

    page = await get(f"/internal/customers/{cid}/support", actor_user_id=str(actor))
    company = await get(f"/internal/customers/{cid}")
    assert {k: page[k] for k in company} == company
    assert page["users"] == await get(f"/internal/customers/{cid}/users")
    # With their assigned licences, as the customer's licences page has them.
    assert page["subscriptions"] == await get(f"/internal/customers/{cid}/licences")
    open_ones = await get(
        f"/internal/customers/{cid}/service-requests",
        actor_user_id=str(actor),
        state=["open", "in_progress", "waiting_on_customer"],
    )
    assert page["service_requests"] == open_ones
    assert [r["request_id"] for r in open_ones] == [kept_open.data["request_id"]]
    assert page["partner_of_record"] is False
    assert page["delegation"]["role"] == "full"
