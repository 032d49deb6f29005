"""What users of a good API expect: sessions, CSRF, problem bodies, Idempotency-Key,
pagination, rate limits and security headers."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest

from tests.conftest import stack_env
from tests.support.gateways import deployment_database, gateway_copy
from tests.support.portal import Portal
from tools.procs import ServiceProcess
from tools.seed import DEMO

NEW_INVITATION = {"service_id": "o365-e3", "seats": 5}


def assert_problem(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"].endswith(code)
    assert body["title"]
    assert body["detail"]


async def test_anonymous_callers_get_401_problems(portal: Callable[[], Awaitable[Portal]]) -> None:
    anonymous = await portal()
    assert_problem(await anonymous.get("/api/partner/invitations"), 401, "unauthenticated")
    assert_problem(
        await anonymous.post("/api/partner/invitations", json=NEW_INVITATION),
        401,
        "unauthenticated",
    )


async def test_wrong_password_and_unknown_user_look_the_same(
    portal: Callable[[], Awaitable[Portal]],
) -> None:
    client = await portal()
    wrong = await client.sign_in(DEMO.email, "not-the-password")
    unknown = await client.sign_in("nobody@nowhere.example", "whatever-password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"]


async def test_state_changes_need_the_sessions_csrf_token(partner: Portal) -> None:
    missing = await partner.http.post("/api/partner/invitations", json=NEW_INVITATION)
    assert_problem(missing, 403, "csrf_token_invalid")
    forged = await partner.http.post(
        "/api/partner/invitations", json=NEW_INVITATION, headers={"X-CSRF-Token": "forged"}
    )
    assert_problem(forged, 403, "csrf_token_invalid")
    cross_site = await partner.post(
        "/api/partner/invitations", json=NEW_INVITATION, headers={"Origin": "https://evil.example"}
    )
    assert_problem(cross_site, 403, "cross_origin")


async def test_session_cookie_is_hardened_new_at_sign_in_and_gone_at_sign_out(
    portal: Callable[[], Awaitable[Portal]],
) -> None:
    client = await portal()
    client.http.cookies.set("portal_session", "planted-by-an-attacker")
    response = await client.sign_in(DEMO.email, DEMO.password)
    cookie = response.headers.get_list("set-cookie")
    session_cookie = next(c for c in cookie if c.startswith("portal_session="))
    assert "HttpOnly" in session_cookie
    assert "SameSite=lax" in session_cookie.replace("Lax", "lax")
    assert "planted-by-an-attacker" not in session_cookie
    assert (await client.get("/api/session")).status_code == 200
    assert (await client.delete("/api/session")).status_code == 204
    assert_problem(await client.get("/api/session"), 401, "unauthenticated")


async def test_invalid_bodies_get_field_errors(partner: Portal) -> None:
    response = await partner.post(
        "/api/partner/invitations", json={"service_id": "o365-e3", "seats": 0, "extra": 1}
    )
    assert_problem(response, 422, "invalid_request")
    fields = {tuple(e["loc"][-1:]) for e in response.json()["errors"]}
    assert {("seats",), ("extra",)} <= fields


async def test_rule_violations_from_a_service_are_problems(partner: Portal) -> None:
    response = await partner.post(
        "/api/partner/invitations", json={"service_id": "no-such-service", "seats": 1}
    )
    assert_problem(response, 404, "unknown_service")


async def test_idempotency_key_gives_one_effect_and_the_same_answer(partner: Portal) -> None:
    headers = {"Idempotency-Key": "key-0123456789-a"}
    first = await partner.post("/api/partner/invitations", json=NEW_INVITATION, headers=headers)
    second = await partner.post("/api/partner/invitations", json=NEW_INVITATION, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    listed = (await partner.get("/api/partner/invitations", params={"limit": 200})).json()
    ids = [i["invitation_id"] for i in listed["items"]]
    assert ids.count(first.json()["invitation_id"]) == 1
    other = await partner.post(
        "/api/partner/invitations", json={**NEW_INVITATION, "seats": 6}, headers=headers
    )
    assert_problem(other, 422, "idempotency_key_reused")


async def test_lists_paginate_without_gaps_or_repeats(partner: Portal) -> None:
    for _ in range(5):
        assert (await partner.post("/api/partner/invitations", json=NEW_INVITATION)).is_success
    everything = (await partner.get("/api/partner/invitations", params={"limit": 200})).json()
    seen: list[str] = []
    params: dict[str, str | int] = {"limit": 2}
    while True:
        page = (await partner.get("/api/partner/invitations", params=params)).json()
        assert len(page["items"]) <= 2
        seen += [i["invitation_id"] for i in page["items"]]
        if not page["next_cursor"]:
            break
        params = {"limit": 2, "cursor": page["next_cursor"]}
    assert seen == [i["invitation_id"] for i in everything["items"]]


async def test_a_cursor_not_issued_by_a_list_is_a_problem(partner: Portal) -> None:
    for path in (
        "/api/partner/invitations",
        "/api/partner/offers",
        "/api/partner/delegation-requests",
        "/api/partner/delegations",
    ):
        response = await partner.get(path, params={"cursor": "not-a-cursor"})
        assert_problem(response, 422, "invalid_cursor")


async def test_a_service_404_and_a_gateway_404_have_one_body(
    stack: dict[str, ServiceProcess], partner: Portal
) -> None:
    """One problem format: the services' own 404s (read directly on their internal
    endpoints) have the very keys of the gateway's, and so do the ones it relays."""
    gateway = await partner.get("/api/nope")
    assert_problem(gateway, 404, "not_found")
    keys = set(gateway.json())
    assert keys >= {"type", "title", "status", "detail", "instance", "code"}
    nobody = "00000000-0000-4000-8000-000000000000"
    internal = {
        "invitations": f"/internal/invitations/{nobody}",
        "offers": f"/internal/offers/{nobody}",
        "delegation": f"/internal/requests/{nobody}",
        "directory": f"/internal/customers/{nobody}/subscriptions/{nobody}/assignments",
    }
    async with httpx.AsyncClient() as http:
        for name, path in internal.items():
            answer = await http.get(stack[name].url + path)
            assert answer.status_code == 404, (name, answer.text)
            assert answer.headers["content-type"] == "application/problem+json", name
            body = answer.json()
            assert set(body) == keys, (name, body)
            assert body["type"] == gateway.json()["type"].replace("not_found", body["code"])
            assert body["instance"] == path
    relayed = await partner.get(f"/api/partner/invitations/{nobody}")
    assert relayed.status_code == 404, relayed.text
    assert set(relayed.json()) == keys


async def test_every_list_answers_next_cursor_and_refuses_a_foreign_cursor(
    partner: Portal,
) -> None:
    for path in (
        "/api/partner/invitations",
        "/api/partner/offers",
        "/api/partner/delegation-requests",
        "/api/partner/delegations",
        "/api/partner/audit",
        "/api/partner/customers",
    ):
        page = await partner.get(path, params={"limit": 1})
        assert page.status_code == 200, (path, page.text)
        assert set(page.json()) == {"items", "next_cursor"}, path
        assert_problem(await partner.get(path, params={"cursor": "x"}), 422, "invalid_cursor")


async def test_security_headers_on_every_answer(partner: Portal) -> None:
    for response in (await partner.get("/api/session"), await partner.get("/api/nope")):
        csp = response.headers["content-security-policy"]
        assert "default-src 'self'" in csp
        assert "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"


STRICT = {"PORTAL_SIGN_IN_PER_MINUTE": "3", "PORTAL_PUBLIC_PAGES_PER_MINUTE": "4"}


@pytest.fixture
async def strict_gateway(stack: dict[str, ServiceProcess]) -> AsyncIterator[ServiceProcess]:
    """A second gateway deployment with the production-like limits (3 sign-ins a minute)."""
    async with (
        deployment_database("strict") as dsn,
        gateway_copy(stack, stack_env(dsn), "strict", STRICT) as gateway,
    ):
        yield gateway


async def test_sign_in_and_public_pages_are_rate_limited(strict_gateway: ServiceProcess) -> None:
    async with httpx.AsyncClient(base_url=strict_gateway.url) as client:
        answers = [
            await client.post("/api/session", json={"email": "x@y.example", "password": "nope"})
            for _ in range(4)
        ]
        assert [a.status_code for a in answers] == [401, 401, 401, 429]
        assert_problem(answers[-1], 429, "too_many_requests")
        assert int(answers[-1].headers["retry-after"]) >= 1
        pages = [await client.get("/api/public/invitations/" + "x" * 32) for _ in range(5)]
        assert [p.status_code for p in pages][-1] == 429


async def test_the_rate_limits_hold_across_the_instances_of_a_deployment(
    stack: dict[str, ServiceProcess],
) -> None:
    """Two instances on one database: a client's attempts spread over both get the limit once
    (three sign-ins, four public pages a minute), not once per instance."""
    async with (
        deployment_database("pair") as dsn,
        gateway_copy(stack, stack_env(dsn), "pair-a", STRICT) as a,
        gateway_copy(stack, stack_env(dsn), "pair-b", STRICT) as b,
        httpx.AsyncClient() as client,
    ):
        attempt = {"email": f"nobody-{uuid.uuid4().hex[:8]}@y.example", "password": "nope"}
        sign_ins = [
            await client.post(f"{gateway.url}/api/session", json=attempt)
            for gateway in (a, b, a, b, a)
        ]
        assert [r.status_code for r in sign_ins] == [401, 401, 401, 429, 429]
        assert_problem(sign_ins[3], 429, "too_many_requests")
        assert int(sign_ins[3].headers["retry-after"]) >= 1
        pages = [
            await client.get(f"{gateway.url}/api/public/invitations/{'x' * 32}")
            for gateway in (b, a, b, a, b)
        ]
        assert [p.status_code for p in pages] == [404, 404, 404, 404, 429]


async def test_a_code_cannot_walk_into_other_internal_paths(
    portal: Callable[[], Awaitable[Portal]],
) -> None:
    visitor = await portal()
    for code in ("..%2F..%2Fcatalogue", "%2E%2E%2F" * 6 + "x", "a" * 10 + "%00" + "b" * 10):
        response = await visitor.get(f"/api/public/invitations/{code}")
        assert response.status_code in (404, 422), response.text
        assert response.headers["content-type"] == "application/problem+json"
