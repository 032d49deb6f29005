"""Two gateways behind one address, one SIGKILLed under HTTP load.

A partner's clients create trial invitations through the gateways, each request with its own
``Idempotency-Key``, alternating between the two as a load balancer would. A request that
fails (connection refused or cut, a 5xx, a 409 while its key is still in flight) is retried
with the same key and body on the other gateway, until it gets an answer. Halfway through the
load the first gateway is SIGKILLed, with requests in flight, and started again a second
later. The accounting: every key has exactly one invitation, and every 2xx answer for a key
names that one.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import orjson

from chaos.env import READY_WITHIN
from tools.procs import ServiceProcess, free_port
from tools.seed import SignedIn, sign_in

PATH = "/api/partner/invitations"
PATIENCE = 180.0  # a request is given up (and counted unanswered) this long after its first try


@dataclass(frozen=True)
class Client:
    """The partner whose people create the invitations, and what they create."""

    partner_id: uuid.UUID
    email: str
    password: str
    service_id: str


@dataclass
class Request:
    key: str
    first: int  # which gateway the balancer sent the first try to
    answers: set[str] = field(default_factory=set)  # invitation ids in 2xx answers
    tries: int = 0
    waiting_on: int | None = None  # the gateway its current try is waiting for
    replayed: bool = False
    refusals: Counter[str] = field(default_factory=Counter)  # why tries failed
    problem: str = ""  # an answer that is neither a success nor worth a retry


class Failover:
    """The fault's HTTP load; it starts during the fault and ends on its own, after it."""

    def __init__(self, client: Client, env: dict[str, str], log_dir: Path, dsn: str) -> None:
        self.client = client
        self.env = env
        self.log_dir = log_dir
        self.dsn = dsn
        self.requests: list[Request] = []
        self.task: asyncio.Task[None] | None = None
        self.second: ServiceProcess | None = None
        self.killed_at = 0.0
        self.session: SignedIn | None = None

    async def sign_in(self, gateway: str) -> None:
        """The partner admin signs in once, before the load: the session lives in the
        gateways' database, so it holds on either gateway and across a restart."""
        self.session = await sign_in(gateway, self.client.email, self.client.password)

    async def inject(self, first: ServiceProcess, *, seconds: float, rate: float) -> str:
        """Starts a second gateway, the load across both, kills the first mid-load and
        starts it again; returns once the first serves again (the load goes on)."""
        second = ServiceProcess(
            "gateway", free_port(), first.env, self.log_dir / "gateway-2.log", instance="2"
        )
        second.start()
        await asyncio.to_thread(second.wait_ready, READY_WITHIN)
        self.second = second
        assert self.session is not None, "sign_in first"
        urls = [first.url, second.url]
        self.task = asyncio.create_task(self._load(urls, self.session, seconds, rate))
        await asyncio.sleep(seconds / 2)
        for _ in range(100):  # the kill must find requests in flight on it: wait up to 2 s
            if self._waiting_on(0):
                break
            await asyncio.sleep(0.02)
        in_flight = self._waiting_on(0)
        first.kill()
        self.killed_at = time.monotonic()
        await asyncio.sleep(1.0)
        first.start()
        await asyncio.to_thread(first.wait_ready, READY_WITHIN)
        return (
            f"2 gateways, {rate:g} POSTs/s for {seconds:g} s; the first SIGKILLed with "
            f"{in_flight} requests in flight on it"
        )

    def _waiting_on(self, gateway: int) -> int:
        return sum(r.waiting_on == gateway for r in self.requests)

    async def finish(self) -> dict[str, Any]:
        """Waits for the last request's answer, stops the second gateway, and counts."""
        try:
            if self.task is None:  # the fault was never injected (or failed before its load)
                return {}
            await self.task
        finally:
            if self.second is not None:
                self.second.stop()
        return await self._account()

    async def _load(self, urls: list[str], session: SignedIn, seconds: float, rate: float) -> None:
        headers = {**session.headers, "content-type": "application/json"}
        body = orjson.dumps({"service_id": self.client.service_id, "seats": 3})
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=32)
        async with httpx.AsyncClient(headers=headers, timeout=30.0, limits=limits) as http:
            pending = []
            t0 = time.monotonic()
            for i in range(int(seconds * rate)):
                delay = t0 + i / rate - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                request = Request(key=f"chaos-{uuid.uuid4().hex}", first=i % 2)
                self.requests.append(request)
                pending.append(asyncio.create_task(self._until_answered(http, urls, request, body)))
            await asyncio.gather(*pending)

    async def _until_answered(
        self, http: httpx.AsyncClient, urls: list[str], request: Request, body: bytes
    ) -> None:
        deadline = time.monotonic() + PATIENCE
        target = request.first
        while time.monotonic() < deadline:
            request.tries += 1
            request.waiting_on = target
            try:
                response = await http.post(
                    urls[target] + PATH, content=body, headers={"Idempotency-Key": request.key}
                )
            except httpx.TransportError as exc:
                request.waiting_on = None
                request.refusals[type(exc).__name__] += 1
                target = 1 - target  # the balancer sends the retry to the other gateway
                await asyncio.sleep(0.2)
                continue
            request.waiting_on = None
            if response.is_success:
                created = response.json().get("invitation_id")
                if created is None:
                    request.problem = f"{response.status_code} without an invitation id"
                    return
                request.answers.add(str(created))
                request.replayed = response.headers.get("Idempotent-Replayed") == "true"
                return
            if response.status_code == 409 or response.status_code >= 500:
                request.refusals[str(response.status_code)] += 1
                target = 1 - target
                await asyncio.sleep(float(response.headers.get("Retry-After", "0.5")))
                continue
            request.problem = f"{response.status_code} {response.text[:200]}"
            return
        request.problem = f"no answer in {PATIENCE:g} s"

    async def _account(self) -> dict[str, Any]:
        conn = await asyncpg.connect(self.dsn)
        try:
            created = {
                str(r["invitation_id"])
                for r in await conn.fetch(
                    "SELECT invitation_id FROM invitations.invitations WHERE partner_id = $1",
                    self.client.partner_id,
                )
            }
        finally:
            await conn.close()
        answered = [r for r in self.requests if r.answers]
        named = {i for r in answered for i in r.answers}
        refusals: Counter[str] = Counter()
        for r in self.requests:
            refusals.update(r.refusals)
        problems = [f"key {r.key}: {r.problem}" for r in self.requests if r.problem]
        problems += [
            f"key {r.key}: two invitations {sorted(r.answers)}"
            for r in answered
            if len(r.answers) > 1
        ]
        counts = {
            "requests": len(self.requests),
            "answered_2xx": len(answered),
            "retried": sum(r.tries > 1 for r in self.requests),
            "replayed": sum(r.replayed for r in answered),
            "created": len(created),
            # A 2xx whose invitation is not there, or an invitation no answer named (a retry's
            # second effect, or the effect of a request that never got its 2xx).
            "lost_effects": len(named - created),
            "duplicated_effects": len(created - named) + sum(len(r.answers) - 1 for r in answered),
            "unanswered": len(self.requests) - len(answered),
        }
        return {"counts": counts, "refusals": dict(refusals), "problems": problems[:20]}


def ok(counts: dict[str, int]) -> bool:
    return (
        counts.get("requests", 0) > 0
        and counts.get("lost_effects", 0) == 0
        and counts.get("duplicated_effects", 0) == 0
        and counts.get("unanswered", 0) == 0
        and counts.get("created", 0) == counts.get("requests", 0)
    )
