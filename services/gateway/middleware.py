"""The gateway's edge, as plain ASGI: correlation id, security headers, the cross-origin
refusal, request metrics (a duration histogram by route template), the access log, and
``Idempotency-Key`` for POSTs.

Plain ASGI rather than Starlette's ``BaseHTTPMiddleware``: that one runs every request
through an extra task and memory streams per layer, which was about 40 % of the gateway's
CPU in a profile of a one-row read. Here a GET costs a few header operations.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import orjson
from prometheus_client import Counter, Histogram
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.gateway.adapters.idempotency import (
    IdempotencyStore,
    KeyInFlight,
    KeyReused,
    fingerprint,
)
from services.gateway.security import SAFE_METHODS, SECURITY_HEADERS, SESSION_COOKIE
from shared.logging import correlation_id, get_logger
from shared.messaging.client import command_ids, ids_for
from shared.problems import Problem, problem_response

REQUESTS = Counter("portal_gateway_requests_total", "HTTP requests", ["method", "status"])
# Labels stay bounded whatever a client sends: the route's template (not the path), a known
# method or "other", and the status class.
DURATION = Histogram(
    "portal_gateway_request_duration_seconds",
    "HTTP request duration, from the first byte in to the last byte out",
    ["method", "route", "status"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15),
)
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_CLASSES = tuple(f"{n}xx" for n in range(10))
_DURATIONS: dict[tuple[str, str, str], Any] = {}  # bounded: methods x routes x classes
UNMATCHED = "unmatched"
access_log = get_logger("gateway.access")
IDEMPOTENCY_HEADER = "idempotency-key"
_SECURITY = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
_NO_STORE = (b"cache-control", b"no-store")


class Edge:
    """Outermost layer (inside ProxyHeaders): every answer, even a refusal, carries the
    headers, is measured and, unless ``access_log`` is off, logged as one JSON line."""

    def __init__(self, app: ASGIApp, *, access_log: bool = True) -> None:
        self.app = app
        self.access_log = access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        cid = headers.get("x-correlation-id") or str(uuid.uuid4())
        method = scope["method"]
        api = scope["path"].startswith("/api/")
        started = time.perf_counter()
        status = 500  # what the server answers when the app raises before it started one

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                raw = message.setdefault("headers", [])
                if isinstance(raw, tuple):
                    raw = message["headers"] = list(raw)
                raw.extend(_SECURITY)
                raw.append((b"x-correlation-id", cid.encode()))
                if api and not any(name == b"cache-control" for name, _ in raw):
                    raw.append(_NO_STORE)
                REQUESTS.labels(method, str(message["status"])).inc()
            await send(message)

        token = correlation_id.set(cid)
        try:
            if method not in SAFE_METHODS and _cross_origin(scope, headers):
                refused = problem_response(
                    Request(scope),
                    Problem(403, "cross_origin", "Cross-origin requests are refused."),
                )
                await refused(scope, receive, send_with_headers)
            else:
                await self.app(scope, receive, send_with_headers)
        except BaseException:
            # The id stays set (the request's task ends with it): the server's traceback
            # of this failure, logged after we re-raise, carries it.
            self._done(scope, method, status, started)
            raise
        self._done(scope, method, status, started)
        correlation_id.reset(token)

    def _done(self, scope: Scope, method: str, status: int, started: float) -> None:
        seconds = time.perf_counter() - started
        template = _template(scope)
        key = (method if method in _METHODS else "other", template, _CLASSES[status // 100 % 10])
        child = _DURATIONS.get(key)
        if child is None:  # labels() costs a lock and a validation: once per label set
            child = _DURATIONS[key] = DURATION.labels(*key)
        child.observe(seconds)
        if self.access_log:
            client = scope.get("client")
            access_log.info(
                "http_request",
                method=method,
                route=template,
                # A code in the path is a capability: the template names the page instead.
                path=template if "{code" in template else scope["path"],
                status=status,
                duration_ms=round(seconds * 1000, 2),
                client=client[0] if client else "unknown",
            )


def _template(scope: Scope) -> str:
    """The matched route's template; a mount (static files) sets no route, only its root."""
    route = scope.get("route")
    if route is not None:
        return str(route.path_format)
    root = scope.get("root_path")
    return f"{root}/{{path}}" if root else UNMATCHED


def _cross_origin(scope: Scope, headers: Headers) -> bool:
    origin = headers.get("origin")
    if not origin:
        return False
    host = headers.get("host", "")
    return origin.rstrip("/") != f"{scope.get('scheme', 'http')}://{host}"


class Idempotency:
    """A POST with ``Idempotency-Key`` runs once per caller and key; a retry gets the
    first answer again (``Idempotent-Replayed: true``). Everything else passes straight."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        key = Headers(scope=scope).get(IDEMPOTENCY_HEADER)
        if not key:
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        if not 8 <= len(key) <= 200:
            problem = Problem(
                422, "invalid_idempotency_key", "Idempotency-Key must be 8 to 200 characters."
            )
            await problem_response(request, problem)(scope, receive, send)
            return
        store: IdempotencyStore = scope["app"].state.gateway.idempotency
        # Keys are per caller: the session, else the client address.
        caller = request.cookies.get(SESSION_COOKIE) or (
            request.client.host if request.client else "unknown"
        )
        owner = fingerprint("owner", caller, b"").hex()
        body = await request.body()
        try:
            replay = await store.begin(owner, key, fingerprint("POST", scope["path"], body))
        except (KeyReused, KeyInFlight) as exc:
            await problem_response(request, _refusal(exc))(scope, receive, send)
            return
        if replay is not None:
            await _send_json(send, replay.status, replay.body, replayed=True)
            return
        await self._first(scope, _replaying(body), send, store, owner, key)

    async def _first(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        store: IdempotencyStore,
        owner: str,
        key: str,
    ) -> None:
        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        # The request's commands get ids derived from its key: a retry, here or on another
        # gateway, sends the same ones, which the services apply once (shared.messaging.client).
        named = command_ids.set(ids_for(owner, key))
        try:
            await self.app(scope, receive, capture)
        except BaseException:
            await store.abandon(owner, key)
            raise
        finally:
            command_ids.reset(named)
        content = b"".join(chunks)
        status = int(start["status"])
        if status >= 500:
            await store.abandon(owner, key)
        else:
            await store.finish(owner, key, status, orjson.loads(content) if content else None)
        headers = MutableHeaders(raw=list(start.get("headers", [])))
        headers["content-length"] = str(len(content))
        await send({"type": "http.response.start", "status": status, "headers": headers.raw})
        await send({"type": "http.response.body", "body": content})


def _refusal(exc: Exception) -> Problem:
    if isinstance(exc, KeyReused):
        return Problem(
            422, "idempotency_key_reused", "This Idempotency-Key was used for a different request."
        )
    return Problem(
        409,
        "idempotency_key_in_flight",
        "A request with this Idempotency-Key is still being processed.",
        headers={"Retry-After": "1"},
    )


def _replaying(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


async def _send_json(send: Send, status: int, body: Any, *, replayed: bool) -> None:
    content = orjson.dumps(body)
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(content)).encode()),
    ]
    if replayed:
        headers.append((b"idempotent-replayed", b"true"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": content})
