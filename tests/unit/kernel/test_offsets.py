"""Offsets after the database commit: the first batch's are committed at once, those of the
batches that follow within the interval go in one commit with the newest offset of each
partition, and a partition no longer assigned is left to its new owner."""

from __future__ import annotations

import asyncio
from typing import Any, cast

from aiokafka import ConsumerRecord, TopicPartition

from shared.messaging.offsets import OffsetCommitter

A, B, GONE = TopicPartition("t", 0), TopicPartition("t", 1), TopicPartition("t", 2)


class _Consumer:
    def __init__(self) -> None:
        self.commits: list[dict[TopicPartition, int]] = []

    def assignment(self) -> set[TopicPartition]:
        return {A, B}

    async def commit(self, offsets: dict[TopicPartition, Any]) -> None:
        self.commits.append({tp: o.offset for tp, o in offsets.items()})


def _records(tp: TopicPartition, *offsets: int) -> list[ConsumerRecord[Any, Any]]:
    return [
        ConsumerRecord(tp.topic, tp.partition, o, 0, 0, None, None, None, 0, 0, []) for o in offsets
    ]


async def test_batches_within_the_interval_share_one_commit() -> None:
    consumer = _Consumer()
    # The interval is long beside the batches handed over (no clock is read between them),
    # so however slow the machine, they all fall within the pause after the first commit.
    committer = OffsetCommitter(cast(Any, consumer), name="t", interval=1.0)
    committer.applied(_records(A, 0, 1))
    await asyncio.sleep(0.01)
    assert consumer.commits == [{A: 2}]  # the first at once
    for batch in (_records(A, 2, 3), _records(B, 7), _records(GONE, 5), _records(A, 4)):
        committer.applied(batch)
        await asyncio.sleep(0)  # the committer task runs between batches (in its pause)
    assert consumer.commits == [{A: 2}]  # nothing more until the pause is over
    await committer.flush()
    assert consumer.commits == [{A: 2}, {A: 5, B: 8}]
    await committer.stop()
