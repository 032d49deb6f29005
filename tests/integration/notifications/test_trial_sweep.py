"""The lifecycle e-mails on a real PostgreSQL. The trial sweep, driven by its clock: a trial
ending within 7 days is told to both sides' Global admins once; a second run, a trial further
away, or one already bought queue nothing; another partner's admins are never told. The
consumer's runs: a run of trial redemptions' events queues what each would alone, once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from services.notifications.adapters.recipients import PgRecipients
from services.notifications.entrypoints.lifecycle import TrialSweep, event_routes
from shared.contracts import delegation as dl
from shared.contracts import directory as dr
from shared.db import Connection
from shared.messaging.consumer import MessageContext
from shared.messaging.envelope import Envelope

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


async def _company(v: PgRecipients, kind: str, admin: str) -> uuid.UUID:
    company = uuid.uuid4()
    await v.company(company_id=company, kind=kind, name=f"{kind} {admin}")
    await v.user(user_id=uuid.uuid4(), company_id=company, email=admin, role="global_admin")
    await v.user(user_id=uuid.uuid4(), company_id=company, email=f"x{admin}", role="none")
    return company


async def test_a_trial_ending_within_7_days_is_told_to_both_sides_once(
    schema_pool: asyncpg.Pool,
) -> None:
    async with schema_pool.acquire() as conn:
        v = PgRecipients(conn)
        partner = await _company(v, "partner", "p@fabrikam.example")
        await _company(v, "partner", "other@northwind.example")
        customer = await _company(v, "customer", "c@contoso.example")
        for days, sub in ((6, uuid.uuid4()), (9, uuid.uuid4())):
            await v.trial(
                subscription_id=sub, customer_id=customer, partner_id=partner,
                service_id="o365-e3", trial_ends_at=NOW + timedelta(days=days),
            )  # fmt: skip
        bought = uuid.uuid4()
        await v.trial(
            subscription_id=bought, customer_id=customer, partner_id=partner,
            service_id="intune", trial_ends_at=NOW + timedelta(days=2),
        )  # fmt: skip
        await v.trial_over(subscription_id=bought, state="over")

    sweep = TrialSweep(base_url="http://127.0.0.1:8000")
    assert await sweep.sweep_once(schema_pool, now=NOW) == 1
    assert await sweep.sweep_once(schema_pool, now=NOW) == 0
    rows = await schema_pool.fetch(
        "SELECT d.recipient, m.template, m.text_body FROM deliveries d JOIN mail_requests m "
        "USING (request_id) ORDER BY d.recipient"
    )
    assert [r["recipient"] for r in rows] == ["c@contoso.example", "p@fabrikam.example"]
    assert {r["template"] for r in rows} == {"trial_ending"}
    assert "2026-12-07" in rows[0]["text_body"]
    assert "http://127.0.0.1:8000/" in rows[0]["text_body"]
    # A week later the other trial is due, and only it.
    assert await sweep.sweep_once(schema_pool, now=NOW + timedelta(days=3)) == 1
    assert await schema_pool.fetchval("SELECT count(*) FROM deliveries") == 4


def _pair(conn: Connection, message: Any) -> tuple[MessageContext, Any]:
    envelope = Envelope(
        id=str(uuid.uuid4()), type=message.ce_type(), source="test", time=NOW.isoformat(),
        correlation_id="corr-run", causation_id=None, data={},
    )  # fmt: skip
    return MessageContext(conn=conn, envelope=envelope, service="notifications"), message


def _requested(partner: uuid.UUID, customer: uuid.UUID) -> dl.DelegationRequested:
    return dl.DelegationRequested(
        request_id=uuid.uuid4(), partner_id=partner, customer_id=customer, role="full",
        source_kind="trial_invitation", source_id=uuid.uuid4(), requested_at=NOW,
    )  # fmt: skip


async def test_a_run_of_redemption_events_queues_what_each_would_alone_once(
    schema_pool: asyncpg.Pool,
) -> None:
    kinds = {"p@fabrikam.example": "partner", "c@contoso.example": "customer"}
    kinds["l@litware.example"] = "customer"
    async with schema_pool.acquire() as conn:
        ids = [await _company(PgRecipients(conn), kind, a) for a, kind in kinds.items()]
    partner, contoso, litware = ids
    nobody = uuid.uuid4()  # not (yet) in the view: no admins, no e-mail
    trial = dr.SubscriptionCreated(
        subscription_id=uuid.uuid4(), customer_id=contoso, service_id="o365-e3", seats=5,
        state="trial", partner_of_record=partner, trial_ends_at=NOW + timedelta(days=30),
        source={"kind": "trial_invitation", "id": str(uuid.uuid4())}, created_at=NOW,
    )  # fmt: skip
    to_contoso, to_litware = _requested(partner, contoso), _requested(partner, litware)
    messages = [to_contoso, trial, to_litware, _requested(partner, nobody)]
    routes = event_routes(base_url="http://127.0.0.1:8000").routes
    batch = routes[dl.DelegationRequested.ce_type()].batch
    assert batch is not None
    assert routes[dr.SubscriptionCreated.ce_type()].batch == batch  # one run for both types
    for _ in range(2):
        async with schema_pool.acquire() as conn, conn.transaction():
            await batch(conn, [_pair(conn, m) for m in messages])
    rows = await schema_pool.fetch(
        "SELECT d.recipient, m.template, m.subject_id, m.correlation_id, m.text_body "
        "FROM deliveries d JOIN mail_requests m USING (request_id) ORDER BY d.recipient"
    )
    assert [(r["recipient"], r["template"], r["subject_id"]) for r in rows] == [
        ("c@contoso.example", "delegation_requested", to_contoso.request_id),
        ("l@litware.example", "delegation_requested", to_litware.request_id),
    ]
    assert {r["correlation_id"] for r in rows} == {"corr-run"}
    assert "partner p@fabrikam.example" in rows[0]["text_body"]  # its name, read with the run
    trials = await schema_pool.fetch("SELECT subscription_id, partner_id FROM trial_subscriptions")
    assert [(t["subscription_id"], t["partner_id"]) for t in trials] == [
        (trial.subscription_id, partner)
    ]
