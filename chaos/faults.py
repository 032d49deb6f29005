"""The faults and their schedule. Each fault is injected at its second of the load, and
the run notes when the system was whole again (restored) and when work that needed the
faulty part flowed again (recovered)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from chaos.env import READY_WITHIN, infra
from chaos.failover import Failover
from chaos.load import Publisher, Sent, Watcher
from tools.procs import ServiceProcess, free_port

PIPELINE = ("invitations", "offers", "directory", "delegation")


@dataclass
class Fault:
    at: float  # seconds into the load
    kind: str  # "kill", "two-instances", "kafka", "broker", "postgres", "redeliver-commands", ...
    target: str  # a service, "kafka", "kafka-N" (a cluster's node), "postgres", or "pipeline"
    injected_at: float = 0.0
    down_at: float = 0.0  # Kafka or PostgreSQL: when it had stopped
    restored_at: float = 0.0
    note: str = ""
    effective: bool = True  # False: the fault could not do what it stands for (a problem)

    @property
    def label(self) -> str:
        return f"{self.kind} {self.target}"


@dataclass
class Chaos:
    procs: dict[str, ServiceProcess]
    env: dict[str, str]
    log_dir: Path
    publisher: Publisher
    commands: list[Sent]
    infra_faults: bool
    failover: Failover
    watcher: Watcher
    done: list[Fault] = field(default_factory=list)

    async def kill(self, fault: Fault) -> None:
        for name in fault.target.split("+"):
            self.procs[name].kill()
        await asyncio.sleep(1.0)  # down for a moment, as after a real crash
        await asyncio.gather(*(self._start(n) for n in fault.target.split("+")))

    async def _start(self, name: str) -> None:
        proc = self.procs[name]
        proc.env = self._located(proc.env)
        proc.start()
        await asyncio.to_thread(proc.wait_ready, READY_WITHIN)

    def _located(self, env: dict[str, str]) -> dict[str, str]:
        """``env`` with every service's URL as it is now: a second instance that took over
        (``two_instances``) listens on a port of its own, and a gateway (re)started after it
        must call that one (what a real deployment's service discovery does)."""
        return {**env, **{f"PORTAL_{n.upper()}_URL": p.url for n, p in self.procs.items()}}

    async def two_instances(self, fault: Fault) -> None:
        """A second copy joins (consumer groups rebalance, one relay leads); the first dies."""
        first = self.procs[fault.target]
        second = ServiceProcess(
            fault.target,
            free_port(),
            first.env,
            self.log_dir / f"{fault.target}-2.log",
            instance=f"chaos-{int(time.time())}",
        )
        second.start()
        await asyncio.to_thread(second.wait_ready, READY_WITHIN)
        await asyncio.sleep(5.0)  # both consume and both try to relay
        first.kill()
        self.procs[fault.target] = second
        fault.note = "both ran 5 s, then the first was SIGKILLed"

    async def gateway_failover(self, fault: Fault) -> None:
        """A second gateway beside the first, partner clients creating invitations through
        both with an Idempotency-Key each, the first SIGKILLed mid-load and started again;
        the clients retry on the other one (``chaos.failover``, counted after the run)."""
        first = self.procs["gateway"]
        first.env = self._located(first.env)
        fault.note = await self.failover.inject(first, seconds=10.0, rate=30.0)

    async def kafka(self, fault: Fault) -> None:
        await _down_and_up(fault, "kafka")

    async def broker(self, fault: Fault) -> None:
        """SIGKILL of one broker of the cluster: its partitions get new leaders among the two
        copies left (min.insync.replicas=2 still holds), and the services carry on without a
        restart; the broker comes back 10 s later and catches up."""
        node = fault.target.removeprefix("kafka-")
        await asyncio.to_thread(infra, "kafka", "kill", node)
        fault.down_at = time.monotonic()
        await asyncio.sleep(10.0)
        await asyncio.to_thread(infra, "kafka", "start", node)
        fault.note = f"node {node} SIGKILLed, " + _outage(fault)

    async def rolling_restart(self, fault: Fault) -> None:
        """Every broker of the cluster in turn: a clean stop, a start, and the next one once
        it serves again (an upgrade's rolling restart)."""
        times = []
        for node in ("1", "2", "3"):
            started = time.monotonic()
            await asyncio.to_thread(infra, "kafka", "stop", node)
            await asyncio.to_thread(infra, "kafka", "start", node)
            times.append(f"{time.monotonic() - started:.1f}")
        fault.note = f"nodes 1, 2, 3 stopped and started in turn ({', '.join(times)} s)"

    async def postgres(self, fault: Fault) -> None:
        await _down_and_up(fault, "postgres")

    async def postgres_crash(self, fault: Fault) -> None:
        """SIGKILL of the PostgreSQL postmaster (a crash, not a clean stop): its backends die
        with it, and the restart replays the WAL; every commit acknowledged before must be
        there after, and nothing applied twice."""
        await asyncio.to_thread(infra, "postgres", "crash")
        fault.down_at = time.monotonic()
        await asyncio.sleep(1.0)
        await asyncio.to_thread(infra, "postgres", "up")
        fault.note = "postmaster SIGKILLed, crash recovery on restart; " + _outage(fault)

    async def redeliver_commands(self, fault: Fault) -> None:
        """The same records (same ce_id) again: the inbox must recognise every one."""
        sent = [c for c in self.commands if c.sent_at][-300:-50]
        for c in sent:
            self.publisher.publish(c)
        fault.note = f"{len(sent)} commands published a second time"

    async def redeliver_events(self, fault: Fault) -> None:
        """Redemption events (same ce_id, key, bytes) again, as a replayed offset would: the
        newest the watcher has read. (Reading them afresh from the topics' start, as this
        fault did, came back empty in fresh-clone runs while the broker was busy.)"""
        records = list(self.watcher.redeemed)
        for topic, key, value, headers in records:
            self.publisher.publish_raw(topic, key, value, headers)
        fault.note = f"{len(records)} redemption events published a second time"
        fault.effective = bool(records)


async def _down_and_up(fault: Fault, what: str) -> None:
    """``what`` ("kafka" or "postgres") stopped cleanly, down 3 s, started again."""
    await asyncio.to_thread(infra, what, "down")
    fault.down_at = time.monotonic()
    await asyncio.sleep(3.0)
    await asyncio.to_thread(infra, what, "up")
    fault.note = _outage(fault)


def _outage(fault: Fault) -> str:
    stopping = fault.down_at - fault.injected_at
    return f"stopped in {stopping:.1f} s, then down {time.monotonic() - fault.down_at:.1f} s"


def schedule(infra_faults: bool, seconds: float, brokers: int = 1) -> list[Fault]:
    """Spread over the load; Kafka and PostgreSQL outages only when ``infra_faults``. On a
    cluster (``brokers`` 3) Kafka's faults are a broker killed under load and a rolling restart
    of all three, instead of the single broker's stop and start."""
    s = seconds / 200.0  # written for a 200 s load, stretched to the run
    faults = [
        Fault(10 * s, "kill", "invitations"),
        Fault(20 * s, "kill", "directory"),
        Fault(30 * s, "kill", "delegation"),
        Fault(40 * s, "kill", "offers"),
        Fault(50 * s, "kill", "gateway"),
        Fault(105 * s, "gateway-failover", "gateway"),
        Fault(190 * s, "kill", "gateway"),
        Fault(60 * s, "two-instances", "directory"),
        Fault(80 * s, "redeliver-commands", "pipeline"),
        Fault(115 * s, "kill", "invitations+directory"),
        Fault(145 * s, "kill", "delegation+offers"),
        Fault(155 * s, "redeliver-events", "directory+delegation"),
        Fault(165 * s, "kill", "invitations+offers+directory+delegation"),
        Fault(180 * s, "two-instances", "invitations"),
        # SIGKILL while e-mails are being sent (chaos.mail's load runs through the whole load).
        Fault(70 * s, "kill", "notifications"),
        Fault(135 * s, "kill", "notifications"),
    ]
    if infra_faults:
        faults += [
            Fault(128 * s, "postgres", "postgres"),
            Fault(185 * s, "postgres-crash", "postgres"),
        ]
        if brokers == 1:
            faults += [Fault(92 * s, "kafka", "kafka")]
        else:
            faults += [
                Fault(92 * s, "broker", "kafka-2"),
                Fault(170 * s, "rolling-restart", "kafka"),
            ]
    return sorted(faults, key=lambda f: f.at)


def action(chaos: Chaos, fault: Fault) -> Callable[[Fault], Awaitable[Any]]:
    return {
        "kill": chaos.kill,
        "two-instances": chaos.two_instances,
        "gateway-failover": chaos.gateway_failover,
        "kafka": chaos.kafka,
        "broker": chaos.broker,
        "rolling-restart": chaos.rolling_restart,
        "postgres": chaos.postgres,
        "postgres-crash": chaos.postgres_crash,
        "redeliver-commands": chaos.redeliver_commands,
        "redeliver-events": chaos.redeliver_events,
    }[fault.kind]


INFRA = frozenset({"kafka", "broker", "rolling-restart", "postgres", "postgres-crash"})


def parts(fault: Fault) -> frozenset[str]:
    """What a fault acts on: Kafka and PostgreSQL as one part (their outages never overlap),
    else the processes it names ("pipeline": every pipeline service)."""
    if fault.kind in INFRA:
        return frozenset({"infra"})
    return frozenset(PIPELINE if fault.target == "pipeline" else fault.target.split("+"))


async def run_schedule(
    chaos: Chaos, faults: list[Fault], t0: float, say: Callable[[str], None]
) -> None:
    """Each fault at its second, as soon as no earlier fault on the same part is still
    going: a slow restart on the loaded machine delays only the next fault on that part, so
    the faults stay within the load instead of queueing behind one another."""
    running: list[tuple[Fault, asyncio.Task[None]]] = []
    for fault in faults:
        before = [task for other, task in running if parts(other) & parts(fault)]
        running.append((fault, asyncio.create_task(_when(chaos, fault, t0, before, say))))
    await asyncio.gather(*(task for _, task in running))
    chaos.done.sort(key=lambda f: f.at)


async def _when(
    chaos: Chaos,
    fault: Fault,
    t0: float,
    before: list[asyncio.Task[None]],
    say: Callable[[str], None],
) -> None:
    """The fault at its second, once the earlier ones on its part are over."""
    delay = t0 + fault.at - time.monotonic()
    if delay > 0:
        await asyncio.sleep(delay)
    await asyncio.gather(*before)
    await _inject(chaos, fault, t0, say)


async def _inject(chaos: Chaos, fault: Fault, t0: float, say: Callable[[str], None]) -> None:
    fault.injected_at = time.monotonic()
    say(f"t={fault.injected_at - t0:6.1f}s  inject  {fault.label}")
    try:
        await action(chaos, fault)(fault)
    except Exception as exc:  # a fault that could not be injected is reported, not fatal
        fault.note = f"FAILED to inject: {exc!r}"
    fault.restored_at = time.monotonic()
    say(
        f"t={fault.restored_at - t0:6.1f}s  restored {fault.label} "
        f"({fault.restored_at - fault.injected_at:.1f} s) {fault.note}"
    )
    chaos.done.append(fault)


def recovery(fault: Fault, commands: list[Sent]) -> float | None:
    """Seconds from the injection (for Kafka and PostgreSQL: from the moment it had
    stopped) until a command sent after that, and needing the faulty part, completed; None
    when no such command completed (or the fault needs none)."""
    # Every command needs Kafka, whichever of a cluster's brokers is down.
    targets = ["kafka" if t.startswith("kafka") else t for t in fault.target.split("+")]
    if fault.kind.startswith("redeliver") or targets == ["gateway"]:
        return None
    start = fault.down_at or fault.injected_at
    finished = [
        c.done_at
        for c in commands
        if c.done_at and c.sent_at >= start and any(c.needs(t) for t in targets)
    ]
    return round(min(finished) - start, 2) if finished else None


def throughput_back(fault: Fault, commands: list[Sent], rate: float) -> float | None:
    """For a fault that every command needs (Kafka, a broker, PostgreSQL): seconds from the
    moment it struck until completions, counted over a sliding 2 s window, were back to at
    least 90 % of the load's rate; None for other faults, or when they never were."""
    if not fault.target.startswith(("kafka", "postgres")):
        return None
    start = fault.down_at or fault.injected_at
    done = sorted(c.done_at - start for c in commands if c.done_at and c.done_at >= start)
    window, need = 2.0, 0.9 * 2.0 * rate
    first = 0
    for last, t in enumerate(done):
        while done[first] < t - window:
            first += 1
        if last - first + 1 >= need:
            return round(max(0.0, t - window), 2)
    return None


def dumps(faults: list[Fault]) -> bytes:
    return orjson.dumps([f.__dict__ for f in faults])
