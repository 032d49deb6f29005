"""The load generator: publishes ``RedeemTrialInvitation`` commands straight to Kafka, as any
outside system would (JSON value, CloudEvents headers, keyed by customer), at full speed or
at a fixed rate, and measures what the tracker sees."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiokafka import AIOKafkaProducer

from bench.tracker import Tracker
from shared.contracts.invitations import RedeemTrialInvitation
from shared.messaging.envelope import SPEC_VERSION, now_iso

REDEEM_TYPE = RedeemTrialInvitation.ce_type()


@dataclass(frozen=True)
class Customer:
    customer_id: str
    admin_user_id: str


@dataclass
class Redemptions:
    """Every (customer, service) pair once: services outer, customers inner, so one phase
    spreads over many customers; the invitation is the customer's partner's one for that
    service."""

    customers: Sequence[Customer]
    services: Sequence[str]
    codes: Sequence[Sequence[str]]  # [service][partner] -> code
    position: int = 0
    sent: list[tuple[str, str]] = field(default_factory=list)  # (customer, service)

    @property
    def available(self) -> int:
        return len(self.customers) * len(self.codes) - self.position

    def take(self) -> tuple[str, bytes, bytes]:
        """(correlation id, key, value) of the next redemption."""
        service, index = divmod(self.position, len(self.customers))
        if service >= len(self.codes):
            raise RuntimeError(
                f"the seed holds {self.position} redemptions and the run wants more: "
                "raise Config.customers or Config.trial_services"
            )
        self.position += 1
        customer = self.customers[index]
        partners = self.codes[service]
        self.sent.append((customer.customer_id, self.services[service]))
        body = {
            "code": partners[index % len(partners)],
            "customer_id": customer.customer_id,
            "redeemed_by": customer.admin_user_id,
        }
        return f"bench-{uuid.uuid4()}", customer.customer_id.encode(), orjson.dumps(body)


def headers(correlation_id: str) -> list[tuple[str, bytes]]:
    return [
        ("ce_specversion", SPEC_VERSION.encode()),
        ("ce_id", str(uuid.uuid4()).encode()),
        ("ce_type", REDEEM_TYPE.encode()),
        ("ce_source", b"bench"),
        ("ce_time", now_iso().encode()),
        ("ce_correlationid", correlation_id.encode()),
        ("content-type", b"application/json"),
    ]


def new_producer(bootstrap: str) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        client_id="bench-load",
        acks="all",
        enable_idempotence=True,
        linger_ms=1,
    )


@dataclass
class PhaseResult:
    label: str
    target_rate: float | None  # None: full speed
    seconds: float
    sent: int
    completed: int
    rejected: int
    throughput: float  # completions per second inside the measured window
    offered_rate: float  # sends per second inside the window
    latency_ms: dict[str, float]
    timeline: list[int] = field(default_factory=list)  # completions per second of the window
    latency_sorted_ms: list[float] = field(default_factory=list)  # at most 2000, for the plot
    cpu_cores: dict[str, float] = field(default_factory=dict)  # by kind of process (bench.cpu)

    def as_json(self) -> dict[str, Any]:
        return self.__dict__.copy()


def percentiles(values: Sequence[float]) -> dict[str, float]:
    if not values:
        return {"p50": float("nan"), "p95": float("nan"), "p99": float("nan"), "max": 0.0}
    ordered = sorted(values)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return {
        "p50": at(0.50),
        "p95": at(0.95),
        "p99": at(0.99),
        "max": ordered[-1],
        "mean": sum(ordered) / len(ordered),
    }


@dataclass
class Phase:
    producer: AIOKafkaProducer
    topic: str
    tracker: Tracker
    source: Redemptions
    drain_timeout: float
    ids: list[str] = field(default_factory=list)
    _acks: list[asyncio.Future[Any]] = field(default_factory=list)

    async def _send(self) -> None:
        cid, key, value = self.source.take()
        self.tracker.mark_sent(cid)
        self.ids.append(cid)
        self._acks.append(
            await self.producer.send(self.topic, value=value, key=key, headers=headers(cid))
        )
        if len(self._acks) >= 1000:
            await self._settle()

    async def _settle(self) -> None:
        acks, self._acks = self._acks, []
        await asyncio.gather(*acks)

    async def full_speed(self, seconds: float, max_in_flight: int) -> tuple[float, float]:
        start = time.monotonic()
        end = start + seconds
        base = self.tracker.finished_count
        while time.monotonic() < end:
            room = max_in_flight - (len(self.ids) - (self.tracker.finished_count - base))
            if room > 0:
                for _ in range(min(room, 250)):
                    await self._send()
            else:
                self.tracker.progress.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.tracker.progress.wait(), 0.05)
        await self._settle()
        return start, end

    async def fixed_rate(self, seconds: float, rate: float) -> tuple[float, float]:
        start = time.monotonic()
        total = int(rate * seconds)
        for i in range(total):
            due = start + i / rate
            delay = due - time.monotonic()
            if delay > 0.002:
                await asyncio.sleep(delay)
            await self._send()
        await self._settle()
        return start, start + seconds

    async def drain(self) -> None:
        deadline = time.monotonic() + self.drain_timeout
        while self.tracker.finished(self.ids) < len(self.ids) and time.monotonic() < deadline:
            self.tracker.progress.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.tracker.progress.wait(), 0.5)

    def result(self, label: str, target: float | None, window: tuple[float, float]) -> PhaseResult:
        start, end = window
        seconds = end - start
        t = self.tracker
        done_times = [t.done[c] for c in self.ids if c in t.done]
        in_window = sum(1 for d in done_times if start <= d <= end)
        if target is None and len(done_times) > 1:
            # Full speed: the pipeline is busy from the first completion to the last (the
            # in-flight window keeps it fed, the drain empties it): its service rate.
            busy = max(done_times) - min(done_times)
            in_window, seconds = len(done_times), max(busy, 1e-3)
        sent_in_window = sum(1 for c in self.ids if start <= t.sent[c] <= end)
        last = max([end, *done_times])  # the timeline runs on through the drain
        timeline = [0] * max(1, int(last - start + 0.999))
        for d in done_times:
            second = int(d - start)
            if 0 <= second < len(timeline):
                timeline[second] += 1
        latencies = sorted(t.latencies_ms(self.ids))
        step = max(1, len(latencies) // 2000)
        return PhaseResult(
            label=label,
            target_rate=target,
            seconds=round(seconds, 3),
            sent=len(self.ids),
            completed=len(done_times),
            rejected=sum(1 for c in self.ids if c in t.rejected),
            throughput=round(in_window / seconds, 1),
            offered_rate=round(sent_in_window / (end - start), 1),
            latency_ms={k: round(v, 2) for k, v in percentiles(latencies).items()},
            timeline=timeline,
            latency_sorted_ms=[round(x, 2) for x in latencies[::step]],
        )


async def run_phase(
    *,
    label: str,
    producer: AIOKafkaProducer,
    topic: str,
    tracker: Tracker,
    source: Redemptions,
    seconds: float,
    rate: float | None,
    max_in_flight: int,
    drain_timeout: float,
) -> PhaseResult:
    """One measured phase: send for ``seconds`` (full speed when ``rate`` is None), then wait
    until every redemption sent has both effects announced (or the drain timeout)."""
    phase = Phase(producer, topic, tracker, source, drain_timeout)
    if rate is None:
        window = await phase.full_speed(seconds, max_in_flight)
    else:
        window = await phase.fixed_rate(seconds, rate)
    await phase.drain()
    return phase.result(label, rate, window)
