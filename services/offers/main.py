"""Composition root of the offers service."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.offers.config import Settings
from services.offers.entrypoints import http, kafka
from shared.contracts import catalogue, offers
from shared.contracts.topics import DIRECTORY_EVENTS, OFFERS_COMMANDS, OFFERS_EVENTS
from shared.runtime import ServiceSpec, Subscription, create_service_app

NAME = "offers"


def spec(settings: Settings) -> ServiceSpec:
    return ServiceSpec(
        name=NAME,
        description="Service catalogue and purchase offers: publish services; create, reissue, "
        "withdraw and buy offers by code.",
        events_topic=OFFERS_EVENTS,
        migrations=Path(__file__).parent / "migrations",
        subscriptions=[
            Subscription(
                "commands",
                [OFFERS_COMMANDS],
                kafka.command_routes(base_url=settings.public_base_url),
                "Commands to the offers service.",
            ),
            Subscription(
                "views",
                [DIRECTORY_EVENTS],
                kafka.event_routes(),
                "Customer events, kept as a local view.",
            ),
        ],
        emits=[
            catalogue.CatalogueServicePublished,
            offers.PurchaseOfferCreated,
            offers.PurchaseOfferWithdrawn,
            offers.OfferRedeemed,
            offers.OfferOpened,
            offers.OfferSignUpRecorded,
        ],
        http=http.router,
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_service_app(spec(settings), settings)
