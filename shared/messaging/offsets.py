"""Kafka offsets committed after the database commit, without holding up the next batch.

The consumer's batch is applied and committed in PostgreSQL first; then its offsets are
handed here and committed to Kafka by a task of their own while the next batch is fetched
and applied (pipelined): a commit round trip to the group coordinator no longer sits
between two batches. Commits are cumulative per partition, so a commit that is still
running (or the pause after it) when the next batches finish is followed by one carrying
the newest offsets. An
offset that is never committed (the process stops, the partition moves to another copy)
only means its records are delivered again, and the inbox recognises them.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError
from aiokafka.structs import OffsetAndMetadata

from shared.logging import get_logger
from shared.messaging import tasks

log = get_logger(__name__)


class OffsetCommitter:
    """Commits the offsets of applied batches, one commit in flight at a time and at most
    one every ``interval`` seconds: a busy consumer's batches share commits (each is a
    request the group coordinator serves), an idle one's last batch is committed at once."""

    def __init__(self, consumer: AIOKafkaConsumer, *, name: str, interval: float = 0.1) -> None:
        self._consumer = consumer
        self._name = name
        self._interval = interval
        self._pending: dict[TopicPartition, int] = {}
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None

    def applied(self, records: Sequence[ConsumerRecord[Any, Any]]) -> None:
        """These records are committed in the database: their offsets may follow."""
        for record in records:
            tp = TopicPartition(record.topic, record.partition)
            if record.offset + 1 > self._pending.get(tp, -1):
                self._pending[tp] = record.offset + 1
        self._idle.clear()
        self._wake.set()
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name=f"offsets-{self._name}")

    async def flush(self, timeout: float = 5.0) -> None:
        """Wait (a while) until what was handed over is committed."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), timeout)

    async def stop(self) -> None:
        await self.flush()
        await tasks.cancel(self._task)

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            if not self._pending:
                self._idle.set()
                continue
            offsets, self._pending = self._pending, {}
            assigned = self._consumer.assignment()
            # A partition taken away meanwhile is its new owner's: its records come again.
            mine = {tp: OffsetAndMetadata(o, "") for tp, o in offsets.items() if tp in assigned}
            try:
                if mine:
                    await self._consumer.commit(mine)
            except (KafkaError, OSError) as exc:
                log.warning("offset_commit_failed", consumer=self._name, error=repr(exc))
                for tp, offset in offsets.items():  # tried again, unless overtaken
                    if offset > self._pending.get(tp, -1):
                        self._pending[tp] = offset
                self._wake.set()
                await asyncio.sleep(0.2)
                continue
            if not self._pending:
                self._idle.set()
            await asyncio.sleep(self._interval)  # what comes meanwhile goes in one commit
