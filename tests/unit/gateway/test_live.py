"""The gateway's live feed: who gets which event, ids and resuming after one, the ring's
limit, and what never reaches a browser."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from services.gateway import live
from services.gateway.live import LiveFeed, event_name
from shared.contracts import base as contracts_base
from shared.contracts.audience import AUDIENCE_FIELDS
from shared.contracts.common import CommandRejected

WEB = Path(live.__file__).resolve().parent / "web"

PARTNER_A, PARTNER_B = uuid.uuid4(), uuid.uuid4()
CUSTOMER_A, CUSTOMER_B = uuid.uuid4(), uuid.uuid4()


def publish(feed: LiveFeed, name: str, **data: Any) -> None:
    ce_type = f"portal.test.{name}.v1"
    headers = {"ce_type": ce_type, "ce_id": str(uuid.uuid4())}
    feed.on_event("portal.test.events", headers, orjson.dumps(data, default=str))


def parse(chunk: bytes) -> list[dict[str, Any]]:
    """The SSE frames of a chunk: {event, id, data} (data parsed), comments left out."""
    frames = []
    for block in chunk.decode().split("\n\n"):
        fields: dict[str, Any] = {}
        for line in block.splitlines():
            if line.startswith(":") or ":" not in line:
                continue
            key, _, value = line.partition(": ")
            fields[key] = value
        if "event" in fields:
            fields["data"] = orjson.loads(fields["data"])
            frames.append(fields)
    return frames


async def take(stream: AsyncIterator[bytes], count: int) -> list[dict[str, Any]]:
    """The next ``count`` frames (the first chunk may hold several)."""
    frames: list[dict[str, Any]] = []
    while len(frames) < count:
        frames += parse(await asyncio.wait_for(anext(stream), 2))
    return frames


async def test_each_company_gets_exactly_the_events_naming_it() -> None:
    feed = LiveFeed()
    streams = {c: feed.stream(c) for c in (PARTNER_A, PARTNER_B, CUSTOMER_A, CUSTOMER_B)}
    for s in streams.values():
        assert [f["event"] for f in await take(s, 1)] == ["ready"]
    publish(feed, "DelegationApproved", partner_id=PARTNER_A, customer_id=CUSTOMER_A)
    publish(feed, "SubscriptionCreated", partner_of_record=PARTNER_B, customer_id=CUSTOMER_B)
    publish(feed, "LicenceAssigned", acting_partner_id=PARTNER_A, customer_id=CUSTOMER_B)
    publish(feed, "UserPasswordReset", company_id=CUSTOMER_A)
    publish(feed, "CatalogueServicePublished", service_id="o365-e3")  # names nobody

    async def names(company: uuid.UUID, count: int) -> list[str]:
        return [f["data"]["name"] for f in await take(streams[company], count)]

    assert await names(PARTNER_A, 2) == ["DelegationApproved", "LicenceAssigned"]
    assert await names(PARTNER_B, 1) == ["SubscriptionCreated"]
    assert await names(CUSTOMER_A, 2) == ["DelegationApproved", "UserPasswordReset"]
    assert await names(CUSTOMER_B, 2) == ["SubscriptionCreated", "LicenceAssigned"]
    # Nothing more for anyone: the next chunk of B's partner stream is not an event.
    publish(feed, "DelegationApproved", partner_id=PARTNER_A, customer_id=CUSTOMER_A)
    assert await names(PARTNER_A, 1) == ["DelegationApproved"]
    pending = asyncio.ensure_future(anext(streams[PARTNER_B]))
    await asyncio.sleep(0.05)
    assert not pending.done()
    pending.cancel()


async def test_a_partner_user_without_supported_access_hears_of_no_customer() -> None:
    """A billing admin may not read the partner's customers; nor hear of them, live or by
    resuming."""
    feed = LiveFeed()
    billing = feed.stream(PARTNER_A, sees_customers=False)
    ready = await take(billing, 1)
    assert [f["event"] for f in ready] == ["ready"]
    publish(feed, "DelegationApproved", partner_id=PARTNER_A, customer_id=CUSTOMER_A)
    publish(feed, "PartnerProfileUpdated", partner_id=PARTNER_A)
    frames = await take(billing, 1)
    assert [f["data"]["name"] for f in frames] == ["PartnerProfileUpdated"]
    resumed = feed.stream(PARTNER_A, sees_customers=False, last_event_id=ready[0]["id"])
    names = [f["data"]["name"] for f in await take(resumed, 2) if f["event"] == "message"]
    assert names == ["PartnerProfileUpdated"]


async def test_every_event_is_one_message_frame_with_an_id_and_its_type() -> None:
    feed = LiveFeed()
    stream = feed.stream(PARTNER_A)
    ready = (await take(stream, 1))[0]
    publish(feed, "ServiceRequestCreated", partner_id=PARTNER_A, customer_id=CUSTOMER_A)
    publish(feed, "TrialInvitationRedeemed", partner_id=PARTNER_A, customer_id=CUSTOMER_A)
    frames = await take(stream, 2)
    assert [f["event"] for f in frames] == ["message", "message"]
    assert [f["data"]["type"] for f in frames] == [
        "portal.test.ServiceRequestCreated.v1",
        "portal.test.TrialInvitationRedeemed.v1",
    ]
    ids = [ready["id"], *(f["id"] for f in frames)]
    assert len(set(ids)) == 3
    assert all(i.split("-")[0] == ids[0].split("-")[0] for i in ids)  # one gateway's epoch
    assert frames[0]["data"]["data"]["customer_id"] == str(CUSTOMER_A)


async def test_a_resume_replays_exactly_the_users_events_after_its_id() -> None:
    feed = LiveFeed()
    first = feed.stream(PARTNER_A)
    await take(first, 1)  # ready
    publish(feed, "DelegationRequested", partner_id=PARTNER_A, customer_id=CUSTOMER_A)
    seen = await take(first, 1)
    last = seen[-1]["id"]
    await first.aclose()  # the connection is cut
    publish(feed, "DelegationApproved", partner_id=PARTNER_A, customer_id=CUSTOMER_A)
    publish(feed, "DelegationApproved", partner_id=PARTNER_B, customer_id=CUSTOMER_B)
    publish(feed, "OfferRedeemed", partner_id=PARTNER_A, customer_id=CUSTOMER_A)
    resumed = feed.stream(PARTNER_A, last_event_id=last)
    frames = await take(resumed, 3)
    assert [f["data"].get("name") for f in frames[:2]] == ["DelegationApproved", "OfferRedeemed"]
    assert all(f["data"]["data"]["partner_id"] == str(PARTNER_A) for f in frames[:2])
    assert frames[2]["event"] == "ready"
    # ...and the stream goes on live after the replay, with nothing twice.
    publish(feed, "DelegationRevoked", partner_id=PARTNER_A, customer_id=CUSTOMER_A)
    assert [f["data"]["name"] for f in await take(resumed, 1)] == ["DelegationRevoked"]


async def test_an_id_the_ring_no_longer_covers_gets_a_reset() -> None:
    feed = LiveFeed(ring_size=3)
    first = feed.stream(CUSTOMER_A)
    last = (await take(first, 1))[0]["id"]
    await first.aclose()
    for _ in range(4):  # one more than the ring keeps
        publish(feed, "LicenceAssigned", customer_id=CUSTOMER_A)
    frames = await take(feed.stream(CUSTOMER_A, last_event_id=last), 1)
    assert [f["event"] for f in frames] == ["reset"]
    # Exactly at the edge of the ring the resume still works.
    feed = LiveFeed(ring_size=3)
    first = feed.stream(CUSTOMER_A)
    last = (await take(first, 1))[0]["id"]
    await first.aclose()
    for _ in range(3):
        publish(feed, "LicenceAssigned", customer_id=CUSTOMER_A)
    frames = await take(feed.stream(CUSTOMER_A, last_event_id=last), 4)
    assert [f["event"] for f in frames] == ["message"] * 3 + ["ready"]


async def test_an_id_of_another_gateway_or_garbage_gets_a_reset() -> None:
    feed, other = LiveFeed(), LiveFeed()
    publish(other, "LicenceAssigned", customer_id=CUSTOMER_A)
    foreign = (await take(other.stream(CUSTOMER_A), 1))[0]["id"]
    for last in (foreign, "garbage", "x-99999"):
        frames = await take(feed.stream(CUSTOMER_A, last_event_id=last), 1)
        assert [f["event"] for f in frames] == ["reset"], last


async def test_password_hashes_and_rejections_never_reach_a_browser() -> None:
    feed = LiveFeed()
    stream = feed.stream(CUSTOMER_A)
    await take(stream, 1)
    headers = {"ce_type": CommandRejected.ce_type(), "ce_id": "x"}
    feed.on_event("t", headers, orjson.dumps({"customer_id": str(CUSTOMER_A)}))
    publish(
        feed,
        "CustomerRegistered",
        customer_id=CUSTOMER_A,
        admin={"email": "a@b.example", "password_hash": "$argon2id$secret"},
    )
    (frame,) = await take(stream, 1)
    assert frame["data"]["name"] == "CustomerRegistered"
    assert frame["data"]["data"]["admin"] == {"email": "a@b.example"}


async def test_a_page_that_stops_reading_is_cut_off_and_resumes_without_a_gap() -> None:
    feed = LiveFeed()
    stream = feed.stream(PARTNER_A)
    last = (await take(stream, 1))[0]["id"]
    for n in range(1_100):  # more than a listener's queue holds
        publish(feed, "LicenceAssigned", partner_id=PARTNER_A, n=n)
    received = []
    async for chunk in stream:  # ends once the queued frames are read
        received += parse(chunk)
    assert 0 < len(received) < 1_100
    resumed = feed.stream(PARTNER_A, last_event_id=received[-1]["id"])
    rest = await take(resumed, 1_100 - len(received) + 1)
    numbers = [f["data"]["data"]["n"] for f in received + rest if f["event"] == "message"]
    assert numbers == list(range(1_100))
    assert last != received[-1]["id"]


def _visible_event_names() -> set[str]:
    """Every event contract that names a company, i.e. that some user's stream carries."""
    import shared.contracts  # noqa: F401  (registers every contract)

    return {
        event_name(c.ce_type())
        for c in contracts_base._REGISTRY.values()
        if c.kind == "event" and set(c.model_fields) & set(AUDIENCE_FIELDS)
    }


def test_the_browser_keeps_no_list_of_event_names() -> None:
    names = _visible_event_names()
    assert {"DelegationApproved", "ServiceRequestCreated"} <= names
    source = (WEB / "js" / "live.js").read_text("utf-8")
    assert [n for n in names if n in source] == []


def test_every_event_a_user_may_see_has_its_text_in_both_languages() -> None:
    for language in ("en", "it"):
        catalogue = orjson.loads((WEB / "i18n" / f"{language}.json").read_bytes())
        missing = sorted(n for n in _visible_event_names() if f"live.{n}" not in catalogue)
        stale = sorted(
            k for k in catalogue if k.startswith("live.") and k[5:] not in _visible_event_names()
        )
        assert (missing, stale) == ([], []), language


async def test_a_stream_ends_once_its_session_is_no_longer_valid(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(live, "RECHECK_SECONDS", 0.0)
    feed = LiveFeed()
    allowed = True
    asked = 0

    async def still_allowed() -> bool:
        nonlocal asked
        asked += 1
        return allowed

    stream = feed.stream(PARTNER_A, still_allowed=still_allowed)
    await take(stream, 1)
    publish(feed, "DelegationApproved", partner_id=PARTNER_A)
    assert [f["data"]["name"] for f in await take(stream, 1)] == ["DelegationApproved"]
    assert asked == 1
    allowed = False  # signed out, expired or disabled
    publish(feed, "DelegationRevoked", partner_id=PARTNER_A)
    assert [chunk async for chunk in stream] == []  # ends without sending it
