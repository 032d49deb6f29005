"""Create the project's topics idempotently: ``python -m shared.ops.topics``."""

from __future__ import annotations

import asyncio
import os
import sys

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from shared.contracts.topics import ALL, DEAD_LETTER


def replication(brokers: int) -> tuple[int, dict[str, str]]:
    """A topic's replication factor and settings on a cluster of this many brokers: three
    copies where there are three brokers, and an acknowledged write (acks=all) on at least two
    of them, so that losing one broker loses nothing and stops nothing; one copy on one broker."""
    factor = min(3, brokers)
    return factor, {"min.insync.replicas": "2"} if factor >= 3 else {}


async def ensure_topics(bootstrap: str, partitions: int = 8) -> list[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="portal-topics")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in ALL if t not in existing]
        if missing:
            cluster = await admin.describe_cluster()
            factor, configs = replication(len(cluster["brokers"]))
            # Dead letters are kept a long time: an operator replays them.
            kept = {"retention.ms": str(30 * 86_400_000)}
            await admin.create_topics(
                [
                    NewTopic(
                        name=t,
                        num_partitions=partitions,
                        replication_factor=factor,
                        topic_configs=configs | kept if t == DEAD_LETTER else configs,
                    )
                    for t in missing
                ]
            )
        return missing
    finally:
        await admin.close()


async def delete_namespace(bootstrap: str, namespace: str) -> list[str]:
    """Delete every topic of a namespace (a finished test run's), so the broker does not
    accumulate partitions run after run."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="portal-topics")
    await admin.start()
    try:
        doomed = [t for t in await admin.list_topics() if t.startswith(f"{namespace}.")]
        if doomed:
            await admin.delete_topics(doomed)
        return doomed
    finally:
        await admin.close()


def main() -> None:
    bootstrap = os.environ.get("PORTAL_KAFKA_BOOTSTRAP", "127.0.0.1:19092")
    partitions = int(os.environ.get("PORTAL_TOPIC_PARTITIONS", "8"))
    created = asyncio.run(ensure_topics(bootstrap, partitions))
    print(
        f"topics: created {len(created)}, {len(ALL) - len(created)} already there", file=sys.stderr
    )


if __name__ == "__main__":
    main()
