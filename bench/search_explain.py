"""``python -m bench.search_explain [--customers N] [--keep]``: the plans customer search runs.

Creates a scratch database with the directory's migrations, grows one partner's reach to N
customers with the read benchmark's seed (``bench.reads_seed``, default 1,000,000), and prints,
for no words, a spread word, a rare word, a clustered word and two 2-character words, the
client timing of ``search.search_customers`` (20 runs) and ``EXPLAIN (ANALYZE, BUFFERS)`` of
every plan it ran, as Markdown (docs/reads-search-1m.md was made with it). ``--keep`` keeps
the database (named in the output) to run it again with ``--dsn``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
import uuid
from typing import Any

import asyncpg

from bench import reads_seed
from bench.env import ADMIN_DSN
from services.directory.adapters import search
from shared.db import create_pool, migrate
from tools.procs import ROOT

MIGRATIONS = ROOT / "services" / "directory" / "migrations"
QUERIES = ("", "reader", "r999999", "contoso", "co", "zq")
PARTNER = uuid.UUID(int=1)


async def _plan(conn: asyncpg.Connection, sql: str, args: tuple[Any, ...]) -> str:
    rows = await conn.fetch("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, *args)
    return "```\n" + "\n".join(r[0] for r in rows) + "\n```"


async def explain(conn: asyncpg.Connection, q: str, limit: int = 20) -> str:
    timings = []
    for _ in range(20):
        started = time.perf_counter()
        items, _ = await search.search_customers(
            conn, partner_id=PARTNER, query=q, after=None, limit=limit
        )
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    out = [
        f"### q={q!r}: {len(items)} items; 20 runs: p50 {timings[10]:.1f} ms, "
        f"max {timings[-1]:.1f} ms; load average {os.getloadavg()[0]:.2f}",
        "",
    ]
    patterns = search.like_patterns(q)
    matches = "".join(f" AND r.search LIKE ${5 + i}" for i in range(len(patterns)))
    args = (PARTNER, None, None, limit + 1, *patterns)
    short = any(len(w) < search.SHORT for w in q.lower().split())
    async with conn.transaction():  # the same steps as search_customers
        await conn.execute("SET LOCAL plan_cache_mode = force_custom_plan")
        sql = search._WINDOW.format(matches=matches)
        rows = await conn.fetch(sql, *args)
        out += ["WINDOW:", await _plan(conn, sql, args)]
        if len(rows) <= limit and patterns:
            found = search.CAP + 1
            if not short:
                await conn.execute(search._BITMAPS_ONLY)
                sql = search._GATHER.format(matches=matches)
                rows = await conn.fetch(sql, *args)
                found = rows[0]["found"] if rows else 0
                out += [f"GATHER (found {found}):", await _plan(conn, sql, args)]
            if found > search.CAP:
                await conn.execute(search._IN_ORDER_ONLY)
                sql = search._WALK.format(matches=matches)
                out += ["WALK:", await _plan(conn, sql, args)]
    return "\n".join(out) + "\n"


async def main(args: argparse.Namespace) -> None:
    dsn = args.dsn
    name = None
    admin = await asyncpg.connect(ADMIN_DSN)
    try:
        if dsn is None:
            name = f"search_explain_{uuid.uuid4().hex[:8]}"
            await admin.execute(f'CREATE DATABASE "{name}"')
            dsn = ADMIN_DSN.rsplit("/", 1)[0] + f"/{name}"
            pool = await create_pool(dsn, "directory", size=1)
            await migrate(pool, "directory", MIGRATIONS)
            await pool.close()
            started = time.monotonic()
            await reads_seed.grow(
                dsn,
                start=0,
                stop=args.customers,
                partner=PARTNER,
                admin=uuid.UUID(int=2),
                other=uuid.UUID(int=3),
            )
            print(f"<!-- seeded {args.customers} in {time.monotonic() - started:.0f} s -->")
        conn = await asyncpg.connect(dsn, server_settings={"search_path": "directory"})
        try:
            await conn.execute("VACUUM ANALYZE partner_customers")
            for q in QUERIES:
                print(await explain(conn, q))
        finally:
            await conn.close()
    finally:
        if name is not None and not args.keep:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        elif name is not None:
            print(f"<!-- kept: --dsn {dsn} -->")
        await admin.close()


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.search_explain", description=__doc__)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--dsn", help="a database already seeded (partner 00..01)")
    parser.add_argument("--keep", action="store_true")
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse()))
