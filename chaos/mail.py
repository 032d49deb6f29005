"""E-mail under chaos: the run's own SMTP sink, the SendLinkByEmail load, and the accounting
of every delivery.

The notifications service sets each message's Message-ID to its delivery id, so the sink
counts arrivals per delivery. A delivery must arrive; more than once is allowed only within
the documented at-least-once window (the sender died between the server's "250" and the
commit of "sent", and a later attempt sent it again with the same Message-ID): such copies
are counted apart, as ``email_redelivered_same_id``, and only as many as the delivery had
extra attempts. Anything beyond that is a duplicate and fails the run.

The load's delegation requests are told to each customer's Global admin too (the lifecycle
e-mail ``delegation_requested``, same table and sender): each request must have one such
delivery, held to the same rules (``lifecycle_expected``/``lifecycle_delivered``).
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections import Counter
from dataclasses import dataclass
from email import message_from_bytes
from email.policy import default
from typing import Any

import asyncpg
import orjson
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from chaos import accounting
from shared.contracts.notifications import SendLinkByEmail
from shared.contracts.topics import NOTIFICATIONS_COMMANDS
from shared.messaging.envelope import SPEC_VERSION, now_iso

RECIPIENTS_PER_REQUEST = 3
# The contract's own example: a partner's details, a URL, a note, a language.
_EXAMPLE: dict[str, Any] = SendLinkByEmail.model_json_schema()["examples"][0]


class Sink:
    """An SMTP server on loopback that keeps how often each Message-ID arrived."""

    def __init__(self, port: int, *, delay: float = 0.0) -> None:
        self.port = port
        self.delay = delay  # seconds per message: a slower server keeps mail in flight longer
        self.received: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._controller = Controller(self, hostname="127.0.0.1", port=port)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        if self.delay:
            await asyncio.sleep(self.delay)
        message = message_from_bytes(envelope.original_content or b"", policy=default)
        with self._lock:
            self.received[str(message.get("Message-ID", "")).strip()] += 1
        return "250 Message accepted for delivery"


@dataclass(frozen=True)
class MailRequest:
    request_id: str
    recipients: tuple[str, ...]
    topic: str
    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]]


def plan(count: int, *, partner_id: str, subject_id: str) -> list[MailRequest]:
    """``count`` requests, each to its own few recipients."""
    requests = []
    for i in range(count):
        request_id = str(uuid.uuid4())
        recipients = tuple(f"r{i}-{n}@mail.chaos.example" for n in range(RECIPIENTS_PER_REQUEST))
        body = SendLinkByEmail.model_validate(
            {
                **_EXAMPLE,
                "request_id": request_id,
                "partner_id": partner_id,
                "subject_id": subject_id,
                "recipients": list(recipients),
            }
        )
        headers = [
            ("ce_specversion", SPEC_VERSION.encode()),
            ("ce_id", str(uuid.uuid4()).encode()),
            ("ce_type", SendLinkByEmail.ce_type().encode()),
            ("ce_source", b"chaos-load"),
            ("ce_time", now_iso().encode()),
            ("ce_correlationid", f"chaos-mail-{i}".encode()),
            ("content-type", b"application/json"),
        ]
        requests.append(
            MailRequest(
                request_id,
                recipients,
                NOTIFICATIONS_COMMANDS,
                partner_id.encode(),
                orjson.dumps(body.model_dump(mode="json")),
                headers,
            )
        )
    return requests


LIFECYCLE = "delegation_requested"


@dataclass(frozen=True)
class Delivery:
    delivery_id: str
    request_id: str
    recipient: str
    status: str
    attempts: int
    template: str = "link"  # mail_requests.template: a lifecycle e-mail's names it
    subject_id: str = ""


def _arrival(
    d: Delivery | None, n: int, what: str, counts: Counter[str], problems: list[str]
) -> bool:
    return accounting.arrival(
        "email", counts, problems, what=what, status=d.status if d else None,
        done=d is not None and d.status == "sent", arrived=n, attempts=d.attempts if d else 0,
    )  # fmt: skip


def account(
    requests: list[MailRequest],
    deliveries: list[Delivery],
    received: Counter[str],
    delegation_requests: list[str] | None = None,
) -> dict[str, Any]:
    """Every recipient of every request has one delivery, sent, that arrived once; copies
    beyond the first are at-least-once redeliveries only up to the delivery's extra attempts.
    Each delegation request likewise has its one lifecycle e-mail."""
    counts: Counter[str] = Counter()
    problems: list[str] = []
    by_key = {(d.request_id, d.recipient.lower()): d for d in deliveries}
    # A copy first: the sink's thread may still be counting late arrivals (a dict copy is
    # one step under the GIL; iterating the live one failed at 650 redemptions/s).
    arrived = {mid.strip("<>").partition("@")[0]: n for mid, n in received.copy().items()}
    known: set[str] = set()
    for r in requests:
        for recipient in r.recipients:
            counts["email_expected"] += 1
            d = by_key.get((r.request_id, recipient.lower()))
            n = arrived.get(d.delivery_id, 0) if d else 0
            if d is not None:
                known.add(d.delivery_id)
            _arrival(d, n, f"mail {r.request_id} to {recipient}", counts, problems)
    told: dict[str, list[Delivery]] = {}
    for d in deliveries:
        if d.template == LIFECYCLE:
            told.setdefault(d.subject_id, []).append(d)
    for subject in delegation_requests or []:
        counts["email_expected"] += 1
        counts["lifecycle_expected"] += 1
        found = told.get(subject, [])
        if len(found) > 1:
            counts["email_duplicated"] += len(found) - 1
            problems.append(f"delegation request {subject}: {len(found)} lifecycle deliveries")
        d = found[0] if found else None
        n = arrived.get(d.delivery_id, 0) if d else 0
        known.update(x.delivery_id for x in found)
        what = f"lifecycle mail of delegation request {subject}"
        counts["lifecycle_delivered"] += _arrival(d, n, what, counts, problems)
    strangers = sum(n for mid, n in arrived.items() if mid not in known)
    counts["email_unexpected"] += strangers
    if strangers:
        problems.append(f"{strangers} message(s) with a Message-ID of no expected delivery")
    for key in ("email_lost", "email_duplicated", "email_redelivered_same_id"):
        counts.setdefault(key, 0)
    return {"counts": dict(counts), "problems": problems}


def ok(counts: dict[str, Any]) -> bool:
    return bool(
        counts.get("email_lost", 0) == 0
        and counts.get("email_duplicated", 0) == 0
        and counts.get("email_unexpected", 0) == 0
        and counts.get("email_delivered", 0) == counts.get("email_expected", 0)
    )


async def deliveries(dsn: str) -> list[Delivery]:
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(
            "SELECT d.delivery_id::text, d.request_id::text, d.recipient, d.status, d.attempts, "
            "r.template, r.subject_id::text FROM notifications.deliveries d "
            "JOIN notifications.mail_requests r USING (request_id)"
        )
    finally:
        await conn.close()
    return [Delivery(*r) for r in rows]


async def delegation_requests(dsn: str) -> list[str]:
    """The delegation requests the load made: each is told to its customer's admin."""
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch("SELECT request_id::text FROM delegation.requests")
    finally:
        await conn.close()
    return [r[0] for r in rows]


async def settle(dsn: str, requests: list[MailRequest], stall: float) -> float:
    """Until every expected delivery exists and none is queued or being sent (given up when
    that stops moving for ``stall`` seconds); seconds."""
    expected = sum(len(r.recipients) for r in requests)

    async def remaining() -> int:
        rows, open_ = await accounting.count(
            dsn, "notifications.deliveries", "status NOT IN ('sent', 'failed')"
        )
        return max(0, expected - rows) + open_

    return await accounting.until_done(remaining, stall)
