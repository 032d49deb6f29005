"""The guarantee a cluster exists for: with three copies of every partition and writes
acknowledged by at least two (``acks=all``, ``min.insync.replicas=2``, the idempotent producer
every service uses), SIGKILL of a partition's leader while records are produced loses no
acknowledged record and doubles none; the producer carries on with the new leader."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter, defaultdict

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from shared.ops.topics import replication
from tests.cluster.conftest import Cluster

PARTITIONS = 3
RATE = 400  # records per second, spread over the partitions
SECONDS = 8.0
KILL_AFTER = 2.0


async def _topic(cluster: Cluster) -> str:
    topic = f"cluster-{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=cluster.bootstrap)
    await admin.start()
    try:
        factor, configs = replication(len((await admin.describe_cluster())["brokers"]))
        assert (factor, configs) == (3, {"min.insync.replicas": "2"})
        await admin.create_topics([NewTopic(topic, PARTITIONS, factor, topic_configs=configs)])
    finally:
        await admin.close()
    return topic


async def _consume_all(cluster: Cluster, topic: str, expected: int) -> dict[int, list[int]]:
    """Every record of the topic, by partition in offset order, read by a fresh consumer."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=cluster.bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    got: dict[int, list[int]] = defaultdict(list)
    try:
        deadline = time.monotonic() + 60
        quiet_since = time.monotonic()
        while time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            for tp, records in batches.items():
                got[tp.partition] += [int(r.value or b"-1") for r in records]
            if batches:
                quiet_since = time.monotonic()
            seen = sum(map(len, got.values()))
            if seen >= expected and time.monotonic() - quiet_since > 2:
                break  # everything expected, and nothing more for 2 s
    finally:
        await consumer.stop()
    return got


async def test_every_acknowledged_record_is_consumed_once_across_the_loss_of_the_leader(
    cluster: Cluster,
) -> None:
    topic = await _topic(cluster)
    producer = AIOKafkaProducer(
        bootstrap_servers=cluster.bootstrap, acks="all", enable_idempotence=True, linger_ms=5
    )
    await producer.start()
    killed = None
    try:
        await producer.partitions_for(topic)
        watched = TopicPartition(topic, 0)
        leader = producer.client.cluster.leader_for_partition(watched)
        assert leader in (1, 2, 3), leader

        sends: list[tuple[int, float, asyncio.Future[object]]] = []
        acked_at: dict[int, float] = {}
        started = time.monotonic()
        for i in range(int(RATE * SECONDS)):
            due = started + i / RATE
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            if killed is None and time.monotonic() - started >= KILL_AFTER:
                await asyncio.to_thread(cluster.kafka, "kill", str(leader))
                killed = leader
            future = await producer.send(topic, str(i).encode(), partition=i % PARTITIONS)
            future.add_done_callback(lambda _, i=i: acked_at.setdefault(i, time.monotonic()))
            sends.append((i, time.monotonic(), future))
        outcomes = await asyncio.gather(*(f for _, _, f in sends), return_exceptions=True)
        await producer.client.force_metadata_update()
        new_leader = producer.client.cluster.leader_for_partition(watched)
    finally:
        await producer.stop()

    assert killed == leader
    failed = [
        (i, o) for (i, _, _), o in zip(sends, outcomes, strict=True) if isinstance(o, BaseException)
    ]
    assert not failed, f"{len(failed)} sends refused, first {failed[0]}"
    assert new_leader not in (None, -1, killed), new_leader
    acknowledged = [i for i, _, _ in sends]

    got = await _consume_all(cluster, topic, len(acknowledged))
    counts = Counter(v for values in got.values() for v in values)
    lost = [i for i in acknowledged if counts[i] == 0]
    doubled = [v for v, n in counts.items() if n > 1]
    assert not lost, f"{len(lost)} acknowledged records lost, first {lost[:5]}"
    assert not doubled, f"{len(doubled)} records doubled, first {doubled[:5]}"
    assert set(counts) == set(acknowledged)
    for partition, values in got.items():  # per-partition order kept through the new leader
        assert values == sorted(values), partition
        assert all(v % PARTITIONS == partition for v in values)
    waited = max(acked_at[i] - sent for i, sent, _ in sends)
    print(
        f"\n{len(acknowledged)} records at {RATE}/s, leader {killed} of partition 0 killed at "
        f"{KILL_AFTER} s, now led by {new_leader}; the longest wait for an acknowledgement "
        f"{waited:.2f} s (the leader election)"
    )

    cluster.kafka("start", str(killed))  # whole again for the next test
