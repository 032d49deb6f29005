"""How fast the notifications senders drain a queue: ``count`` e-mails and ``count``
webhook deliveries queued at once on a fresh schema, sent by the service's own senders (as
``main`` builds them) to an SMTP sink and a webhook receiver in a process of their own
(chaos's, with the signature check), until every one is recorded sent. Prints the rates.

    python -m bench.notify_drain [count]
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import resource
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import asyncpg

from services.notifications import handlers
from services.notifications import main as service
from services.notifications.adapters.repository import PgRepository
from services.notifications.adapters.webhooks import Delivery, PgWebhooks
from services.notifications.config import Settings
from services.notifications.domain import commands
from tests.support.schemas import migrated_schema
from tools.procs import free_port

DSN = os.environ.get("PORTAL_DATABASE_URL", "postgresql://portal:portal@127.0.0.1:15432/portal")
ENDPOINTS = 4


def _serve(smtp_port: int, http_port: int, secrets: dict[str, str]) -> None:
    from standardwebhooks import Webhook

    from chaos import mail, webhooks

    async def main() -> None:
        sink = mail.Sink(smtp_port)
        sink.start()
        receiver = webhooks.Receiver(secrets={k: Webhook(v) for k, v in secrets.items()})
        from aiohttp import web

        app = web.Application()
        app.router.add_post("/hook/{endpoint}", receiver._handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", http_port).start()
        await asyncio.Event().wait()

    asyncio.run(main())


async def _queue(pool: asyncpg.Pool, count: int) -> None:
    per = 3
    for i in range(0, count, per):
        cmd = commands.QueueLinkEmail(
            request_id=uuid.uuid4(),
            partner_id=uuid.uuid4(),
            sent_by=uuid.uuid4(),
            subject_kind="invitation",
            subject_id=uuid.uuid4(),
            url="https://portal.example/i/abc",
            recipients=[f"r{i}-{n}@bench.example" for n in range(per)],
            note="",
            language="en",
            partner=commands.Partner(name="P", phone=None, website=None, support_email=None),
        )
        async with pool.acquire() as conn, conn.transaction():
            await handlers.queue_link_email(
                PgRepository(conn), cmd, now=datetime.now(UTC), correlation_id="c"
            )


async def _hooks(pool: asyncpg.Pool, count: int, url: str) -> dict[str, str]:
    from services.notifications.domain.webhooks import new_secret

    secrets, endpoints = {}, []
    async with pool.acquire() as conn:
        for _ in range(ENDPOINTS):
            endpoint, secret, partner = uuid.uuid4(), new_secret(), uuid.uuid4()
            await PgWebhooks(conn).add_endpoint(
                endpoint_id=endpoint, partner_id=partner, url=f"{url}/{endpoint}",
                description="bench", event_types=["x"], secret=secret,
                created_by=uuid.uuid4(), now=datetime.now(UTC),
            )  # fmt: skip
            secrets[str(endpoint)] = secret
            endpoints.append((endpoint, partner))
        rows = [
            Delivery(uuid.uuid4(), e, p, str(uuid.uuid4()), "x", '{"a":1}', "c")
            for n in range(count)
            for e, p in [endpoints[n % ENDPOINTS]]
        ]
        for i in range(0, len(rows), 1000):
            await PgWebhooks(conn).add_deliveries(rows[i : i + 1000], now=datetime.now(UTC))
    return secrets


async def _drain(
    name: str,
    send_due: Callable[[asyncpg.Pool], Awaitable[int]],
    pool: asyncpg.Pool,
    table: str,
    done: str,
    n: int,
) -> None:
    started, cpu = time.perf_counter(), _cpu()
    while True:
        await send_due(pool)
        left = await pool.fetchval(f"SELECT count(*) FROM {table} WHERE status <> '{done}'")
        if not left:
            break
        await asyncio.sleep(0.05)
    took, used = time.perf_counter() - started, _cpu() - cpu
    print(
        f"{name}: {n} in {took:.1f} s = {n / took:.0f}/s, "
        f"sender CPU {used * 1000 / n:.2f} ms each (load {os.getloadavg()[0]:.1f})"
    )


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _listening(*ports: int) -> None:
    for port in ports:
        for _ in range(200):
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                await asyncio.sleep(0.1)
                continue
            writer.close()
            break


async def main(count: int) -> None:
    smtp_port, http_port = free_port(), free_port()
    os.environ["PORTAL_SMTP_PORT"] = str(smtp_port)
    settings = Settings()
    async with migrated_schema(DSN, "notifications", size=8) as pool:
        await _queue(pool, count)
        secrets = await _hooks(pool, count, f"http://127.0.0.1:{http_port}/hook")
        server = multiprocessing.get_context("spawn").Process(
            target=_serve, args=(smtp_port, http_port, secrets), daemon=True
        )
        server.start()
        await _listening(smtp_port, http_port)
        try:
            mail = service.sender(settings)
            hooks = service.webhook_sender(settings)
            # One channel after the other: each one's CPU is its own.
            await _drain("e-mail", mail.send_due, pool, "deliveries", "sent", count)
            await _drain("webhooks", hooks.send_due, pool, "webhook_deliveries", "delivered", count)
        finally:
            server.kill()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000))
