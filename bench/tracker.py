"""Watches the topics where both effects of a redemption are announced and times each
redemption from its publication to the later of its two announcements.

Matching is by correlation id (``ce_correlationid``): the load generator gives every
redemption its own, and every hop carries it on. No consumer group: the tracker assigns
itself every partition, from the end, before the first command is sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer, TopicPartition


@dataclass(frozen=True)
class Watch:
    """A topic, and the ``ce_type`` on it that announces one effect (``None``: any)."""

    topic: str
    ce_type: str | None


@dataclass
class Tracker:
    bootstrap: str
    effects: Sequence[Watch]  # both must be seen for a redemption to be complete
    rejections: Sequence[Watch]
    sent: dict[str, float] = field(default_factory=dict)
    seen: list[dict[str, float]] = field(default_factory=list)
    done: dict[str, float] = field(default_factory=dict)
    rejected: dict[str, str] = field(default_factory=dict)
    duplicates: int = 0
    finished_count: int = 0  # redemptions done or rejected, all phases together
    progress: asyncio.Event = field(default_factory=asyncio.Event)
    _consumer: AIOKafkaConsumer | None = None
    _task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.seen = [{} for _ in self.effects]
        topics = sorted({w.topic for w in (*self.effects, *self.rejections)})
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap,
            group_id=None,
            enable_auto_commit=False,
            max_partition_fetch_bytes=4 * 1024 * 1024,
        )
        await consumer.start()
        partitions: list[TopicPartition] = []
        for topic in topics:
            found = consumer.partitions_for_topic(topic)
            if not found:
                await consumer._client.force_metadata_update()
                found = consumer.partitions_for_topic(topic) or set()
            partitions += [TopicPartition(topic, p) for p in found]
        consumer.assign(partitions)
        await consumer.seek_to_end(*partitions)
        for tp in partitions:
            await consumer.position(tp)
        self._consumer = consumer
        self._task = asyncio.create_task(self._run(), name="bench-tracker")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._consumer:
            await self._consumer.stop()

    def mark_sent(self, correlation_id: str) -> None:
        self.sent[correlation_id] = time.monotonic()

    async def _run(self) -> None:
        assert self._consumer is not None
        while True:
            batches = await self._consumer.getmany(timeout_ms=100, max_records=5000)
            now = time.monotonic()
            for records in batches.values():
                for record in records:
                    self._record(record.topic, dict(record.headers or ()), now)
            if batches:
                self.progress.set()

    def _record(self, topic: str, headers: dict[str, bytes], now: float) -> None:
        cid = headers.get("ce_correlationid", b"").decode()
        if cid not in self.sent:
            return
        ce_type = headers.get("ce_type", b"").decode()
        for i, watch in enumerate(self.effects):
            if watch.topic == topic and watch.ce_type in (None, ce_type):
                if cid in self.seen[i]:
                    self.duplicates += 1
                    return
                self.seen[i][cid] = now
                if all(cid in s for s in self.seen) and cid not in self.rejected:
                    self.done[cid] = now
                    self.finished_count += 1
                return
        for watch in self.rejections:
            if watch.topic == topic and watch.ce_type in (None, ce_type):
                if cid not in self.rejected and cid not in self.done:
                    self.finished_count += 1
                self.rejected[cid] = ce_type

    def finished(self, correlation_ids: Sequence[str]) -> int:
        return sum(1 for c in correlation_ids if c in self.done or c in self.rejected)

    def latencies_ms(self, correlation_ids: Sequence[str]) -> list[float]:
        return [(self.done[c] - self.sent[c]) * 1000.0 for c in correlation_ids if c in self.done]
