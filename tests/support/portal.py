"""An HTTP client of the gateway that behaves like the web page: it keeps the session
cookie and echoes the CSRF token on every state-changing request."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.support import secrets

PASSWORD = "correct horse battery"  # every signed-up customer admin's
secrets.remember(PASSWORD)


class Portal:
    def __init__(self, base_url: str) -> None:
        self.http = httpx.AsyncClient(base_url=base_url, timeout=30)
        self.csrf = ""
        self.user: dict[str, Any] = {}

    async def close(self) -> None:
        await self.http.aclose()

    def _remember(self, response: httpx.Response) -> httpx.Response:
        secrets.remember(*(c.value for c in self.http.cookies.jar))
        if response.status_code < 300 and "temporary_password" in response.text:
            body = response.json()
            secrets.remember(body.get("temporary_password") if isinstance(body, dict) else None)
        if response.status_code < 300 and "csrf_token" in response.text:
            body = response.json()
            self.csrf = body.get("csrf_token", self.csrf)
            self.user = body.get("user", self.user)
        return response

    async def sign_in(self, email: str, password: str) -> httpx.Response:
        secrets.remember(password)
        response = await self.http.post("/api/session", json={"email": email, "password": password})
        return self._remember(response)

    async def sign_up(self, tag: str | None = None, **extra: Any) -> dict[str, Any]:
        tag = tag or uuid.uuid4().hex[:8]
        response = await self.http.post(
            "/api/signup",
            json={
                **extra,
                "name": f"Contoso {tag}",
                "domain": f"contoso-{tag}.example",
                "contact_email": f"it@contoso-{tag}.example",
                "admin": {
                    "email": f"admin@contoso-{tag}.example",
                    "display_name": "Chris Admin",
                    "password": PASSWORD,
                },
            },
        )
        assert response.status_code == 201, response.text
        self._remember(response)
        return dict(response.json()["customer"])

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.http.get(path, **kwargs)

    async def post(self, path: str, json: Any = None, **kwargs: Any) -> httpx.Response:
        headers = {"X-CSRF-Token": self.csrf, **kwargs.pop("headers", {})}
        return self._remember(await self.http.post(path, json=json, headers=headers, **kwargs))

    async def put(self, path: str, json: Any = None, **kwargs: Any) -> httpx.Response:
        headers = {"X-CSRF-Token": self.csrf, **kwargs.pop("headers", {})}
        return self._remember(await self.http.put(path, json=json, headers=headers, **kwargs))

    async def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"X-CSRF-Token": self.csrf, **kwargs.pop("headers", {})}
        return await self.http.delete(path, headers=headers, **kwargs)

    @property
    def company_id(self) -> str:
        return str(self.user["company_id"])

    @property
    def user_id(self) -> str:
        return str(self.user["user_id"])
