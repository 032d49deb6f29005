"""A service's AsyncAPI document names every contract it accepts and emits, with the
contract's schema, description and example."""

from __future__ import annotations

from typing import Any

from services.invitations.config import Settings
from services.invitations.main import spec
from shared.runtime import asyncapi, build_broker, subscribe


class _Unused:
    name = "unit"


def test_accepted_and_emitted_contracts_are_documented() -> None:
    settings = Settings()
    service = spec(settings)
    broker = build_broker(service, settings)
    for subscription in service.subscriptions:
        subscribe(broker, subscription, _Unused(), 10)  # type: ignore[arg-type]
    document: dict[str, Any] = asyncapi(service, broker).to_specification().to_jsonable()
    schemas = document["components"]["schemas"]

    expected = {m.model.__name__ for s in service.subscriptions for m in s.routes.routes.values()}
    expected |= {m.__name__ for m in service.every_event} | {"CommandRejected"}
    assert expected <= set(schemas)
    redeem = schemas["RedeemTrialInvitation"]
    assert redeem["description"]
    assert redeem["examples"]
    assert redeem["properties"]["code"]["description"]
