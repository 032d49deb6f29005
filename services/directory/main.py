"""Composition root of the directory service."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.directory.config import Settings
from services.directory.entrypoints import http, kafka
from shared.contracts import directory
from shared.contracts.topics import DIRECTORY_COMMANDS, DIRECTORY_EVENTS, INVITATIONS_EVENTS
from shared.runtime import ServiceSpec, Subscription, create_service_app

NAME = "directory"


def spec(settings: Settings) -> ServiceSpec:
    return ServiceSpec(
        name=NAME,
        description="Partner and customer companies, their users and roles, subscriptions.",
        events_topic=DIRECTORY_EVENTS,
        migrations=Path(__file__).parent / "migrations",
        subscriptions=[
            Subscription(
                "commands",
                [DIRECTORY_COMMANDS],
                kafka.command_routes(),
                "Commands to the directory service.",
            ),
            Subscription(
                "events",
                [INVITATIONS_EVENTS],
                kafka.event_routes(),
                "Redemptions that create subscriptions.",
            ),
        ],
        emits=[
            directory.PartnerRegistered,
            directory.CustomerRegistered,
            directory.SubscriptionCreated,
            directory.PartnerProfileUpdated,
            directory.PartnerUserCreated,
            directory.PartnerUserUpdated,
            directory.PartnerUserDisabled,
            directory.PartnerUserEnabled,
            directory.UserPasswordReset,
        ],
        http=http.router(settings),
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_service_app(spec(settings), settings)
