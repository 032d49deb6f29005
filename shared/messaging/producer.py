"""The one Kafka producer every writer uses: durable (acks from every in-sync replica,
idempotent), and able to outlive a broker restart.

aiokafka's idempotent producer falls out of step with the broker when a send fails during
an outage: the sequence number of the failed batch is spent, so every later send to that
partition is refused with ``OutOfOrderSequenceNumber``, forever (aio-libs/aiokafka#1017;
the Java client bumps its epoch instead). A send can also hang on a producer left wedged by
a restart. Either way the producer is replaced by a fresh one (a new producer id) and the
send is tried again: what the broker did keep is recognised downstream by its ``ce_id``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.errors import (
    InvalidProducerEpoch,
    KafkaConnectionError,
    KafkaError,
    OutOfOrderSequenceNumber,
    ProducerFenced,
    UnknownProducerId,
)
from prometheus_client import Counter

from shared.logging import get_logger
from shared.patience import PATIENCE, patiently

log = get_logger(__name__)

RENEWED = Counter(
    "portal_kafka_producer_renewals_total",
    "Producers replaced after losing step with the broker or hanging",
    ["client"],
)

# The broker no longer accepts this producer id's sequence: only a new producer helps.
OUT_OF_STEP: tuple[type[Exception], ...] = (
    OutOfOrderSequenceNumber,
    UnknownProducerId,
    InvalidProducerEpoch,
    ProducerFenced,
)
# ...or a send hangs on a producer wedged by a broker restart.
RENEW_ON: tuple[type[Exception], ...] = (TimeoutError, *OUT_OF_STEP)

Record = tuple[str, bytes | None, bytes | None, Sequence[tuple[str, bytes]]]
"""topic, key, value, headers"""


def kafka_producer(bootstrap: str, client_id: str, *, linger_ms: int = 2) -> AIOKafkaProducer:
    """Durable producer: every in-sync replica acknowledges; retries cannot duplicate or
    reorder within a partition."""
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        linger_ms=linger_ms,
        max_batch_size=256 * 1024,
    )


class DurableProducer:
    """An idempotent producer that replaces itself when the broker stops accepting it."""

    def __init__(
        self,
        factory: Callable[[], AIOKafkaProducer],
        *,
        name: str,
        send_timeout: float = 30.0,
    ) -> None:
        self._factory = factory
        self._name = name
        self._send_timeout = send_timeout
        self._producer = factory()
        self._lock = asyncio.Lock()
        self._retired: set[asyncio.Task[None]] = set()
        self.renewals = 0

    @classmethod
    def to(cls, bootstrap: str, client_id: str, *, linger_ms: int = 2) -> DurableProducer:
        return cls(
            lambda: kafka_producer(bootstrap, client_id, linger_ms=linger_ms), name=client_id
        )

    @property
    def current(self) -> AIOKafkaProducer:
        return self._producer

    async def start(self, *, patience: float = PATIENCE) -> None:
        """Connects to the cluster. One that cannot be reached yet (a broker restarting, a
        cluster still electing) is waited for (``shared.patience``), each try on a fresh
        producer: a process started during a Kafka outage waits for it instead of exiting.
        Every process starts its Kafka clients with one of these, first."""

        async def attempt() -> None:
            try:
                await self._producer.start()
            except KafkaConnectionError:
                await self._producer.stop()  # what the failed bootstrap left open
                self._producer = self._factory()
                raise

        await patiently(
            attempt,
            unreachable=(KafkaConnectionError,),
            patience=patience,
            event="kafka_unreachable",
            client=self._name,
        )

    async def stop(self) -> None:
        await asyncio.gather(*self._retired, return_exceptions=True)
        await self._producer.stop()

    async def send_and_wait(
        self,
        topic: str,
        *,
        value: bytes | None,
        key: bytes | None = None,
        headers: Sequence[tuple[str, bytes]] = (),
    ) -> Any:
        """Send one record and wait for the broker's acknowledgement; a producer out of step
        or hanging is replaced and the record sent once more before the error is raised."""
        for attempt in (1, 2):
            producer = self._producer
            try:
                return await asyncio.wait_for(
                    producer.send_and_wait(topic, value=value, key=key, headers=list(headers)),
                    self._send_timeout,
                )
            except RENEW_ON as exc:
                if not await self.renew(producer, exc) or attempt == 2:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    async def send_all(self, records: Sequence[Record]) -> None:
        """Send records (kept in order per partition) and wait until the broker acknowledged
        them all. On failure the caller sends the same records again, after a renewal where
        the producer was at fault."""
        producer = self._producer

        async def publish() -> None:
            futures = [
                await producer.send(topic, value=value, key=key, headers=list(headers))
                for topic, key, value, headers in records
            ]
            await asyncio.gather(*futures)

        try:
            await asyncio.wait_for(publish(), self._send_timeout)
        except RENEW_ON as exc:
            await self.renew(producer, exc)
            raise

    async def renew(self, failed: AIOKafkaProducer, reason: BaseException) -> bool:
        """Replace ``failed`` by a started fresh producer, unless that happened already.
        False when no fresh producer could start (the broker is still away): the failed one
        stays, and the next failure tries again."""
        async with self._lock:
            if failed is not self._producer:
                return True
            fresh = self._factory()
            try:
                await fresh.start()
            except (KafkaError, OSError) as exc:
                with contextlib.suppress(Exception):
                    await fresh.stop()
                log.warning("producer_renewal_failed", client=self._name, error=repr(exc))
                return False
            self._producer = fresh
            self.renewals += 1
        RENEWED.labels(self._name).inc()
        log.warning("producer_renewed", client=self._name, reason=repr(reason))
        retiring = asyncio.create_task(_retire(failed))
        self._retired.add(retiring)
        retiring.add_done_callback(self._retired.discard)
        return True


async def _retire(producer: AIOKafkaProducer) -> None:
    """Stop a replaced producer without waiting on what it will never deliver."""
    with contextlib.suppress(Exception):
        await asyncio.wait_for(producer.stop(), timeout=5.0)
