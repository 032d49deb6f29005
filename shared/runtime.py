"""The composition root every service shares: one FastAPI process that owns the pool, the
Kafka broker (FastStream) with its batch subscribers, the outbox relay, and the health,
metrics and AsyncAPI endpoints. Nothing connects at import time; all of it starts in the
app's lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import chain
from pathlib import Path
from typing import Any

import asyncpg
import uvicorn
from aiokafka import AIOKafkaConsumer
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.kafka.subscriber.usecase import BatchSubscriber
from faststream.message import AckStatus
from faststream.middlewares import AckPolicy
from faststream.specification import AsyncAPI
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from shared import faults, problems
from shared.contracts.base import Contract
from shared.contracts.common import CommandRejected
from shared.contracts.topics import NAMESPACE
from shared.db import create_pool, migrate
from shared.logging import configure_logging, get_logger
from shared.messaging import inbox, unit
from shared.messaging.consumer import Consumer, Routes
from shared.messaging.offsets import OffsetCommitter
from shared.messaging.outbox import OutboxRelay
from shared.messaging.producer import DurableProducer
from shared.settings import ServiceSettings
from shared.web import make_app

log = get_logger(__name__)


@dataclass(frozen=True)
class Subscription:
    """One consumer group of the service: the topics it reads and what it does with them."""

    name: str
    topics: Sequence[str]
    routes: Routes
    description: str = ""


@dataclass(frozen=True)
class Stream:
    """An events topic of the service's besides ``<namespace>.<name>.events``: some of its
    events, kept apart so that the readers who have no use for them do not fetch them. The
    rejections of every command stay on the main events topic."""

    topic: str
    emits: Sequence[type[Contract]]
    description: str
    # The commands whose success is one of these events (their rejections stay on the main
    # events topic), so that the AsyncAPI document names where each answer arrives.
    answers: Sequence[type[Contract]] = ()


@dataclass
class ServiceSpec:
    """What a service is, declared once in its ``main.py``. The skeleton every service shares
    is not repeated there: its commands arrive on ``<namespace>.<name>.commands`` (consumer
    group ``<name>.commands``), its events and rejections leave on ``<namespace>.<name>.events``
    (``shared.contracts.topics``), and its migrations are ``services/<name>/migrations``."""

    name: str
    description: str
    commands: Routes
    # The service's other consumer groups: the events of others it keeps views of or acts on.
    reads: Sequence[Subscription] = ()
    emits: Sequence[type[Contract]] = ()
    # Events this service emitted in an earlier version and no longer does (a later version
    # replaced them): still on its topic, so readers keep a route for them.
    retired: Sequence[type[Contract]] = ()
    streams: Sequence[Stream] = ()
    http: APIRouter | None = None
    periodic: Sequence[Periodic] = ()

    # Follow from the name (the naming rule of ``shared.contracts.topics``).
    commands_topic: str = dataclasses.field(init=False)
    events_topic: str = dataclasses.field(init=False)
    migrations: Path = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        self.commands_topic = f"{NAMESPACE}.{self.name}.commands"
        self.events_topic = f"{NAMESPACE}.{self.name}.events"
        self.migrations = Path(__file__).parents[1] / "services" / self.name / "migrations"

    @property
    def every_event(self) -> list[type[Contract]]:
        """What the service emits, on whichever of its events topics."""
        return [*self.emits, *(m for stream in self.streams for m in stream.emits)]

    @property
    def subscriptions(self) -> list[Subscription]:
        """Every consumer group of the service, its commands first."""
        described = f"Commands to the {self.name} service."
        return [
            Subscription("commands", [self.commands_topic], self.commands, described),
            *self.reads,
        ]


@dataclass(frozen=True)
class Periodic:
    """Work the service does on a clock (sweeps of expired things). ``step`` must be
    idempotent and safe with two copies of the service running it at once. ``close``, if
    any, runs once at shutdown, after the last step: what the work holds open (connections
    to a mail server, an HTTP client's pool)."""

    name: str
    interval: float  # seconds
    step: Callable[[asyncpg.Pool], Awaitable[object]]
    close: Callable[[], Awaitable[None]] | None = None


def inbox_prune(service: str, settings: ServiceSettings) -> Periodic:
    """Every service forgets the message ids its inbox holds beyond the retention, hourly,
    as a unit of work like any sweep (a pass that forgets nothing leaves no trace)."""
    retention = timedelta(days=settings.inbox_retention_days)

    async def work(ctx: unit.MessageContext) -> list[int]:
        deleted = await inbox.prune(ctx.conn, before=datetime.now(UTC) - retention)
        if deleted:
            log.info("inbox_pruned", deleted=deleted, retention_days=retention.days)
        return [deleted] if deleted else []

    async def step(pool: asyncpg.Pool) -> object:
        return await unit.periodic_pass(pool, service=service, name="inbox-prune", work=work)

    return Periodic(name=f"{service}-inbox-prune", interval=3600, step=step)


async def _every(task: Periodic, pool: asyncpg.Pool) -> None:
    while True:
        try:
            await task.step(pool)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a sweep must outlive a database outage
            log.warning("periodic_failed", task=task.name, error=repr(exc))
        await asyncio.sleep(task.interval)


@dataclass
class ServiceState:
    settings: ServiceSettings
    pool: asyncpg.Pool
    broker: KafkaBroker
    relay: OutboxRelay


def new_broker(
    servers: str | Sequence[str] = "localhost", *, client_id: str = "portal"
) -> KafkaBroker:
    """A FastStream broker as every service has it, not yet connected."""
    return KafkaBroker(
        servers,
        client_id=client_id,
        # A plain stdlib logger instead of FastStream's own coloured text one: its lines go
        # through the JSON root handler (shared/logging.py), WARNING and above like every
        # library; a line per batch received and processed is not worth its cost.
        logger=logging.getLogger("faststream.broker"),
        # No dependency injection on the consume path: the one handler takes the batch's
        # message as it is (``_undecoded``). With it, FastDepends resolved the message as a
        # context field in a worker thread, a thread hop per batch (py-spy: 3-7 % of each
        # pipeline service's samples at 190 redemptions/s).
        apply_types=False,
    )


def build_broker(spec: ServiceSpec, settings: ServiceSettings) -> KafkaBroker:
    """The broker with its subscribers and its documented publishers, not yet connected."""
    broker = new_broker(settings.kafka_servers, client_id=f"{spec.name}-{settings.instance}")
    documented: list[tuple[str, Sequence[type[Contract]]]] = [
        (spec.events_topic, [*spec.emits, CommandRejected]),
        *((stream.topic, stream.emits) for stream in spec.streams),
    ]
    for topic, contracts in documented:
        for contract in contracts:
            broker.publisher(
                topic,
                schema=contract,
                title=f"{topic}:{contract.__name__}",
                description=f"{contract.ce_type()}: {(contract.__doc__ or '').strip()}",
            )
    return broker


def subscribe(
    broker: KafkaBroker,
    sub: Subscription,
    consumer: Consumer,
    batch: int,
    committers: list[OffsetCommitter] | None = None,
    static_name: str | None = None,
) -> None:
    """``static_name``: join the group as the static member ``<consumer>.<static_name>``."""
    accepted = ", ".join(sorted(sub.routes.routes))
    committer: list[OffsetCommitter] = []

    async def on_records(message: KafkaMessage) -> None:
        """Every record, raw: the kernel consumer parses, dedups and dispatches it; once
        the database committed, the offsets go to Kafka by the committer's task while the
        next batch is fetched (FastStream's own ack would wait for that commit). Without
        FastDepends (``new_broker``) the message is passed as it is (``_undecoded``); its
        context annotation keeps it out of the AsyncAPI document's payloads."""
        raw = message.raw_message
        # A tuple from the real broker, a list from FastStream's in-memory one.
        records = raw if isinstance(raw, tuple | list) else (raw,)
        await consumer.handle(records)
        if isinstance(message.consumer, AIOKafkaConsumer) and message.committed is None:
            if not committer:
                committer.append(OffsetCommitter(message.consumer, name=consumer.name))
                if committers is not None:
                    committers.append(committer[0])
            committer[0].applied(records)
            message.committed = AckStatus.ACKED  # FastStream's ack: nothing left to do

    subscriber = broker.subscriber(
        *sub.topics,
        group_id=f"{NAMESPACE}.{consumer.name}",
        # A static member restarted after a crash takes its partitions back at once, without
        # a rebalance, instead of waiting out the session of the member it was.
        group_instance_id=None if static_name is None else f"{consumer.name}.{static_name}",
        batch=True,
        max_records=batch,
        # How long one ``getmany`` waits when nothing is there (records are returned as soon
        # as they arrive): an idle consumer wakes twice a second (``_Prompt``).
        batch_timeout_ms=500,
        # Bounds what the consumer prefetches (aiokafka's default is 50 MB per fetch):
        # a service holds little more than the batch it is applying.
        fetch_max_bytes=4 * 1024 * 1024,
        max_partition_fetch_bytes=1024 * 1024,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
        parser=_lenient_parser,
        decoder=_undecoded,
        title=f"{consumer.name}",
        description=(sub.description + f" Accepts: {accepted}.").strip(),
    )
    subscriber.__class__ = _Prompt
    subscriber(on_records)
    # The records are handled raw (above); these never-matching handlers only put each
    # accepted contract's schema into the AsyncAPI document of the service.
    for route in sub.routes.routes.values():
        subscriber(_documented(route.model), filter=_never)


class _Prompt(BatchSubscriber):
    """FastStream's batch subscriber, except when ``getmany`` comes back empty: FastStream's
    then sleeps ``batch_timeout_ms`` more before it asks again, so a record that arrives in
    that sleep waits out the rest of it (at 5 redemptions/s, up to 50 ms on each hop of the
    pipeline). This one asks again at once; ``getmany`` itself waits for the next record."""

    __slots__ = ()

    async def get_msg(self, consumer: AIOKafkaConsumer) -> tuple[Any, ...]:
        batches = await consumer.getmany(
            timeout_ms=self.batch_timeout_ms, max_records=self.max_records
        )
        return tuple(chain.from_iterable(batches.values()))


async def _never(_: object) -> bool:
    return False


async def _lenient_parser(records: Any, default: Callable[[Any], Awaitable[Any]]) -> Any:
    """FastStream decodes every header value as UTF-8 to build its message; one header that
    is not would fail the batch forever. Build it from readable copies instead and hand the
    kernel the untouched records, which it dead-letters ("header ... is not UTF-8")."""
    try:
        return await default(records)
    except UnicodeDecodeError:
        readable = tuple(
            dataclasses.replace(
                r, headers=[(k, v.decode(errors="replace").encode()) for k, v in r.headers]
            )
            for r in records
        )
        message = await default(readable)
        message.raw_message = records
        return message


async def _undecoded(message: Any) -> Any:
    """The kernel consumer parses the raw records itself, so the handler is given the
    message, not a decoded body. FastStream's own decoder would parse JSON by content-type
    first and, on bytes that are not JSON, fail the batch before the kernel could
    dead-letter it: redelivered forever, the partition stalled."""
    return message


def _documented(model: type[Contract]) -> Callable[..., Awaitable[None]]:
    async def handler(body: Any) -> None:
        raise AssertionError("documentation only")

    handler.__annotations__ = {"body": model, "return": None}  # resolved, not a string
    handler.__name__ = f"{model.__name__}V{model.version}"
    handler.__doc__ = f"{model.ce_type()}: {(model.__doc__ or '').strip()}"
    return handler


def asyncapi(spec: ServiceSpec, broker: KafkaBroker) -> AsyncAPI:
    return AsyncAPI(
        broker, title=f"Partner Portal — {spec.name}", version="1.0.0", description=spec.description
    )


Wiring = Callable[[FastAPI, asyncpg.Pool], contextlib.AbstractAsyncContextManager[None]]


def lifespan(
    name: str,
    settings: ServiceSettings,
    migrations: Path,
    wiring: Wiring,
    periodic: Sequence[Periodic] = (),
) -> Callable[[FastAPI], contextlib.AbstractAsyncContextManager[None]]:
    """The lifespan every process of the project has (the services' and the gateway's): JSON
    logs, its pool and migrations, what ``wiring`` starts on them (and stops again), then its
    ``periodic`` work; torn down in the reverse order."""

    @contextlib.asynccontextmanager
    async def run(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(name, settings.log_level)
        pool = await create_pool(settings.database_url, name, size=settings.db_pool_size)
        try:
            applied = await migrate(pool, name, migrations)
            async with wiring(app, pool):
                tasks = [asyncio.create_task(_every(t, pool), name=t.name) for t in periodic]
                log.info(
                    "service_started",
                    migrations=applied,
                    instance=settings.instance,
                    port=settings.http_port,
                )
                try:
                    yield
                finally:
                    for running in tasks:
                        running.cancel()
                    await asyncio.gather(*tasks, return_exceptions=True)
                    await asyncio.gather(
                        *(t.close() for t in periodic if t.close), return_exceptions=True
                    )
        finally:
            await pool.close()
            log.info("service_stopped")

    return run


def create_service_app(spec: ServiceSpec, settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or ServiceSettings()

    @contextlib.asynccontextmanager
    async def kafka(app: FastAPI, pool: asyncpg.Pool) -> AsyncIterator[None]:
        """The consumers, the producer they write through and the outbox relay."""
        producer = DurableProducer.to(
            settings.kafka_bootstrap, f"{spec.name}-{settings.instance}-out"
        )
        await producer.start()
        broker = build_broker(spec, settings)
        relay_producer = DurableProducer.to(settings.kafka_bootstrap, f"{spec.name}-relay")
        await relay_producer.start()
        relay = OutboxRelay(dsn=settings.database_url, schema=spec.name, producer=relay_producer)
        committers: list[OffsetCommitter] = []
        for sub in spec.subscriptions:
            consumer = Consumer(
                name=f"{spec.name}.{sub.name}",
                service=spec.name,
                events_topic=spec.events_topic,
                routes=sub.routes,
                pool=pool,
                producer=producer,
                relay=relay,
            )
            static = settings.instance if settings.static_membership else None
            subscribe(broker, sub, consumer, settings.consumer_batch, committers, static)
        state = ServiceState(settings=settings, pool=pool, broker=broker, relay=relay)
        app.state.service = state
        app.state.asyncapi = asyncapi(spec, broker)
        await relay.start()
        await broker.start()
        try:
            with unit.relay_of(pool, relay):  # HTTP writes and sweeps hand off like batches
                yield
        finally:
            for committer in committers:
                await committer.flush()
            await broker.stop()
            for committer in committers:
                await committer.stop()
            await relay.stop()
            await relay.producer.stop()
            await producer.stop()

    app = make_app(
        title=f"portal-{spec.name}",
        lifespan=lifespan(
            spec.name,
            settings,
            spec.migrations,
            kafka,
            (*spec.periodic, inbox_prune(spec.name, settings)),
        ),
        docs_url=None,
        redoc_url=None,
    )
    problems.install(app)
    app.include_router(_ops_router())
    if spec.http is not None:
        app.include_router(spec.http)
    return app


def _ops_router() -> APIRouter:
    router = APIRouter()

    @router.get("/health/live")
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/health/ready")
    async def ready(request: Request) -> Response:
        state: ServiceState = request.app.state.service
        checks: dict[str, bool] = {}
        try:
            checks["database"] = await state.pool.fetchval("SELECT true") is True
        except Exception:
            checks["database"] = False
        checks["kafka"] = bool(await state.broker.ping(timeout=2.0))
        ok = all(checks.values())
        return JSONResponse(
            {
                "status": "ok" if ok else "unavailable",
                "checks": checks,
                "relay_leader": state.relay.is_leader,
            },
            status_code=200 if ok else 503,
        )

    @router.post("/internal/faults/crash-after-commit/{correlation_id}", include_in_schema=False)
    async def arm_fault(request: Request, correlation_id: str) -> Response:
        state: ServiceState = request.app.state.service
        if state.settings.environment != "test":
            raise problems.Problem(404, "not_found", "Faults exist in the test environment only.")
        faults.arm_crash_after_commit(correlation_id)
        return JSONResponse({"armed": correlation_id})

    @router.get("/metrics")
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    @router.get("/asyncapi.json")
    async def asyncapi_doc(request: Request) -> Response:
        spec = request.app.state.asyncapi.to_specification()
        return Response(spec.to_json(), media_type="application/json")

    return router


def serve(app: FastAPI, settings: ServiceSettings, *, service: str | None = None) -> None:
    # JSON logs from the first line on: uvicorn gets no text log config of its own, so its
    # loggers (start-up errors, tracebacks of failed requests) go through the root handler.
    configure_logging(service or _process_name(), settings.log_level)
    uvicorn.run(
        app,
        host=settings.http_host,
        port=settings.http_port,
        log_level="warning",
        log_config=None,
        loop="uvloop",
        http="httptools",
        lifespan="on",
        access_log=False,
        # uvicorn would trust X-Forwarded-For from 127.0.0.1 by default: any local process
        # could pick its address. The gateway applies its own trusted-proxy list instead.
        proxy_headers=False,
    )


def _process_name() -> str:
    """``services.<name>`` when started as ``python -m services.<name>``."""
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    parts = (spec.name if spec else "").split(".")
    return parts[1] if len(parts) > 2 and parts[0] == "services" else "portal"
