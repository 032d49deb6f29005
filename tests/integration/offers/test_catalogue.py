"""The catalogue on the real broker and database: publish -> event, bad terms -> rejection."""

from __future__ import annotations

import uuid

import asyncpg
import httpx

from shared.contracts import catalogue
from shared.contracts.topics import OFFERS_COMMANDS, OFFERS_EVENTS
from tests.support.bus import Bus
from tests.support.wait import eventually
from tools.procs import ServiceProcess

REJECTED = "portal.system.CommandRejected.v1"


def _service(**overrides: object) -> catalogue.PublishCatalogueService:
    fields: dict[str, object] = {
        "service_id": f"svc-{uuid.uuid4().hex[:12]}",
        "name": "Integration Suite",
        "description": "A service made up by a test.",
        "min_seats": 1,
        "max_seats": 100,
        "trial": {"days": 30, "max_seats": 25},
    }
    fields.update(overrides)
    return catalogue.PublishCatalogueService.model_validate(fields)


async def test_published_service_is_announced_and_served_over_http(
    stack: dict[str, ServiceProcess], bus: Bus, pool: asyncpg.Pool
) -> None:
    command = _service()
    reply = await bus.reply_to(await bus.send(command, topic=OFFERS_COMMANDS))

    assert reply.type == catalogue.CatalogueServicePublished.ce_type(), reply.data
    assert reply.topic == OFFERS_EVENTS
    assert reply.key == command.service_id
    assert reply.data == command.model_dump(mode="json")
    async with httpx.AsyncClient(base_url=stack["offers"].url) as http:
        one = (await http.get(f"/internal/catalogue/{command.service_id}")).json()
        listed = (await http.get("/internal/catalogue")).json()["items"]
        missing = await http.get("/internal/catalogue/no-such-service")
    assert one == command.model_dump(mode="json")
    assert command.service_id in [s["service_id"] for s in listed]
    assert missing.status_code == 404


async def test_the_invitations_service_learns_the_catalogue_from_the_event(
    stack: dict[str, ServiceProcess], bus: Bus, pool: asyncpg.Pool
) -> None:
    command = _service(trial={"days": 14, "max_seats": 10})
    await bus.reply_to(await bus.send(command, topic=OFFERS_COMMANDS))
    row = await eventually(
        lambda: pool.fetchrow(
            "SELECT trial_days, trial_max_seats FROM invitations.catalogue WHERE service_id = $1",
            command.service_id,
        )
    )
    assert row is not None
    assert (row["trial_days"], row["trial_max_seats"]) == (14, 10)


async def test_withdrawing_from_sale_is_a_republication(
    stack: dict[str, ServiceProcess], bus: Bus, pool: asyncpg.Pool
) -> None:
    command = _service()
    await bus.reply_to(await bus.send(command, topic=OFFERS_COMMANDS))
    withdrawn = command.model_copy(update={"on_sale": False})
    reply = await bus.reply_to(await bus.send(withdrawn, topic=OFFERS_COMMANDS))
    assert reply.data["on_sale"] is False
    assert (
        await pool.fetchval(
            "SELECT on_sale FROM offers.catalogue WHERE service_id = $1", command.service_id
        )
        is False
    )


async def test_invalid_terms_get_a_typed_rejection_and_change_nothing(
    stack: dict[str, ServiceProcess], bus: Bus, pool: asyncpg.Pool
) -> None:
    cases = [
        (_service(min_seats=50, max_seats=10, trial=None), "invalid_seat_range"),
        (_service(max_seats=10, trial={"days": 30, "max_seats": 25}), "trial_seats_above_maximum"),
    ]
    for command, code in cases:
        reply = await bus.reply_to(await bus.send(command, topic=OFFERS_COMMANDS))
        assert reply.type == REJECTED
        assert reply.data["code"] == code, reply.data
        assert reply.data["service"] == "offers"
        assert reply.key == command.service_id
        assert not await pool.fetchval(
            "SELECT true FROM offers.catalogue WHERE service_id = $1", command.service_id
        )


async def test_a_command_breaking_the_contract_is_rejected_as_invalid_message(
    stack: dict[str, ServiceProcess], bus: Bus
) -> None:
    command = _service()
    message_id = str(uuid.uuid4())
    value = command.model_dump_json().replace('"min_seats":1', '"min_seats":0').encode()
    await bus.send_raw(
        OFFERS_COMMANDS,
        value,
        key=command.service_id.encode(),
        headers=[
            ("ce_id", message_id.encode()),
            ("ce_type", catalogue.PublishCatalogueService.ce_type().encode()),
            ("ce_source", b"tests"),
            ("ce_specversion", b"1.0"),
        ],
    )
    reply = await bus.reply_to(message_id)
    assert reply.type == REJECTED
    assert reply.data["code"] == "invalid_message"
    assert reply.data["details"][0]["loc"] == ["min_seats"]
