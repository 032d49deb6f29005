"""Purchase offers on the real broker and database, driven by their public contract."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx

from shared.contracts import offers
from shared.contracts.topics import OFFERS_COMMANDS
from tests.integration.offers.helpers import (
    REJECTED,
    command,
    create_offer,
    customer,
    publish_service,
    purchase,
    redemptions,
    send_raw_command,
)
from tests.support.bus import Bus
from tests.support.wait import eventually
from tools.procs import ServiceProcess

REDEEMED = offers.OfferRedeemed.ce_type()


async def test_create_then_buy_with_changed_quantities(
    stack: dict[str, ServiceProcess], bus: Bus, pool: asyncpg.Pool
) -> None:
    suite = await publish_service(bus, max_seats=100)
    addon = await publish_service(bus, min_seats=5, max_seats=50, trial=None)
    partner = uuid.uuid4()
    created = await create_offer(
        bus,
        partner_id=partner,
        lines=[
            {"service_id": suite, "quantity": 40, "min_quantity": 20, "max_quantity": 60},
            {"service_id": addon, "quantity": 10},
        ],
        delegation_role="limited",
        customer_may_change_quantities=True,
    )
    code = str(created["code"])
    assert len(code) >= 32  # 192 random bits
    assert created["url"].endswith(f"/o/{code}")
    assert created["lines"][1] == {
        "service_id": addon,
        "quantity": 10,
        "min_quantity": 5,
        "max_quantity": 50,
    }

    buyer = await customer(bus, pool)
    bought = await command(bus, purchase(code, buyer, (suite, 55)))

    assert bought.type == REDEEMED, bought.data
    assert bought.key == str(buyer)
    assert bought.data["partner_id"] == str(partner)
    assert bought.data["customer_id"] == str(buyer)
    assert bought.data["offer_id"] == created["offer_id"]
    assert bought.data["delegation_role"] == "limited"
    assert bought.data["lines"] == [
        {"service_id": suite, "quantity": 55},
        {"service_id": addon, "quantity": 10},
    ]
    lines = await pool.fetchval(
        "SELECT lines FROM offers.redemptions WHERE redemption_id = $1",
        uuid.UUID(bought.data["redemption_id"]),
    )
    assert lines is not None

    again = await command(bus, purchase(code, buyer, (suite, 30)))
    assert again.type == REJECTED
    assert again.data["code"] == "offer_already_purchased"
    assert await redemptions(pool, created["offer_id"]) == 1

    # The same URL serves another customer.
    other = await customer(bus, pool)
    assert (await command(bus, purchase(code, other))).type == REDEEMED
    assert await redemptions(pool, created["offer_id"]) == 2


async def test_every_bad_purchase_is_rejected_and_changes_nothing(
    stack: dict[str, ServiceProcess], bus: Bus, pool: asyncpg.Pool
) -> None:
    suite = await publish_service(bus, max_seats=100)
    flexible = await create_offer(
        bus,
        lines=[{"service_id": suite, "quantity": 40, "min_quantity": 20, "max_quantity": 60}],
        customer_may_change_quantities=True,
    )
    fixed = await create_offer(bus, lines=[{"service_id": suite, "quantity": 40}])
    buyer = await customer(bus, pool)
    cases = [
        (purchase(flexible["code"], buyer, (suite, 61)), "quantity_out_of_bounds"),
        (purchase(flexible["code"], buyer, (suite, 19)), "quantity_out_of_bounds"),
        (purchase(flexible["code"], buyer, ("not-on-offer", 5)), "unknown_offer_line"),
        (purchase(fixed["code"], buyer, (suite, 41)), "quantities_not_changeable"),
        (purchase(fixed["code"], uuid.uuid4()), "customer_not_found"),
        (purchase("A" * 32, buyer), "offer_not_found"),
    ]
    for message, code in cases:
        reply = await command(bus, message)
        assert reply.type == REJECTED, reply.data
        assert (reply.data["code"], reply.key) == (code, str(message.customer_id))

    # A quantity of zero breaks the contract itself: a typed invalid_message rejection.
    zero = purchase(flexible["code"], buyer).model_dump(mode="json")
    zero["quantities"] = [{"service_id": suite, "quantity": 0}]
    raw_id = await send_raw_command(bus, offers.PurchaseOffer, zero, key=str(buyer))
    reply = await bus.reply_to(raw_id)
    assert reply.data["code"] == "invalid_message"
    assert reply.data["details"][0]["loc"] == ["quantities", 0, "quantity"]

    assert await redemptions(pool, flexible["offer_id"]) == 0
    assert await redemptions(pool, fixed["offer_id"]) == 0


async def test_a_service_withdrawn_from_sale_cannot_be_put_on_new_offers(
    stack: dict[str, ServiceProcess], bus: Bus, pool: asyncpg.Pool
) -> None:
    suite = await publish_service(bus)
    await publish_service(bus, service_id=suite, on_sale=False)
    offer_id = uuid.uuid4()
    reply = await command(
        bus,
        offers.CreatePurchaseOffer.model_validate(
            {
                "offer_id": offer_id,
                "partner_id": uuid.uuid4(),
                "created_by": uuid.uuid4(),
                "lines": [{"service_id": suite, "quantity": 5}],
            }
        ),
    )
    assert reply.type == REJECTED
    assert reply.data["code"] == "service_not_on_sale"
    assert not await pool.fetchval("SELECT true FROM offers.offers WHERE offer_id = $1", offer_id)


async def test_bad_offers_are_rejected_and_store_nothing(
    stack: dict[str, ServiceProcess], bus: Bus, pool: asyncpg.Pool
) -> None:
    suite = await publish_service(bus, min_seats=5, max_seats=100)
    partner = uuid.uuid4()
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    cases: list[tuple[dict[str, object], str]] = [
        ({"lines": [{"service_id": "no-such-service", "quantity": 5}]}, "unknown_service"),
        ({"lines": [{"service_id": suite, "quantity": 4}]}, "quantity_outside_catalogue_limits"),
        (
            {"lines": [{"service_id": suite, "quantity": 5}, {"service_id": suite, "quantity": 6}]},
            "duplicate_offer_line",
        ),
        (
            {
                "lines": [{"service_id": suite, "quantity": 50, "min_quantity": 60}],
                "customer_may_change_quantities": True,
            },
            "invalid_quantity_bounds",
        ),
        (
            {"lines": [{"service_id": suite, "quantity": 50, "max_quantity": 60}]},
            "quantity_bounds_not_allowed",
        ),
        ({"lines": [{"service_id": suite, "quantity": 5}], "expires_at": past}, "invalid_expiry"),
    ]
    for fields, code in cases:
        message = offers.CreatePurchaseOffer.model_validate(
            {"offer_id": uuid.uuid4(), "partner_id": partner, "created_by": uuid.uuid4(), **fields}
        )
        reply = await command(bus, message)
        assert (reply.type, reply.data["code"]) == (REJECTED, code), reply.data
        assert reply.key == str(partner)
    assert not await pool.fetchval(
        "SELECT count(*) FROM offers.offers WHERE partner_id = $1", partner
    )


async def test_withdrawn_offer_cannot_be_bought_and_only_its_partner_may_withdraw(
    stack: dict[str, ServiceProcess], bus: Bus, pool: asyncpg.Pool
) -> None:
    suite = await publish_service(bus)
    created = await create_offer(bus, lines=[{"service_id": suite, "quantity": 5}])
    intruder = await command(
        bus,
        offers.WithdrawPurchaseOffer(
            offer_id=created["offer_id"], partner_id=uuid.uuid4(), withdrawn_by=uuid.uuid4()
        ),
    )
    assert intruder.data["code"] == "offer_not_found"

    withdraw = offers.WithdrawPurchaseOffer(
        offer_id=created["offer_id"], partner_id=created["partner_id"], withdrawn_by=uuid.uuid4()
    )
    withdrawn = await command(bus, withdraw)
    assert withdrawn.type == offers.PurchaseOfferWithdrawn.ce_type()
    assert withdrawn.key == created["partner_id"]

    buyer = await customer(bus, pool)
    refused = await command(bus, purchase(created["code"], buyer))
    assert (refused.type, refused.data["code"]) == (REJECTED, "offer_withdrawn")
    assert (await command(bus, withdraw)).data["code"] == "offer_withdrawn"
    assert await redemptions(pool, created["offer_id"]) == 0


async def test_expired_offer_cannot_be_bought(
    stack: dict[str, ServiceProcess], bus: Bus, pool: asyncpg.Pool
) -> None:
    suite = await publish_service(bus)
    expires = datetime.now(UTC) + timedelta(seconds=2)
    created = await create_offer(
        bus, lines=[{"service_id": suite, "quantity": 5}], expires_at=expires
    )
    buyer = await customer(bus, pool)

    async with httpx.AsyncClient(base_url=stack["offers"].url) as http:

        async def expired() -> bool:
            # An offer past its expiry is no longer shown by its link: 410, like a withdrawn one.
            view = await http.get(f"/internal/offers/by-code/{created['code']}")
            return view.status_code == 410 and view.json()["code"] == "offer_unavailable"

        await eventually(expired, timeout=10)
    refused = await command(bus, purchase(created["code"], buyer))
    assert (refused.type, refused.data["code"]) == (REJECTED, "offer_expired")
    assert await redemptions(pool, created["offer_id"]) == 0


async def test_a_redelivered_purchase_is_applied_once(
    stack: dict[str, ServiceProcess], bus: Bus, pool: asyncpg.Pool
) -> None:
    suite = await publish_service(bus)
    first = await create_offer(bus, lines=[{"service_id": suite, "quantity": 5}])
    second = await create_offer(bus, lines=[{"service_id": suite, "quantity": 6}])
    buyer = await customer(bus, pool)
    message = purchase(first["code"], buyer)
    message_id = str(uuid.uuid4())

    await bus.send(message, topic=OFFERS_COMMANDS, message_id=message_id)
    await bus.send(message, topic=OFFERS_COMMANDS, message_id=message_id)
    # Same key, same partition: once this later purchase is answered, both copies were seen.
    assert (await command(bus, purchase(second["code"], buyer))).type == REDEEMED

    replies = bus.matching(lambda s: s.causation_id == message_id)
    assert [r.type for r in replies] == [REDEEMED]
    assert await redemptions(pool, first["offer_id"]) == 1
