"""Registering a webhook endpoint: each refusal is its typed rule and adds nothing; in
production only https, and no host resolving to a private, loopback or link-local address
(checked after resolution); development and test allow loopback."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from services.notifications import webhook_handlers
from services.notifications.domain.webhooks import new_secret
from shared.contracts.notifications import RegisterWebhookEndpoint
from shared.errors import DomainError

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
TYPE = "portal.invitations.TrialInvitationCreated.v1"


class Endpoints:
    """Records what would be stored (the handler's only write)."""

    def __init__(self) -> None:
        self.added: list[dict[str, Any]] = []

    async def add_endpoint(self, **fields: Any) -> bool:
        self.added.append(fields)
        return True


def _resolving(*addresses: str) -> Any:
    async def resolve(host: str, port: int) -> list[str]:
        return list(addresses)

    return resolve


async def _nowhere(host: str, port: int) -> list[str]:
    raise OSError("Name or service not known")


async def _register(
    url: str, types: list[str], *, production: bool, resolve: Any = None
) -> Endpoints:
    repo = Endpoints()
    cmd = RegisterWebhookEndpoint(
        endpoint_id=uuid.uuid4(),
        partner_id=uuid.uuid4(),
        url=url,
        event_types=types,
        secret=new_secret(),
        registered_by=uuid.uuid4(),
    )
    await webhook_handlers.register_endpoint(
        repo,  # type: ignore[arg-type]
        cmd,
        production=production,
        resolve=resolve or _resolving("93.184.216.34"),
        now=NOW,
    )
    return repo


@pytest.mark.parametrize(
    ("url", "types", "resolve", "code"),
    [
        ("not a url", [TYPE], None, "invalid_url"),
        ("ftp://example.com/x", [TYPE], None, "invalid_url"),
        ("https://u:p@example.com/x", [TYPE], None, "invalid_url"),
        ("https://example.com:99999/x", [TYPE], None, "invalid_url"),
        ("http://example.com/x", [TYPE], None, "https_required"),
        ("https://intranet.example/x", [TYPE], _resolving("10.1.2.3"), "forbidden_address"),
        ("https://localhost/x", [TYPE], _resolving("127.0.0.1"), "forbidden_address"),
        ("https://[::1]/x", [TYPE], _resolving("::1"), "forbidden_address"),
        ("https://meta.example/x", [TYPE], _resolving("169.254.169.254"), "forbidden_address"),
        # One bad address among good ones is enough (a rebinding answer lists both).
        ("https://mixed.example/x", [TYPE], _resolving("93.184.216.34", "192.168.0.1"),
         "forbidden_address"),
        ("https://nowhere.example/x", [TYPE], _nowhere, "unresolvable_host"),
        ("https://example.com/x", ["portal.nope.Nothing.v1"], None, "unknown_event_type"),
        ("https://example.com/x", [], None, "no_event_types"),
    ],
)  # fmt: skip
async def test_production_refuses_each_bad_endpoint_with_its_type(
    url: str, types: list[str], resolve: Any, code: str
) -> None:
    with pytest.raises(DomainError) as refused:
        await _register(url, types, production=True, resolve=resolve)
    assert refused.value.code() == code
    assert refused.value.status == 422


async def test_production_takes_https_to_a_public_address() -> None:
    repo = await _register("https://psa.example/hooks", [TYPE, TYPE], production=True)
    [added] = repo.added
    assert added["event_types"] == [TYPE]  # each type once


async def test_development_takes_http_and_loopback_without_resolving() -> None:
    repo = await _register("http://127.0.0.1:8080/hook", [TYPE], production=False, resolve=_nowhere)
    assert len(repo.added) == 1


async def test_development_still_refuses_what_is_not_a_url_or_a_known_type() -> None:
    for url, types in (("not a url", [TYPE]), ("http://127.0.0.1/x", ["x"]), ("http://h/x", [])):
        with pytest.raises(DomainError):
            await _register(url, types, production=False)
