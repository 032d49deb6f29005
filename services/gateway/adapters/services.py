"""Clients of the services' internal endpoints (loopback HTTP)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
from starlette.responses import Response

from shared.problems import Problem


class ServiceClient:
    def __init__(self, name: str, base_url: str) -> None:
        self.name = name
        self._http = httpx.AsyncClient(base_url=base_url, timeout=10.0)

    async def call(self, method: str, path: str, *, json: Any = None, **params: Any) -> Any:
        """The JSON answer; a service's 4xx problem is passed on as it is, anything else
        becomes a 502/503 problem."""
        response = await self._send(method, path, json=json, **params)
        return response.json() if response.content else None

    async def relay(self, path: str, **params: Any) -> Response:
        """GET a view and hand its JSON bytes on untouched: the service built them from its
        typed view model, and the route's ``response_model`` documents them. Parsing and
        re-serialising here would only cost the gateway CPU."""
        response = await self._send("GET", path, **params)
        return Response(response.content, status_code=200, media_type="application/json")

    async def _send(self, method: str, path: str, *, json: Any = None, **params: Any) -> Any:
        query = {k: _param(v) for k, v in params.items() if v is not None}
        try:
            response = await self._http.request(method, path, params=query, json=json)
        except httpx.InvalidURL as exc:  # e.g. a code with characters no URL can carry
            raise Problem(404, "not_found", "No such resource.") from exc
        except httpx.HTTPError as exc:
            raise Problem(
                503, "service_unavailable", f"The {self.name} service is not answering."
            ) from exc
        if response.status_code < 400:
            return response
        if response.status_code >= 500:
            raise Problem(502, "upstream_error", f"The {self.name} service failed.")
        try:
            body = response.json()
        except ValueError:
            body = {}
        if not isinstance(body, dict):
            body = {}
        headers = (
            {"Retry-After": response.headers["retry-after"]}
            if "retry-after" in response.headers
            else None
        )
        code = str(body.get("code") or ("not_found" if response.status_code == 404 else "rejected"))
        detail = str(body.get("detail") or "No such resource.")
        raise Problem(
            response.status_code, code, detail, errors=body.get("errors"), headers=headers
        )

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
        await self._http.aclose()


def _param(value: Any) -> str | list[str]:
    """A query value as the services read it: lists repeat, datetimes are ISO 8601."""
    if isinstance(value, list | tuple):
        return [str(x) for x in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)
