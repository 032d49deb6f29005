"""Partner webhooks under chaos: the run's own receiver, an endpoint per seeded partner, and
the accounting of every delivery.

Each seeded partner gets one endpoint (inserted through the notifications service's own
adapter, as its integration tests do) for the redemption events, pointing at a receiver on
loopback that counts arrivals per ``webhook-id`` and checks each signature with the
independent ``standardwebhooks`` package. The expected deliveries are read from Kafka: every
distinct redemption event (by ``ce_id``) that names a partner with an endpoint must be one
delivery, ``delivered``, that arrived. A copy of the same id is allowed only within the
documented at-least-once window (the sender died between the receiver's 2xx and the commit
of ``delivered``) and only as many as the delivery had extra attempts: counted apart as
``webhook_redelivered_same_id``. Anything beyond that is a duplicate and fails the run.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg
import orjson
from aiohttp import web
from aiokafka import AIOKafkaConsumer, TopicPartition
from standardwebhooks import Webhook, WebhookVerificationError

from chaos import accounting
from chaos.env import PARTITIONS
from services.notifications.adapters.webhooks import PgWebhooks
from services.notifications.domain.webhooks import audience, new_secret
from services.notifications.webhook_handlers import webhook_delivery_id
from shared.contracts.invitations import TrialInvitationRedeemed
from shared.contracts.offers import OfferRedeemed
from shared.contracts.topics import INVITATIONS_EVENTS, OFFERS_EVENTS

EVENT_TYPES = (TrialInvitationRedeemed.ce_type(), OfferRedeemed.ce_type())
TOPICS = (INVITATIONS_EVENTS, OFFERS_EVENTS)
# The service's settings for the run: a killed sender's lease (4 x the timeout) runs out
# soon, and a retry comes soon, so the drain sees every delivery through.
ENV = {
    "PORTAL_WEBHOOK_TIMEOUT_SECONDS": "5",
    "PORTAL_WEBHOOK_RETRY_BASE_SECONDS": "1",
    "PORTAL_WEBHOOK_RETRY_CAP_SECONDS": "10",
}


@dataclass
class Receiver:
    """An HTTP receiver on loopback: arrivals per webhook-id, signatures checked."""

    delay: float = 0.05  # seconds per POST: a slower receiver keeps deliveries in flight
    secrets: dict[str, Webhook] = field(default_factory=dict)  # by URL path (the endpoint)
    received: Counter[str] = field(default_factory=Counter)
    bad_signatures: int = 0
    url: str = ""
    _runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/hook/{endpoint}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/hook"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.text()
        if self.delay:
            await asyncio.sleep(self.delay)
        verifier = self.secrets.get(request.match_info["endpoint"])
        try:
            if verifier is None:
                raise WebhookVerificationError("no such endpoint")
            verifier.verify(body, dict(request.headers))
        except WebhookVerificationError:
            self.bad_signatures += 1
        self.received[request.headers.get("webhook-id", "")] += 1
        return web.Response(status=204)


@dataclass(frozen=True)
class Endpoint:
    endpoint_id: str
    partner_id: str


async def register(dsn: str, receiver: Receiver) -> list[Endpoint]:
    """One endpoint per partner the directory knows, for the redemption events."""
    conn = await asyncpg.connect(dsn)
    try:
        partners = await conn.fetch("SELECT DISTINCT partner_id FROM directory.partners")
        await conn.execute("SET search_path TO notifications")
        made = []
        for row in partners:
            endpoint, secret = uuid.uuid4(), new_secret()
            await PgWebhooks(conn).add_endpoint(
                endpoint_id=endpoint,
                partner_id=row["partner_id"],
                url=f"{receiver.url}/{endpoint}",
                description="chaos receiver",
                event_types=list(EVENT_TYPES),
                secret=secret,
                created_by=uuid.uuid4(),
                now=datetime.now(UTC),
            )
            receiver.secrets[str(endpoint)] = Webhook(secret)
            made.append(Endpoint(str(endpoint), str(row["partner_id"])))
    finally:
        await conn.close()
    return made


async def events(bootstrap: str) -> dict[str, frozenset[str]]:
    """Every redemption event on the topics, by ce_id: the partners it names."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False
    )
    await consumer.start()
    found: dict[str, frozenset[str]] = {}
    try:
        tps = [TopicPartition(t, p) for t in TOPICS for p in range(PARTITIONS)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        while [tp for tp in tps if await consumer.position(tp) < ends[tp]]:
            batches = await consumer.getmany(timeout_ms=2000, max_records=2000)
            for records in batches.values():
                for r in records:
                    headers = {k: v.decode(errors="replace") for k, v in r.headers or ()}
                    if headers.get("ce_type") in EVENT_TYPES and r.value is not None:
                        found[headers["ce_id"]] = audience(orjson.loads(r.value))
    finally:
        await consumer.stop()
    return found


@dataclass(frozen=True)
class Delivery:
    delivery_id: str
    status: str
    attempts: int


async def deliveries(dsn: str) -> list[Delivery]:
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(
            "SELECT delivery_id::text, status, attempts FROM notifications.webhook_deliveries"
        )
    finally:
        await conn.close()
    return [Delivery(*r) for r in rows]


def expected(endpoints: list[Endpoint], seen: dict[str, frozenset[str]]) -> set[str]:
    """The delivery ids that must exist: each event to each endpoint of a partner it names."""
    return {
        str(webhook_delivery_id(uuid.UUID(e.endpoint_id), event_id))
        for event_id, named in seen.items()
        for e in endpoints
        if e.partner_id in named
    }


def account(
    wanted: set[str], found: list[Delivery], received: Counter[str], bad_signatures: int = 0
) -> dict[str, Any]:
    counts: Counter[str] = Counter()
    problems: list[str] = []
    by_id = {d.delivery_id: d for d in found}
    for delivery_id in sorted(wanted):
        counts["webhook_expected"] += 1
        d = by_id.get(delivery_id)
        accounting.arrival(
            "webhook", counts, problems, what=f"webhook {delivery_id}",
            status=d.status if d else None, done=d is not None and d.status == "delivered",
            arrived=received.get(delivery_id, 0), attempts=d.attempts if d else 0,
        )  # fmt: skip
    strangers = sum(n for wid, n in received.items() if wid not in wanted)
    strangers += sum(1 for d in found if d.delivery_id not in wanted)
    counts["webhook_unexpected"] += strangers
    if strangers:
        problems.append(f"{strangers} webhook delivery(ies) or arrival(s) of no expected event")
    counts["webhook_bad_signature"] += bad_signatures
    if bad_signatures:
        problems.append(f"{bad_signatures} webhook POST(s) whose signature did not verify")
    for key in ("webhook_lost", "webhook_duplicated", "webhook_redelivered_same_id"):
        counts.setdefault(key, 0)
    return {"counts": dict(counts), "problems": problems}


def ok(counts: dict[str, Any]) -> bool:
    return bool(
        counts.get("webhook_lost", 0) == 0
        and counts.get("webhook_duplicated", 0) == 0
        and counts.get("webhook_unexpected", 0) == 0
        and counts.get("webhook_bad_signature", 0) == 0
        and counts.get("webhook_expected", 0) > 0
        and counts.get("webhook_delivered", 0) == counts.get("webhook_expected", 0)
    )


async def settle(dsn: str, stall: float) -> float:
    """Until no webhook delivery is pending or being sent (given up when that stops moving
    for ``stall`` seconds); seconds."""

    async def remaining() -> int:
        rows, open_ = await accounting.count(
            dsn, "notifications.webhook_deliveries", "status NOT IN ('delivered', 'failed')"
        )
        return open_ if rows else 1

    return await accounting.until_done(remaining, stall)
