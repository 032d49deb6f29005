"""Partner webhooks through the gateway, on the real stack and a real receiver on loopback:
a partner's Global admin registers an endpoint (the secret shown once), an event of that
partner arrives signed (500, 500, then 200: three times, one webhook-id, each verified with
the independent ``standardwebhooks`` package), the delivery log shows each attempt, a
redeliver sends the same id again, a disabled endpoint gets nothing, another partner neither
gets the events nor sees or changes the endpoint, a non-admin is refused, bad input is a
typed 422 that creates nothing, and an endpoint that keeps failing is disabled and its
owner's Global admins are e-mailed once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from standardwebhooks import Webhook

from tests.conftest import Mailbox
from tests.e2e.test_acting_for_customers import new_partner_user
from tests.e2e.test_security import register_partner
from tests.e2e.test_trial_flow import create_invitation
from tests.support import secrets
from tests.support.bus import Bus
from tests.support.portal import Portal
from tests.support.wait import eventually
from tests.support.webhook_receiver import Receiver, receiving

CREATED = "portal.invitations.TrialInvitationCreated.v1"
BASE = "/api/partner/webhooks"
SETTLE = 2.0  # the stack's webhook sender looks every 0.2 s: anything due came by then


async def new_partner(bus: Bus, portal: Callable[[], Awaitable[Portal]], tag: str) -> Portal:
    email, password = await register_partner(bus, f"{tag}{uuid.uuid4().hex[:4]}")
    client = await portal()
    assert (await client.sign_in(email, password)).status_code == 200
    return client


async def register(client: Portal, url: str, types: list[str] | None = None) -> dict[str, Any]:
    answer = await client.post(
        BASE, json={"url": url, "event_types": types or [CREATED], "description": "PSA"}
    )
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    secrets.remember(body["secret"])
    return body


def _for(recv: Receiver, event_id: str) -> list[tuple[dict[str, str], str]]:
    return [(h, b) for h, b in recv.got if f'"id":"{event_id}"' in b]


async def _invitation_event(client: Portal, bus: Bus) -> str:
    """The id of the TrialInvitationCreated event of a new invitation."""
    invitation = await create_invitation(client)
    [event] = await bus.wait_for(
        lambda e: e.type == CREATED and e.data["invitation_id"] == invitation["invitation_id"]
    )
    return event.headers["ce_id"]


async def until(fact: Callable[[], object], timeout: float = 30) -> None:
    async def probe() -> bool:
        return bool(fact())

    await eventually(probe, timeout=timeout)


async def test_an_event_reaches_the_endpoint_signed_retried_under_one_id_and_is_logged(
    bus: Bus, portal: Callable[[], Awaitable[Portal]]
) -> None:
    partner = await new_partner(bus, portal, "hook")
    async with receiving() as recv:
        endpoint = await register(partner, recv.url)
        assert endpoint["secret"].startswith("whsec_")
        assert endpoint["event_types"] == [CREATED]
        assert endpoint["enabled"]
        # The secret is shown once: no read answers it.
        listed = await partner.get(BASE)
        shown = await partner.get(f"{BASE}/{endpoint['endpoint_id']}")
        assert endpoint["secret"] not in listed.text + shown.text
        assert [e["endpoint_id"] for e in listed.json()["items"]] == [endpoint["endpoint_id"]]

        recv.script = [500, 500]
        event_id = await _invitation_event(partner, bus)
        await until(lambda: len(_for(recv, event_id)) >= 3)
        await asyncio.sleep(SETTLE)
        got = _for(recv, event_id)
        assert len(got) == 3
        ids = {headers["webhook-id"] for headers, _ in got}
        assert len(ids) == 1
        for headers, body in got:
            payload = Webhook(endpoint["secret"]).verify(body, dict(headers))
            assert payload["type"] == CREATED
            assert payload["id"] == event_id
            assert payload["data"]["partner_id"] == partner.company_id

        detail = (await partner.get(f"{BASE}/{endpoint['endpoint_id']}")).json()
        [delivery] = detail["deliveries"]
        assert delivery["delivery_id"] == ids.pop()
        assert delivery["status"] == "delivered"
        assert delivery["attempts"] == 3
        assert [t["http_status"] for t in delivery["tries"]] == [500, 500, 200]
        assert all(t["response_ms"] is not None for t in delivery["tries"])

        # Redeliver: the same webhook-id once more.
        again = await partner.post(
            f"{BASE}/{endpoint['endpoint_id']}/deliveries/{delivery['delivery_id']}/redeliver"
        )
        assert again.status_code == 202, again.text
        await until(lambda: len(_for(recv, event_id)) == 4)
        headers, body = _for(recv, event_id)[-1]
        assert headers["webhook-id"] == delivery["delivery_id"]
        Webhook(endpoint["secret"]).verify(body, dict(headers))

        # Rotated: the new secret verifies, and so does the old one for the grace period.
        rotated = await partner.post(f"{BASE}/{endpoint['endpoint_id']}/rotate-secret")
        assert rotated.status_code == 200, rotated.text
        new = rotated.json()["secret"]
        secrets.remember(new)
        assert new != endpoint["secret"]
        assert rotated.json()["previous_secret_until"]
        after = await _invitation_event(partner, bus)
        await until(lambda: _for(recv, after))
        [(headers, body)] = _for(recv, after)
        Webhook(new).verify(body, dict(headers))
        Webhook(endpoint["secret"]).verify(body, dict(headers))

        # Disabled: nothing more arrives.
        disabled = await partner.post(f"{BASE}/{endpoint['endpoint_id']}/disable")
        assert disabled.status_code == 200, disabled.text
        assert disabled.json()["enabled"] is False
        assert disabled.json()["disabled_reason"]
        before = len(recv.got)
        quiet = await _invitation_event(partner, bus)
        await asyncio.sleep(SETTLE)
        assert len(recv.got) == before
        assert not _for(recv, quiet)

        enabled = await partner.post(f"{BASE}/{endpoint['endpoint_id']}/enable")
        assert enabled.status_code == 200
        assert enabled.json()["enabled"] is True

        deleted = await partner.delete(f"{BASE}/{endpoint['endpoint_id']}")
        assert deleted.status_code == 204, deleted.text
        gone = await partner.get(f"{BASE}/{endpoint['endpoint_id']}")
        assert gone.status_code == 404
        assert gone.json()["code"] == "endpoint_not_found"
        assert (await partner.get(BASE)).json()["items"] == []


async def test_another_partner_neither_hears_nor_sees_nor_changes_the_endpoint(
    bus: Bus, portal: Callable[[], Awaitable[Portal]]
) -> None:
    a = await new_partner(bus, portal, "hook-a")
    b = await new_partner(bus, portal, "hook-b")
    async with receiving() as recv_a, receiving() as recv_b:
        ours = await register(a, recv_a.url)
        await register(b, recv_b.url)
        event_id = await _invitation_event(a, bus)
        await until(lambda: _for(recv_a, event_id))
        await asyncio.sleep(SETTLE)
        assert recv_b.got == []

        [delivery] = (await a.get(f"{BASE}/{ours['endpoint_id']}")).json()["deliveries"]
        path = f"{BASE}/{ours['endpoint_id']}"
        for answer in (
            await b.get(path),
            await b.post(f"{path}/disable"),
            await b.post(f"{path}/enable"),
            await b.post(f"{path}/rotate-secret"),
            await b.post(f"{path}/deliveries/{delivery['delivery_id']}/redeliver"),
            await b.delete(path),
        ):
            assert answer.status_code == 404, answer.text
            assert answer.json()["code"] == "endpoint_not_found"
        assert ours["endpoint_id"] not in (await b.get(BASE)).text
        # A's endpoint is as it was, and still delivers with its secret.
        kept = (await a.get(path)).json()
        assert kept["enabled"]
        assert kept["previous_secret_until"] is None
        assert len(_for(recv_a, event_id)) == 1


async def test_only_a_partners_global_admin_manages_webhooks(
    partner: Portal, customer: Portal, portal: Callable[[], Awaitable[Portal]]
) -> None:
    email = f"hooks-{uuid.uuid4().hex[:10]}@fabrikam.example"
    user = await new_partner_user(
        partner, portal, email, display_name="Not an admin", supported_access="full"
    )
    some = uuid.uuid4()
    for client, code in ((user, "partner_admin_only"), (customer, "partner_only")):
        for answer in (
            await client.get(BASE),
            await client.get(f"{BASE}/event-types"),
            await client.post(BASE, json={"url": "http://127.0.0.1:9/x", "event_types": [CREATED]}),
            await client.get(f"{BASE}/{some}"),
            await client.post(f"{BASE}/{some}/disable"),
            await client.post(f"{BASE}/{some}/rotate-secret"),
            await client.delete(f"{BASE}/{some}"),
        ):
            assert answer.status_code == 403, answer.text
            assert answer.json()["code"] == code


async def test_bad_input_is_a_typed_422_and_creates_nothing(
    bus: Bus, portal: Callable[[], Awaitable[Portal]]
) -> None:
    partner = await new_partner(bus, portal, "hook-bad")
    types = (await partner.get(f"{BASE}/event-types")).json()["items"]
    assert CREATED in types
    assert "portal.notifications.EmailDelivered.v1" not in types
    cases = [
        ({"url": "not a url", "event_types": [CREATED]}, "invalid_url"),
        ({"url": "ftp://example.com/hook", "event_types": [CREATED]}, "invalid_url"),
        ({"url": "https://user:pw@example.com/hook", "event_types": [CREATED]}, "invalid_url"),
        ({"url": "https://example.com/hook", "event_types": ["portal.nope.Nothing.v1"]},
         "unknown_event_type"),
        ({"url": "https://example.com/hook",
          "event_types": ["portal.notifications.EmailDelivered.v1"]}, "unknown_event_type"),
        ({"url": "https://example.com/hook", "event_types": []}, "no_event_types"),
    ]  # fmt: skip
    for body, code in cases:
        answer = await partner.post(BASE, json=body)
        assert answer.status_code == 422, (body, answer.text)
        problem = answer.json()
        assert problem["code"] == code, (body, problem)
        assert problem["type"].endswith("/" + code)
    assert (await partner.get(BASE)).json()["items"] == []


async def test_an_endpoint_that_keeps_failing_is_disabled_and_its_admins_told_once(
    bus: Bus, portal: Callable[[], Awaitable[Portal]], mailbox: Mailbox
) -> None:
    partner = await new_partner(bus, portal, "hook-fail")
    admin = str(partner.user["email"])
    async with receiving() as recv:
        recv.script = [503] * 100
        endpoint = await register(partner, recv.url)
        await _invitation_event(partner, bus)
        path = f"{BASE}/{endpoint['endpoint_id']}"

        async def disabled() -> dict[str, Any] | None:
            shown: dict[str, Any] = (await partner.get(path)).json()
            return shown if not shown["enabled"] else None

        shown = await eventually(disabled, timeout=60)
        assert shown is not None
        assert shown["disabled_by_sender"]
        assert "6 attempts" in shown["disabled_reason"]
        tries = len(recv.got)
        await _invitation_event(partner, bus)
        await asyncio.sleep(SETTLE)
        assert len(recv.got) == tries == 6

    def told() -> list[Any]:
        return [m for m in mailbox if str(m["To"]) == admin and "webhook" in str(m["Subject"])]

    await until(told)
    await asyncio.sleep(SETTLE)
    [message] = told()
    text = message.get_body(("plain",))
    assert text is not None
    assert recv.url in text.get_content()
    assert "/partner/webhooks" in text.get_content()
