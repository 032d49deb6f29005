"""Customers in the measured partner's reach, bulk-loaded into the directory's own tables.

The measured partner and its admin are signed up through the real command
(``RegisterPartner``, ``bench.seed``); a million customers through commands would take longer
than the whole benchmark, so customers go straight into the directory's schema with
``COPY`` (``copy_records_to_table``), in the shape the directory's read endpoints join:

- ``customers`` and ``partner_customers`` (the partner's reach): 90 % partner of record,
  10 % under an active Full delegation (partner of record another partner);
- one subscription per customer; the *read set* (every 10th customer in reach, the ids the
  benchmark reads) gets a second subscription, a customer Global admin, two service
  requests of the measured partner (one open, one resolved) and an audit record of the
  partner's admin acting for it;
- other partners' customers, 10 % of the measured reach, with their own reach rows,
  subscriptions and service requests (a query that forgot the partner would find them).

``grow(start, stop)`` adds customers ``start..stop-1``: the same partner's reach grows from
one size to the next, nothing is reseeded. Ids are deterministic (``customer_id(i)``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg

from bench.seed import DIRECTORY_COLUMNS, WORDS

IN_REACH = 0xBE4D
OTHERS = 0xBE4E
READ_EVERY = 10  # every 10th customer in reach is read (and has the extra rows)
OTHER_SHARE = 10  # other partners' customers: one per 10 in reach
# A fixed argon2 hash: the seeded customer admins never sign in.
PLACEHOLDER_HASH = "$argon2id$v=19$m=65536,t=3,p=4$YmVuY2hyZWFkcw$placeholderplaceholderplaceh"


def customer_id(i: int, kind: int = IN_REACH) -> uuid.UUID:
    return uuid.UUID(int=(kind << 112) | i)


def read_ids(size: int) -> Iterator[uuid.UUID]:
    """The read set among the first ``size`` customers in reach."""
    return (customer_id(i) for i in range(0, size, READ_EVERY))


def _uid(kind: int, i: int, n: int = 0) -> uuid.UUID:
    return uuid.UUID(int=(kind << 112) | (n << 64) | i)


@dataclass
class Rows:
    customers: list[tuple[object, ...]]
    reach: list[tuple[object, ...]]
    subscriptions: list[tuple[object, ...]]
    users: list[tuple[object, ...]]
    requests: list[tuple[object, ...]]
    audit: list[tuple[object, ...]]


def _rows(
    low: int, high: int, *, partner: uuid.UUID, admin: uuid.UUID, other: uuid.UUID, now: datetime
) -> Rows:
    rows = Rows([], [], [], [], [], [])
    for i in range(low, high):
        word = WORDS[i % len(WORDS)]
        cid = customer_id(i)
        at = now - timedelta(seconds=high - i)
        rows.customers.append(
            (
                cid,
                f"{word.title()} Reader {i}",
                f"{word}-r{i}.example",
                f"it@{word}-r{i}.example",
                at,
            )
        )
        delegated = i % 10 == 5
        rows.reach.append(
            (
                partner,
                cid,
                not delegated,
                _uid(0xD1, i) if delegated else None,
                "full" if delegated else None,
                at if delegated else None,
            )
        )
        if delegated:  # its partner of record is another partner, who has it in reach too
            rows.reach.append((other, cid, True, None, None, None))
        record = other if delegated else partner
        rows.subscriptions.append(_subscription(_uid(0x51, i), cid, "o365-e3", record, at))
        if i % READ_EVERY:
            continue
        rows.subscriptions.append(_subscription(_uid(0x51, i, 1), cid, "teams-ess", record, at))
        rows.users.append(
            (
                _uid(0x0A, i),
                "customer",
                cid,
                f"admin@{word}-r{i}.example",
                "Reader Admin",
                PLACEHOLDER_HASH,
                "global_admin",
                at,
            )
        )
        for n, state in enumerate(("open", "resolved")):
            rows.requests.append(
                (_uid(0x5E, i, n), cid, partner, f"{word} mailbox {n}", "normal", state, admin, at)
            )
        rows.audit.append(
            (
                _uid(0xA0, i),
                at,
                cid,
                partner,
                admin,
                "list_users",
                "users",
                None,
                "{}",
                "allowed",
            )
        )
    for j in range(low // OTHER_SHARE, high // OTHER_SHARE):
        word = WORDS[j % len(WORDS)]
        cid = customer_id(j, OTHERS)
        at = now - timedelta(seconds=high - j)
        rows.customers.append(
            (
                cid,
                f"{word.title()} Other {j}",
                f"{word}-o{j}.example",
                f"it@{word}-o{j}.example",
                at,
            )
        )
        rows.reach.append((other, cid, True, None, None, None))
        rows.subscriptions.append(_subscription(_uid(0x52, j), cid, "o365-e3", other, at))
        rows.requests.append(
            (_uid(0x5F, j), cid, other, f"{word} other", "normal", "open", admin, at)
        )
    return rows


def _subscription(
    sid: uuid.UUID, cid: uuid.UUID, service: str, record: uuid.UUID, at: datetime
) -> tuple[object, ...]:
    return (
        sid,
        cid,
        service,
        5,
        "trial",
        record,
        at + timedelta(days=30),
        "trial_invitation",
        sid,
        at,
    )


COLUMNS = {
    "customers": DIRECTORY_COLUMNS["customers"],
    "partner_customers": [
        "partner_id",
        "customer_id",
        "partner_of_record",
        "delegation_id",
        "delegation_role",
        "delegation_approved_at",
    ],
    "subscriptions": DIRECTORY_COLUMNS["subscriptions"],
    "users": [
        "user_id",
        "company_kind",
        "company_id",
        "email",
        "display_name",
        "password_hash",
        "company_role",
        "created_at",
    ],
    "service_requests": [
        "request_id",
        "customer_id",
        "partner_id",
        "title",
        "severity",
        "state",
        "created_by",
        "created_at",
    ],
    "acting_audit": [
        "audit_id",
        "at",
        "customer_id",
        "partner_id",
        "actor_user_id",
        "action",
        "target_kind",
        "target_id",
        "details",
        "outcome",
    ],
}


BULK_TABLES = ("customers", "partner_customers", "subscriptions")


async def _drop_secondary_indexes(conn: asyncpg.Connection, tables: tuple[str, ...]) -> list[str]:
    """Drop the tables' indexes that back no constraint (the trigram GIN and b-tree read
    indexes, whatever the migrations define today) and return their definitions, to be
    created again after the load; primary keys and unique constraints stay and are checked."""
    rows = await conn.fetch(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i "
        "WHERE i.schemaname = 'directory' AND i.tablename = ANY($1::text[]) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
        "  WHERE c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass)",
        list(tables),
    )
    for row in rows:
        await conn.execute(f'DROP INDEX directory."{row["indexname"]}"')
    return [str(row["indexdef"]) for row in rows]


async def grow(
    dsn: str,
    *,
    start: int,
    stop: int,
    partner: uuid.UUID,
    admin: uuid.UUID,
    other: uuid.UUID,
    chunk: int = 50_000,
) -> None:
    """Customers ``start..stop-1`` into the partner's reach (plus other partners' share)."""
    conn = await asyncpg.connect(
        dsn, server_settings={"search_path": "directory", "maintenance_work_mem": "256MB"}
    )
    now = datetime.now(UTC)
    try:
        indexes = await _drop_secondary_indexes(conn, BULK_TABLES)
        for low in range(start, stop, chunk):
            high = min(stop, low + chunk)
            rows = _rows(low, high, partner=partner, admin=admin, other=other, now=now)
            # service_requests.updated_at has no default: COPY it from created_at's copy.
            requests = [(*r, r[-1]) for r in rows.requests]
            async with conn.transaction():
                for table, records in (
                    ("customers", rows.customers),
                    ("partner_customers", rows.reach),
                    ("subscriptions", rows.subscriptions),
                    ("users", rows.users),
                    ("acting_audit", rows.audit),
                ):
                    await conn.copy_records_to_table(
                        table, schema_name="directory", columns=COLUMNS[table], records=records
                    )
                await conn.copy_records_to_table(
                    "service_requests",
                    schema_name="directory",
                    columns=[*COLUMNS["service_requests"], "updated_at"],
                    records=requests,
                )
        for definition in indexes:  # rebuilt whole: much faster than row by row (GIN)
            await conn.execute(definition)
        for table in COLUMNS:
            await conn.execute(f"ANALYZE directory.{table}")
    finally:
        await conn.close()
