"""Publish a command and await its outcome: the client the gateway, the demo seeder and the
benchmark use.

It watches every events topic from the end (no consumer group: each copy sees
everything) and resolves the waiting request whose command id is the event's
``ce_causationid``. The owning service emits that event from its outbox after its
transaction committed, so a read that follows sees the write (read-your-writes).

A request its caller named (an ``Idempotency-Key``) sends commands whose ids are derived from
that name (:func:`ids_for`, set for the request in :data:`command_ids`): the same request
retried, on this gateway or another, sends the same ids, so the services' inboxes apply each
command once; and the outcome of a derived id seen earlier is answered again without sending.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter, OrderedDict
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition
from prometheus_client import Histogram

from shared.contracts.base import Command
from shared.contracts.common import CommandRejected
from shared.logging import correlation_id, get_logger
from shared.messaging import tasks
from shared.messaging.envelope import encode, headers_for, kafka_headers
from shared.messaging.producer import DurableProducer

log = get_logger(__name__)
ROUND_TRIP = Histogram(
    "portal_command_round_trip_seconds",
    "From sending a command to seeing its outcome event (or giving up)",
    ["command", "outcome"],  # outcome: accepted, rejected, timeout, error, replayed
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30),
)


@dataclass(frozen=True)
class Outcome:
    type: str
    data: dict[str, Any]

    @property
    def rejected(self) -> bool:
        return self.type == CommandRejected.ce_type()


class CommandTimeout(Exception):
    pass


# Derived command ids are UUIDs of version 5 in this namespace; every other id is random.
_IDS = uuid.UUID("8f6d2c1a-4b7e-5d93-a0c8-2e61f4b9d357")
# The ids of the commands the current request sends, when its caller named the request.
command_ids: ContextVar[Callable[[str], str] | None] = ContextVar("command_ids", default=None)
_REMEMBERED = 10_000  # outcomes of derived ids kept for a retry (a few MB at most)


def ids_for(*name: str) -> Callable[[str], str]:
    """The ids of a named request's commands: the n-th command of a type it sends gets the
    same id each time the request is made."""
    sent: Counter[str] = Counter()

    def next_id(ce_type: str) -> str:
        sent[ce_type] += 1
        return str(uuid.uuid5(_IDS, "\n".join((*name, ce_type, str(sent[ce_type])))))

    return next_id


def _derived(message_id: str) -> bool:
    """Whether an id is a derived one: a UUID's version is the 15th character of its text (a
    look, not a parse, on the path of every event; another id that happens to match is only
    remembered, never sent)."""
    return len(message_id) == 36 and message_id[14] == "5"


class CommandBus:
    def __init__(self, *, bootstrap: str, watch: tuple[str, ...], source: str) -> None:
        self._source = source
        self._watch = watch
        self._producer = DurableProducer.to(bootstrap, f"{source}-commands", linger_ms=0)
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap,
            group_id=None,
            enable_auto_commit=False,
        )
        self._waiting: dict[str, asyncio.Future[Outcome]] = {}
        self._answered: OrderedDict[str, tuple[str, bytes]] = OrderedDict()
        self._listeners: list[Callable[[str, dict[str, str], bytes], None]] = []
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self._producer.start()
        await self._consumer.start()
        partitions = [
            TopicPartition(topic, p)
            for topic in self._watch
            for p in (self._consumer.partitions_for_topic(topic) or await self._partitions(topic))
        ]
        self._consumer.assign(partitions)
        await self._consumer.seek_to_end(*partitions)
        for tp in partitions:  # resolve the end offsets now, before any command is sent
            await self._consumer.position(tp)
        self._task = asyncio.create_task(self._run(), name="gateway-outcomes")

    @property
    def not_ready(self) -> str | None:
        """Why the bus cannot serve a command now, or None: started, its outcome reader
        running and assigned the events partitions."""
        if self._task is None:
            return "not started"
        if self._task.done():
            return "outcome reader stopped"
        if not self._consumer.assignment():
            return "no events partition assigned"
        return None

    async def _partitions(self, topic: str) -> set[int]:
        await self._consumer._client.force_metadata_update()
        return self._consumer.partitions_for_topic(topic) or set()

    async def stop(self) -> None:
        await tasks.cancel(self._task)
        await self._consumer.stop()
        await self._producer.stop()

    def add_listener(self, listener: Callable[[str, dict[str, str], bytes], None]) -> None:
        """Called for every event seen (live updates use it)."""
        self._listeners.append(listener)

    async def _run(self) -> None:
        async for record in self._consumer:
            headers = {k: v.decode(errors="replace") for k, v in record.headers or ()}
            value = record.value or b""
            cause = headers.get("ce_causationid", "")
            if cause and _derived(cause):  # a named request's outcome, for its retries
                self._answered[cause] = (headers.get("ce_type", ""), value)
                if len(self._answered) > _REMEMBERED:
                    self._answered.popitem(last=False)
            waiting = self._waiting.pop(cause, None)
            if waiting is not None and not waiting.done():
                try:
                    waiting.set_result(Outcome(headers.get("ce_type", ""), orjson.loads(value)))
                except orjson.JSONDecodeError as exc:
                    waiting.set_exception(exc)
            for listener in self._listeners:
                try:
                    listener(record.topic, headers, value)
                except Exception:
                    log.exception("listener_failed")

    async def send(self, command: Command, *, topic: str, timeout: float) -> Outcome:
        derive = command_ids.get()
        headers = headers_for(
            command,
            source=self._source,
            correlation_id=correlation_id.get() or "",
            message_id=derive(command.ce_type()) if derive else None,
        )
        seen = self._answered.get(headers["ce_id"])
        if seen is not None:  # a retried request's command, answered before: not sent again
            ROUND_TRIP.labels(command.ce_type(), "replayed").observe(0.0)
            return Outcome(seen[0], orjson.loads(seen[1]))
        if not headers["ce_correlationid"]:
            headers["ce_correlationid"] = headers["ce_id"]
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        self._waiting[headers["ce_id"]] = future
        started = time.perf_counter()
        outcome = "error"
        try:
            await self._producer.send_and_wait(
                topic,
                value=encode(command),
                key=command.partition_key().encode(),
                headers=kafka_headers(headers),
            )
            answer = await asyncio.wait_for(future, timeout)
            outcome = "rejected" if answer.rejected else "accepted"
            return answer
        except TimeoutError as exc:
            outcome = "timeout"
            raise CommandTimeout(command.ce_type()) from exc
        finally:
            self._waiting.pop(headers["ce_id"], None)
            ROUND_TRIP.labels(command.ce_type(), outcome).observe(time.perf_counter() - started)
