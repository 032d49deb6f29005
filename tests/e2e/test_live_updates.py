"""Live updates through the gateway (GET /api/events): a reconnect with Last-Event-ID gets
exactly what it missed, and no partner or customer ever receives another's events."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from functools import partial
from typing import Any

import orjson

from tests.e2e.test_security import register_partner
from tests.e2e.test_service_requests import open_service_request
from tests.e2e.test_trial_flow import approve_request, create_invitation, redeem
from tests.support.bus import Bus
from tests.support.portal import Portal
from tests.support.wait import eventually

CHAIN = {"TrialInvitationRedeemed", "SubscriptionCreated", "DelegationRequested"}


class Stream:
    """One user's open event stream: its frames as {event, id, data} in arrival order."""

    def __init__(self) -> None:
        self.frames: list[dict[str, Any]] = []
        self.ready = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    def messages(self) -> list[dict[str, Any]]:
        return [f for f in self.frames if f["event"] == "message"]

    def names_for(self, **fields: str) -> list[str]:
        return [
            m["data"]["name"]
            for m in self.messages()
            if all(m["data"]["data"].get(k) == v for k, v in fields.items())
        ]

    async def read(self, client: Portal, headers: dict[str, str]) -> None:
        async with client.http.stream("GET", "/api/events", headers=headers) as response:
            assert response.status_code == 200, await response.aread()
            assert response.headers["content-type"].startswith("text/event-stream")
            frame: dict[str, Any] = {}
            async for line in response.aiter_lines():
                if not line:
                    if "event" in frame:
                        frame["data"] = orjson.loads(frame.get("data", "{}"))
                        self.frames.append(frame)
                        if frame["event"] in {"ready", "reset"}:
                            self.ready.set()
                    frame = {}
                elif not line.startswith(":"):
                    key, _, value = line.partition(": ")
                    frame[key] = value


@contextlib.asynccontextmanager
async def listening(client: Portal, last_event_id: str | None = None) -> AsyncIterator[Stream]:
    stream = Stream()
    headers = {"Last-Event-ID": last_event_id} if last_event_id else {}
    stream.task = asyncio.create_task(stream.read(client, headers))
    try:
        await asyncio.wait_for(stream.ready.wait(), 10)
        yield stream
    finally:
        stream.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await stream.task


async def test_a_reconnect_with_last_event_id_gets_exactly_what_it_missed(
    partner: Portal, customer: Portal
) -> None:
    invitation = await create_invitation(partner)
    async with listening(partner) as first:
        position = first.frames[-1]["id"]
    # Disconnected: the customer redeems (three events follow) and approves.
    assert (await redeem(customer, invitation["code"])).status_code == 201
    await approve_request(customer)
    mine = {"customer_id": customer.company_id}

    async def everything(stream: Stream) -> list[str]:
        names = stream.names_for(**mine)
        return names if set(names) >= {*CHAIN, "DelegationApproved"} else []

    async with listening(partner, last_event_id=position) as resumed:
        missed = await eventually(lambda: everything(resumed))
        # Each event once, in the replay before the position; ids all different.
        assert sorted(missed) == sorted({*CHAIN, "DelegationApproved"})
        assert resumed.frames[-1]["event"] == "ready"
        ids = [m["id"] for m in resumed.messages()]
        assert len(ids) == len(set(ids))
        assert all(partner.company_id in _companies(m) for m in resumed.messages())
    # The gateway has seen them all now: a new connection without an id gets none of them,
    # and resuming from the last id replays none of them again.
    for last in (None, resumed.frames[-1]["id"]):
        async with listening(partner, last_event_id=last) as later:
            await asyncio.sleep(0.5)
            assert later.names_for(**mine) == [], last


async def test_an_unknown_id_gets_a_reset(partner: Portal) -> None:
    async with listening(partner, last_event_id="0000-1") as stream:
        assert [f["event"] for f in stream.frames] == ["reset"]


async def test_the_partner_stream_is_for_partner_users_only(customer: Portal) -> None:
    refused = await customer.get("/api/partner/events")
    assert refused.status_code == 403
    assert refused.json()["code"] == "partner_only"


async def _redeemed_while_listening(
    partner: Portal, customer: Portal, listener: Portal, bystander: Portal
) -> tuple[Stream, str]:
    """The customer redeems a new invitation of the partner's while ``listener`` (one of
    the two) and ``bystander`` listen. Once the listener's stream has the whole chain, and a
    second more (what the bystander could have got, it got by then): the bystander's stream
    and its position from before the redemption."""
    invitation = await create_invitation(partner)
    async with listening(bystander) as theirs:
        position = theirs.frames[-1]["id"]
        async with listening(listener) as ours:
            assert (await redeem(customer, invitation["code"])).status_code == 201
            await eventually(lambda: _has(ours, CHAIN, customer_id=customer.company_id))
            await asyncio.sleep(1)
    return theirs, position


async def test_partners_never_receive_each_others_events(
    partner: Portal, customer: Portal, portal: Callable[[], Awaitable[Portal]], bus: Bus
) -> None:
    email, password = await register_partner(bus, f"live{uuid.uuid4().hex[:4]}")
    other = await portal()
    assert (await other.sign_in(email, password)).status_code == 200
    theirs, position = await _redeemed_while_listening(partner, customer, partner, other)
    assert theirs.names_for(customer_id=customer.company_id) == []
    assert theirs.names_for(partner_id=partner.company_id) == []
    # Nor by resuming from before them.
    async with listening(other, last_event_id=position) as resumed:
        await asyncio.sleep(0.5)
        assert resumed.names_for(customer_id=customer.company_id) == []
        assert all(other.company_id in _companies(m) for m in resumed.messages()), (
            resumed.messages()
        )


async def test_customers_never_receive_each_others_events(
    partner: Portal, customer: Portal, portal: Callable[[], Awaitable[Portal]]
) -> None:
    neighbour = await portal()
    await neighbour.sign_up()
    # The customer's own stream carries its events, the partner's too (named in them).
    theirs, position = await _redeemed_while_listening(partner, customer, customer, neighbour)
    assert theirs.messages() == []
    async with listening(neighbour, last_event_id=position) as resumed:
        await asyncio.sleep(0.5)
        assert resumed.messages() == []
    # The partner's own route stays for partners only.
    refused = await neighbour.get("/api/partner/events")
    assert refused.status_code == 403, refused.text


async def test_a_partner_follows_its_service_request_live_and_no_other_partner_does(
    partner: Portal, customer: Portal, portal: Callable[[], Awaitable[Portal]], bus: Bus
) -> None:
    """The customer's note and the partner's state change reach the partner's stream (v2 of
    both events names the partner) and the customer's; another partner hears of neither."""
    email, password = await register_partner(bus, f"srlive{uuid.uuid4().hex[:4]}")
    other = await portal()
    assert (await other.sign_in(email, password)).status_code == 200
    request_id = await open_service_request(partner, customer)
    base = f"/api/partner/customers/{customer.company_id}/service-requests/{request_id}"
    wanted = {"ServiceRequestNoteAdded", "ServiceRequestStateChanged"}
    async with listening(other) as theirs, listening(partner) as ours, listening(customer) as own:
        note = await customer.post(
            f"/api/customer/service-requests/{request_id}/notes", json={"body": "Still slow."}
        )
        assert note.status_code == 200, note.text
        moved = await partner.post(f"{base}/state", json={"state": "in_progress"})
        assert moved.status_code == 200, moved.text
        for stream in (ours, own):
            await eventually(partial(_has, stream, wanted, request_id=request_id))
        told = [m["data"] for m in ours.messages() if m["data"]["name"] in wanted]
        assert {m["data"]["partner_id"] for m in told} == {partner.company_id}
        assert {m["type"].rsplit(".", 1)[-1] for m in told} == {"v2"}
        await asyncio.sleep(1)  # what the other partner could have got, it got by now
        assert theirs.names_for(request_id=request_id) == []


def _companies(message: dict[str, Any]) -> set[str]:
    data = message["data"]["data"]
    fields = ("partner_id", "partner_of_record", "acting_partner_id", "customer_id", "company_id")
    return {str(data[f]) for f in fields if data.get(f)}


async def _has(stream: Stream, names: set[str], **fields: str) -> bool:
    return set(stream.names_for(**fields)) >= names


async def test_a_stream_ends_when_its_session_does(partner: Portal) -> None:
    async with listening(partner) as stream:
        assert stream.task is not None
        assert (await partner.delete("/api/session")).status_code in (200, 204)
        # Within the gateway's re-check (15 s, at the latest keep-alive), not at the next event.
        await asyncio.wait_for(asyncio.shield(stream.task), 40)
    refused = await partner.get("/api/events")
    assert refused.status_code == 401, refused.text
