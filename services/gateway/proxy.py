"""Behind a TLS-terminating proxy: the client, scheme and host the proxy saw, as plain ASGI.

``Forwarded`` (RFC 7239) or, without it, ``X-Forwarded-For`` / ``-Proto`` / ``-Host`` are
read only when the immediate peer is one of the configured proxies (``PORTAL_TRUSTED_PROXIES``,
addresses or CIDRs; default none). From any other peer they are ignored, so that nobody picks
their own rate-limit bucket or makes a plain-http request look like https. Along a chain of
proxies the client is the first address, from the right, that is not itself a trusted proxy.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """``10.0.0.1``, ``10.0.0.0/8``, ``::1``; a bad entry raises ValueError."""
    return tuple(ipaddress.ip_network(e.strip(), strict=False) for e in entries if e.strip())


class TrustedProxies:
    def __init__(self, networks: tuple[Network, ...]) -> None:
        self._networks = networks
        self._known: dict[str, bool] = {}

    def __contains__(self, address: object) -> bool:
        if not isinstance(address, str):
            return False
        trusted = self._known.get(address)
        if trusted is None:
            try:
                ip = ipaddress.ip_address(address.strip("[]"))
            except ValueError:
                trusted = False
            else:
                trusted = any(ip in net for net in self._networks)
            if len(self._known) > 4096:  # peers are few; a flood of them must not grow it
                self._known.clear()
            self._known[address] = trusted
        return trusted


class ProxyHeaders:
    """Outermost layer: rewrites ``client``, ``scheme`` and the ``host`` header in the scope."""

    def __init__(self, app: ASGIApp, *, trusted: tuple[Network, ...] = ()) -> None:
        self.app = app
        self.trusted = TrustedProxies(trusted)
        self.enabled = bool(trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.enabled and scope["type"] in ("http", "websocket"):
            peer = scope.get("client")
            if peer and peer[0] in self.trusted:
                _apply(scope, self.trusted)
        await self.app(scope, receive, send)


def _apply(scope: Scope, trusted: TrustedProxies) -> None:
    forwarded: list[bytes] = []
    xff: list[bytes] = []
    proto: list[bytes] = []
    host: list[bytes] = []
    for name, value in scope["headers"]:
        if name == b"forwarded":
            forwarded.append(value)
        elif name == b"x-forwarded-for":
            xff.append(value)
        elif name == b"x-forwarded-proto":
            proto.append(value)
        elif name == b"x-forwarded-host":
            host.append(value)
    if forwarded:
        hop = _client_hop(_forwarded_elements(forwarded), trusted)
    elif xff:
        hop = _x_forwarded(xff, proto, host, trusted)
    else:
        return
    if hop is None:
        return
    client, scheme, new_host = hop
    if client:
        scope["client"] = (client, 0)
    if scheme in ("http", "https"):
        scope["scheme"] = (
            scheme if scope["type"] == "http" else {"http": "ws", "https": "wss"}[scheme]
        )
    if new_host:
        scope["headers"] = [
            *((k, v) for k, v in scope["headers"] if k != b"host"),
            (b"host", new_host.encode("latin-1")),
        ]


Hop = tuple[str | None, str | None, str | None]  # client address, scheme, host
_WS = {"http": "ws", "https": "wss"}


def _forwarded_elements(values: list[bytes]) -> list[dict[str, str]]:
    elements: list[dict[str, str]] = []
    for value in values:
        for element in value.decode("latin-1").split(","):
            pairs: dict[str, str] = {}
            for pair in element.split(";"):
                key, sep, val = pair.partition("=")
                if sep:
                    pairs[key.strip().lower()] = val.strip().strip('"')
            elements.append(pairs)
    return elements


def _node(value: str | None) -> str | None:
    """``for=`` node: ``192.0.2.1``, ``"192.0.2.1:4711"``, ``"[2001:db8::1]:80"``; an
    obfuscated or unknown node (``_hidden``, ``unknown``) is no address."""
    if not value:
        return None
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else None
    if value.count(":") == 1:
        value = value.split(":")[0]
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return None
    return value


def _client_hop(elements: list[dict[str, str]], trusted: TrustedProxies) -> Hop | None:
    # Each element was added by the proxy that received the request from the node in its
    # ``for=``: the first untrusted node from the right is the client, and that element's
    # proto and host are what the client used.
    chosen: dict[str, str] | None = None
    for element in reversed(elements):
        chosen = element
        if _node(element.get("for")) not in trusted:
            break
    if chosen is None:
        return None
    proto, host = chosen.get("proto", "").lower(), chosen.get("host", "").lower()
    return _node(chosen.get("for")), proto or None, host or None


def _x_forwarded(
    xff: list[bytes], proto: list[bytes], host: list[bytes], trusted: TrustedProxies
) -> Hop | None:
    addresses = _values(xff)
    if not addresses:
        return None
    index = len(addresses) - 1
    while index > 0 and addresses[index] in trusted:
        index -= 1
    client = _node(addresses[index])
    return (
        client,
        _aligned(_values(proto), index, len(addresses)),
        _aligned(_values(host), index, len(addresses)),
    )


def _values(raw: list[bytes]) -> list[str]:
    return [v.strip() for value in raw for v in value.decode("latin-1").split(",") if v.strip()]


def _aligned(values: list[str], index: int, hops: int) -> str | None:
    """One value per hop: the client's; otherwise (one proxy set it) the nearest one's."""
    if not values:
        return None
    return (values[index] if len(values) == hops else values[-1]).lower()
