"""Handlers of the lifecycle e-mails: each finds the recipients in the service's own view
and queues one delivery per recipient, in the transaction that claims the event (inbox)."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from services.notifications.adapters.recipients import PgRecipients
from services.notifications.domain import lifecycle
from services.notifications.domain.lifecycle import LifecycleSubject, Template
from shared.i18n import DEFAULT


async def queue(
    view: PgRecipients,
    *,
    template: Template,
    subject_kind: LifecycleSubject,
    subject_id: UUID,
    occasion: str,
    partner_id: UUID,
    customer_id: UUID | None,
    recipients: list[str],
    params: dict[str, str],
    url: str,
    correlation_id: str,
    now: datetime,
) -> list[UUID]:
    """One message (English: the view knows no user's language) and a delivery per
    recipient; named by subject, template and occasion, so a repeat queues nothing."""
    if not recipients:
        return []
    partner = await view.partner(partner_id)
    customer = (await view.name(customer_id) or "") if customer_id else ""
    language = DEFAULT
    rendered = lifecycle.render(
        language, template, partner=partner, url=url, params={"customer": customer, **params}
    )
    deliveries = [(lifecycle.delivery_id(template, subject_id, occasion, r), r) for r in recipients]
    await view.queue(
        request_id=lifecycle.request_id(template, subject_id, occasion, language),
        partner_id=partner_id,
        template=template,
        subject_kind=subject_kind,
        subject_id=subject_id,
        language=language,
        subject=rendered.subject,
        text_body=rendered.text,
        html_body=rendered.html,
        reply_to=partner.support_email,
        correlation_id=correlation_id,
        deliveries=deliveries,
        now=now,
    )
    return [d for d, _ in deliveries]


async def customer_admins(
    view: PgRecipients, customer_id: UUID, *, exclude: set[UUID]
) -> list[str]:
    return lifecycle.admins(await view.people(company_id=customer_id), exclude=exclude)


async def partner_admins(
    view: PgRecipients, partner_id: UUID, *, exclude: set[UUID], also: set[UUID] | None = None
) -> list[str]:
    people = await view.people(company_id=partner_id)
    return lifecycle.merge(
        lifecycle.admins(people, exclude=exclude),
        lifecycle.also(people, also or set(), exclude=exclude),
    )


TRIAL_WARNING = timedelta(days=7)
