"""The webhook sender: POSTs due deliveries to partners' endpoints in the one leased-delivery
loop the mail sender runs too (``leased.py``: claim with a lease; POST with no transaction
open; record the answer; each step a unit of work of the kernel). A crash between the POST
and the record sends the same delivery again when its lease runs out, with the same
``webhook-id``: receivers deduplicate by it.

Every attempt resolves the endpoint's host, checks every address (in production: no
private, loopback, link-local, multicast or reserved address) and connects to the address it
checked, so a DNS answer that changes between check and connect (rebinding) cannot steer the
request inside. Redirects are not followed (a 3xx is a failed attempt).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

import aiohttp

from services.notifications import webhook_handlers
from services.notifications.adapters.webhooks import PgWebhooks, WebhookOutgoing
from services.notifications.domain.webhooks import (
    DisablePolicy,
    UnsafeUrl,
    WebhookRetryPolicy,
    check_addresses,
    check_url,
    signed_headers,
)
from services.notifications.entrypoints.leased import LeasedDeliveries
from shared.contracts.topics import NOTIFICATIONS_EVENTS
from shared.logging import get_logger
from shared.messaging.unit import MessageContext

log = get_logger(__name__)


@dataclass(frozen=True)
class Answer:
    http_status: int | None
    response_ms: int | None
    error: str | None


class WebhookTransport(Protocol):
    async def post(self, url: str, headers: dict[str, str], body: str) -> Answer: ...

    async def close(self) -> None:
        """At shutdown: its HTTP client and the connections it keeps."""
        ...


async def resolve(host: str, port: int) -> list[str]:
    """The host's addresses; an address literal is its own (no lookup on a thread)."""
    with contextlib.suppress(ValueError):
        return [str(ipaddress.ip_address(host.strip("[]")))]
    infos = await asyncio.get_running_loop().getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )
    return [str(info[4][0]) for info in infos]


class HttpTransport:
    """aiohttp, connecting to the checked address: the URL's host is replaced by the address,
    the Host header and the TLS server name (SNI, certificate check) stay the host's.
    Connections are kept open between deliveries to the same address."""

    def __init__(self, *, production: bool, timeout: float) -> None:
        self.production = production
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        # Made on first use, in the running loop: a session belongs to its loop.
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=self.timeout, auto_decompress=False, skip_auto_headers=["User-Agent"]
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def post(self, url: str, headers: dict[str, str], body: str) -> Answer:
        started = time.perf_counter()
        try:
            scheme, host, port = check_url(url, production=self.production)
            address = check_addresses(await resolve(host, port), production=self.production)
        except UnsafeUrl as exc:
            return Answer(None, None, f"{exc.code}: {exc.reason}")
        except OSError as exc:
            return Answer(None, None, f"unresolvable_host: {exc}")
        parts = urlsplit(url)
        literal = f"[{address}]" if ":" in address else address
        pinned = urlunsplit((scheme, f"{literal}:{port}", parts.path or "/", parts.query, ""))
        default_port = 443 if scheme == "https" else 80
        host_header = host if port == default_port else f"{host}:{port}"
        try:
            async with self._client().post(
                pinned,
                data=body.encode(),
                headers={**headers, "host": host_header, "user-agent": "PartnerPortal-Webhooks"},
                allow_redirects=False,
                server_hostname=host if scheme == "https" else None,
            ) as response:
                status = response.status
                excerpt = b"" if 200 <= status < 300 else await response.content.read(_EXCERPT)
        except (aiohttp.ClientError, TimeoutError) as exc:
            return Answer(None, _ms(started), f"{type(exc).__name__}: {exc}"[:500])
        if 200 <= status < 300:
            return Answer(status, _ms(started), None)
        return Answer(status, _ms(started), f"HTTP {status}: {excerpt.decode(errors='replace')}")


_EXCERPT = 200  # bytes of a refusing answer's body kept with the attempt


def _endpoint_first(delivery: WebhookOutgoing) -> str:
    """A record locks its endpoint's row (the failure count): by endpoint, then delivery."""
    return f"{delivery.endpoint_id}/{delivery.delivery_id}"


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)


@dataclass(kw_only=True, eq=False)
class WebhookSender:
    transport: WebhookTransport
    policy: WebhookRetryPolicy
    disable: DisablePolicy
    lease: timedelta
    batch: int
    workers: int = 1
    service: str = "notifications"
    portal_url: str = "http://127.0.0.1:8000/"

    def __post_init__(self) -> None:
        loop = LeasedDeliveries[WebhookOutgoing, Answer]
        self.send_due = loop(
            self.service, "webhook-sender", self.lease, self.batch, PgWebhooks, self._attempt,
            self._record, self.workers, _endpoint_first,
        ).send_due  # fmt: skip

    async def close(self) -> None:
        """At shutdown: the transport's HTTP client and its kept connections."""
        await self.transport.close()

    async def _attempt(self, delivery: WebhookOutgoing) -> Answer:
        headers = signed_headers(
            delivery.secrets,
            msg_id=str(delivery.delivery_id),
            timestamp=int(datetime.now(UTC).timestamp()),
            body=delivery.body,
        )
        return await self.transport.post(delivery.url, headers, delivery.body)

    async def _record(self, ctx: MessageContext, delivery: WebhookOutgoing, answer: Answer) -> None:
        disabled = await webhook_handlers.record_webhook_attempt(
            PgWebhooks(ctx.conn),
            delivery,
            http_status=answer.http_status,
            response_ms=answer.response_ms,
            error=answer.error,
            now=datetime.now(UTC),
            policy=self.policy,
            disable=self.disable,
        )
        if disabled is not None:
            # The endpoint's owner hears of it once: the e-mail and the event commit with
            # the change that disabled it.
            await webhook_handlers.tell_admins_disabled(
                ctx.conn,
                disabled,
                url=self.portal_url.rstrip("/") + "/partner/webhooks",
                endpoint_url=delivery.url,
                correlation_id=delivery.correlation_id,
            )
            ctx.emit(disabled, topic=NOTIFICATIONS_EVENTS)
        log.info(
            "webhook_attempted",
            delivery_id=str(delivery.delivery_id),
            endpoint_id=str(delivery.endpoint_id),
            attempt=delivery.attempts,
            http_status=answer.http_status,
            response_ms=answer.response_ms,
            error=answer.error,
            correlation_id=delivery.correlation_id,
        )
        if disabled is not None:
            log.warning(
                "webhook_endpoint_disabled",
                endpoint_id=str(delivery.endpoint_id),
                partner_id=str(delivery.partner_id),
                reason=disabled.reason,
            )
