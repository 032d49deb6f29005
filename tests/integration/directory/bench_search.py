"""Customer search p99 at 100,000 customers.

    .venv/bin/python -m tests.integration.directory.bench_search [--customers N] [--runs N]

Creates a scratch database, applies the directory's migrations, seeds N customers (one large
partner reaches all of them, a small one 1 in 100; every fifth reached through a delegation
rather than a subscription; half the searches are each partner's) and times the real
search query ``--runs`` times with a mix of queries a partner would type: part of a name,
two words, part of a domain or e-mail, a word matching thousands of customers, a miss, and
the next page. Prints p50/p95/p99 in milliseconds. Not a pytest test: it takes a minute.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from bench.reads_seed import COLUMNS
from services.directory.adapters import search
from shared.db import create_pool, migrate

ADMIN_DSN = os.environ.get(
    "PORTAL_DATABASE_URL", "postgresql://portal:portal@127.0.0.1:15432/portal"
)
MIGRATIONS = Path(__file__).resolve().parents[3] / "services" / "directory" / "migrations"
ADJECTIVES = [
    "blue",
    "bright",
    "cloud",
    "north",
    "south",
    "swift",
    "green",
    "silver",
    "rapid",
    "quiet",
    "prime",
]
NOUNS = [
    "river",
    "pharma",
    "traders",
    "toys",
    "logistics",
    "bakery",
    "dental",
    "studio",
    "foods",
    "motors",
    "labs",
]
SUFFIXES = ["Ltd", "Inc", "GmbH", "LLC", "SA", "Group", "Partners"]


SYLLABLES = (
    "ka lo mi ne ra so tu vi an el or ux bri con dal fen gor hal jin kes".split()  # noqa: SIM905
)
VARIED: list[list[str]] = []


def company(i: int, rng: random.Random) -> tuple[str, str, str]:
    if VARIED:
        a, n = rng.choice(VARIED[0]), rng.choice(VARIED[1])
    else:
        a, n = rng.choice(ADJECTIVES), rng.choice(NOUNS)
    name = f"{a.title()} {n.title()} {rng.choice(SUFFIXES)} {i}"
    domain = f"{a}{n}{i}.example"
    return name, domain, f"it{i}@{domain}"


async def seed(pool: asyncpg.Pool, count: int, large: uuid.UUID, small: uuid.UUID) -> list[str]:
    """``count`` customers; the large partner reaches all of them, the small one 1 in 100
    (every fifth of either's through a delegation rather than a subscription)."""
    rng = random.Random(7)
    now = datetime.now(UTC)
    customers, subscriptions, reach, domains = [], [], [], []
    for i in range(count):
        cid = uuid.uuid4()
        name, domain, email = company(i, rng)
        customers.append((cid, name, domain, email, now))
        domains.append(domain)
        for partner_id in (large, small) if i % 100 == 0 else (large,):
            delegated = i % 5 == 0
            link = (uuid.uuid4(), "full", now) if delegated else (None, None, None)
            reach.append((partner_id, cid, not delegated, *link))
            if not delegated:
                source = uuid.uuid4()
                subscriptions.append(
                    (
                        uuid.uuid4(),
                        cid,
                        "o365-e3",
                        10,
                        "trial",
                        partner_id,
                        None,
                        "offer",
                        source,
                        now,
                    )
                )
    async with pool.acquire() as conn:
        for table, records in (
            ("customers", customers),
            ("subscriptions", subscriptions),
            ("partner_customers", reach),
        ):
            await conn.copy_records_to_table(table, records=records, columns=COLUMNS[table])
        await conn.execute("ANALYZE")
    return domains


def use_varied_names(rng: random.Random) -> None:
    """Two vocabularies of 3,000 invented words: names spread like real ones, where the
    default 11 x 11 word pairs cluster every match of a word in name order (the worst case
    for walking in name order)."""

    def word() -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))

    VARIED[:] = [[word() for _ in range(3000)], [word() for _ in range(3000)]]


def queries(rng: random.Random, domains: list[str]) -> list[str]:
    first, second = VARIED if VARIED else (ADJECTIVES, NOUNS)
    mix = []
    for _ in range(1000):
        kind = rng.randrange(6)
        d = rng.choice(domains)
        if kind == 0:
            mix.append(rng.choice(second)[: rng.randint(3, 6)])  # many hits
        elif kind == 1:
            mix.append(f"{rng.choice(first)} {rng.choice(second)}")
        elif kind == 2:
            mix.append(d[2:9].upper())  # part of one domain
        elif kind == 3:
            mix.append(f"it{d.split('.')[0][-4:]}@")  # part of a contact e-mail
        elif kind == 4:
            mix.append("zzqx")  # no hit
        else:
            mix.append(d.split(".")[0])  # one customer exactly
    return mix


async def run(count: int, runs: int, varied: bool) -> None:
    if varied:
        use_varied_names(random.Random(3))
    scratch = f"bench_directory_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(ADMIN_DSN)
    await admin.execute(f'CREATE DATABASE "{scratch}"')
    dsn = ADMIN_DSN.rsplit("/", 1)[0] + f"/{scratch}"
    try:
        pool = await create_pool(dsn, "directory", size=2)
        await migrate(pool, "directory", MIGRATIONS)
        large, small = uuid.uuid4(), uuid.uuid4()
        started = time.perf_counter()
        domains = await seed(pool, count, large, small)
        print(f"seeded {count} customers in {time.perf_counter() - started:.1f}s")
        rng = random.Random(11)
        mix = queries(rng, domains)
        timings = []
        for i in range(runs):
            q = mix[i % len(mix)]
            partner_id = small if i % 2 else large
            t0 = time.perf_counter()
            async with pool.acquire() as conn:
                _, cursor = await search.search_customers(
                    conn, partner_id=partner_id, query=q, after=None, limit=20
                )
                if cursor is not None and i % 4 == 0:  # sometimes the reader turns the page
                    await search.search_customers(
                        conn, partner_id=partner_id, query=q, after=cursor, limit=20
                    )
            timings.append((time.perf_counter() - t0) * 1000)
        # The same round trips doing no work: what the machine itself costs right now.
        baseline = []
        for _ in range(200):
            t0 = time.perf_counter()
            async with pool.acquire() as conn, conn.transaction():
                await conn.execute("SET LOCAL plan_cache_mode = force_custom_plan")
                await conn.fetch("SELECT 1")
            baseline.append((time.perf_counter() - t0) * 1000)
        base = statistics.quantiles(baseline, n=100)
        print(f"baseline round trip: p50 {base[49]:.1f} ms, p99 {base[98]:.1f} ms")
        timings.sort()
        pct = statistics.quantiles(timings, n=100)
        print(f"load average before timing: {os.getloadavg()[0]:.1f}")
        print(
            f"{runs} searches at {count} customers: p50 {pct[49]:.1f} ms, "
            f"p95 {pct[94]:.1f} ms, p99 {pct[98]:.1f} ms, max {timings[-1]:.1f} ms"
        )
        await pool.close()
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        await admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--varied-names", action="store_true", help=use_varied_names.__doc__)
    args = parser.parse_args()
    asyncio.run(run(args.customers, args.runs, args.varied_names))


if __name__ == "__main__":
    main()
