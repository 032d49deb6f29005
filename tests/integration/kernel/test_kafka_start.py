"""A process started while Kafka cannot be reached (a broker restarting, a cluster still
electing) waits for it instead of exiting: the kernel's producer, the first Kafka client every
process starts, is tried again every half second within a patience. On the real broker,
reached through a loopback relay that only starts listening a moment later."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from aiokafka.errors import KafkaConnectionError

from shared.contracts.topics import NAMESPACE
from shared.messaging.producer import DurableProducer
from tests.conftest import BOOTSTRAP, stack_env
from tests.support.gateways import copy_log, gateway_copy
from tests.support.relay import relay
from tests.support.wait import eventually
from tools.procs import ServiceProcess, free_port

BROKER = BOOTSTRAP.split(",")[0].rsplit(":", 1)
TO = (BROKER[0], int(BROKER[1]))


async def test_a_producer_started_while_kafka_is_unreachable_waits_for_it(
    topics: list[str],
) -> None:
    port = free_port()
    producer = DurableProducer.to(f"127.0.0.1:{port}", "kafka-start-test")
    starting = asyncio.create_task(producer.start())
    await asyncio.sleep(1.2)  # refused all this while
    assert not starting.done()
    server = await relay(port, TO)
    try:
        await asyncio.wait_for(starting, 30)
        topic = f"{NAMESPACE}.invitations.commands"
        acknowledged = await producer.send_and_wait(topic, value=b"{}", key=b"k")
        assert acknowledged.offset >= 0
    finally:
        await producer.stop()
        server.close()


async def test_kafka_that_stays_unreachable_fails_the_start_after_the_patience() -> None:
    producer = DurableProducer.to(f"127.0.0.1:{free_port()}", "kafka-start-test")
    started = time.monotonic()
    with pytest.raises(KafkaConnectionError):
        await producer.start(patience=1.0)
    assert time.monotonic() - started >= 1.0
    await producer.stop()


async def test_a_gateway_started_while_kafka_is_unreachable_serves_once_it_is_back(
    stack: dict[str, ServiceProcess],
) -> None:
    """The real process, as in a Kafka restart: it does not exit ("Application startup
    failed"), it becomes ready once the broker answers."""
    port = free_port()
    log = copy_log("kafka-late")

    async def once_it_waits() -> asyncio.Server:
        """The broker comes back only once the gateway has found it unreachable."""

        async def waiting() -> bool:
            return log.exists() and "kafka_unreachable" in log.read_text()

        await eventually(waiting, timeout=60)
        return await relay(port, TO)

    opening = asyncio.create_task(once_it_waits())
    settings = {"PORTAL_KAFKA_BOOTSTRAP": f"127.0.0.1:{port}"}
    try:
        async with gateway_copy(stack, stack_env(), "kafka-late", settings) as gateway:
            assert opening.done()  # not ready before the broker could be reached
            async with httpx.AsyncClient(timeout=10) as http:
                catalogue = await http.get(f"{gateway.url}/api/public/catalogue")
            assert catalogue.status_code == 200
    finally:
        (await opening).close()
