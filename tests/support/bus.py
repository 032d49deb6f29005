"""Talk to the real broker as an outside system would: publish commands with CloudEvents
headers, and watch every topic of the test namespace for what comes back."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from shared.contracts.base import Contract
from shared.contracts.topics import ALL
from shared.messaging import tasks
from shared.messaging.envelope import encode, headers_for, kafka_headers


@dataclass(frozen=True)
class Seen:
    topic: str
    key: str | None
    headers: dict[str, str]
    value: bytes
    partition: int
    offset: int

    @property
    def type(self) -> str:
        return self.headers.get("ce_type", "")

    @property
    def data(self) -> dict[str, Any]:
        return dict(orjson.loads(self.value))

    @property
    def causation_id(self) -> str | None:
        return self.headers.get("ce_causationid")

    @property
    def correlation_id(self) -> str | None:
        return self.headers.get("ce_correlationid")


class Bus:
    def __init__(self, bootstrap: str) -> None:
        self.bootstrap = bootstrap
        self.seen: list[Seen] = []
        self._changed = asyncio.Condition()
        self._producer = AIOKafkaProducer(
            bootstrap_servers=bootstrap, acks="all", enable_idempotence=True
        )
        self._consumer = AIOKafkaConsumer(
            *ALL,
            bootstrap_servers=bootstrap,
            group_id=f"test-watch-{uuid.uuid4().hex}",
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self._producer.start()
        await self._consumer.start()
        self._task = asyncio.create_task(self._watch())

    async def stop(self) -> None:
        await tasks.cancel(self._task)
        await self._consumer.stop()
        await self._producer.stop()

    async def _watch(self) -> None:
        async for record in self._consumer:
            headers = {k: v.decode(errors="replace") for k, v in record.headers or ()}
            seen = Seen(
                record.topic,
                record.key.decode() if record.key else None,
                headers,
                record.value or b"",
                record.partition,
                record.offset,
            )
            async with self._changed:
                self.seen.append(seen)
                self._changed.notify_all()

    async def send(
        self,
        message: Contract,
        *,
        topic: str,
        correlation_id: str | None = None,
        message_id: str | None = None,
    ) -> str:
        """Publish a contract as any client would; returns its ce_id."""
        headers = headers_for(
            message,
            source="tests",
            correlation_id=correlation_id or str(uuid.uuid4()),
            message_id=message_id,
        )
        await self._producer.send_and_wait(
            topic,
            value=encode(message),
            key=message.partition_key().encode(),
            headers=kafka_headers(headers),
        )
        return headers["ce_id"]

    async def send_raw(
        self,
        topic: str,
        value: bytes | None,
        *,
        key: bytes | None = None,
        headers: list[tuple[str, bytes]] | None = None,
    ) -> None:
        await self._producer.send_and_wait(topic, value=value, key=key, headers=headers or [])

    async def wait_for(
        self, predicate: Callable[[Seen], bool], *, timeout: float = 20.0, count: int = 1
    ) -> list[Seen]:
        """Wait until ``count`` messages matching ``predicate`` were seen."""
        deadline = time.monotonic() + timeout
        async with self._changed:
            while True:
                found = [s for s in self.seen if predicate(s)]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"saw {len(found)} of {count} expected messages")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), remaining)

    async def reply_to(self, command_id: str, *, timeout: float = 20.0) -> Seen:
        """The first event caused by a command (its outcome or its rejection)."""
        return (await self.wait_for(lambda s: s.causation_id == command_id, timeout=timeout))[0]

    def matching(self, predicate: Callable[[Seen], bool]) -> list[Seen]:
        return [s for s in self.seen if predicate(s)]
