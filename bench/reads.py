"""Gateway reads over HTTP with concurrent clients, at growing numbers of customers.

``READS`` lists what is measured. An endpoint the gateway does not (yet) have is probed,
reported as missing and skipped, so adding one (customer search, partner overview) to the
gateway needs no change here, and measuring a new one is one line below.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass
from typing import Any

import httpx

from bench.load import percentiles
from bench.seed import WORDS, read_customer_id


@dataclass(frozen=True)
class Endpoint:
    name: str
    service: str  # "gateway" (as the signed-in partner admin) or a service's internal API
    path: str  # formatted with partner, admin (its user id), customer (at random), term


READS = (
    Endpoint("customer_search", "gateway", "/api/partner/customers?q={term}"),
    Endpoint("partner_overview", "gateway", "/api/partner/overview"),
    Endpoint("partner_company", "gateway", "/api/partner/company"),
    Endpoint("directory_search", "directory", "/internal/customers?actor_user_id={admin}&q={term}"),
    Endpoint("directory_customer", "directory", "/internal/customers/{customer}"),
    Endpoint(
        "directory_subscriptions", "directory", "/internal/customers/{customer}/subscriptions"
    ),
)


@dataclass(frozen=True)
class Who:
    partner: str
    admin: str
    email: str
    password: str


def _url(endpoint: Endpoint, who: Who, customers: int, rng: random.Random) -> str:
    return endpoint.path.format(
        partner=who.partner,
        admin=who.admin,
        customer=read_customer_id(rng.randrange(customers)),
        term=rng.choice(WORDS)[:5],
    )


async def client_for(
    base_url: str, endpoint: Endpoint, who: Who, clients: int
) -> httpx.AsyncClient:
    """A client; for the gateway, signed in as the partner's admin (one session, shared)."""
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    client = httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30)
    if endpoint.service == "gateway":
        response = await client.post(
            "/api/session", json={"email": who.email, "password": who.password}
        )
        if response.status_code != 200:
            await client.aclose()
            raise RuntimeError(f"sign-in failed: {response.status_code} {response.text[:200]}")
    return client


async def probe(client: httpx.AsyncClient, endpoint: Endpoint, who: Who) -> str | None:
    """None when the endpoint answers; otherwise why it cannot be measured."""
    response = await client.get(_url(endpoint, who, 1, random.Random(0)))
    body = response.json() if response.headers.get("content-type", "").endswith("json") else {}
    if response.status_code in (404, 405) and body.get("detail") == "Not Found":
        return f"missing: {endpoint.service} has no such route yet"
    if response.status_code in (401, 403):
        return f"needs a signed-in user ({response.status_code}); the bench does not sign in yet"
    if response.status_code >= 400:
        return f"answers {response.status_code}: {response.text[:200]}"
    return None


async def measure(
    base_url: str,
    endpoint: Endpoint,
    *,
    who: Who,
    customers: int,
    clients: int,
    seconds: float,
) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    client = await client_for(base_url, endpoint, who, clients)
    try:
        end = time.monotonic() + seconds

        async def worker(seed: int) -> None:
            nonlocal errors
            rng = random.Random(seed)
            while time.monotonic() < end:
                url = _url(endpoint, who, customers, rng)
                started = time.perf_counter()
                response = await client.get(url)
                latencies.append((time.perf_counter() - started) * 1000)
                if response.status_code >= 400:
                    errors += 1

        started = time.monotonic()
        await asyncio.gather(*(worker(i) for i in range(clients)))
        elapsed = time.monotonic() - started
    finally:
        await client.aclose()
    stats = percentiles(latencies)
    return {
        "endpoint": endpoint.name,
        "service": endpoint.service,
        "path": endpoint.path,
        "customers": customers,
        "clients": clients,
        "requests": len(latencies),
        "errors": errors,
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(stats["p50"], 2),
        "p99_ms": round(stats["p99"], 2),
        "max_ms": round(stats["max"], 2),
    }


async def probe_all(urls: dict[str, str], who: Who) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for endpoint in READS:
        if endpoint.service not in urls:
            found[endpoint.name] = f"no {endpoint.service} service in this tree"
            continue
        try:
            client = await client_for(urls[endpoint.service], endpoint, who, 1)
        except (RuntimeError, httpx.HTTPError) as exc:
            found[endpoint.name] = str(exc)
            continue
        try:
            found[endpoint.name] = await probe(client, endpoint, who)
        finally:
            await client.aclose()
    return found
