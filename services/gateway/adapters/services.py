"""Clients of the services' internal read endpoints (loopback HTTP)."""

from __future__ import annotations

from typing import Any

import httpx

from services.gateway.problems import Problem


class ServiceClient:
    def __init__(self, name: str, base_url: str) -> None:
        self.name = name
        self._http = httpx.AsyncClient(base_url=base_url, timeout=10.0)

    async def get(self, path: str, **params: Any) -> Any:
        query = {k: str(v) for k, v in params.items() if v is not None}
        try:
            response = await self._http.get(path, params=query)
        except httpx.HTTPError as exc:
            raise Problem(
                503, "service_unavailable", f"The {self.name} service is not answering."
            ) from exc
        if response.status_code == 404:
            raise Problem(404, "not_found", "No such resource.")
        if response.status_code >= 400:
            raise Problem(502, "upstream_error", f"The {self.name} service failed.")
        return response.json()

    async def post(self, path: str, body: dict[str, Any]) -> httpx.Response:
        try:
            return await self._http.post(path, json=body)
        except httpx.HTTPError as exc:
            raise Problem(
                503, "service_unavailable", f"The {self.name} service is not answering."
            ) from exc

    async def close(self) -> None:
        await self._http.aclose()
