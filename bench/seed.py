"""Seed the run through the services' own front door: catalogue services, partners and
trial invitations (with delegation) as commands awaited one by one; customers as
``RegisterCustomer`` commands published at full speed. Customers for the gateway reads at
10k/100k/1M are written in bulk into the directory's tables instead (say so in the report):
a million commands would take longer than the whole benchmark."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer
from argon2 import PasswordHasher

from bench.load import Customer
from shared.contracts import catalogue, directory, invitations
from shared.contracts.topics import (
    DIRECTORY_COMMANDS,
    DIRECTORY_EVENTS,
    INVITATIONS_COMMANDS,
    INVITATIONS_EVENTS,
    OFFERS_COMMANDS,
    OFFERS_EVENTS,
)
from shared.messaging.client import CommandBus, Outcome
from shared.messaging.envelope import encode, headers_for, kafka_headers
from tools.seed import send_until_accepted

WORDS = [
    "contoso",
    "fabrikam",
    "northwind",
    "adatum",
    "litware",
    "tailspin",
    "wingtip",
    "woodgrove",
    "proseware",
    "lucerne",
    "alpine",
    "blue",
    "coho",
    "datum",
    "fourth",
    "graphic",
    "humongous",
    "margie",
    "nod",
    "relecloud",
    "southridge",
    "trey",
    "wide",
    "world",
    "proseware",
    "vanarsdel",
    "lamna",
    "bellows",
    "liberty",
    "munson",
]

# The directory's tables the seeds copy rows into (here and in bench/reads_seed.py).
DIRECTORY_COLUMNS = {
    "customers": ["customer_id", "name", "domain", "contact_email", "registered_at"],
    "subscriptions": [
        "subscription_id",
        "customer_id",
        "service_id",
        "seats",
        "state",
        "partner_of_record",
        "trial_ends_at",
        "source_kind",
        "source_id",
        "created_at",
    ],
}


@dataclass(frozen=True)
class Seeded:
    partner_ids: list[str]
    codes: list[list[str]]  # [service][partner]
    customers: list[Customer]
    customers_per_second: float


def service_id(i: int) -> str:
    return f"bench-trial-{i:02d}"


async def _gather(limit: int, jobs: Sequence[Any]) -> list[Outcome]:
    gate = asyncio.Semaphore(limit)

    async def one(job: Any) -> Outcome:
        async with gate:
            result: Outcome = await job
            return result

    return list(await asyncio.gather(*(one(j) for j in jobs)))


async def seed_services_partners_invitations(
    bootstrap: str, *, services: int, partners: int, password_hash: str
) -> tuple[list[str], list[str], list[list[str]]]:
    bus = CommandBus(
        bootstrap=bootstrap,
        watch=(OFFERS_EVENTS, DIRECTORY_EVENTS, INVITATIONS_EVENTS),
        source="bench-seed",
    )
    await bus.start()
    try:
        await _gather(
            20,
            [
                send_until_accepted(
                    bus,
                    catalogue.PublishCatalogueService(
                        service_id=service_id(s),
                        name=f"Bench trial service {s}",
                        trial=catalogue.TrialTerms(days=30, max_seats=25),
                    ),
                    OFFERS_COMMANDS,
                    frozenset(),
                )
                for s in range(services)
            ],
        )
        partner_ids = [str(uuid.uuid4()) for _ in range(partners)]
        admin_ids = [str(uuid.uuid4()) for _ in range(partners)]
        await _gather(
            20,
            [
                send_until_accepted(
                    bus,
                    _partner(pid, admin_ids[i], i, password_hash),
                    DIRECTORY_COMMANDS,
                    frozenset(),
                )
                for i, pid in enumerate(partner_ids)
            ],
        )
        created = await _gather(
            20,
            [
                send_until_accepted(
                    bus,
                    invitations.CreateTrialInvitation(
                        invitation_id=uuid.uuid4(),
                        partner_id=uuid.UUID(pid),
                        created_by=uuid.UUID(pid),  # the seed does not check who creates it
                        service_id=service_id(s),
                        seats=5,
                        delegation_role="full",
                    ),
                    INVITATIONS_COMMANDS,
                    frozenset({"unknown_service"}),  # the catalogue view may lag a moment
                )
                for s in range(services)
                for pid in partner_ids
            ],
        )
    finally:
        await bus.stop()
    codes = [
        [str(created[s * partners + p].data["code"]) for p in range(partners)]
        for s in range(services)
    ]
    return partner_ids, admin_ids, codes


def partner_email(i: int) -> str:
    return f"admin@partner{i}.bench.example"


def _partner(
    partner_id: str, admin_id: str, i: int, password_hash: str
) -> directory.RegisterPartner:
    return directory.RegisterPartner(
        partner_id=uuid.UUID(partner_id),
        profile=directory.PartnerProfile(name=f"Bench Partner {i}"),
        admin=directory.FirstAdmin(
            user_id=uuid.UUID(admin_id),
            email=partner_email(i),
            display_name="Bench Admin",
            password_hash=password_hash,
        ),
    )


async def register_customers(
    bootstrap: str, dsn: str, *, count: int, password_hash: str, timeout: float
) -> tuple[list[Customer], float]:
    """Publish ``count`` RegisterCustomer commands at full speed; wait until the invitations
    service's view of customers holds them all (the last hop a redemption needs)."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    await producer.start()
    customers: list[Customer] = []
    started = time.monotonic()
    try:
        acks = []
        for i in range(count):
            customer = Customer(str(uuid.uuid4()), str(uuid.uuid4()))
            customers.append(customer)
            word = WORDS[i % len(WORDS)]
            command = directory.RegisterCustomer(
                customer_id=uuid.UUID(customer.customer_id),
                name=f"{word.title()} Pipeline {i}",
                domain=f"{word}-p{i}.bench.example",
                contact_email=f"it@{word}-p{i}.bench.example",
                admin=directory.FirstAdmin(
                    user_id=uuid.UUID(customer.admin_user_id),
                    email=f"admin@{word}-p{i}.bench.example",
                    display_name="Bench Customer Admin",
                    password_hash=password_hash,
                ),
            )
            headers = headers_for(command, source="bench-seed", correlation_id=f"seed-{i}")
            acks.append(
                await producer.send(
                    DIRECTORY_COMMANDS,
                    value=encode(command),
                    key=customer.customer_id.encode(),
                    headers=kafka_headers(headers),
                )
            )
            if len(acks) >= 1000:
                await asyncio.gather(*acks)
                acks = []
        await asyncio.gather(*acks)
    finally:
        await producer.stop()
    conn = await asyncpg.connect(dsn)
    try:
        deadline = time.monotonic() + timeout
        while True:
            known = await conn.fetchval("SELECT count(*) FROM invitations.customers")
            if known >= count:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"only {known} of {count} customers registered in time")
            await asyncio.sleep(0.2)
    finally:
        await conn.close()
    return customers, count / (time.monotonic() - started)


PASSWORD = "Bench-Password-2026"  # of every seeded user; the run's database is dropped after


def password_hash() -> str:
    return PasswordHasher().hash(PASSWORD)


async def bulk_customers(
    dsn: str, *, start: int, stop: int, partner_id: str, chunk: int = 50_000
) -> None:
    """Customers ``start..stop-1`` straight into the directory's tables, each with one trial
    subscription whose partner of record is ``partner_id`` (so partner-scoped reads see
    them). Deterministic ids: customer i is ``read_customer_id(i)``."""
    conn = await asyncpg.connect(dsn)
    now = datetime.now(UTC)
    try:
        for low in range(start, stop, chunk):
            high = min(stop, low + chunk)
            customers = []
            subscriptions = []
            for i in range(low, high):
                word = WORDS[i % len(WORDS)]
                cid = read_customer_id(i)
                customers.append(
                    (
                        cid,
                        f"{word.title()} Reader {i}",
                        f"{word}-r{i}.example",
                        f"it@{word}-r{i}.example",
                        now,
                    )
                )
                subscriptions.append(
                    (
                        uuid.uuid4(),
                        cid,
                        "o365-e3",
                        5,
                        "trial",
                        uuid.UUID(partner_id),
                        now + timedelta(days=30),
                        "trial_invitation",
                        uuid.uuid4(),
                        now,
                    )
                )
            async with conn.transaction():
                await conn.copy_records_to_table(
                    "customers",
                    schema_name="directory",
                    columns=DIRECTORY_COLUMNS["customers"],
                    records=customers,
                )
                await conn.copy_records_to_table(
                    "subscriptions",
                    schema_name="directory",
                    columns=DIRECTORY_COLUMNS["subscriptions"],
                    records=subscriptions,
                )
        await conn.execute("ANALYZE directory.customers")
        await conn.execute("ANALYZE directory.subscriptions")
    finally:
        await conn.close()


def read_customer_id(i: int) -> uuid.UUID:
    return uuid.UUID(int=(0xBE4C << 112) | i)
