"""The FastStream wiring, on FastStream's in-memory broker: a batch of records reaches the
kernel consumer as raw Kafka records, headers and bytes untouched."""

from __future__ import annotations

from typing import Any

from faststream.kafka import TestKafkaBroker

from shared.messaging.consumer import Routes
from shared.runtime import Subscription, new_broker, subscribe


class RecordingConsumer:
    name = "unit.commands"

    def __init__(self) -> None:
        self.batches: list[list[Any]] = []

    async def handle(self, records: Any) -> None:
        self.batches.append(list(records))


async def test_records_reach_the_consumer_raw() -> None:
    broker = new_broker()
    consumer = RecordingConsumer()
    subscribe(broker, Subscription("commands", ["unit.commands"], Routes()), consumer, 10)  # type: ignore[arg-type]
    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish(
            b'{"raw": true}', "unit.commands", headers={"ce_type": "portal.unit.X.v1"}
        )
    assert len(consumer.batches) == 1
    record = consumer.batches[0][0]
    assert record.value == b'{"raw": true}'
    assert ("ce_type", b"portal.unit.X.v1") in [(k, v) for k, v in record.headers]


def test_a_static_member_is_named_after_its_consumer_and_instance() -> None:
    consumer = RecordingConsumer()
    commands = Subscription("commands", ["unit.commands"], Routes())

    def member(static_name: str | None) -> object:
        broker = new_broker()
        subscribe(broker, commands, consumer, 10, static_name=static_name)  # type: ignore[arg-type]
        (subscriber,) = broker.subscribers
        return getattr(subscriber, "_connection_args", {}).get(
            "group_instance_id"
        )  # aiokafka kwargs

    assert member("pod-2") == f"{consumer.name}.pod-2"
    assert member(None) is None  # dynamic membership, the default
