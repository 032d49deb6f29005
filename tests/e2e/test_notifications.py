"""E-mail through the notifications service, against the real SMTP server the suite starts:
one message per recipient addressed to that recipient alone, retried after temporary
refusals, each delivered once; a command seen twice, or bad input, delivers nothing more."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import orjson

from shared.contracts.common import CommandRejected
from shared.contracts.notifications import LinkEmailQueued, SendLinkByEmail
from shared.contracts.topics import NOTIFICATIONS_COMMANDS, NOTIFICATIONS_EVENTS
from shared.messaging.envelope import encode, headers_for, kafka_headers
from tests.conftest import Mailbox
from tests.e2e.test_trial_flow import create_invitation
from tests.support.bus import Bus
from tests.support.portal import Portal
from tests.support.wait import eventually
from tools.procs import ServiceProcess
from tools.seed import DEMO

# The stack's sender looks every 0.2 s and retries after 0.3 s, 0.6 s, ...: a second copy of
# a message would have arrived well within this.
SETTLE = 2.0


def _addresses(n: int, tag: str) -> list[str]:
    run = uuid.uuid4().hex[:8]
    return [f"{tag}{i}-{run}@contoso.example" for i in range(n)]


def _to(mailbox: Mailbox, address: str) -> list[Any]:
    return [m for m in mailbox if str(m["To"]) == address]


async def _each_received(mailbox: Mailbox, addresses: list[str]) -> None:
    async def all_there() -> bool:
        return all(_to(mailbox, a) for a in addresses)

    await eventually(all_there, timeout=30)
    await asyncio.sleep(SETTLE)


async def _deliveries(partner: Portal, invitation_id: str) -> list[dict[str, Any]]:
    answer = await partner.get(f"/api/partner/invitations/{invitation_id}/deliveries")
    assert answer.status_code == 200, answer.text
    return list(answer.json()["items"])


async def test_three_recipients_get_one_message_each_addressed_to_them_alone(
    partner: Portal, mailbox: Mailbox
) -> None:
    invitation = await create_invitation(partner)
    to = _addresses(3, "buyer")
    sent = await partner.post(
        f"/api/partner/invitations/{invitation['invitation_id']}/send",
        json={"to": to, "message": "One month, on us."},
    )
    assert sent.status_code == 202, sent.text
    queued = sent.json()["deliveries"]
    assert sorted(d["recipient"] for d in queued) == sorted(to)
    assert len({d["delivery_id"] for d in queued}) == 3

    await _each_received(mailbox, to)
    ids = {d["recipient"]: d["delivery_id"] for d in queued}
    for address in to:
        [message] = _to(mailbox, address)  # exactly one
        others = [a for a in to if a != address]
        for name, value in message.items():
            assert not any(o in str(value) for o in others), f"{name} names another recipient"
        assert mailbox.envelope_to[str(message["Message-ID"])] == [address]
        assert str(message["Message-ID"]).startswith(f"<{ids[address]}@")
        assert str(message["Reply-To"]) == "support@fabrikam.example"
        assert DEMO.name in str(message["Subject"])
        text, html = message.get_body(("plain",)), message.get_body(("html",))
        assert text is not None
        assert html is not None
        assert f"/i/{invitation['code']}" in text.get_content()
        assert "One month, on us." in text.get_content()
        assert f"/i/{invitation['code']}" in html.get_content()
        assert DEMO.name in html.get_content()

    records = await _deliveries(partner, invitation["invitation_id"])
    assert sorted(r["recipient"] for r in records) == sorted(to)
    assert {(r["status"], r["attempts"]) for r in records} == {("sent", 1)}
    assert all(r["sent_at"] for r in records)


async def test_a_server_refusing_at_first_still_delivers_each_message_once(
    partner: Portal, mailbox: Mailbox
) -> None:
    invitation = await create_invitation(partner)
    to = _addresses(3, "greylisted")
    mailbox.refuse(to[0], 2)
    mailbox.refuse(to[1], 3)
    sent = await partner.post(
        f"/api/partner/invitations/{invitation['invitation_id']}/send", json={"to": to}
    )
    assert sent.status_code == 202, sent.text

    await _each_received(mailbox, to)
    assert [len(_to(mailbox, a)) for a in to] == [1, 1, 1]
    assert [mailbox.refused.get(a, 0) for a in to] == [2, 3, 0]
    records = {r["recipient"]: r for r in await _deliveries(partner, invitation["invitation_id"])}
    assert [records[a]["status"] for a in to] == ["sent", "sent", "sent"]
    assert [records[a]["attempts"] for a in to] == [3, 4, 1]
    assert records[to[0]]["last_error"].startswith("451 ")
    assert records[to[2]]["last_error"] is None


def _command(to: list[str], **changes: Any) -> SendLinkByEmail:
    fields: dict[str, Any] = {
        "request_id": uuid.uuid4(),
        "partner_id": uuid.uuid4(),
        "sent_by": uuid.uuid4(),
        "subject_kind": "offer",
        "subject_id": uuid.uuid4(),
        "url": "http://127.0.0.1:8000/o/abcdefghijklmnopqrstuv",
        "recipients": to,
        "partner": {"name": "Kafka Client Partner", "support_email": "help@kcp.example"},
    }
    return SendLinkByEmail.model_validate({**fields, **changes})


async def _recorded(
    notifications: ServiceProcess, command: SendLinkByEmail
) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(base_url=notifications.url) as http:
        answer = await http.get(
            "/internal/deliveries",
            params={
                "partner_id": str(command.partner_id),
                "subject_kind": command.subject_kind,
                "subject_id": str(command.subject_id),
            },
        )
    assert answer.status_code == 200, answer.text
    return list(answer.json()["items"])


async def test_a_redelivered_command_creates_no_second_delivery(
    bus: Bus, stack: dict[str, ServiceProcess], mailbox: Mailbox
) -> None:
    to = _addresses(2, "again")
    command = _command(to)
    first = await bus.send(command, topic=NOTIFICATIONS_COMMANDS)
    queued = await bus.reply_to(first)
    assert queued.type == LinkEmailQueued.ce_type(), queued.data
    # The same record again (a producer retry, a replay): the same ce_id.
    await bus.send(command, topic=NOTIFICATIONS_COMMANDS, message_id=first)
    # The same request under a new id: the same deliveries, nothing new queued.
    again = await bus.reply_to(await bus.send(command, topic=NOTIFICATIONS_COMMANDS))
    assert again.data["deliveries"] == queued.data["deliveries"]
    # Same key, same partition: the repeat was applied (or skipped) before ``again``.
    assert len(bus.matching(lambda s: s.causation_id == first)) == 1

    await _each_received(mailbox, to)
    assert [len(_to(mailbox, a)) for a in to] == [1, 1]
    records = await _recorded(stack["notifications"], command)
    assert sorted(r["recipient"] for r in records) == sorted(to)
    assert {r["status"] for r in records} == {"sent"}


async def _rejection_of(bus: Bus, command: SendLinkByEmail, payload: dict[str, Any]) -> Any:
    headers = headers_for(command, source="tests", correlation_id=str(uuid.uuid4()))
    value = orjson.loads(encode(command)) | payload
    await bus.send_raw(
        NOTIFICATIONS_COMMANDS,
        orjson.dumps(value),
        key=command.partition_key().encode(),
        headers=kafka_headers(headers),
    )
    return await bus.reply_to(headers["ce_id"])


async def test_bad_input_gets_a_typed_rejection_and_changes_nothing(
    bus: Bus, stack: dict[str, ServiceProcess], partner: Portal, mailbox: Mailbox
) -> None:
    command = _command(_addresses(1, "never"))
    for bad, field in (({"recipients": []}, "recipients"), ({"recipients": ["nope"]}, "0")):
        rejected = await _rejection_of(bus, command, bad)
        assert rejected.type == CommandRejected.ce_type()
        assert rejected.topic == NOTIFICATIONS_EVENTS
        assert rejected.data["code"] == "invalid_message"
        assert rejected.data["category"] == "invalid"
        assert any(field in [str(p) for p in d["loc"]] for d in rejected.data["details"])
    assert await _recorded(stack["notifications"], command) == []

    invitation = await create_invitation(partner)
    path = f"/api/partner/invitations/{invitation['invitation_id']}"
    bodies: list[dict[str, Any]] = [
        {"to": []},
        {"to": ["not-an-address"]},
        {"to": ["a@b.example"], "x": 1},
    ]
    for body in bodies:
        refused = await partner.post(f"{path}/send", json=body)
        assert refused.status_code == 422, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
    assert await _deliveries(partner, invitation["invitation_id"]) == []
    await asyncio.sleep(SETTLE)
    assert not [m for m in mailbox if "never0-" in str(m["To"])]


async def test_deliveries_of_an_invitation_that_is_not_the_partners_are_not_found(
    partner: Portal,
) -> None:
    stranger = await partner.get(f"/api/partner/invitations/{uuid.uuid4()}/deliveries")
    assert stranger.status_code == 404, stranger.text
    offer = await partner.get(f"/api/partner/offers/{uuid.uuid4()}/deliveries")
    assert offer.status_code == 404, offer.text
