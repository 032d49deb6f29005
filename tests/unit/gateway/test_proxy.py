"""Forwarded / X-Forwarded-* believed from configured proxies only (services/gateway/proxy.py),
and the Origin check of the edge seeing the scheme and host the client used."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from services.gateway.middleware import Edge
from services.gateway.proxy import ProxyHeaders, parse_networks


async def echo(scope: Scope, receive: Receive, send: Send) -> None:
    """What the app behind the layers sees."""
    headers = dict(scope["headers"])
    body = f"{scope['client'][0]} {scope['scheme']} {headers[b'host'].decode()}".encode()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})


def client(trusted: str, peer: str) -> httpx.AsyncClient:
    app = ProxyHeaders(Edge(echo, access_log=False), trusted=parse_networks(trusted.split(",")))
    transport = httpx.ASGITransport(app=app, client=(peer, 51000))
    return httpx.AsyncClient(transport=transport, base_url="http://gateway.internal")


async def seen(trusted: str, peer: str, headers: dict[str, str], method: str = "GET") -> Any:
    async with client(trusted, peer) as http:
        answer = await http.request(method, "/x", headers=headers)
    return answer.status_code, answer.text


TLS_PROXY = {
    "X-Forwarded-For": "203.0.113.7",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "portal.example",
}


async def test_a_trusted_proxy_names_the_client_scheme_and_host() -> None:
    assert await seen("10.0.0.5", "10.0.0.5", TLS_PROXY) == (
        200,
        "203.0.113.7 https portal.example",
    )
    # A CIDR, and a chain: the first address from the right that is no trusted proxy.
    chain = {**TLS_PROXY, "X-Forwarded-For": "198.51.100.1, 203.0.113.7, 10.1.2.3"}
    assert (await seen("10.0.0.0/8", "10.0.0.5", chain))[1].startswith("203.0.113.7 ")


@pytest.mark.parametrize("trusted", ["", "10.0.0.5"])
async def test_from_any_other_peer_the_headers_change_nothing(trusted: str) -> None:
    forged = {**TLS_PROXY, "Forwarded": "for=203.0.113.9;proto=https;host=portal.example"}
    assert await seen(trusted, "192.0.2.50", forged) == (
        200,
        "192.0.2.50 http gateway.internal",
    )


async def test_forwarded_rfc7239_wins_over_x_forwarded() -> None:
    headers = {
        "Forwarded": 'for="[2001:db8::7]:4711";Proto=HTTPS;host=Portal.Example, for=10.0.0.9',
        "X-Forwarded-For": "198.51.100.99",
    }
    assert await seen("10.0.0.0/8", "10.0.0.5", headers) == (
        200,
        "2001:db8::7 https portal.example",
    )
    # An obfuscated node is no address: the client stays the proxy, the scheme is still known.
    hidden = {"Forwarded": "for=_hidden;proto=https;host=portal.example"}
    assert (await seen("10.0.0.5", "10.0.0.5", hidden))[1] == "10.0.0.5 https portal.example"


async def test_the_origin_check_passes_over_https_only_through_a_trusted_proxy() -> None:
    headers = {**TLS_PROXY, "Origin": "https://portal.example", "Host": "portal.example"}
    assert (await seen("10.0.0.5", "10.0.0.5", headers, "POST"))[0] == 200
    # The same request straight from an untrusted peer: http://portal.example is not the
    # origin, so it is refused as it always was.
    assert (await seen("10.0.0.5", "192.0.2.50", headers, "POST"))[0] == 403


def test_a_bad_entry_fails_the_settings_at_start_up() -> None:
    from services.gateway.config import Settings

    assert Settings(trusted_proxies="10.0.0.1, 172.16.0.0/12").trusted_networks == (
        *parse_networks(["10.0.0.1", "172.16.0.0/12"]),
    )
    with pytest.raises(ValueError, match="trusted_proxies"):
        Settings(trusted_proxies="10.0.0.1,proxy.example")
