"""The whole run: stack, seed, pipeline phases (ours and bare, interleaved), scale-out,
accounting, gateway reads, memory; then the results."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from bench import accounting, bare, cpu, profiling, seed
from bench.config import Config
from bench.env import BENCH_DSN, BOOTSTRAP, PARTITIONS, create_database, stack_env
from bench.load import PhaseResult, Redemptions, new_producer, run_phase
from bench.machine import describe
from bench.rss import RssSampler
from bench.tracker import Tracker, Watch
from shared.contracts.common import CommandRejected
from shared.contracts.delegation import DelegationRequested
from shared.contracts.directory import SubscriptionCreated
from shared.contracts.topics import (
    DELEGATION_EVENTS,
    DIRECTORY_EVENTS,
    DIRECTORY_SUBSCRIPTIONS,
    INVITATIONS_COMMANDS,
    INVITATIONS_EVENTS,
    NAMESPACE,
)
from shared.ops.topics import ensure_topics
from tools.procs import ROOT, ServiceProcess, available_services, free_port, start_stack

PIPELINE = ("invitations", "directory", "delegation")


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@dataclass
class Pipeline:
    name: str  # "ours" or "bare"
    topic: str
    tracker: Tracker
    source: Redemptions
    phases: list[PhaseResult] = field(default_factory=list)


async def create_bare_topics() -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=BOOTSTRAP, client_id="bench-topics")
    await admin.start()
    try:
        await admin.create_topics(
            [NewTopic(t, num_partitions=PARTITIONS, replication_factor=1) for t in bare.TOPICS]
        )
    finally:
        await admin.close()


async def seed_bare(
    customers: list[str], services: list[str], codes: list[list[str]], partners: list[str]
) -> None:
    conn = await asyncpg.connect(BENCH_DSN)
    try:
        await conn.execute(bare.SCHEMA)
        await conn.copy_records_to_table(
            "customers", schema_name="bare", records=[(c,) for c in customers]
        )
        await conn.executemany(
            "INSERT INTO bare.invitations (code, invitation_id, partner_id, service_id, seats, "
            "trial_days, delegation_role) VALUES ($1, gen_random_uuid(), $2, $3, 5, 30, 'full')",
            [
                (codes[s][p], partners[p], services[s])
                for s in range(len(services))
                for p in range(len(partners))
            ],
        )
    finally:
        await conn.close()


def start_bare(log_dir: Path) -> dict[str, subprocess.Popen[bytes]]:
    env = {**os.environ, **stack_env(), "PYTHONUNBUFFERED": "1"}
    log_dir.mkdir(parents=True, exist_ok=True)
    return {
        role: subprocess.Popen(
            [sys.executable, "-m", "bench.bare", role],
            cwd=ROOT,
            env=env,
            stdout=(log_dir / f"bare-{role}.log").open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for role in bare.ROLES
    }


class Run:
    def __init__(self, cfg: Config, out: Path, *, profile: bool) -> None:
        self.cfg = cfg
        self.out = out
        self.profile = profile
        self.log_dir = out / "logs" / NAMESPACE
        self.results: dict[str, Any] = {"mode": cfg.name, "config": asdict(cfg)}
        self.problems: list[str] = []
        self.rss = RssSampler()
        self.procs: dict[str, ServiceProcess] = {}
        self.extra: list[ServiceProcess] = []
        self.bare_procs: dict[str, subprocess.Popen[bytes]] = {}

    async def execute(self) -> dict[str, Any]:
        self.results["started_at"] = datetime.now(UTC).isoformat()
        self.results["namespace"] = NAMESPACE
        await create_database()
        self.results["machine"] = await describe(BENCH_DSN)
        try:
            await self._execute()
        finally:
            await self.rss.stop()
            self.results["rss_peak_mb"] = self.rss.peak_mb()
            for proc in self.bare_procs.values():
                proc.terminate()
            for p in [*self.extra, *reversed(list(self.procs.values()))]:
                await asyncio.to_thread(p.stop)
        self.results["machine"]["load_average_at_end"] = list(os.getloadavg())
        self.results["problems"] = self.problems
        self.results["ok"] = not self.problems
        return self.results

    async def _execute(self) -> None:
        cfg = self.cfg
        await ensure_topics(BOOTSTRAP, partitions=PARTITIONS)
        await create_bare_topics()
        log(f"namespace {NAMESPACE}; starting the services")
        names = available_services()
        self.procs = await asyncio.to_thread(start_stack, stack_env(), self.log_dir, names)
        for name, proc in self.procs.items():
            self.rss.watch(name, proc.pid)
        await self.rss.start()

        log("seeding catalogue, partners, invitations")
        hashed = seed.password_hash()
        started = time.monotonic()
        partners, _admins, codes = await seed.seed_services_partners_invitations(
            BOOTSTRAP, services=cfg.trial_services, partners=cfg.partners, password_hash=hashed
        )
        log(f"registering {cfg.customers} customers through Kafka")
        customers, per_second = await seed.register_customers(
            BOOTSTRAP, BENCH_DSN, count=cfg.customers, password_hash=hashed, timeout=600
        )
        services = [seed.service_id(s) for s in range(cfg.trial_services)]
        self.results["seed"] = {
            "partners": len(partners),
            "trial_services": len(services),
            "invitations": len(partners) * len(services),
            "customers": len(customers),
            "customers_registered_per_second": round(per_second, 1),
            "redemptions_available": cfg.redemptions_available,
            "seconds": round(time.monotonic() - started, 1),
        }
        await seed_bare([c.customer_id for c in customers], services, codes, partners)
        self.bare_procs = start_bare(self.log_dir)
        for role, bare_proc in self.bare_procs.items():
            self.rss.watch(f"bare-{role}", bare_proc.pid)

        ours = Pipeline(
            "ours",
            INVITATIONS_COMMANDS,
            Tracker(
                BOOTSTRAP,
                effects=[
                    Watch(DIRECTORY_SUBSCRIPTIONS, SubscriptionCreated.ce_type()),
                    Watch(DELEGATION_EVENTS, DelegationRequested.ce_type()),
                ],
                rejections=[
                    Watch(t, CommandRejected.ce_type())
                    for t in (INVITATIONS_EVENTS, DIRECTORY_EVENTS, DELEGATION_EVENTS)
                ],
            ),
            Redemptions(customers, services, codes),
        )
        base = Pipeline(
            "bare",
            bare.COMMANDS,
            Tracker(
                BOOTSTRAP,
                effects=[Watch(bare.SUBSCRIPTIONS, None), Watch(bare.DELEGATIONS, None)],
                rejections=[Watch(bare.REJECTED, None)],
            ),
            Redemptions(customers, services, codes),
        )
        producer = new_producer(BOOTSTRAP)
        await producer.start()
        await ours.tracker.start()
        await base.tracker.start()
        try:
            await self._pipelines(producer, ours, base, partners)
        finally:
            await ours.tracker.stop()
            await base.tracker.stop()
            await producer.stop()
        await self._account(ours, base)
        # Gateway reads: `python -m bench.reads` (make bench-reads), run by `make bench` next.

    async def _phase(
        self,
        producer: Any,
        line: Pipeline,
        label: str,
        rate: float | None,
        seconds: float,
        record: bool = True,
    ) -> PhaseResult:
        log(f"{line.name}: {label} ({'full speed' if rate is None else f'{rate:.0f}/s'})")
        before, began = await asyncio.to_thread(cpu.snapshot), time.monotonic()
        result = await run_phase(
            label=label,
            producer=producer,
            topic=line.topic,
            tracker=line.tracker,
            source=line.source,
            seconds=seconds,
            rate=rate,
            max_in_flight=self.cfg.max_in_flight,
            drain_timeout=self.cfg.drain_timeout,
        )
        result.cpu_cores = cpu.cores(
            before, await asyncio.to_thread(cpu.snapshot), time.monotonic() - began
        )
        log(
            f"  sent {result.sent}, done {result.completed}, {result.throughput}/s, "
            f"p50 {result.latency_ms['p50']} ms, p99 {result.latency_ms['p99']} ms; cores "
            + ", ".join(f"{k} {v}" for k, v in result.cpu_cores.items())
        )
        if result.completed + result.rejected < result.sent:
            self.problems.append(
                f"{line.name} {label}: {result.sent - result.completed} of {result.sent} "
                f"redemptions not completed within {self.cfg.drain_timeout}s"
            )
        if result.rejected:
            self.problems.append(f"{line.name} {label}: {result.rejected} redemptions rejected")
        if record:
            line.phases.append(result)
        return result

    async def _pipelines(
        self, producer: Any, ours: Pipeline, base: Pipeline, partners: list[str]
    ) -> None:
        cfg = self.cfg
        for line in (ours, base):  # consumer groups joined, pools and caches warm
            await self._phase(producer, line, "warm-up", 50.0, cfg.warmup_seconds, record=False)
        maxima: dict[str, float] = {}
        for line in (ours, base):
            maxima[line.name] = (
                await self._phase(producer, line, "max", None, cfg.phase_seconds)
            ).throughput
        for fraction in cfg.rate_fractions:
            for line in (ours, base):
                rate = max(1.0, fraction * maxima[line.name])
                await self._phase(producer, line, f"{fraction:.0%} of max", rate, cfg.phase_seconds)
        if self.profile:
            await self._profiled(producer, ours)
        await self._scale_out(producer, ours, maxima["ours"])
        self.results["pipelines"] = {
            line.name: [p.as_json() for p in line.phases] for line in (ours, base)
        }
        self.results["ratio_ours_to_bare"] = (
            round(maxima["ours"] / maxima["bare"], 3) if maxima["bare"] else None
        )

    async def _profiled(self, producer: Any, ours: Pipeline) -> None:
        seconds = min(20.0, self.cfg.phase_seconds)
        pids = {n: p.pid for n, p in self.procs.items() if n in PIPELINE and p.pid}
        recording = asyncio.create_task(profiling.record(pids, seconds, self.out / "profiles"))
        await self._phase(producer, ours, "max (profiled)", None, seconds, record=False)
        files = await recording
        self.results["profile"] = {n: profiling.summarise(f) for n, f in files.items()}

    async def _scale_out(self, producer: Any, ours: Pipeline, one_instance: float) -> None:
        log("scale-out: a second instance of each pipeline service")
        env = stack_env() | {f"PORTAL_{n.upper()}_URL": p.url for n, p in self.procs.items()}
        self.extra = [
            ServiceProcess(n, free_port(), env, self.log_dir / f"{n}-2.log", instance="2")
            for n in PIPELINE
            if n in self.procs
        ]
        for p in self.extra:
            p.start()
        for p in self.extra:
            await asyncio.to_thread(p.wait_ready)
            self.rss.watch(f"{p.name}#2", p.pid)
        before = ours.tracker.duplicates
        await self._phase(
            producer,
            ours,
            "warm-up 2 instances",
            100.0,
            self.cfg.scale_warmup_seconds,
            record=False,
        )
        two = await self._phase(producer, ours, "max, 2 instances", None, self.cfg.phase_seconds)
        self.results["scale_out"] = {
            "one_instance_per_second": one_instance,
            "two_instances_per_second": two.throughput,
            "speed_up": round(two.throughput / one_instance, 2) if one_instance else None,
            "duplicate_announcements": ours.tracker.duplicates - before,
        }
        if ours.tracker.duplicates:
            self.problems.append(f"{ours.tracker.duplicates} effects announced twice")
        for p in self.extra:
            await asyncio.to_thread(p.stop)
        self.rss.sample()

    async def _account(self, ours: Pipeline, base: Pipeline) -> None:
        log("accounting: every redemption sent, exactly once in the databases")
        checked: dict[str, Any] = {
            "ours": await accounting.check(BENCH_DSN, accounting.OURS, ours.source.sent),
            "bare": await accounting.check(BENCH_DSN, accounting.BARE, base.source.sent),
        }
        checked["ok"] = checked["ours"]["ok"] and checked["bare"]["ok"]
        self.results["accounting"] = checked
        for name in ("ours", "bare"):
            if not checked[name]["ok"]:
                self.problems.append(f"accounting failed for {name}: {checked[name]['tables']}")
