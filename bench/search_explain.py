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

    async def explained(name: str, sql: str, values: tuple[Any, ...]) -> None:
        out.extend([f"{name}:", await _plan(conn, sql, values)])

    # The plans search_customers itself ran, explained in its transaction as they ran.
    await search.search_customers(
        conn, partner_id=PARTNER, query=q, after=None, limit=limit, trace=explained
    )
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
