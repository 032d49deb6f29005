"""Drive the offers service as the gateway would: publish commands, read the replies."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import orjson

from shared.contracts import catalogue, offers
from shared.contracts.base import Contract
from shared.contracts.topics import OFFERS_COMMANDS
from tests.support.bus import Bus, Seen
from tests.support.customers import announce_customer

REJECTED = "portal.system.CommandRejected.v1"


async def command(bus: Bus, message: Any) -> Seen:
    """Send a command to the offers service and return its one reply."""
    return await bus.reply_to(await bus.send(message, topic=OFFERS_COMMANDS))


async def publish_service(bus: Bus, **overrides: object) -> str:
    fields: dict[str, object] = {
        "service_id": f"svc-{uuid.uuid4().hex[:12]}",
        "name": "Integration Suite",
        "min_seats": 1,
        "max_seats": 100,
        "trial": {"days": 30, "max_seats": 25},
    }
    fields.update(overrides)
    reply = await command(bus, catalogue.PublishCatalogueService.model_validate(fields))
    assert reply.type == catalogue.CatalogueServicePublished.ce_type(), reply.data
    return str(fields["service_id"])


async def customer(bus: Bus, pool: asyncpg.Pool) -> uuid.UUID:
    """A customer as the directory announces it; returns once the offers service knows it."""
    return await announce_customer(
        bus, pool, known="SELECT true FROM offers.customers WHERE customer_id = $1"
    )


async def create_offer(bus: Bus, **overrides: object) -> dict[str, Any]:
    fields: dict[str, object] = {
        "offer_id": uuid.uuid4(),
        "partner_id": uuid.uuid4(),
        "created_by": uuid.uuid4(),
    }
    fields.update(overrides)
    reply = await command(bus, offers.CreatePurchaseOffer.model_validate(fields))
    assert reply.type == offers.PurchaseOfferCreated.ce_type(), reply.data
    return reply.data


def purchase(code: str, customer_id: uuid.UUID, *chosen: tuple[str, int]) -> offers.PurchaseOffer:
    return offers.PurchaseOffer.model_validate(
        {
            "code": code,
            "customer_id": customer_id,
            "redeemed_by": uuid.uuid4(),
            "quantities": [{"service_id": s, "quantity": q} for s, q in chosen],
        }
    )


async def redemptions(pool: asyncpg.Pool, offer_id: object) -> int:
    return int(
        await pool.fetchval(
            "SELECT count(*) FROM offers.redemptions WHERE offer_id = $1", uuid.UUID(str(offer_id))
        )
    )


async def send_raw_command(
    bus: Bus, model: type[Contract], data: dict[str, Any], *, key: str
) -> str:
    """Publish JSON the contract would refuse to build, as a foreign client could; its ce_id."""
    message_id = str(uuid.uuid4())
    await bus.send_raw(
        OFFERS_COMMANDS,
        orjson.dumps(data),
        key=key.encode(),
        headers=[
            ("ce_id", message_id.encode()),
            ("ce_type", model.ce_type().encode()),
            ("ce_source", b"tests"),
            ("ce_specversion", b"1.0"),
        ],
    )
    return message_id
