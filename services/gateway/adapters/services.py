"""Clients of the services' internal endpoints (loopback HTTP, kept-alive connections).

aiohttp rather than httpx: in a profile of a one-row read, httpx/httpcore took about 45 % of
the gateway's CPU for its one internal call (its pool's locks and anyio streams); aiohttp's
C parser and plain asyncio transport cost a fraction of that.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiohttp
import orjson
from starlette.responses import Response

from shared.problems import Problem


class ServiceClient:
    def __init__(self, name: str, base_url: str, *, connections: int = 64) -> None:
        self.name = name
        self._base = base_url.rstrip("/")
        self._http = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=connections, keepalive_timeout=60),
            timeout=aiohttp.ClientTimeout(total=10.0),
            json_serialize=lambda v: orjson.dumps(v).decode(),
            skip_auto_headers=("User-Agent",),
        )

    async def call(self, method: str, path: str, *, json: Any = None, **params: Any) -> Any:
        """The JSON answer; a service's 4xx problem is passed on as it is, anything else
        becomes a 502/503 problem."""
        content = await self._send(method, path, json=json, **params)
        return orjson.loads(content) if content else None

    async def relay(self, path: str, **params: Any) -> Response:
        """GET a view and hand its JSON bytes on untouched: the service built them from its
        typed view model, and the route's ``response_model`` documents them. Parsing and
        re-serialising here would only cost the gateway CPU."""
        return Response(await self.read(path, **params), media_type="application/json")

    async def read(self, path: str, **params: Any) -> bytes:
        """The JSON bytes of a view (a 4xx or 5xx raises as in ``call``)."""
        return await self._send("GET", path, **params)

    async def _send(self, method: str, path: str, *, json: Any = None, **params: Any) -> bytes:
        query = [(k, s) for k, v in params.items() if v is not None for s in _param(v)]
        try:
            async with self._http.request(
                method, self._base + path, params=query, json=json
            ) as response:
                status = response.status
                content = await response.read()
                retry_after = response.headers.get("retry-after")
        except (ValueError, aiohttp.InvalidURL) as exc:  # a code no URL can carry
            raise Problem(404, "not_found", "No such resource.") from exc
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise Problem(
                503, "service_unavailable", f"The {self.name} service is not answering."
            ) from exc
        if status < 400:
            return content
        if status >= 500:
            raise Problem(502, "upstream_error", f"The {self.name} service failed.")
        try:
            body = orjson.loads(content)
        except orjson.JSONDecodeError:
            body = {}
        if not isinstance(body, dict):
            body = {}
        headers = {"Retry-After": retry_after} if retry_after else None
        code = str(body.get("code") or ("not_found" if status == 404 else "rejected"))
        detail = str(body.get("detail") or "No such resource.")
        raise Problem(status, code, detail, errors=body.get("errors"), headers=headers)

    async def get(self, path: str, **params: Any) -> Any:
        return await self.call("GET", path, **params)

    async def get_or_none(self, path: str, **params: Any) -> Any:
        try:
            return await self.get(path, **params)
        except Problem as problem:
            if problem.status == 404:
                return None
            raise

    async def post(self, path: str, body: dict[str, Any]) -> Any:
        return await self.call("POST", path, json=body)

    async def close(self) -> None:
        await self._http.close()


def _param(value: Any) -> list[str]:
    """A query value as the services read it: lists repeat, datetimes are ISO 8601."""
    if isinstance(value, list | tuple):
        return [str(x) for x in value]
    if isinstance(value, datetime):
        return [value.isoformat()]
    return [str(value)]
