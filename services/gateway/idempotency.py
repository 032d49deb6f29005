"""The ``Idempotency-Key`` middleware for POST requests."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import orjson
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from services.gateway.adapters.idempotency import KeyInFlight, KeyReused, fingerprint
from services.gateway.security import SESSION_COOKIE, client_address
from shared.problems import Problem, problem_response

HEADER = "idempotency-key"


def install(app: FastAPI) -> None:
    @app.middleware("http")
    async def idempotent(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        key = request.headers.get(HEADER)
        if request.method != "POST" or not key:
            return await call_next(request)
        if not 8 <= len(key) <= 200:
            return problem_response(
                request,
                Problem(
                    422, "invalid_idempotency_key", "Idempotency-Key must be 8 to 200 characters."
                ),
            )
        store = request.app.state.gateway.idempotency
        # Keys are per caller: the session, else the client address.
        owner = request.cookies.get(SESSION_COOKIE) or client_address(request)
        owner = fingerprint("owner", owner, b"").hex()
        body = await request.body()
        try:
            replay = await store.begin(
                owner, key, fingerprint(request.method, request.url.path, body)
            )
        except KeyReused:
            return problem_response(
                request,
                Problem(
                    422,
                    "idempotency_key_reused",
                    "This Idempotency-Key was used for a different request.",
                ),
            )
        except KeyInFlight:
            return problem_response(
                request,
                Problem(
                    409,
                    "idempotency_key_in_flight",
                    "A request with this Idempotency-Key is still being processed.",
                    headers={"Retry-After": "1"},
                ),
            )
        if replay is not None:
            replayed = JSONResponse(replay.body, status_code=replay.status)
            replayed.headers["Idempotent-Replayed"] = "true"
            return replayed
        try:
            response = await call_next(request)
        except BaseException:
            await store.abandon(owner, key)
            raise
        if response.status_code >= 500:
            await store.abandon(owner, key)
            return response
        chunks = [chunk async for chunk in response.body_iterator]  # type: ignore[attr-defined]
        content = b"".join(c if isinstance(c, bytes) else c.encode() for c in chunks)
        await store.finish(
            owner, key, response.status_code, orjson.loads(content) if content else None
        )
        return Response(
            content,
            status_code=response.status_code,
            headers=dict(response.headers),
            media_type=response.media_type,
        )
