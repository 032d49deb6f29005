"""The run's world, through the services' own front door: catalogue services, two partners,
trial invitations and purchase offers with and without delegation (plus a revoked invitation
and a withdrawn offer, whose redemptions must be rejected), and the customers."""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer
from argon2 import PasswordHasher

from chaos import failover
from shared.contracts import catalogue, directory, invitations, offers
from shared.contracts.base import Command
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

SERVICES = ("chaos-mail", "chaos-files", "chaos-meet", "chaos-devices")
LAGGING = frozenset({"unknown_service", "unknown_customer", "customer_not_found"})


@dataclass(frozen=True)
class Source:
    """Something a customer redeems: its code, the services it creates, delegation or not."""

    kind: str  # "trial" or "offer"
    code: str
    services: tuple[str, ...]
    delegation: bool
    valid: bool  # False: revoked / withdrawn, every redemption is rejected


@dataclass
class World:
    sources: list[Source] = field(default_factory=list)
    customers: list[tuple[str, str]] = field(default_factory=list)  # (customer, admin user)


async def _send(bus: CommandBus, command: Command, topic: str) -> Outcome:
    return await send_until_accepted(bus, command, topic, LAGGING, tries=150)


async def seed_sources(bootstrap: str) -> list[Source]:
    bus = CommandBus(
        bootstrap=bootstrap,
        watch=(OFFERS_EVENTS, DIRECTORY_EVENTS, INVITATIONS_EVENTS),
        source="chaos-seed",
    )
    await bus.start()
    sources: list[Source] = []
    try:
        for service_id in SERVICES:
            await _send(
                bus,
                catalogue.PublishCatalogueService(
                    service_id=service_id,
                    name=f"Chaos {service_id}",
                    trial=catalogue.TrialTerms(days=30, max_seats=25),
                ),
                OFFERS_COMMANDS,
            )
        for p in range(2):
            partner, admin = uuid.uuid4(), uuid.uuid4()
            await _send(bus, _partner(partner, admin, p), DIRECTORY_COMMANDS)
            sources += await _partner_sources(bus, partner, admin)
    finally:
        await bus.stop()
    return sources


async def seed_http_client(bootstrap: str) -> failover.Client:
    """A third partner, whose admin signs in through the gateways and creates invitations
    over HTTP (``chaos.failover``): its own, so that they are counted apart."""
    bus = CommandBus(bootstrap=bootstrap, watch=(DIRECTORY_EVENTS,), source="chaos-seed")
    await bus.start()
    partner, password = uuid.uuid4(), "Chaos-Failover-2026"
    try:
        await _send(
            bus,
            _partner(partner, uuid.uuid4(), 2, PasswordHasher().hash(password)),
            DIRECTORY_COMMANDS,
        )
    finally:
        await bus.stop()
    return failover.Client(partner, "admin@chaos2.example", password, SERVICES[0])


def _partner(
    partner: uuid.UUID,
    admin: uuid.UUID,
    p: int,
    password_hash: str = "$argon2id$v=19$m=65536,t=3,p=4$unused",
) -> directory.RegisterPartner:
    return directory.RegisterPartner(
        partner_id=partner,
        profile=directory.PartnerProfile(name=f"Chaos Partner {p}"),
        admin=directory.FirstAdmin(
            user_id=admin,
            email=f"admin@chaos{p}.example",
            display_name="Chaos Admin",
            password_hash=password_hash,
        ),
    )


async def _partner_sources(bus: CommandBus, partner: uuid.UUID, admin: uuid.UUID) -> list[Source]:
    found: list[Source] = []
    for i, service_id in enumerate(SERVICES):
        delegation = i % 2 == 0
        created = await _send(
            bus,
            invitations.CreateTrialInvitation(
                invitation_id=uuid.uuid4(),
                partner_id=partner,
                created_by=admin,
                service_id=service_id,
                seats=5,
                delegation_role="full" if delegation else None,
            ),
            INVITATIONS_COMMANDS,
        )
        found.append(Source("trial", created.data["code"], (service_id,), delegation, True))
    for lines, delegation in (((0, 1), True), ((2,), False), ((1, 3), False), ((3,), True)):
        offer = await _offer(bus, partner, admin, [SERVICES[s] for s in lines], delegation)
        found.append(Source("offer", offer, tuple(SERVICES[s] for s in lines), delegation, True))
    # Redemptions of these must be rejected (and change nothing).
    revoked_id = uuid.uuid4()
    revoked = await _send(
        bus,
        invitations.CreateTrialInvitation(
            invitation_id=revoked_id,
            partner_id=partner,
            created_by=admin,
            service_id=SERVICES[0],
            seats=5,
            delegation_role="full",
        ),
        INVITATIONS_COMMANDS,
    )
    await _send(
        bus,
        invitations.RevokeTrialInvitation(
            invitation_id=revoked_id, partner_id=partner, revoked_by=admin
        ),
        INVITATIONS_COMMANDS,
    )
    found.append(Source("trial", revoked.data["code"], (SERVICES[0],), True, False))
    withdrawn_id = uuid.uuid4()
    withdrawn = await _offer(bus, partner, admin, [SERVICES[1]], True, withdrawn_id)
    await _send(
        bus,
        offers.WithdrawPurchaseOffer(offer_id=withdrawn_id, partner_id=partner, withdrawn_by=admin),
        OFFERS_COMMANDS,
    )
    found.append(Source("offer", withdrawn, (SERVICES[1],), True, False))
    return found


async def _offer(
    bus: CommandBus,
    partner: uuid.UUID,
    admin: uuid.UUID,
    services: list[str],
    delegation: bool,
    offer_id: uuid.UUID | None = None,
) -> str:
    created = await _send(
        bus,
        offers.CreatePurchaseOffer(
            offer_id=offer_id or uuid.uuid4(),
            partner_id=partner,
            created_by=admin,
            lines=[offers.OfferLineTerms(service_id=s, quantity=10) for s in services],
            delegation_role="limited" if delegation else None,
        ),
        OFFERS_COMMANDS,
    )
    return str(created.data["code"])


async def register_customers(bootstrap: str, dsn: str, count: int) -> list[tuple[str, str]]:
    """``count`` RegisterCustomer commands at full speed; wait until the views that a
    redemption needs (invitations', offers') hold them all."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    await producer.start()
    customers = [(str(uuid.uuid4()), str(uuid.uuid4())) for _ in range(count)]
    try:
        acks: list[Any] = []
        for i, (customer, admin) in enumerate(customers):
            command = directory.RegisterCustomer(
                customer_id=uuid.UUID(customer),
                name=f"Chaos Customer {i}",
                domain=f"c{i}.chaos.example",
                contact_email=f"it@c{i}.chaos.example",
                admin=directory.FirstAdmin(
                    user_id=uuid.UUID(admin),
                    email=f"admin@c{i}.chaos.example",
                    display_name="Chaos Customer Admin",
                    password_hash="$argon2id$v=19$m=65536,t=3,p=4$unused",
                ),
            )
            headers = headers_for(command, source="chaos-seed", correlation_id=f"seed-{i}")
            acks.append(
                await producer.send(
                    DIRECTORY_COMMANDS,
                    value=encode(command),
                    key=customer.encode(),
                    headers=kafka_headers(headers),
                )
            )
        await asyncio.gather(*acks)
    finally:
        await producer.stop()
    conn = await asyncpg.connect(dsn)
    try:
        # The views fill at a few hundred customers a second (130,000 took over 180 s on this
        # machine, for 650 redemptions/s over 200 s): time in proportion, at least 180 s.
        deadline = time.monotonic() + max(180.0, count / 250)
        while True:
            known = min(
                await conn.fetchval("SELECT count(*) FROM invitations.customers"),
                await conn.fetchval("SELECT count(*) FROM offers.customers"),
            )
            if known >= count:
                return customers
            if time.monotonic() > deadline:
                raise RuntimeError(f"only {known} of {count} customers in the views")
            await asyncio.sleep(0.3)
    finally:
        await conn.close()
