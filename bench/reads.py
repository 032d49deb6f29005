"""The read benchmark (issue 12, point 4): ``python -m bench.reads`` (``make bench-reads``).

Starts the whole stack in its own namespace and database, signs one partner and its admin
up through the real command, grows that partner's reach (10k, then 100k customers, among
other partners' customers; ``bench.reads_seed``), and measures every read a partner page
makes, through the gateway (signed in, the ``portal_session`` cookie) and directly on the
owning service:

- capacity: ``wrk -c 32 -t 2 -d <s> --latency`` (closed loop) with random ids and words;
- latency: ``vegeta attack -rate R/s`` (open loop) through the gateway at fixed rates.

Writes ``<out>/reads.json`` and ``<out>/reads.md`` and prints the table. Knobs (environment,
or the options of the same name): ``BENCH_READS_SIZES=10000,100000[,1000000]``,
``BENCH_READS_SECONDS=10``, ``BENCH_READS_RATES=company=500,overview=300,...``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from argon2 import PasswordHasher

import bench  # noqa: F401  (the namespace, before anything reads topic names)
from bench import loadgen, reads_seed
from bench.env import BENCH_DSN, BOOTSTRAP, STACK
from bench.seed import WORDS
from shared.contracts import directory
from shared.contracts.topics import DIRECTORY_COMMANDS, DIRECTORY_EVENTS, NAMESPACE
from shared.messaging.client import CommandBus
from tools.procs import ROOT, ServiceProcess
from tools.seed import sign_in

EMAIL = "admin@reads.bench.example"
PASSWORD = "Bench-Reads-Password-2026"
DEFAULT_SIZES = (10_000, 100_000)
DEFAULT_RATES = {"company": 500, "overview": 300, "search": 200, "customer": 500}
SAMPLES = 2_000  # distinct paths per endpoint in the load tools' files


@dataclass(frozen=True)
class Read:
    """One page read: its gateway path and the owning service's path. ``{customer}`` is a
    random customer of the read set, ``{word}`` a random search word; ``{partner}`` and
    ``{admin}`` the measured partner and its admin (the service's paths take the actor)."""

    name: str
    gateway: str
    service: str
    internal: str


READS = (
    Read("company", "/api/partner/company", "directory", "/internal/partners/{partner}"),
    Read(
        "overview",
        "/api/partner/overview",
        "directory",
        "/internal/partners/{partner}/counts",
    ),
    Read(
        "search",
        "/api/partner/customers?q={word}",
        "directory",
        "/internal/customers?actor_user_id={admin}&q={word}",
    ),
    Read(
        "customer",
        "/api/partner/customers/{customer}",
        "directory",
        "/internal/customers/{customer}/support?actor_user_id={admin}",
    ),
    Read(
        "subscriptions",
        "/api/partner/customers/{customer}/licences",
        "directory",
        "/internal/customers/{customer}/licences",
    ),
    Read(
        "service_requests",
        "/api/partner/customers/{customer}/service-requests",
        "directory",
        "/internal/customers/{customer}/service-requests?actor_user_id={admin}",
    ),
    Read("audit", "/api/partner/audit", "directory", "/internal/audit?actor_user_id={admin}"),
)


def log(message: str) -> None:
    print(f"[bench-reads {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Who:
    partner: uuid.UUID
    admin: uuid.UUID
    other: uuid.UUID


def paths(template: str, who: Who, size: int, rng: random.Random) -> list[str]:
    """Up to ``SAMPLES`` concrete paths: random customers of the read set, every word."""
    fixed = {"partner": who.partner, "admin": who.admin}
    if "{customer}" in template:
        ids = list(reads_seed.read_ids(size))
        picked = rng.sample(ids, min(SAMPLES, len(ids)))
        return [template.format(customer=c, **fixed) for c in picked]
    if "{word}" in template:
        return [template.format(word=w, **fixed) for w in dict.fromkeys(WORDS)]
    return [template.format(**fixed)]


async def sign_up(who: Who) -> None:
    """The measured partner and its first admin (Global admin, full supported access),
    through the directory's own command."""
    bus = CommandBus(bootstrap=BOOTSTRAP, watch=(DIRECTORY_EVENTS,), source="bench-reads")
    await bus.start()
    try:
        command = directory.RegisterPartner(
            partner_id=who.partner,
            profile=directory.PartnerProfile(name="Bench Reads Partner"),
            admin=directory.FirstAdmin(
                user_id=who.admin,
                email=EMAIL,
                display_name="Bench Reads Admin",
                password_hash=PasswordHasher().hash(PASSWORD),
            ),
        )
        outcome = await bus.send(command, topic=DIRECTORY_COMMANDS, timeout=60)
        if outcome.rejected:
            raise RuntimeError(f"RegisterPartner rejected: {outcome.data}")
    finally:
        await bus.stop()


async def probe(base: str, path: str, headers: dict[str, str]) -> str | None:
    """None when the read answers 200; otherwise why it is not measured."""
    async with httpx.AsyncClient(base_url=base, timeout=30, headers=headers) as client:
        response = await client.get(path)
    if response.status_code != 200:
        return f"GET {path} answers {response.status_code}: {response.text[:200]}"
    body = response.json()
    if body in ([], {}) or (isinstance(body, dict) and body.get("items") == []):
        return f"GET {path} answers an empty page: the seed misses what it reads"
    return None


@dataclass
class Target:
    read: Read
    via: str  # "gateway" or the service's name
    base: str
    template: str
    headers: dict[str, str]


@dataclass
class Bench:
    out: Path
    sizes: list[int]
    seconds: float
    rates: dict[str, int]
    warmup: float
    rng: random.Random = field(init=False, default_factory=lambda: random.Random(12))
    rows: list[dict[str, Any]] = field(init=False, default_factory=list)
    skipped: list[dict[str, Any]] = field(init=False, default_factory=list)
    seeding: list[dict[str, Any]] = field(init=False, default_factory=list)
    procs: dict[str, ServiceProcess] = field(init=False, default_factory=dict)

    @property
    def work(self) -> Path:
        return self.out / "reads-work"

    def _kept_reads(self) -> tuple[float, float]:
        """The gateway's kept-read counters (answered from memory, fetched) so far."""
        text = httpx.get(self.procs["gateway"].metrics_url, timeout=5).text
        counts = {"hit": 0.0, "stale": 0.0, "miss": 0.0}
        for line in text.splitlines():
            if line.startswith("portal_gateway_kept_reads_total{"):
                labels, value = line.rsplit(" ", 1)
                result = labels.split('result="', 1)[1].split('"', 1)[0]
                counts[result] = float(value)
        return counts["hit"] + counts["stale"], counts["miss"]

    def _run(self, t: Target, run: Any) -> tuple[Any, float | None]:
        """``run()``'s figures, and for the gateway the share of its kept reads during the
        run that were answered from memory (None: the read is not kept, or not the gateway)."""
        if t.via != "gateway":
            return run(), None
        kept_before, fetched_before = self._kept_reads()
        figures = run()
        kept_after, fetched_after = self._kept_reads()
        kept, fetched = kept_after - kept_before, fetched_after - fetched_before
        return figures, round(kept / (kept + fetched), 3) if kept + fetched else None

    def _row(
        self, t: Target, size: int, mode: str, rate: int | None, f: Any, kept: float | None
    ) -> None:
        row = {
            "endpoint": t.read.name,
            "via": t.via,
            "path": t.template,
            "customers": size,
            "mode": mode,
            "rate": rate,
            "rps": f.rps,
            "p50_ms": f.p50_ms,
            "p99_ms": f.p99_ms,
            "errors": f.errors,
            "requests": f.requests,
            "kept": kept,
            "loadavg": round(os.getloadavg()[0], 2),
        }
        self.rows.append(row)
        at = f"{rate}/s" if rate else "capacity"
        log(
            f"  {t.read.name:<16} {t.via:<9} {at:<9} {f.rps:>8}/s p50 {f.p50_ms} ms "
            f"p99 {f.p99_ms} ms errors {f.errors}"
        )

    async def run(self) -> None:
        await STACK.create_topics()
        log(f"namespace {NAMESPACE}; starting the services")
        self.procs = await asyncio.to_thread(STACK.start, None, self.out / "logs" / NAMESPACE)
        who = Who(uuid.uuid4(), uuid.uuid4(), uuid.uuid4())
        await sign_up(who)
        gateway = self.procs["gateway"].url
        signed_in = await sign_in(gateway, EMAIL, PASSWORD)
        cookie = signed_in.reading
        targets: list[Target] = []
        for read in READS:
            targets.append(Target(read, "gateway", gateway, read.gateway, cookie))
            targets.append(
                Target(read, read.service, self.procs[read.service].url, read.internal, {})
            )
        seeded = 0
        for size in self.sizes:
            started = time.monotonic()
            await reads_seed.grow(
                BENCH_DSN,
                start=seeded,
                stop=size,
                partner=who.partner,
                admin=who.admin,
                other=who.other,
            )
            took = round(time.monotonic() - started, 1)
            self.seeding.append({"customers": size, "added": size - seeded, "seconds": took})
            log(f"{size} customers in reach (+{size - seeded} in {took}s)")
            seeded = size
            if size == self.sizes[0]:
                targets = await self._probed(targets, who, size)
            self._measure(targets, who, size)

    async def _probed(self, targets: list[Target], who: Who, size: int) -> list[Target]:
        kept = []
        for t in targets:
            why = await probe(t.base, paths(t.template, who, size, self.rng)[0], t.headers)
            if why is None:
                kept.append(t)
            else:
                self.skipped.append({"endpoint": t.read.name, "via": t.via, "why": why})
                log(f"  skipped {t.read.name} via {t.via}: {why}")
        return kept

    def _measure(self, targets: list[Target], who: Who, size: int) -> None:
        for t in targets:  # caches, pools and PostgreSQL's buffers after the growth
            if t.via == "gateway" and self.warmup > 0:
                loadgen.wrk(
                    t.base,
                    paths(t.template, who, size, self.rng),
                    headers=t.headers,
                    seconds=self.warmup,
                    work=self.work,
                )
        for t in targets:
            figures, kept = self._run(
                t,
                lambda t=t: loadgen.wrk(
                    t.base,
                    paths(t.template, who, size, self.rng),
                    headers=t.headers,
                    seconds=self.seconds,
                    work=self.work,
                ),
            )
            self._row(t, size, "capacity", None, figures, kept)
        for t in targets:
            rate = self.rates.get(t.read.name)
            if t.via != "gateway" or rate is None:
                continue
            figures, kept = self._run(
                t,
                lambda t=t, rate=rate: loadgen.vegeta(
                    t.base,
                    paths(t.template, who, size, self.rng),
                    headers=t.headers,
                    rate=rate,
                    seconds=self.seconds,
                    work=self.work,
                ),
            )
            self._row(t, size, "rate", rate, figures, kept)

    def stop(self) -> None:
        STACK.stop(self.procs)


def _memory_gb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return round(int(line.split()[1]) / 1024 / 1024, 1)
    return 0.0


def table(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        "# Read benchmark",
        "",
        f"{m['cores']} cores, {m['memory_gb']} GB, Python {m['python']}, "
        f"load average {m['loadavg_before']} before, {m['loadavg_after']} after; "
        f"wrk -c 32 -t 2 (capacity), vegeta open loop (rate); {results['seconds']} s a run, "
        f"{results['wall_seconds']} s in all.",
        "",
        "| endpoint | via | customers | mode | rate | req/s | p50 ms | p99 ms | errors "
        "| kept | load |",
        "|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results["results"]:
        lines.append(
            f"| {r['endpoint']} | {r['via']} | {r['customers']:,} | {r['mode']} | "
            f"{r['rate'] or ''} | {r['rps']:,.0f} | {r['p50_ms']} | {r['p99_ms']} | "
            f"{r['errors']} | {'' if r.get('kept') is None else r['kept']} | {r['loadavg']} |"
        )
    for s in results.get("skipped", []):
        lines.append(f"\nNot measured: {s['endpoint']} via {s['via']}: {s['why']}")
    lines += ["", "## Goals (issue 12)", "", *goals(results["results"])]
    return "\n".join(lines) + "\n"


def goals(rows: list[dict[str, Any]]) -> list[str]:
    """Each goal of issue 12 against this run's figures (met / missed / not measured)."""

    def find(endpoint: str, via: str, mode: str, size: int | None = None) -> list[Any]:
        return [
            r
            for r in rows
            if (r["endpoint"], r["via"], r["mode"]) == (endpoint, via, mode)
            and (size is None or r["customers"] == size)
        ]

    def verdict(ok: bool) -> str:
        return "met" if ok else "**missed**"

    out = []
    for endpoint, floor in (("company", 1500), ("customer", 1500), ("overview", 800)):
        for r in find(endpoint, "gateway", "capacity"):
            out.append(
                f"- {endpoint} through the gateway ≥ {floor} req/s at {r['customers']:,}: "
                f"{r['rps']:,.0f} — {verdict(r['rps'] >= floor)}"
            )
    for endpoint, ceiling, size in (
        ("company", 20, None),
        ("overview", 30, None),
        ("search", 20, 100_000),
        ("search", 50, 1_000_000),
    ):
        for r in find(endpoint, "gateway", "rate", size):
            ok = r["p99_ms"] <= ceiling and r["errors"] == 0
            out.append(
                f"- {endpoint} at {r['rate']}/s p99 ≤ {ceiling} ms at {r['customers']:,}: "
                f"{r['p99_ms']} ms, {r['errors']} errors — {verdict(ok)}"
            )
    for r in (x for x in rows if x["via"] == "gateway" and x["mode"] == "capacity"):
        service = [
            x
            for x in rows
            if x["endpoint"] == r["endpoint"]
            and x["customers"] == r["customers"]
            and x["mode"] == "capacity"
            and x["via"] != "gateway"
        ]
        if service and service[0]["rps"]:
            ratio = r["rps"] / service[0]["rps"]
            out.append(
                f"- gateway ≥ 0.5 of {service[0]['via']} for {r['endpoint']} at "
                f"{r['customers']:,}: {ratio:.2f} — {verdict(ratio >= 0.5)}"
            )
    return out or ["- nothing measured"]


def _sizes(text: str) -> list[int]:
    return sorted({int(s.replace("_", "")) for s in text.split(",") if s.strip()})


def _rates(text: str) -> dict[str, int]:
    pairs = (p.split("=", 1) for p in text.split(",") if p.strip())
    return {name.strip(): int(rate) for name, rate in pairs}


async def main(args: argparse.Namespace) -> int:
    started = time.monotonic()
    before = [round(x, 2) for x in os.getloadavg()]
    run = Bench(args.out, _sizes(args.sizes), args.seconds, _rates(args.rates), args.warmup)
    problem = None
    await STACK.create_database()
    try:
        await run.run()
    except Exception as exc:
        problem = repr(exc)
        log(f"ABORTED: {exc!r}")
    finally:
        await asyncio.to_thread(run.stop)
        if not args.keep:
            await STACK.drop_database()
    results = {
        "machine": {
            "cores": os.cpu_count(),
            "memory_gb": _memory_gb(),
            "python": platform.python_version(),
            "loadavg_before": before,
            "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        },
        "tools": loadgen.versions(),
        "seconds": args.seconds,
        "seeding": run.seeding,
        "skipped": run.skipped,
        "results": run.rows,
        "problem": problem,
        "wall_seconds": round(time.monotonic() - started, 1),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "reads.json").write_text(json.dumps(results, indent=2) + "\n")
    text = table(results)
    (args.out / "reads.md").write_text(text)
    print(text)
    print(f"results: {args.out / 'reads.json'}, {args.out / 'reads.md'}")
    if problem:
        print(f"\nREAD BENCHMARK ABORTED: {problem}")
        return 1
    return 0


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    env = os.environ.get
    parser = argparse.ArgumentParser(prog="python -m bench.reads", description=__doc__)
    parser.add_argument(
        "--sizes",
        default=env("BENCH_READS_SIZES", ",".join(str(s) for s in DEFAULT_SIZES)),
        help="customers in the partner's reach, grown in order (default 10000,100000)",
    )
    parser.add_argument(
        "--seconds", type=float, default=float(env("BENCH_READS_SECONDS", "10")), help="per run"
    )
    parser.add_argument(
        "--rates",
        default=env("BENCH_READS_RATES", ",".join(f"{k}={v}" for k, v in DEFAULT_RATES.items())),
        help="open-loop runs through the gateway: endpoint=requests per second, ...",
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=float(env("BENCH_READS_WARMUP", "2")),
        help="seconds of wrk on each gateway read before a size's runs (0: none)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "results")
    parser.add_argument("--keep", action="store_true", help="keep the run's database")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse())))
