"""Composition root of the offers service."""

from __future__ import annotations

from fastapi import FastAPI

from services.offers.config import Settings
from services.offers.entrypoints import http, kafka
from shared.contracts import catalogue, offers
from shared.contracts.topics import DIRECTORY_EVENTS
from shared.runtime import ServiceSpec, Subscription, create_service_app

NAME = "offers"


def spec(settings: Settings) -> ServiceSpec:
    return ServiceSpec(
        name=NAME,
        description="Service catalogue and purchase offers: publish services; create, reissue, "
        "withdraw and buy offers by code.",
        commands=kafka.command_routes(base_url=settings.public_base_url),
        http=http.router,
        reads=[
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
    )


def create_app(settings: Settings) -> FastAPI:
    return create_service_app(spec(settings), settings)
