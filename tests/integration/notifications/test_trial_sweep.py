"""The trial sweep on a real PostgreSQL, driven by its clock: a trial ending within 7 days is
told to both sides' Global admins once; a second run, a trial further away, or one already
bought queue nothing; another partner's admins are never told."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest

from services.notifications.adapters.recipients import PgRecipients
from services.notifications.entrypoints.lifecycle import TrialSweep
from shared.db import create_pool, migrate

MIGRATIONS = Path(__file__).resolve().parents[3] / "services" / "notifications" / "migrations"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
async def schema_pool(database: str) -> AsyncIterator[asyncpg.Pool]:
    schema = f"notif_{uuid.uuid4().hex[:8]}"
    pool = await create_pool(database, schema, size=2)
    await migrate(pool, schema, MIGRATIONS)
    yield pool
    await pool.execute(f'DROP SCHEMA "{schema}" CASCADE')
    await pool.close()


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
