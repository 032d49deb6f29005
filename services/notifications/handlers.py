"""One handler per command, and the one decision of the sender: load, decide (rules live in
the domain), save, return events."""

from __future__ import annotations

from datetime import datetime

from services.notifications.adapters.repository import Repository
from services.notifications.domain import commands
from services.notifications.domain.message import LINK_KINDS, MailRequest, link_message
from services.notifications.domain.model import (
    Outgoing,
    Refusal,
    RetryPolicy,
    after_attempt,
    delivery_id,
    unique_recipients,
)
from shared.contracts.base import Event
from shared.contracts.notifications import (
    EmailDelivered,
    EmailDeliveryFailed,
    LinkEmailQueued,
    QueuedDelivery,
)

_SENT = ("request_id", "partner_id", "sent_by", "subject_kind", "subject_id", "language")


async def queue_link_email(
    repo: Repository, cmd: commands.QueueLinkEmail, *, now: datetime, correlation_id: str
) -> LinkEmailQueued:
    """One delivery per distinct recipient, named by the request and the address: the same
    request sent again (even under another command id) queues nothing twice."""
    rendered = link_message(
        cmd.language,
        subject_kind=cmd.subject_kind,
        partner=cmd.partner,
        url=cmd.url,
        note=cmd.note,
    )
    deliveries = [(delivery_id(cmd.request_id, r), r) for r in unique_recipients(cmd.recipients)]
    # The request is the command's (which one, whose, by whom, about what, in which language).
    sent = {name: getattr(cmd, name) for name in _SENT}
    request = MailRequest(
        **sent, message=rendered, reply_to=cmd.partner.support_email, correlation_id=correlation_id
    )
    if await repo.add_request(request=request, now=now):
        await repo.add_deliveries(request_id=cmd.request_id, deliveries=deliveries, now=now)
    return LinkEmailQueued(
        request_id=cmd.request_id,
        partner_id=cmd.partner_id,
        subject_kind=cmd.subject_kind,
        subject_id=cmd.subject_id,
        deliveries=[QueuedDelivery(delivery_id=d, recipient=r) for d, r in deliveries],
        queued_at=now,
    )


async def record_attempt(
    repo: Repository,
    delivery: Outgoing,
    refusal: Refusal | None,
    *,
    now: datetime,
    policy: RetryPolicy,
) -> Event | None:
    """Sent, queued again with backoff, or failed; the event for an outcome that is final.
    None also when another copy of the service took the delivery over meanwhile."""
    outcome = after_attempt(refusal, attempts=delivery.attempts, now=now, policy=policy)
    if not await repo.record(
        delivery_id=delivery.delivery_id, attempts=delivery.attempts, outcome=outcome, now=now
    ):
        return None
    if delivery.subject_kind not in LINK_KINDS:
        # A lifecycle e-mail: its status is recorded; the outcome events' contract names
        # link subjects only (a later version may carry these too).
        return None
    fields = {
        "delivery_id": delivery.delivery_id,
        "request_id": delivery.request_id,
        "partner_id": delivery.partner_id,
        "subject_kind": delivery.subject_kind,
        "subject_id": delivery.subject_id,
        "recipient": delivery.recipient,
        "attempts": delivery.attempts,
    }
    if outcome.status == "sent":
        return EmailDelivered(**fields, sent_at=now)
    if outcome.status == "failed":
        return EmailDeliveryFailed(**fields, error=outcome.error or "", failed_at=now)
    return None
