"""Composition root of the directory service."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from services.directory.config import Settings
from services.directory.entrypoints import (
    acting,
    housekeeping,
    http,
    kafka,
    subscription_sweep,
    subscriptions,
)
from shared.contracts import directory
from shared.contracts.topics import DELEGATION_EVENTS, INVITATIONS_EVENTS, OFFERS_EVENTS
from shared.runtime import ServiceSpec, Subscription, create_service_app

NAME = "directory"


def _internal(settings: Settings) -> APIRouter:
    combined = subscriptions.with_router(http.router(settings))
    combined.include_router(acting.router())
    return combined


def spec(settings: Settings) -> ServiceSpec:
    return ServiceSpec(
        name=NAME,
        description="Partner and customer companies, their users and roles, subscriptions.",
        commands=acting.add_commands(subscriptions.add_commands(kafka.command_routes())),
        http=_internal(settings),
        reads=[
            # One group for both redemption events: one writer of the Subscription aggregate.
            Subscription(
                "events",
                [INVITATIONS_EVENTS, OFFERS_EVENTS, DELEGATION_EVENTS],
                kafka.add_delegation_events(subscriptions.redemption_routes()),
                "Redemptions (trial invitations, offers) that start or convert subscriptions; "
                "delegations, kept as a local view.",
            ),
        ],
        emits=[
            directory.PartnerRegistered,
            directory.CustomerRegistered,
            directory.PartnerProfileUpdated,
            directory.PartnerUserCreated,
            directory.PartnerUserUpdated,
            directory.PartnerUserDisabled,
            directory.PartnerUserEnabled,
            directory.UserPasswordReset,
            directory.ServiceRequestCreated,
            directory.ServiceRequestStateChangedV2,
            directory.ServiceRequestNoteAddedV2,
            *acting.EMITS,
        ],
        streams=[subscriptions.STREAM],
        retired=[directory.ServiceRequestStateChanged, directory.ServiceRequestNoteAdded],
        periodic=[
            subscription_sweep.periodic(settings.subscription_sweep_interval),
            housekeeping.periodic(),
        ],
    )


def create_app(settings: Settings) -> FastAPI:
    return create_service_app(spec(settings), settings)
