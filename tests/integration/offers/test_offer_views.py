"""New offers from old ones, and the internal read endpoints the gateway uses."""

from __future__ import annotations

import uuid

import asyncpg
import httpx

from shared.contracts import offers
from tests.integration.offers.helpers import (
    command,
    create_offer,
    customer,
    publish_service,
    purchase,
)
from tests.support.bus import Bus
from tools.procs import ServiceProcess


def _reissue(
    old: dict[str, object], *, withdraw: bool, quantity: int
) -> offers.ReissuePurchaseOffer:
    return offers.ReissuePurchaseOffer.model_validate(
        {
            "offer_id": uuid.uuid4(),
            "replaces_offer_id": old["offer_id"],
            "partner_id": old["partner_id"],
            "created_by": uuid.uuid4(),
            "lines": [{"service_id": old["lines"][0]["service_id"], "quantity": quantity}],  # type: ignore[index]
            "withdraw_replaced": withdraw,
        }
    )


async def test_a_new_offer_from_an_old_one_withdraws_or_keeps_it_and_keeps_the_link(
    stack: dict[str, ServiceProcess], bus: Bus
) -> None:
    suite = await publish_service(bus)
    old = await create_offer(
        bus, lines=[{"service_id": suite, "quantity": 40}], delegation_role="full"
    )

    kept = await command(bus, _reissue(old, withdraw=False, quantity=30))
    assert kept.type == offers.PurchaseOfferCreated.ce_type(), kept.data
    assert (kept.data["replaces_offer_id"], kept.data["replaced_offer_withdrawn"]) == (
        old["offer_id"],
        False,
    )
    assert kept.data["lines"][0]["quantity"] == 30
    assert kept.data["delegation_role"] == "full"

    replaced = await command(bus, _reissue(old, withdraw=True, quantity=20))
    assert replaced.data["replaced_offer_withdrawn"] is True

    async with httpx.AsyncClient(base_url=stack["offers"].url) as http:
        old_view = (await http.get(f"/internal/offers/{old['offer_id']}")).json()
        kept_view = (await http.get(f"/internal/offers/{kept.data['offer_id']}")).json()
    assert old_view["status"] == "withdrawn"
    assert old_view["replaced_by"] == [kept.data["offer_id"], replaced.data["offer_id"]]
    assert kept_view["status"] == "active"
    assert kept_view["replaces_offer_id"] == old["offer_id"]

    stranger = _reissue(old, withdraw=False, quantity=10).model_copy(
        update={"partner_id": uuid.uuid4()}
    )
    assert (await command(bus, stranger)).data["code"] == "offer_not_found"


async def test_read_endpoints_show_partners_their_offers_and_customers_only_the_public_view(
    stack: dict[str, ServiceProcess], bus: Bus, pool: asyncpg.Pool
) -> None:
    suite = await publish_service(bus, name="Office 365 E3", licence_unit="user")
    partner = uuid.uuid4()
    first = await create_offer(
        bus,
        partner_id=partner,
        lines=[{"service_id": suite, "quantity": 40, "min_quantity": 10, "max_quantity": 60}],
        customer_may_change_quantities=True,
        delegation_role="limited",
    )
    second = await create_offer(
        bus, partner_id=partner, lines=[{"service_id": suite, "quantity": 3}]
    )
    await create_offer(bus, lines=[{"service_id": suite, "quantity": 3}])  # another partner's
    buyer = await customer(bus, pool)
    bought = await command(bus, purchase(first["code"], buyer, (suite, 12)))

    async with httpx.AsyncClient(base_url=stack["offers"].url) as http:
        listed = (await http.get("/internal/offers", params={"partner_id": str(partner)})).json()
        one = (await http.get(f"/internal/offers/{first['offer_id']}")).json()
        foreign = await http.get(
            f"/internal/offers/{first['offer_id']}", params={"partner_id": str(uuid.uuid4())}
        )
        public = (await http.get(f"/internal/offers/by-code/{first['code']}")).json()
        unknown = await http.get(f"/internal/offers/by-code/{'B' * 32}")
        counts = (
            await http.get("/internal/offers/counts", params={"partner_id": str(partner)})
        ).json()
        asyncapi = (await http.get("/asyncapi.json")).json()
        bought_by = (
            await http.get("/internal/redemptions", params={"customer_id": str(buyer)})
        ).json()

    assert [o["offer_id"] for o in listed["items"]] == [second["offer_id"], first["offer_id"]]
    assert [o["redemptions"] for o in listed["items"]] == [0, 1]
    assert {o["status"] for o in listed["items"]} == {"active"}

    assert one["url"] == first["url"]
    assert one["lines"][0]["name"] == "Office 365 E3"
    assert [r["redemption_id"] for r in one["redemptions_list"]] == [bought.data["redemption_id"]]
    assert one["redemptions_list"][0]["customer_id"] == str(buyer)
    assert one["redemptions_list"][0]["lines"] == [{"service_id": suite, "quantity": 12}]
    assert foreign.status_code == 404

    assert public == {
        "code": first["code"],
        "partner_id": str(partner),
        "status": "active",
        "lines": [
            {
                "service_id": suite,
                "name": "Office 365 E3",
                "description": "",
                "licence_unit": "user",
                "on_sale": True,
                "quantity": 40,
                "min_quantity": 10,
                "max_quantity": 60,
            }
        ],
        "customer_may_change_quantities": True,
        "delegation_role": "limited",
        "expires_at": None,
    }
    assert unknown.status_code == 404
    assert [r["offer_id"] for r in bought_by] == [first["offer_id"]]
    assert counts == {"active": 2, "expired": 0, "withdrawn": 0}
    documented = str(asyncapi)
    for contract in (offers.PurchaseOfferCreated, offers.OfferRedeemed, offers.PurchaseOffer):
        assert contract.ce_type() in documented
