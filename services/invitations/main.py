"""Composition root of the invitations service."""

from __future__ import annotations

from fastapi import FastAPI

from services.invitations.config import Settings
from services.invitations.entrypoints import http, kafka
from shared.contracts import invitations
from shared.contracts.topics import DIRECTORY_EVENTS, OFFERS_EVENTS
from shared.runtime import ServiceSpec, Subscription, create_service_app

NAME = "invitations"


def spec(settings: Settings) -> ServiceSpec:
    return ServiceSpec(
        name=NAME,
        description="Trial invitations: create, list, revoke and redeem by code.",
        commands=kafka.command_routes(base_url=settings.public_base_url),
        http=http.router,
        reads=[
            Subscription(
                "views",
                [OFFERS_EVENTS, DIRECTORY_EVENTS],
                kafka.event_routes(),
                "Catalogue and customer events, kept as local views.",
            ),
        ],
        emits=[
            invitations.TrialInvitationCreated,
            invitations.TrialInvitationRevoked,
            invitations.TrialInvitationRedeemed,
            invitations.TrialInvitationOpened,
            invitations.TrialInvitationSignUpRecorded,
        ],
    )


def create_app(settings: Settings) -> FastAPI:
    return create_service_app(spec(settings), settings)
