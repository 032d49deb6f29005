"""A Kafka command and an HTTP write go through the same unit of work (inbox claim, handler,
outbox, commit), over the real broker and database: each is claimed in the inbox under its
message id (the command's ce_id, the request's Idempotency-Key), its event leaves through
the outbox caused by that id, and the same message delivered twice has one effect."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import asyncpg
import httpx

from shared.contracts import directory
from shared.contracts.topics import DIRECTORY_COMMANDS
from tests.integration.directory.helpers import Partner, password_hash
from tests.support.bus import Bus, Seen

RESET = directory.UserPasswordReset.ce_type()


async def _claims(pool: asyncpg.Pool, message_id: str) -> list[tuple[str, str]]:
    rows = await pool.fetch(
        "SELECT consumer, message_id FROM directory.inbox WHERE message_id = $1", message_id
    )
    return [(r["consumer"], r["message_id"]) for r in rows]


def _caused_by(message_id: str) -> Callable[[Seen], bool]:
    def predicate(seen: Seen) -> bool:
        return seen.causation_id == message_id

    return predicate


async def _reset(
    http: httpx.AsyncClient, partner: Partner, user_id: uuid.UUID, key: str
) -> httpx.Response:
    return await http.post(
        f"/internal/users/{user_id}/reset-password",
        json={"actor_user_id": str(partner.admin_id)},
        headers={"Idempotency-Key": key},
    )


async def test_the_same_http_change_delivered_twice_has_one_effect(
    stack: object, bus: Bus, http: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    partner = await Partner.register(bus, http)
    _, user_id, _ = await partner.create_user()
    key = str(uuid.uuid4())
    first = await _reset(http, partner, user_id, key)
    assert first.status_code == 200, first.text
    hash_after_first = await pool.fetchval(
        "SELECT password_hash FROM directory.users WHERE user_id = $1", user_id
    )
    again = await _reset(http, partner, user_id, key)
    assert again.status_code == 409, again.text
    assert again.headers["content-type"] == "application/problem+json"
    assert again.json()["code"] == "already_applied"
    assert "temporary_password" not in again.text
    # Nothing changed the second time: the first temporary password still stands.
    assert (
        await pool.fetchval("SELECT password_hash FROM directory.users WHERE user_id = $1", user_id)
        == hash_after_first
    )
    # A later reset under another key is applied: once its event is out, the first key's
    # event count is final (same key, same partition, in order).
    marker = str(uuid.uuid4())
    assert (await _reset(http, partner, user_id, marker)).status_code == 200
    await bus.wait_for(_caused_by(marker))
    [event] = bus.matching(_caused_by(key))
    assert (event.type, event.data["user_id"]) == (RESET, str(user_id))
    assert await _claims(pool, key) == [("directory.http", key)]


async def test_a_command_and_an_http_write_go_through_the_same_unit_of_work(
    stack: object, bus: Bus, http: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    partner = await Partner.register(bus, http)
    user_id = uuid.uuid4()
    create = directory.CreatePartnerUser(
        partner_id=partner.partner_id,
        actor_user_id=partner.admin_id,
        user_id=user_id,
        email=f"u-{user_id.hex[:12]}@fabrikam.example",
        display_name="Some User",
        company_role="none",
        supported_access="none",
        password_hash=password_hash("a temporary passphrase"),
    )
    # The command path: delivered twice under one ce_id.
    command_id = str(uuid.uuid4())
    await bus.send(create, topic=DIRECTORY_COMMANDS, message_id=command_id)
    await bus.send(create, topic=DIRECTORY_COMMANDS, message_id=command_id)
    # The HTTP path: the same, under one Idempotency-Key.
    key = str(uuid.uuid4())
    await bus.wait_for(_caused_by(command_id))
    assert (await _reset(http, partner, user_id, key)).status_code == 200
    assert (await _reset(http, partner, user_id, key)).status_code == 409
    marker_key = str(uuid.uuid4())
    assert (await _reset(http, partner, user_id, marker_key)).status_code == 200
    await bus.wait_for(_caused_by(marker_key))
    # Each path: one inbox claim under its message id, one event caused by that id.
    assert await _claims(pool, command_id) == [("directory.commands", command_id)]
    assert await _claims(pool, key) == [("directory.http", key)]
    [created] = bus.matching(_caused_by(command_id))
    [reset] = bus.matching(_caused_by(key))
    assert (created.type, reset.type) == (directory.PartnerUserCreated.ce_type(), RESET)
    # Both events came out of the outbox with the same CloudEvents metadata.
    for event in (created, reset):
        assert event.headers["ce_source"] == "directory"
        assert event.key == str(partner.partner_id)
