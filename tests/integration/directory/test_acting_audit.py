"""The audit of acting for customers, over the real broker and database: a refusal leaves
exactly one audit row and nothing else; the table is append-only; each side reads only its
own records, newest first, in pages."""

from __future__ import annotations

import uuid

import asyncpg
import httpx
import pytest

from shared.contracts import directory
from shared.contracts.topics import DIRECTORY_COMMANDS
from tests.integration.directory.helpers import (
    REJECTED,
    Partner,
    approve_delegation,
    command,
    password_hash,
    registered_customer,
    registered_partner,
)
from tests.support.bus import Bus
from tools.procs import ServiceProcess


def new_user(customer_id: uuid.UUID, actor: uuid.UUID) -> directory.CreateCustomerUser:
    user_id = uuid.uuid4()
    return directory.CreateCustomerUser(
        customer_id=customer_id,
        actor_user_id=actor,
        user_id=user_id,
        email=f"n-{user_id.hex[:12]}@contoso.example",
        display_name="New User",
        password_hash=password_hash("temporary password 1"),
    )


async def counts(pool: asyncpg.Pool, customer_id: uuid.UUID) -> tuple[int, int]:
    """Users of the customer and its audit rows."""
    row = await pool.fetchrow(
        "SELECT (SELECT count(*) FROM directory.users WHERE company_id = $1) AS users, "
        "(SELECT count(*) FROM directory.acting_audit WHERE customer_id = $1) AS audit",
        customer_id,
    )
    assert row is not None
    return row["users"], row["audit"]


async def test_a_refused_command_leaves_one_audit_row_and_nothing_else(
    stack: dict[str, ServiceProcess], bus: Bus, http: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    """Published straight to Kafka, as any internal system may: a Limited partner user under
    an active delegation tries to create a user. The one reply is a typed rejection."""
    partner = await Partner.register(bus, http)
    _, limited, _ = await partner.create_user(access="limited", ready=True)
    customer = await registered_customer(bus)
    await approve_delegation(
        bus, pool, partner.partner_id, customer.customer_id, customer.admin.user_id
    )
    users_before, audit_before = await counts(pool, customer.customer_id)
    cmd = new_user(customer.customer_id, limited)
    sent = await bus.send(cmd, topic=DIRECTORY_COMMANDS)
    reply = await bus.reply_to(sent)

    assert reply.type == REJECTED
    assert reply.data["code"] == "beyond_role"
    assert reply.data["category"] == "forbidden"
    assert reply.data["rejected_id"] == sent
    assert reply.data["key"] == str(customer.customer_id)
    # One reply and nothing else: no CustomerUserCreated reached the events topic.
    assert len(bus.matching(lambda s: s.causation_id == sent)) == 1
    users_after, audit_after = await counts(pool, customer.customer_id)
    assert users_after == users_before
    assert audit_after == audit_before + 1
    row = await pool.fetchrow("SELECT * FROM directory.acting_audit WHERE message_id = $1", sent)
    assert row is not None
    assert (row["partner_id"], row["actor_user_id"], row["action"]) == (
        partner.partner_id,
        limited,
        "create_user",
    )
    assert (row["target_kind"], row["target_id"]) == ("user", cmd.user_id)
    assert (row["outcome"], row["reason_code"]) == ("refused", "beyond_role")


async def test_the_audit_is_append_only(pool: asyncpg.Pool, stack: object) -> None:
    for statement in (
        "UPDATE directory.acting_audit SET outcome = 'allowed'",
        "DELETE FROM directory.acting_audit",
    ):
        with pytest.raises(asyncpg.RaiseError, match="append-only"):
            await pool.execute(statement)


async def test_the_customers_admin_acts_and_each_side_reads_only_its_own_records(
    stack: dict[str, ServiceProcess], bus: Bus, http: httpx.AsyncClient
) -> None:
    customer = await registered_customer(bus)
    admin = customer.admin.user_id
    mine = await command(bus, new_user(customer.customer_id, admin))
    assert mine.type == directory.CustomerUserCreated.ce_type(), mine.data
    assert mine.data["acting_partner_id"] is None
    member = uuid.UUID(mine.data["user_id"])
    # Another partner, without any delegation, straight on Kafka: refused and audited.
    stranger = Partner(bus, http, await registered_partner(bus))
    refused = await command(bus, new_user(customer.customer_id, stranger.admin_id))
    assert refused.data["code"] == "no_active_delegation"
    disabled = await command(
        bus,
        directory.DisableCustomerUser(
            customer_id=customer.customer_id, actor_user_id=admin, user_id=member
        ),
    )
    assert disabled.type == directory.CustomerUserDisabled.ce_type(), disabled.data
    last = await command(
        bus,
        directory.DisableCustomerUser(
            customer_id=customer.customer_id, actor_user_id=admin, user_id=admin
        ),
    )
    assert last.data["code"] == "last_global_admin"

    page = await http.get("/internal/audit", params={"actor_user_id": str(admin), "limit": 2})
    assert page.status_code == 200, page.text
    first = page.json()
    assert [(r["action"], r["outcome"]) for r in first["items"]] == [
        ("disable_user", "refused"),
        ("disable_user", "allowed"),
    ]
    rest = await http.get(
        "/internal/audit",
        params={"actor_user_id": str(admin), "limit": 2, "cursor": first["next_cursor"]},
    )
    assert [(r["action"], r["outcome"], r["partner_id"]) for r in rest.json()["items"]] == [
        ("create_user", "refused", str(stranger.partner_id)),
        ("create_user", "allowed", None),
    ]
    assert rest.json()["next_cursor"] is None

    # The stranger partner sees its own refused attempt, and nothing else of this customer.
    theirs = await http.get("/internal/audit", params={"actor_user_id": str(stranger.admin_id)})
    assert [(r["customer_id"], r["reason_code"]) for r in theirs.json()["items"]] == [
        (str(customer.customer_id), "no_active_delegation")
    ]
    # A customer's admin cannot read another customer's records; bad cursors are refused.
    other = await http.get(
        "/internal/audit",
        params={"actor_user_id": str(admin), "customer_id": str(uuid.uuid4())},
    )
    assert (other.status_code, other.json()["code"]) == (404, "customer_not_found")
    bad = await http.get("/internal/audit", params={"actor_user_id": str(admin), "cursor": "x"})
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_cursor")
