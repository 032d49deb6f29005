"""Thin Kafka entrypoints: turn a validated contract into an internal command, call one
handler inside the consumer's transaction, emit what it returns."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.offers import handlers
from services.offers.adapters.repository import PgRepository
from services.offers.domain import commands
from shared import links
from shared.contracts import catalogue, offers
from shared.contracts.topics import OFFERS_EVENTS
from shared.messaging.commands import CommandTable
from shared.messaging.consumer import MessageContext, Routes


def _terms(lines: list[offers.OfferLineTerms]) -> tuple[commands.LineTerms, ...]:
    return tuple(commands.LineTerms(**line.model_dump()) for line in lines)


def publish_command(msg: catalogue.PublishCatalogueService) -> commands.PublishService:
    """The catalogue entry's fields of the same names; its trial terms as two fields."""
    return commands.PublishService(
        **msg.model_dump(exclude={"trial"}),
        trial_days=msg.trial.days if msg.trial else None,
        trial_max_seats=msg.trial.max_seats if msg.trial else None,
    )


def _lines_and_fields(command: Callable[..., Any]) -> Callable[[Any], Any]:
    return lambda msg: command(**{**msg.model_dump(), "lines": _terms(msg.lines)})


def purchase_command(msg: offers.PurchaseOffer) -> commands.Purchase:
    return commands.Purchase(
        code=msg.code,
        customer_id=msg.customer_id,
        redeemed_by=msg.redeemed_by,
        quantities=tuple((q.service_id, q.quantity) for q in msg.quantities),
    )


def command_routes(*, base_url: str) -> Routes:
    routes = Routes(strict=True)
    table = CommandTable(routes, PgRepository, OFFERS_EVENTS)

    @routes.on(catalogue.PublishCatalogueService)
    async def publish(ctx: MessageContext, msg: catalogue.PublishCatalogueService) -> None:
        event = await handlers.publish_service(PgRepository(ctx.conn), publish_command(msg))
        ctx.emit(event, topic=OFFERS_EVENTS)

    table.add(
        offers.CreatePurchaseOffer,
        handlers.create_offer,
        _lines_and_fields(commands.CreateOffer),
        base_url=base_url,
    )
    table.add(
        offers.ReissuePurchaseOffer,
        handlers.reissue_offer,
        _lines_and_fields(commands.ReissueOffer),
        base_url=base_url,
    )
    table.add(offers.WithdrawPurchaseOffer, handlers.withdraw_offer)
    table.add(offers.PurchaseOffer, handlers.purchase, purchase_command)
    table.add(offers.RecordOfferOpened, handlers.record_open)
    table.add(offers.RecordOfferSignUp, handlers.record_sign_up)
    return routes


def event_routes() -> Routes:
    """The local view of the customers, from the directory's events."""
    return links.customer_view(PgRepository)
