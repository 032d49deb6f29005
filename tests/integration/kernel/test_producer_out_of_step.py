"""On the real broker: after a batch the broker refused, aiokafka's idempotent producer is
out of step with it for good (aio-libs/aiokafka#1017); the kernel's producer replaces
itself and the next record goes through.

A broker restart leaves a producer in this state only when the timing is unlucky; a topic
whose record limit is below the producer's does it every time (the refused batch has spent
its sequence number on the producer's side only)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import MessageSizeTooLargeError, OutOfOrderSequenceNumber

from shared.contracts.topics import NAMESPACE
from shared.messaging.producer import DurableProducer
from tests.conftest import BOOTSTRAP


def _producer() -> AIOKafkaProducer:
    # Allows larger records than the topic does, so the broker (not the client) refuses.
    return AIOKafkaProducer(
        bootstrap_servers=BOOTSTRAP, acks="all", enable_idempotence=True, max_request_size=1 << 20
    )


@pytest.fixture
async def small_topic(topics: list[str]) -> AsyncIterator[str]:
    name = f"{NAMESPACE}.kernel.small-{uuid.uuid4().hex[:6]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=BOOTSTRAP)
    await admin.start()
    try:
        await admin.create_topics(
            [NewTopic(name, 1, 1, topic_configs={"max.message.bytes": "2000"})]
        )
        yield name
        await admin.delete_topics([name])
    finally:
        await admin.close()


async def _refused_then(producer: AIOKafkaProducer | DurableProducer, topic: str) -> None:
    await producer.send_and_wait(topic, value=b"first", key=b"k")
    with pytest.raises(MessageSizeTooLargeError):
        await producer.send_and_wait(topic, value=b"x" * 10_000, key=b"k")


async def test_a_bare_aiokafka_producer_stays_out_of_step_after_a_refused_batch(
    small_topic: str,
) -> None:
    producer = _producer()
    await producer.start()
    try:
        await _refused_then(producer, small_topic)
        for _ in range(2):
            with pytest.raises(OutOfOrderSequenceNumber):
                await producer.send_and_wait(small_topic, value=b"second", key=b"k")
    finally:
        await producer.stop()


async def test_the_kernel_producer_renews_itself_and_the_next_record_goes_through(
    small_topic: str,
) -> None:
    producer = DurableProducer(_producer, name="kernel-test-out-of-step")
    await producer.start()
    try:
        await _refused_then(producer, small_topic)
        await producer.send_and_wait(small_topic, value=b"second", key=b"k")
        await producer.send_and_wait(small_topic, value=b"third", key=b"k")
        assert producer.renewals == 1
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(bootstrap_servers=BOOTSTRAP, enable_auto_commit=False)
    await consumer.start()
    try:
        tp = TopicPartition(small_topic, 0)
        consumer.assign([tp])
        await consumer.seek_to_beginning(tp)
        values: list[bytes | None] = []
        for _ in range(20):
            values += [r.value for r in (await consumer.getmany(tp, timeout_ms=500)).get(tp, [])]
            if len(values) >= 3:
                break
        assert values == [b"first", b"second", b"third"]
    finally:
        await consumer.stop()
