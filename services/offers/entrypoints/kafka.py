"""Thin Kafka entrypoints: turn a validated contract into an internal command, call one
handler inside the consumer's transaction, emit what it returns."""

from __future__ import annotations

from datetime import UTC, datetime

from services.offers import handlers
from services.offers.adapters.repository import PgRepository
from services.offers.domain import commands
from shared.contracts import catalogue, directory, offers
from shared.contracts.topics import OFFERS_EVENTS
from shared.messaging.consumer import MessageContext, Routes


def _now() -> datetime:
    return datetime.now(UTC)


def _terms(lines: list[offers.OfferLineTerms]) -> tuple[commands.LineTerms, ...]:
    return tuple(commands.LineTerms(**line.model_dump()) for line in lines)


def publish_command(msg: catalogue.PublishCatalogueService) -> commands.PublishService:
    return commands.PublishService(
        service_id=msg.service_id,
        name=msg.name,
        description=msg.description,
        licence_unit=msg.licence_unit,
        min_seats=msg.min_seats,
        max_seats=msg.max_seats,
        trial_days=msg.trial.days if msg.trial else None,
        trial_max_seats=msg.trial.max_seats if msg.trial else None,
        on_sale=msg.on_sale,
    )


def command_routes(*, base_url: str) -> Routes:
    routes = Routes(strict=True)

    @routes.on(catalogue.PublishCatalogueService)
    async def publish(ctx: MessageContext, msg: catalogue.PublishCatalogueService) -> None:
        event = await handlers.publish_service(PgRepository(ctx.conn), publish_command(msg))
        ctx.emit(event, topic=OFFERS_EVENTS)

    @routes.on(offers.CreatePurchaseOffer)
    async def create(ctx: MessageContext, msg: offers.CreatePurchaseOffer) -> None:
        cmd = commands.CreateOffer(**{**msg.model_dump(), "lines": _terms(msg.lines)})
        event = await handlers.create_offer(
            PgRepository(ctx.conn), cmd, now=_now(), base_url=base_url
        )
        ctx.emit(event, topic=OFFERS_EVENTS)

    @routes.on(offers.ReissuePurchaseOffer)
    async def reissue(ctx: MessageContext, msg: offers.ReissuePurchaseOffer) -> None:
        cmd = commands.ReissueOffer(**{**msg.model_dump(), "lines": _terms(msg.lines)})
        event = await handlers.reissue_offer(
            PgRepository(ctx.conn), cmd, now=_now(), base_url=base_url
        )
        ctx.emit(event, topic=OFFERS_EVENTS)

    @routes.on(offers.WithdrawPurchaseOffer)
    async def withdraw(ctx: MessageContext, msg: offers.WithdrawPurchaseOffer) -> None:
        cmd = commands.WithdrawOffer(**msg.model_dump())
        ctx.emit(
            await handlers.withdraw_offer(PgRepository(ctx.conn), cmd, now=_now()),
            topic=OFFERS_EVENTS,
        )

    @routes.on(offers.PurchaseOffer)
    async def purchase(ctx: MessageContext, msg: offers.PurchaseOffer) -> None:
        cmd = commands.Purchase(
            code=msg.code,
            customer_id=msg.customer_id,
            redeemed_by=msg.redeemed_by,
            quantities=tuple((q.service_id, q.quantity) for q in msg.quantities),
        )
        ctx.emit(
            await handlers.purchase(PgRepository(ctx.conn), cmd, now=_now()),
            topic=OFFERS_EVENTS,
        )

    @routes.on(offers.RecordOfferOpened)
    async def opened(ctx: MessageContext, msg: offers.RecordOfferOpened) -> None:
        ctx.emit(
            await handlers.record_open(
                PgRepository(ctx.conn), commands.RecordOpen(code=msg.code), now=_now()
            ),
            topic=OFFERS_EVENTS,
        )

    @routes.on(offers.RecordOfferSignUp)
    async def signed_up(ctx: MessageContext, msg: offers.RecordOfferSignUp) -> None:
        cmd = commands.RecordSignUp(code=msg.code, customer_id=msg.customer_id)
        ctx.emit(
            await handlers.record_sign_up(PgRepository(ctx.conn), cmd, now=_now()),
            topic=OFFERS_EVENTS,
        )

    return routes


def event_routes() -> Routes:
    """The local view of the customers, from the directory's events."""
    routes = Routes(strict=False)

    @routes.on(directory.CustomerRegistered)
    async def customer_registered(ctx: MessageContext, msg: directory.CustomerRegistered) -> None:
        await PgRepository(ctx.conn).add_customer(customer_id=msg.customer_id, name=msg.name)

    return routes
