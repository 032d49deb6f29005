"""Partner webhooks on a real PostgreSQL and a real HTTP receiver on loopback: an event
becomes one delivery per matching endpoint of the partner it names (once, however often it
arrives); the sender POSTs a signed CloudEvent, retries with backoff under the same
webhook-id until a 2xx, verified with the independent ``standardwebhooks`` package; a
disabled endpoint and another partner's endpoint get nothing; redeliver sends the same id
again; an endpoint that keeps failing is disabled."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest
from standardwebhooks import Webhook

from services.notifications import webhook_handlers
from services.notifications.adapters.webhooks import PgWebhooks
from services.notifications.domain.webhooks import (
    DisablePolicy,
    WebhookRetryPolicy,
    new_secret,
)
from services.notifications.entrypoints.webhook_sender import HttpTransport, WebhookSender
from tests.support.webhook_receiver import Receiver, receiving

EVENT = "portal.delegation.DelegationApproved.v1"


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[Receiver, str]]:
    async with receiving() as recv:
        yield recv, recv.url


def _sender(*, failures: int = 100, production: bool = False) -> WebhookSender:
    return WebhookSender(
        transport=HttpTransport(production=production, timeout=5),
        policy=WebhookRetryPolicy(base=0.05, cap=0.1, give_up_after=timedelta(seconds=60)),
        disable=DisablePolicy(consecutive_failures=failures, failing_for=timedelta(0)),
        lease=timedelta(seconds=30),
        batch=10,
    )


async def _endpoint(
    pool: asyncpg.Pool, partner: uuid.UUID, url: str, types: list[str] | None = None
) -> tuple[uuid.UUID, str]:
    endpoint, secret = uuid.uuid4(), new_secret()
    async with pool.acquire() as conn:
        await PgWebhooks(conn).add_endpoint(
            endpoint_id=endpoint,
            partner_id=partner,
            url=url,
            description="",
            event_types=types or [],
            secret=secret,
            created_by=uuid.uuid4(),
            now=datetime.now(UTC),
        )
    return endpoint, secret


async def _event(pool: asyncpg.Pool, data: dict[str, Any], event_id: str | None = None) -> int:
    async with pool.acquire() as conn, conn.transaction():
        return await webhook_handlers.deliveries_for_event(
            PgWebhooks(conn),
            event_id=event_id or str(uuid.uuid4()),
            event_type=EVENT,
            source="delegation",
            time=datetime.now(UTC).isoformat(),
            data=data,
            correlation_id="corr-1",
            now=datetime.now(UTC),
        )


async def _drain(pool: asyncpg.Pool, sender: WebhookSender, rounds: int = 40) -> None:
    for _ in range(rounds):
        await sender.send_due(pool)
        await asyncio.sleep(0.06)


async def test_500_twice_then_200_arrives_three_times_with_one_id_and_a_valid_signature(
    schema_pool: asyncpg.Pool, receiver: tuple[Receiver, str]
) -> None:
    recv, url = receiver
    recv.script = [500, 500]
    partner, customer = uuid.uuid4(), uuid.uuid4()
    _, secret = await _endpoint(schema_pool, partner, url)
    event_id = str(uuid.uuid4())
    data = {"partner_id": str(partner), "customer_id": str(customer), "password_hash": "x"}
    assert await _event(schema_pool, data, event_id) == 1
    assert await _event(schema_pool, data, event_id) == 1  # the same event again: no new row
    await _drain(schema_pool, _sender())

    assert len(recv.got) == 3
    ids = {h["webhook-id"] for h, _ in recv.got}
    assert len(ids) == 1
    for headers, body in recv.got:
        event = Webhook(secret).verify(body, headers)
        assert event["specversion"] == "1.0"
        assert event["id"] == event_id
        assert event["type"] == EVENT
        assert event["datacontenttype"] == "application/json"
        assert "password_hash" not in event["data"]
        assert headers["Content-Type"] == "application/cloudevents+json"
    row = await schema_pool.fetchrow("SELECT * FROM webhook_deliveries")
    assert row is not None
    assert (row["status"], row["attempts"], row["last_http_status"]) == ("delivered", 3, 200)
    assert str(row["delivery_id"]) in ids
    attempts = await schema_pool.fetch(
        "SELECT http_status, response_ms FROM webhook_attempts ORDER BY attempt"
    )
    assert [a["http_status"] for a in attempts] == [500, 500, 200]
    assert all(a["response_ms"] is not None for a in attempts)


async def test_disabled_endpoints_unmatched_types_and_other_partners_get_nothing(
    schema_pool: asyncpg.Pool, receiver: tuple[Receiver, str]
) -> None:
    recv, url = receiver
    mine, other = uuid.uuid4(), uuid.uuid4()
    disabled, _ = await _endpoint(schema_pool, mine, url)
    await _endpoint(schema_pool, mine, url, types=["portal.offers.OfferRedeemed.v1"])
    await _endpoint(schema_pool, other, url)
    async with schema_pool.acquire() as conn:
        await PgWebhooks(conn).set_enabled(
            endpoint_id=disabled,
            partner_id=mine,
            enabled=False,
            reason="by hand",
            now=datetime.now(UTC),
        )
    assert await _event(schema_pool, {"partner_id": str(mine)}) == 0
    await _drain(schema_pool, _sender(), rounds=3)
    assert recv.got == []


async def test_a_run_of_events_of_several_types_makes_each_its_own_deliveries_once(
    schema_pool: asyncpg.Pool,
) -> None:
    """The consumer hands a whole run to one query and one insert: per event the same
    deliveries as alone, and the run again (redelivered) adds none."""
    mine, theirs, nobody = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    everything, _ = await _endpoint(schema_pool, mine, "http://127.0.0.1:9/a")
    offers_only, _ = await _endpoint(
        schema_pool, mine, "http://127.0.0.1:9/b", types=["portal.offers.OfferRedeemed.v1"]
    )
    their, _ = await _endpoint(schema_pool, theirs, "http://127.0.0.1:9/c")
    now = datetime.now(UTC)

    def event(event_type: str, **data: str) -> webhook_handlers.WebhookEvent:
        return webhook_handlers.WebhookEvent(
            event_id=str(uuid.uuid4()), event_type=event_type, source="test",
            time=now.isoformat(), data=data, correlation_id="corr-run",
        )  # fmt: skip

    run = [
        event(EVENT, partner_id=str(mine)),
        event("portal.offers.OfferRedeemed.v1", partner_id=str(mine)),
        event(EVENT, partner_id=str(theirs), customer_id=str(nobody)),
        event(EVENT, customer_id=str(nobody)),
    ]
    for attempt in range(2):
        async with schema_pool.acquire() as conn, conn.transaction():
            made = await webhook_handlers.deliveries_for_events(PgWebhooks(conn), run, now=now)
        assert made == [1, 2, 1, 0]
        rows = await schema_pool.fetch(
            "SELECT endpoint_id, event_id, event_type FROM webhook_deliveries"
        )
        assert sorted((r["endpoint_id"], r["event_id"]) for r in rows) == sorted(
            [
                (everything, run[0].event_id),
                (everything, run[1].event_id),
                (offers_only, run[1].event_id),
                (their, run[2].event_id),
            ]
        ), f"attempt {attempt}"
        assert {r["event_id"]: r["event_type"] for r in rows} == {
            e.event_id: e.event_type for e in run[:3]
        }


async def test_redeliver_sends_the_same_webhook_id_again(
    schema_pool: asyncpg.Pool, receiver: tuple[Receiver, str]
) -> None:
    recv, url = receiver
    partner = uuid.uuid4()
    await _endpoint(schema_pool, partner, url)
    await _event(schema_pool, {"partner_id": str(partner)})
    await _drain(schema_pool, _sender(), rounds=2)
    delivery = await schema_pool.fetchval("SELECT delivery_id FROM webhook_deliveries")
    async with schema_pool.acquire() as conn:
        assert await PgWebhooks(conn).redeliver(
            delivery_id=delivery, partner_id=partner, now=datetime.now(UTC)
        )
        assert not await PgWebhooks(conn).redeliver(
            delivery_id=delivery, partner_id=uuid.uuid4(), now=datetime.now(UTC)
        )
    await _drain(schema_pool, _sender(), rounds=2)
    assert [h["webhook-id"] for h, _ in recv.got] == [str(delivery)] * 2
    assert await schema_pool.fetchval("SELECT attempts FROM webhook_deliveries") == 2


async def test_an_endpoint_that_keeps_failing_is_disabled_and_gets_no_more(
    schema_pool: asyncpg.Pool, receiver: tuple[Receiver, str]
) -> None:
    recv, url = receiver
    recv.script = [503] * 50
    partner = uuid.uuid4()
    admins = await _partner_with_admins(schema_pool, partner)
    endpoint, _ = await _endpoint(schema_pool, partner, url)
    await _event(schema_pool, {"partner_id": str(partner)})
    await _drain(schema_pool, _sender(failures=3))
    assert len(recv.got) == 3
    row = await schema_pool.fetchrow(
        "SELECT enabled, disabled_reason FROM webhook_endpoints WHERE endpoint_id = $1", endpoint
    )
    assert row is not None
    assert not row["enabled"]
    assert "3 attempts" in row["disabled_reason"]

    # Its owner hears of it once: one e-mail per active Global admin, and the event.
    told = await schema_pool.fetch(
        "SELECT d.recipient, m.subject, m.text_body FROM mail_requests m "
        "JOIN deliveries d USING (request_id) "
        "WHERE m.template = 'webhook_disabled' AND m.subject_id = $1",
        endpoint,
    )
    assert sorted(r["recipient"] for r in told) == sorted(admins)
    assert all(url in r["text_body"] and "/partner/webhooks" in r["text_body"] for r in told)
    events = await schema_pool.fetch(
        "SELECT payload FROM outbox WHERE headers->>'ce_type' = $1",
        "portal.notifications.WebhookEndpointDisabled.v1",
    )
    [event] = [json.loads(e["payload"]) for e in events]
    assert event["endpoint_id"] == str(endpoint)
    assert event["disabled_by"] is None
    # Nothing more: a later event makes no delivery, and no second e-mail is queued.
    await _event(schema_pool, {"partner_id": str(partner)})
    await _drain(schema_pool, _sender(failures=3), rounds=5)
    assert len(recv.got) == 3
    assert (
        await schema_pool.fetchval(
            "SELECT count(*) FROM mail_requests WHERE template = 'webhook_disabled'"
        )
        == 1
    )


async def test_a_success_between_failures_resets_the_count_so_the_endpoint_stays_enabled(
    schema_pool: asyncpg.Pool, receiver: tuple[Receiver, str]
) -> None:
    recv, url = receiver
    # Two failures, a success, two failures: never three in a row.
    recv.script = [503, 503, 200, 503, 503]
    partner = uuid.uuid4()
    endpoint, _ = await _endpoint(schema_pool, partner, url)
    health = "SELECT enabled, consecutive_failures, failing_since FROM webhook_endpoints"
    await _event(schema_pool, {"partner_id": str(partner)})
    await _drain(schema_pool, _sender(failures=3))
    after_success = await schema_pool.fetchrow(health)
    assert after_success is not None
    assert (after_success["consecutive_failures"], after_success["failing_since"]) == (0, None)

    await _event(schema_pool, {"partner_id": str(partner)})
    await _drain(schema_pool, _sender(failures=3))
    assert len(recv.got) == 6  # 503, 503, 200; then 503, 503, 200
    row = await schema_pool.fetchrow(health + " WHERE endpoint_id = $1", endpoint)
    assert row is not None
    assert row["enabled"]
    assert (row["consecutive_failures"], row["failing_since"]) == (0, None)
    statuses = await schema_pool.fetch("SELECT status FROM webhook_deliveries")
    assert {r["status"] for r in statuses} == {"delivered"}


async def _partner_with_admins(pool: asyncpg.Pool, partner: uuid.UUID) -> list[str]:
    """The recipients view as the directory's events leave it: two Global admins, a disabled
    one and a user without the role (neither of whom is told)."""
    await pool.execute(
        "INSERT INTO recipient_companies (company_id, kind, name) VALUES ($1, 'partner', $2)",
        partner,
        "Fabrikam",
    )
    people = [
        ("ann@fabrikam.example", "global_admin", True),
        ("bob@fabrikam.example", "global_admin", True),
        ("old@fabrikam.example", "global_admin", False),
        ("sam@fabrikam.example", "none", True),
    ]
    for email, role, active in people:
        await pool.execute(
            "INSERT INTO recipient_users (user_id, company_id, email, role, active) "
            "VALUES ($1, $2, $3, $4, $5)",
            uuid.uuid4(),
            partner,
            email,
            role,
            active,
        )
    return ["ann@fabrikam.example", "bob@fabrikam.example"]


async def test_rotation_signs_with_both_secrets_during_the_grace_period(
    schema_pool: asyncpg.Pool, receiver: tuple[Receiver, str]
) -> None:
    recv, url = receiver
    partner = uuid.uuid4()
    endpoint, old = await _endpoint(schema_pool, partner, url)
    new = new_secret()
    async with schema_pool.acquire() as conn:
        assert await PgWebhooks(conn).rotate_secret(
            endpoint_id=endpoint,
            partner_id=partner,
            secret=new,
            grace_until=datetime.now(UTC) + timedelta(hours=24),
            now=datetime.now(UTC),
        )
    await _event(schema_pool, {"partner_id": str(partner)})
    await _drain(schema_pool, _sender(), rounds=2)
    [(headers, body)] = recv.got
    assert len(headers["webhook-signature"].split(" ")) == 2
    Webhook(new).verify(body, headers)
    Webhook(old).verify(body, headers)


async def test_production_refuses_a_loopback_endpoint_at_delivery_time(
    schema_pool: asyncpg.Pool, receiver: tuple[Receiver, str]
) -> None:
    recv, url = receiver
    partner = uuid.uuid4()
    await _endpoint(schema_pool, partner, url.replace("http://", "https://"))
    await _event(schema_pool, {"partner_id": str(partner)})
    await _drain(schema_pool, _sender(production=True), rounds=1)
    assert recv.got == []
    error = await schema_pool.fetchval("SELECT last_error FROM webhook_deliveries")
    assert error.startswith("forbidden_address")
    assert json.dumps(error)
