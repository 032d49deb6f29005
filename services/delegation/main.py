"""Composition root of the delegation service."""

from __future__ import annotations

from fastapi import FastAPI

from services.delegation.config import Settings
from services.delegation.entrypoints import http, kafka
from services.delegation.entrypoints.sweeper import Sweeper
from shared.contracts import delegation
from shared.contracts.topics import DIRECTORY_EVENTS, INVITATIONS_EVENTS, OFFERS_EVENTS
from shared.runtime import Periodic, ServiceSpec, Subscription, create_service_app

NAME = "delegation"


def spec(settings: Settings, sweeper: Sweeper) -> ServiceSpec:
    policy = settings.policy()
    return ServiceSpec(
        name=NAME,
        description="Delegated administration: requests, decisions and relationships.",
        commands=kafka.command_routes(policy=policy, base_url=settings.public_base_url),
        http=http.router,
        reads=[
            Subscription(
                "events",
                [INVITATIONS_EVENTS, OFFERS_EVENTS, DIRECTORY_EVENTS],
                kafka.event_routes(policy=policy),
                "Redemptions that may include delegation; customers' Global admins.",
            ),
        ],
        emits=[
            delegation.DelegationRequested,
            delegation.DelegationApproved,
            delegation.DelegationDeclined,
            delegation.DelegationOffered,
            delegation.DelegationRequestExpired,
            delegation.DelegationRevoked,
            delegation.DelegationExpiring,
            delegation.DelegationExpired,
            delegation.DelegationReplaced,
        ],
        periodic=[
            Periodic(
                f"{NAME}-sweep",
                settings.delegation_sweep_interval.total_seconds(),
                sweeper.sweep_once,
            )
        ],
    )


def create_app(settings: Settings) -> FastAPI:
    sweeper = Sweeper(service=NAME, policy=settings.policy())
    return create_service_app(spec(settings, sweeper), settings)
