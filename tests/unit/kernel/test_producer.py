"""The kernel's producer replaces an aiokafka producer the broker no longer accepts."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiokafka.errors import (
    KafkaConnectionError,
    NotLeaderForPartitionError,
    OutOfOrderSequenceNumber,
)

from shared.messaging.producer import DurableProducer, Record


class _Fake:
    """An aiokafka producer stand-in: ``failure`` is raised by every send (None: accepted)."""

    def __init__(self, failure: BaseException | None = None, *, starts: bool = True) -> None:
        self.failure = failure
        self.starts = starts
        self.sent: list[tuple[str, Any]] = []
        self.stopped = False

    async def start(self) -> None:
        if not self.starts:
            raise KafkaConnectionError("broker away")

    async def stop(self) -> None:
        self.stopped = True

    async def send_and_wait(self, topic: str, **kwargs: Any) -> str:
        if self.failure is not None:
            raise self.failure
        self.sent.append((topic, kwargs["value"]))
        return "ok"

    async def send(self, topic: str, **kwargs: Any) -> asyncio.Future[str]:
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        if self.failure is not None:
            future.set_exception(self.failure)
        else:
            self.sent.append((topic, kwargs["value"]))
            future.set_result("ok")
        return future


def _durable(*producers: _Fake) -> DurableProducer:
    queue = list(producers)
    return DurableProducer(lambda: queue.pop(0), name="test")


async def test_an_out_of_step_producer_is_replaced_and_the_record_sent_through_the_new_one() -> (
    None
):
    broken, fresh = _Fake(OutOfOrderSequenceNumber()), _Fake()
    producer = _durable(broken, fresh)
    await producer.start()
    assert await producer.send_and_wait("t", value=b"v") == "ok"
    assert fresh.sent == [("t", b"v")]
    assert producer.renewals == 1
    assert producer.current is fresh
    await producer.stop()
    assert broken.stopped
    assert fresh.stopped


async def test_an_ordinary_broker_error_is_raised_without_a_new_producer() -> None:
    producer = _durable(_Fake(NotLeaderForPartitionError()), _Fake())
    await producer.start()
    with pytest.raises(NotLeaderForPartitionError):
        await producer.send_and_wait("t", value=b"v")
    assert producer.renewals == 0


async def test_while_the_broker_is_away_the_failed_producer_stays_and_the_error_is_raised() -> None:
    broken = _Fake(OutOfOrderSequenceNumber())
    producer = _durable(broken, _Fake(starts=False), _Fake())
    await producer.start()
    with pytest.raises(OutOfOrderSequenceNumber):
        await producer.send_and_wait("t", value=b"v")
    assert producer.current is broken
    assert producer.renewals == 0
    # The broker is back: the next failure renews.
    assert await producer.send_and_wait("t", value=b"again") == "ok"
    assert producer.renewals == 1


async def test_send_all_renews_and_raises_so_the_caller_sends_the_same_records_again() -> None:
    fresh = _Fake()
    producer = _durable(_Fake(OutOfOrderSequenceNumber()), fresh)
    await producer.start()
    records: list[Record] = [("t", b"k", b"v1", []), ("t", b"k", b"v2", [])]
    with pytest.raises(OutOfOrderSequenceNumber):
        await producer.send_all(records)
    await producer.send_all(records)
    assert fresh.sent == [("t", b"v1"), ("t", b"v2")]


async def test_a_hanging_send_is_given_up_and_sent_again_through_a_new_producer() -> None:
    class _Hanging(_Fake):
        async def send_and_wait(self, topic: str, **kwargs: Any) -> str:
            await asyncio.Event().wait()
            raise AssertionError

    fresh = _Fake()
    queue: list[_Fake] = [_Hanging(), fresh]
    producer = DurableProducer(lambda: queue.pop(0), name="t", send_timeout=0.05)
    await producer.start()
    assert await producer.send_and_wait("t", value=b"v") == "ok"
    assert fresh.sent == [("t", b"v")]
