"""Builders and shortcuts for the directory's integration tests (real broker, real DB)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
from argon2 import PasswordHasher

from shared.contracts import delegation, directory, invitations
from shared.contracts.common import DelegationRole
from shared.contracts.topics import DELEGATION_EVENTS, DIRECTORY_COMMANDS, INVITATIONS_EVENTS
from tests.support.bus import Bus, Seen
from tests.support.wait import eventually

REJECTED = "portal.system.CommandRejected.v1"
TRIAL_REDEEMED_AT = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # so a 30-day trial ends 12-24
_HASHER = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)


def password_hash(password: str) -> str:
    return _HASHER.hash(password)


def unique_domain() -> str:
    return f"c{uuid.uuid4().hex[:12]}.example"


def register_customer(
    *,
    domain: str | None = None,
    email: str | None = None,
    name: str = "Contoso Ltd",
    contact_email: str = "it@contoso.example",
    password: str = "correct horse battery",
) -> directory.RegisterCustomer:
    tag = uuid.uuid4().hex[:10]
    return directory.RegisterCustomer(
        customer_id=uuid.uuid4(),
        name=name,
        domain=domain or unique_domain(),
        contact_email=contact_email,
        admin=directory.FirstAdmin(
            user_id=uuid.uuid4(),
            email=email or f"admin-{tag}@contoso.example",
            display_name="Chris Admin",
            password_hash=password_hash(password),
        ),
    )


def register_partner(
    *, name: str = "Fabrikam Cloud Advisors", password: str = "correct horse battery"
) -> directory.RegisterPartner:
    tag = uuid.uuid4().hex[:10]
    return directory.RegisterPartner(
        partner_id=uuid.uuid4(),
        profile=directory.PartnerProfile(
            name=name,
            phone="+1 425 555 0100",
            support_email=f"support-{tag}@fabrikam.example",
            address="1 Main St, Redmond, WA",
            website="https://fabrikam.example",
        ),
        admin=directory.FirstAdmin(
            user_id=uuid.uuid4(),
            email=f"admin-{tag}@fabrikam.example",
            display_name="Pat Admin",
            password_hash=password_hash(password),
        ),
    )


async def command(bus: Bus, message: Any) -> Seen:
    """Send a directory command and return its one reply (event or rejection)."""
    return await bus.reply_to(await bus.send(message, topic=DIRECTORY_COMMANDS))


async def registered_customer(bus: Bus, **kwargs: Any) -> directory.RegisterCustomer:
    cmd = register_customer(**kwargs)
    reply = await command(bus, cmd)
    assert reply.type == directory.CustomerRegistered.ce_type(), reply.data
    return cmd


async def registered_partner(bus: Bus, **kwargs: Any) -> directory.RegisterPartner:
    cmd = register_partner(**kwargs)
    reply = await command(bus, cmd)
    assert reply.type == directory.PartnerRegistered.ce_type(), reply.data
    return cmd


def redeemed(
    customer_id: uuid.UUID,
    *,
    partner_id: uuid.UUID | None = None,
    redemption_id: uuid.UUID | None = None,
    service_id: str = "o365-e3",
    trial_days: int = 30,
    redeemed_at: datetime = TRIAL_REDEEMED_AT,
) -> invitations.TrialInvitationRedeemed:
    return invitations.TrialInvitationRedeemed(
        **redemption(customer_id, partner_id=partner_id, redemption_id=redemption_id),
        invitation_id=uuid.uuid4(),
        service_id=service_id,
        seats=25,
        trial_days=trial_days,
        redeemed_at=redeemed_at,
    )


def redemption(
    customer_id: uuid.UUID,
    *,
    partner_id: uuid.UUID | None = None,
    redemption_id: uuid.UUID | None = None,
) -> dict[str, Any]:
    """What every redemption event (trial or purchase) says: which redemption, of which
    partner's link, by which customer (no delegation asked)."""
    return {
        "redemption_id": redemption_id or uuid.uuid4(),
        "partner_id": partner_id or uuid.uuid4(),
        "customer_id": customer_id,
        "redeemed_by": uuid.uuid4(),
        "delegation_role": None,
    }


def from_redemption(ce_type: str, redemption_id: uuid.UUID) -> Any:
    """Events of ``ce_type`` whose source is the redemption."""

    def predicate(seen: Seen) -> bool:
        return seen.type == ce_type and seen.data.get("source", {}).get("id") == str(redemption_id)

    return predicate


def created_for(redemption_id: uuid.UUID) -> Any:
    return from_redemption(directory.SubscriptionCreated.ce_type(), redemption_id)


class Partner:
    """A registered partner, driven through the real broker and the directory's HTTP."""

    def __init__(self, bus: Bus, http: httpx.AsyncClient, cmd: directory.RegisterPartner) -> None:
        self.bus = bus
        self.http = http
        self.partner_id = cmd.partner_id
        self.admin_id = cmd.admin.user_id
        self.admin_email = cmd.admin.email

    @classmethod
    async def register(cls, bus: Bus, http: httpx.AsyncClient) -> Partner:
        return cls(bus, http, await registered_partner(bus))

    async def create_user(
        self,
        *,
        role: str = "none",
        access: str = "none",
        actor: uuid.UUID | None = None,
        ready: bool = False,
    ) -> tuple[Seen, uuid.UUID, str]:
        """Create a user (by the first admin unless ``actor``); ``ready``: it has changed its
        temporary password and may act. Returns the reply, its id and its e-mail."""
        user_id = uuid.uuid4()
        email = f"u-{user_id.hex[:12]}@fabrikam.example"
        reply = await command(
            self.bus,
            directory.CreatePartnerUser(
                partner_id=self.partner_id,
                actor_user_id=actor or self.admin_id,
                user_id=user_id,
                email=email,
                display_name="Some User",
                company_role=role,
                supported_access=access,
                password_hash=password_hash(TEMPORARY),
            ),
        )
        if ready:
            assert reply.type == directory.PartnerUserCreated.ce_type(), reply.data
            answer = await self.http.post(
                f"/internal/users/{user_id}/password",
                json={"current_password": TEMPORARY, "new_password": PASSWORD},
            )
            assert answer.status_code == 200, answer.text
        return reply, user_id, email


TEMPORARY = "temporary password 1"
PASSWORD = "correct horse battery"


async def customer_of(
    bus: Bus, partner_id: uuid.UUID, *, name: str, contact_email: str = "it@contoso.example"
) -> directory.RegisterCustomer:
    """A registered customer with a trial whose partner of record is ``partner_id``."""
    customer = await registered_customer(bus, name=name, contact_email=contact_email)
    event = redeemed(customer.customer_id, partner_id=partner_id)
    await bus.send(event, topic=INVITATIONS_EVENTS)
    await bus.wait_for(created_for(event.redemption_id))
    return customer


async def approve_delegation(
    bus: Bus,
    pool: asyncpg.Pool,
    partner_id: uuid.UUID,
    customer_id: uuid.UUID,
    approved_by: uuid.UUID,
    *,
    role: DelegationRole = "full",
) -> uuid.UUID:
    """Publish a ``DelegationApproved`` as the delegation service would and wait until the
    directory holds the delegation with its role; returns the relationship (request) id."""
    relationship = uuid.uuid4()
    await bus.send(
        delegation.DelegationApproved(
            request_id=relationship,
            partner_id=partner_id,
            customer_id=customer_id,
            role=role,
            approved_by=approved_by,
            approved_at=datetime.now(UTC),
        ),
        topic=DELEGATION_EVENTS,
    )
    await eventually(
        lambda: pool.fetchval(
            "SELECT delegation_role = $2 FROM directory.partner_customers WHERE delegation_id = $1",
            relationship,
            role,
        )
    )
    return relationship
