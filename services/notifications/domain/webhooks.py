"""Partner webhooks: the rules of signing (Standard Webhooks), the body (CloudEvents JSON,
structured mode), when to retry (exponential backoff with full jitter), when an endpoint is
disabled, and which addresses an endpoint may not reach (SSRF).

Pure functions only; the sender loop and the repository build on them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal
from urllib.parse import urlsplit
from uuid import UUID

from shared.contracts.audience import audience as audience  # re-exported
from shared.contracts.audience import without_secrets as without_secrets  # re-exported
from shared.contracts.webhooks import new_secret as new_secret  # re-exported
from shared.contracts.webhooks import secret_key as secret_key  # re-exported
from shared.errors import Conflict, DomainError, NotFound


def signature(secret: str, *, msg_id: str, timestamp: int, body: str) -> str:
    """``v1,`` + base64 of HMAC-SHA256 over ``{id}.{timestamp}.{body}`` with the secret's bytes."""
    mac = hmac.new(
        secret_key(secret), f"{msg_id}.{timestamp}.{body}".encode(), hashlib.sha256
    ).digest()
    return "v1," + base64.b64encode(mac).decode("ascii")


def signed_headers(
    secrets_in_force: Iterable[str], *, msg_id: str, timestamp: int, body: str
) -> dict[str, str]:
    """The three Standard Webhooks headers. During a rotation's grace period the body is
    signed with the new and the old secret, space-separated, so a receiver holding either
    verifies it."""
    signatures = [
        signature(s, msg_id=msg_id, timestamp=timestamp, body=body) for s in secrets_in_force
    ]
    if not signatures:
        raise ValueError("nothing to sign with")
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signatures),
        "content-type": "application/cloudevents+json",
    }


def cloudevent(
    *,
    event_id: str,
    event_type: str,
    source: str,
    time: datetime,
    data: Mapping[str, Any],
) -> str:
    """The body: one CloudEvent in the JSON format's structured mode."""
    return json.dumps(
        {
            "specversion": "1.0",
            "id": event_id,
            "type": event_type,
            "source": source,
            "time": time.isoformat().replace("+00:00", "Z"),
            "datacontenttype": "application/json",
            "data": dict(data),
        },
        separators=(",", ":"),
        sort_keys=True,
        default=str,
    )


def concerns_partner(payload: Mapping[str, Any], partner_id: UUID) -> bool:
    """The partner is named by the event: about itself, or about a customer whose event names
    it (``partner_of_record``, ``partner_id``); another partner's customers never do."""
    return str(partner_id) in audience(payload)


def matches(event_types: Iterable[str], event_type: str) -> bool:
    """An endpoint with no types chosen receives every type a partner may receive."""
    chosen = list(event_types)
    return not chosen or event_type in chosen


# --- retries ---------------------------------------------------------------------------


@dataclass(frozen=True)
class WebhookRetryPolicy:
    """Exponential backoff with full jitter: after the n-th failed attempt wait a random time
    in ``[delay/2, delay]`` where ``delay = min(cap, base * 2**(n-1))``; a delivery is given up
    once ``give_up_after`` has passed since it was created (at least a day in production) and
    at least ``min_attempts`` were made."""

    base: float = 30.0
    cap: float = 3 * 3600.0
    give_up_after: timedelta = timedelta(hours=26)
    min_attempts: int = 3

    def delay(self, attempts: int, *, rand: Callable[[], float] = random.random) -> timedelta:
        exponent = min(max(attempts, 1) - 1, 62)
        ceiling = min(self.cap, self.base * 2**exponent)
        return timedelta(seconds=ceiling / 2 + rand() * ceiling / 2)

    def exhausted(self, *, attempts: int, created_at: datetime, now: datetime) -> bool:
        return attempts >= self.min_attempts and now - created_at >= self.give_up_after


WebhookStatus = Literal["pending", "sending", "delivered", "failed"]


@dataclass(frozen=True)
class WebhookNext:
    status: WebhookStatus
    next_attempt_at: datetime | None = None


def after_webhook_attempt(
    http_status: int | None,
    *,
    attempts: int,
    created_at: datetime,
    now: datetime,
    policy: WebhookRetryPolicy,
    rand: Callable[[], float] = random.random,
) -> WebhookNext:
    """A 2xx is delivered; anything else (no answer, 3xx, 4xx, 5xx) is tried again with
    backoff until the policy gives up. 410 Gone is final at once."""
    if http_status is not None and 200 <= http_status < 300:
        return WebhookNext("delivered")
    if http_status == 410 or policy.exhausted(attempts=attempts, created_at=created_at, now=now):
        return WebhookNext("failed")
    return WebhookNext("pending", now + policy.delay(attempts, rand=rand))


@dataclass(frozen=True)
class DisablePolicy:
    """An endpoint is disabled when its last ``consecutive_failures`` attempts all failed and
    it has not succeeded for ``failing_for`` (both must hold, so a burst of failures in a
    minute does not disable a healthy endpoint)."""

    consecutive_failures: int = 20
    failing_for: timedelta = timedelta(hours=24)

    def should_disable(
        self, *, consecutive_failures: int, failing_since: datetime | None, now: datetime
    ) -> bool:
        return (
            failing_since is not None
            and consecutive_failures >= self.consecutive_failures
            and now - failing_since >= self.failing_for
        )


SENDER_REASON = "failing:"


def sender_reason(consecutive_failures: int) -> str:
    """Why the sender disabled an endpoint."""
    return f"{SENDER_REASON} {consecutive_failures} attempts in a row"


# --- SSRF ------------------------------------------------------------------------------


class UnsafeUrl(ValueError):
    """A URL an endpoint may not use; ``code`` is the problem's machine-readable type."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def forbidden_address(address: str) -> bool:
    """Private, loopback, link-local, multicast, reserved, unspecified or otherwise not
    globally routable (IPv4-mapped IPv6 judged as the IPv4 it maps)."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def check_url(url: str, *, production: bool) -> tuple[str, str, int]:
    """(scheme, host, port) of an endpoint URL, or :class:`UnsafeUrl`. Production takes https
    only; development takes http too. The addresses the host resolves to are checked by
    :func:`check_addresses`, at registration and again at every delivery."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeUrl("invalid_url", "not an http(s) URL with a host")
    if parts.username or parts.password:
        raise UnsafeUrl("invalid_url", "a webhook URL carries no credentials")
    if production and parts.scheme != "https":
        raise UnsafeUrl("https_required", "webhook URLs must use https in production")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise UnsafeUrl("invalid_url", "the port is not a number from 1 to 65535") from exc
    return parts.scheme, parts.hostname, port


def check_addresses(addresses: Iterable[str], *, production: bool) -> str:
    """The address to connect to (the first one resolved), after checking every one: in
    production none may be a forbidden address; in development anything resolves."""
    resolved = list(addresses)
    if not resolved:
        raise UnsafeUrl("unresolvable_host", "the host does not resolve")
    if production:
        for address in resolved:
            if forbidden_address(address):
                raise UnsafeUrl(
                    "forbidden_address",
                    "the host resolves to a private, loopback, link-local, multicast or "
                    "reserved address",
                )
    return resolved[0]


# --- registration ----------------------------------------------------------------------


class InvalidUrl(DomainError):
    """Not an http(s) URL with a host (or one carrying credentials, or a bad port)."""


class HttpsRequired(DomainError):
    """Production takes https endpoints only."""


class ForbiddenAddress(DomainError):
    """Production: the host resolves to a private, loopback, link-local, multicast or
    reserved address."""


class UnresolvableHost(DomainError):
    """Production: the host does not resolve (nothing could be checked)."""


class UnknownEventType(DomainError):
    """A type no endpoint may subscribe to."""


class NoEventTypes(DomainError):
    """An endpoint is registered for at least one event type."""


class EndpointNotFound(NotFound):
    """No such endpoint of this partner (another partner's is the same)."""


class WebhookDeliveryNotFound(NotFound):
    """No such delivery of this endpoint."""


class DeliveryInProgress(Conflict):
    """The delivery is still pending or being sent: it will be tried anyway."""


_UNSAFE: dict[str, type[DomainError]] = {
    "invalid_url": InvalidUrl,
    "https_required": HttpsRequired,
    "forbidden_address": ForbiddenAddress,
    "unresolvable_host": UnresolvableHost,
}


def refusal(exc: UnsafeUrl) -> DomainError:
    """An unsafe URL as the typed rule it broke."""
    return _UNSAFE.get(exc.code, InvalidUrl)(exc.reason, field="url")


def check_event_types(chosen: Iterable[str], known: Iterable[str]) -> list[str]:
    """The chosen types, each once in the order given; none, or one not known, is refused."""
    types = list(dict.fromkeys(chosen))
    if not types:
        raise NoEventTypes("Choose at least one event type.", field="event_types")
    unknown = sorted(set(types) - set(known))
    if unknown:
        raise UnknownEventType(
            f"Not an event type an endpoint may receive: {', '.join(unknown)}.",
            field="event_types",
            unknown=unknown,
        )
    return types


def check_endpoint_url(url: str, *, production: bool) -> tuple[str, int]:
    """(host, port) of a URL fit to register, or the typed rule it breaks. The addresses
    the host resolves to are checked next (:func:`check_resolved`)."""
    try:
        _, host, port = check_url(url, production=production)
    except UnsafeUrl as exc:
        raise refusal(exc) from exc
    return host, port


def check_resolved(addresses: Iterable[str], *, production: bool) -> None:
    try:
        check_addresses(addresses, production=production)
    except UnsafeUrl as exc:
        raise refusal(exc) from exc
