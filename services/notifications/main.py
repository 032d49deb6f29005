"""Composition root of the notifications service."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI

from services.notifications.adapters.smtp import SmtpTransport
from services.notifications.config import Settings
from services.notifications.entrypoints import http, kafka, lifecycle, webhook_events
from services.notifications.entrypoints.sender import Sender
from services.notifications.entrypoints.webhook_sender import HttpTransport, WebhookSender
from shared.contracts import notifications
from shared.contracts.topics import DELEGATION_EVENTS, DIRECTORY_EVENTS, DIRECTORY_SUBSCRIPTIONS
from shared.runtime import Periodic, ServiceSpec, Subscription, create_service_app

NAME = "notifications"


def sender(settings: Settings) -> Sender:
    return Sender(
        service=NAME,
        transport=SmtpTransport(
            host=settings.smtp_host,
            port=settings.smtp_port,
            starttls=settings.smtp_starttls,
            username=settings.smtp_username,
            password=settings.smtp_password,
            timeout=settings.smtp_timeout,
            connections=settings.smtp_connections,
        ),
        sender=settings.mail_from,
        policy=settings.retry_policy(),
        # Longer than any SMTP conversation can last: a live sender never loses its row.
        lease=timedelta(seconds=4 * settings.smtp_timeout),
        batch=settings.mail_batch,
        workers=settings.mail_workers,
    )


def webhook_sender(settings: Settings) -> WebhookSender:
    return WebhookSender(
        transport=HttpTransport(
            production=settings.environment == "production",
            timeout=settings.webhook_timeout_seconds,
        ),
        policy=settings.webhook_retry_policy(),
        disable=settings.webhook_disable_policy(),
        lease=timedelta(seconds=4 * settings.webhook_timeout_seconds),
        batch=settings.webhook_batch,
        workers=settings.webhook_workers,
        service=NAME,
        portal_url=settings.public_base_url,
    )


def spec(settings: Settings, mail: Sender, hooks: WebhookSender | None = None) -> ServiceSpec:
    hooks = hooks or webhook_sender(settings)
    return ServiceSpec(
        name=NAME,
        description=(
            "E-mail to people (one message per recipient, retried, each recorded) and "
            "partners' webhooks (signed, retried, each attempt recorded)."
        ),
        commands=kafka.command_routes(production=settings.environment == "production"),
        http=http.router,
        reads=[
            Subscription(
                "webhook-events",
                webhook_events.TOPICS,
                webhook_events.event_routes(),
                "Events a partner may receive by webhook: each becomes its deliveries.",
            ),
            Subscription(
                "lifecycle-mail",
                [DIRECTORY_EVENTS, DIRECTORY_SUBSCRIPTIONS, DELEGATION_EVENTS],
                lifecycle.event_routes(base_url=settings.public_base_url),
                "Who is who (the directory), and the lifecycle events that become e-mails.",
            ),
        ],
        emits=[
            notifications.LinkEmailQueued,
            notifications.EmailDelivered,
            notifications.EmailDeliveryFailed,
            notifications.WebhookEndpointRegistered,
            notifications.WebhookSecretRotated,
            notifications.WebhookEndpointDisabled,
            notifications.WebhookEndpointEnabled,
            notifications.WebhookEndpointDeleted,
            notifications.WebhookRedeliveryQueued,
        ],
        periodic=[
            Periodic("mail-sender", settings.mail_poll_seconds, mail.send_due, mail.close),
            Periodic("webhook-sender", settings.webhook_poll_seconds, hooks.send_due, hooks.close),
            Periodic(
                "trial-sweep",
                settings.trial_sweep_seconds,
                lifecycle.TrialSweep(base_url=settings.public_base_url).sweep_once,
            ),
        ],
    )


def create_app(settings: Settings) -> FastAPI:
    return create_service_app(spec(settings, sender(settings)), settings)
