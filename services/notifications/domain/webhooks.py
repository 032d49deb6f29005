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
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal
from urllib.parse import urlsplit
from uuid import UUID

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # the spec asks for 24 to 64 random bytes

# The fields of an event that name a company (the same audience rule as the gateway's live
# stream, services/gateway/live.py): a partner hears of events that name it.
AUDIENCE_FIELDS = (
    "partner_id",
    "partner_of_record",
    "acting_partner_id",
    "customer_id",
    "company_id",
)


def new_secret(random_bytes: Callable[[int], bytes] = secrets.token_bytes) -> str:
    """``whsec_`` + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(random_bytes(SECRET_BYTES)).decode("ascii")


def secret_key(secret: str) -> bytes:
    """The bytes a secret names (the base64 after ``whsec_``)."""
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError("a webhook secret starts with whsec_")
    key = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    if not 24 <= len(key) <= 64:
        raise ValueError("a webhook secret holds 24 to 64 bytes")
    return key


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


def audience(payload: Mapping[str, Any]) -> frozenset[str]:
    """The companies an event's payload names (``AUDIENCE_FIELDS``)."""
    return frozenset(str(payload[f]) for f in AUDIENCE_FIELDS if payload.get(f))


def concerns_partner(payload: Mapping[str, Any], partner_id: UUID) -> bool:
    """The partner is named by the event: about itself, or about a customer whose event names
    it (``partner_of_record``, ``partner_id``); another partner's customers never do."""
    return str(partner_id) in audience(payload)


def without_secrets(value: Any) -> Any:
    """Password hashes travel between services, never to a partner's system."""
    if isinstance(value, dict):
        return {k: without_secrets(v) for k, v in value.items() if "password" not in k}
    if isinstance(value, list):
        return [without_secrets(v) for v in value]
    return value


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
