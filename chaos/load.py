"""The load: redemptions (trial and offer, with and without delegation, and some that must
be rejected) published straight to Kafka at a steady rate, as any outside system would, and
a watcher that sees each one complete."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError

from chaos.env import PARTITIONS
from chaos.seed import Source
from shared.contracts.common import CommandRejected
from shared.contracts.delegation import DelegationRequested
from shared.contracts.directory import SubscriptionCreated
from shared.contracts.invitations import RedeemTrialInvitation
from shared.contracts.offers import PurchaseOffer
from shared.contracts.topics import (
    DELEGATION_EVENTS,
    DIRECTORY_EVENTS,
    DIRECTORY_SUBSCRIPTIONS,
    INVITATIONS_COMMANDS,
    INVITATIONS_EVENTS,
    OFFERS_COMMANDS,
    OFFERS_EVENTS,
)
from shared.messaging import tasks
from shared.messaging.envelope import SPEC_VERSION, now_iso
from shared.messaging.producer import DurableProducer


@dataclass
class Sent:
    """One redemption command, its exact record (for redelivery), and what came of it."""

    index: int
    customer: str
    source: Source
    topic: str
    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]]
    sent_at: float = 0.0
    done_at: float | None = None
    services_seen: set[str] = field(default_factory=set)
    delegations_seen: int = 0
    rejections_seen: int = 0

    @property
    def ce_id(self) -> str:
        return dict(self.headers)["ce_id"].decode()

    @property
    def correlation(self) -> str:
        return dict(self.headers)["ce_correlationid"].decode()

    def needs(self, service: str) -> bool:
        """Whether completing this command needs ``service`` to be up."""
        owner = "invitations" if self.source.kind == "trial" else "offers"
        if service in ("kafka", "postgres", owner):
            return True
        if not self.source.valid:
            return False
        return service == "directory" or (service == "delegation" and self.source.delegation)

    @property
    def complete(self) -> bool:
        if not self.source.valid:
            return self.rejections_seen > 0
        return self.services_seen >= set(self.source.services) and (
            self.delegations_seen > 0 or not self.source.delegation
        )


def plan(customers: list[tuple[str, str]], sources: list[Source]) -> list[Sent]:
    """One command per customer, cycling through the sources."""
    commands = []
    for i, (customer, admin) in enumerate(customers):
        source = sources[i % len(sources)]
        body: dict[str, Any] = {"code": source.code, "customer_id": customer, "redeemed_by": admin}
        if source.kind == "trial":
            topic, ce_type = INVITATIONS_COMMANDS, RedeemTrialInvitation.ce_type()
        else:
            topic, ce_type = OFFERS_COMMANDS, PurchaseOffer.ce_type()
        headers = [
            ("ce_specversion", SPEC_VERSION.encode()),
            ("ce_id", str(uuid.uuid4()).encode()),
            ("ce_type", ce_type.encode()),
            ("ce_source", b"chaos-load"),
            ("ce_time", now_iso().encode()),
            ("ce_correlationid", f"chaos-{i}-{uuid.uuid4().hex[:8]}".encode()),
            ("content-type", b"application/json"),
        ]
        commands.append(
            Sent(i, customer, source, topic, customer.encode(), orjson.dumps(body), headers)
        )
    return commands


class Publisher:
    """Sends records until the broker acknowledges each one, through broker outages (the
    kernel's producer replaces itself when the restarted broker no longer accepts it)."""

    def __init__(self, bootstrap: str) -> None:
        self.producer = DurableProducer.to(bootstrap, "chaos-load")
        self.retries = 0
        self.pending: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        await self.producer.start()

    async def stop(self) -> None:
        await asyncio.gather(*self.pending, return_exceptions=True)
        await self.producer.stop()

    def publish(self, sent: Sent) -> None:
        self.publish_raw(sent.topic, sent.key, sent.value, sent.headers)

    def publish_raw(self, topic: str, key: bytes | None, value: bytes, headers: Any) -> None:
        task = asyncio.create_task(self._deliver(topic, key, value, list(headers)))
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)

    async def _deliver(
        self, topic: str, key: bytes | None, value: bytes, headers: list[tuple[str, bytes]]
    ) -> None:
        while True:
            try:
                await self.producer.send_and_wait(topic, value=value, key=key, headers=headers)
                return
            except (KafkaError, TimeoutError):
                self.retries += 1  # resent as is: the same ce_id, recognised if it got through
                await asyncio.sleep(0.5)


async def steady(publisher: Publisher, commands: list[Sent], rate: float, t0: float) -> None:
    for i, sent in enumerate(commands):
        delay = t0 + i / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        sent.sent_at = time.monotonic()
        publisher.publish(sent)


class Watcher:
    """Reads every events topic of the run from the start; marks commands complete."""

    TOPICS = (
        INVITATIONS_EVENTS,
        OFFERS_EVENTS,
        DIRECTORY_EVENTS,
        DIRECTORY_SUBSCRIPTIONS,
        DELEGATION_EVENTS,
    )

    def __init__(self, bootstrap: str, commands: list[Sent]) -> None:
        self.by_correlation = {c.correlation: c for c in commands}
        self.by_id = {c.ce_id: c for c in commands}
        self.types: Counter[str] = Counter()
        # The newest redemption events as they are on the topic (topic, key, value, headers),
        # for the fault that publishes them a second time.
        self.redeemed: deque[tuple[str, bytes | None, bytes, Any]] = deque(maxlen=300)
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False
        )
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.consumer.start()
        partitions = [TopicPartition(t, p) for t in self.TOPICS for p in range(PARTITIONS)]
        self.consumer.assign(partitions)
        await self.consumer.seek_to_beginning(*partitions)
        self.task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        await tasks.cancel(self.task)
        await self.consumer.stop()

    async def _run(self) -> None:
        while True:
            try:
                batches = await self.consumer.getmany(timeout_ms=500)
            except KafkaError:
                await asyncio.sleep(0.5)
                continue
            now = time.monotonic()
            for records in batches.values():
                for record in records:
                    self._see(record, now)

    def _see(self, record: Any, now: float) -> None:
        headers = {k: v.decode(errors="replace") for k, v in record.headers or ()}
        ce_type = headers.get("ce_type", "")
        self.types[ce_type] += 1
        if ce_type.endswith("Redeemed.v1"):
            self.redeemed.append((record.topic, record.key, record.value, record.headers))
        sent = self.by_correlation.get(headers.get("ce_correlationid", ""))
        if sent is None:
            return
        if ce_type == SubscriptionCreated.ce_type():
            sent.services_seen.add(orjson.loads(record.value)["service_id"])
        elif ce_type == DelegationRequested.ce_type():
            sent.delegations_seen += 1
        elif ce_type == CommandRejected.ce_type() and headers.get("ce_causationid") == sent.ce_id:
            sent.rejections_seen += 1
        if sent.done_at is None and sent.complete:
            sent.done_at = now
