"""Deliveries and the rules of sending them: what a server's answer means, when to retry."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from uuid import UUID

Status = Literal["queued", "sending", "sent", "failed"]


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff: the n-th failed attempt waits ``base * 2**(n-1)`` seconds, at most
    ``cap``; after ``max_attempts`` attempts a delivery fails for good."""

    base: float = 30.0
    cap: float = 3600.0
    max_attempts: int = 10

    def delay(self, attempts: int) -> timedelta:
        """The wait after the ``attempts``-th attempt failed (``attempts`` >= 1)."""
        exponent = min(max(attempts, 1) - 1, 62)  # 2**62 s is far past any cap
        return timedelta(seconds=min(self.cap, self.base * 2**exponent))

    def exhausted(self, attempts: int) -> bool:
        return attempts >= self.max_attempts


@dataclass(frozen=True)
class Refusal:
    """Why a message did not go: the server's answer (or the connection's error), and whether
    trying again later may succeed. ``unreachable``: there was no conversation at all, the
    server could not be reached (a state of the channel, not of this message)."""

    answer: str
    temporary: bool
    unreachable: bool = False

    @classmethod
    def from_code(cls, code: int, message: str) -> Refusal:
        """RFC 5321: 4yz is a transient negative reply, 5yz a permanent one."""
        return cls(answer=f"{code} {message}".strip(), temporary=not 500 <= code < 600)


@dataclass(frozen=True)
class Next:
    """What becomes of a delivery after one attempt."""

    status: Status
    next_attempt_at: datetime | None = None
    error: str | None = None


def after_attempt(
    refusal: Refusal | None, *, attempts: int, now: datetime, policy: RetryPolicy
) -> Next:
    """Sent; queued again with backoff after a temporary refusal; failed after a permanent one
    or when the attempts are used up."""
    if refusal is None:
        return Next("sent")
    if not refusal.temporary or policy.exhausted(attempts):
        return Next("failed", error=refusal.answer)
    return Next("queued", next_attempt_at=now + policy.delay(attempts), error=refusal.answer)


_DELIVERY_NAMESPACE = uuid.UUID("6d3f0c8e-2b1a-4f5e-9c7d-0a8b6e4f2d19")


def delivery_id(request_id: UUID, recipient: str) -> UUID:
    """The same request and recipient always name the same delivery: a request sent twice
    (another command id, the same request id) queues nothing new."""
    return uuid.uuid5(_DELIVERY_NAMESPACE, f"{request_id}:{recipient.lower()}")


def unique_recipients(recipients: list[str]) -> list[str]:
    """Each address once (compared without case), in the order given."""
    seen: set[str] = set()
    kept: list[str] = []
    for address in recipients:
        if address.lower() not in seen:
            seen.add(address.lower())
            kept.append(address)
    return kept


@dataclass(frozen=True)
class Outgoing:
    """A delivery claimed for sending, with its request's message."""

    delivery_id: UUID
    request_id: UUID
    partner_id: UUID
    subject_kind: str
    subject_id: UUID
    recipient: str
    attempts: int  # this attempt included
    subject: str
    text_body: str
    html_body: str
    reply_to: str | None
    correlation_id: str
