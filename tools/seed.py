"""Seed the demo: the service catalogue and one partner with a Global admin. Idempotent:
running it again changes nothing (the directory rejects the known partner, which is fine)."""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass

import httpx
from argon2 import PasswordHasher

from services.gateway.security import SESSION_COOKIE
from services.offers.catalogue_seed import SERVICES as CATALOGUE
from shared.contracts import directory
from shared.contracts.base import Command
from shared.contracts.topics import (
    DELEGATION_EVENTS,
    DIRECTORY_COMMANDS,
    DIRECTORY_EVENTS,
    INVITATIONS_EVENTS,
    OFFERS_COMMANDS,
    OFFERS_EVENTS,
)
from shared.messaging.client import CommandBus, Outcome


@dataclass(frozen=True)
class DemoPartner:
    partner_id: uuid.UUID
    admin_user_id: uuid.UUID
    email: str
    password: str
    name: str


DEMO = DemoPartner(
    partner_id=uuid.UUID("2f9a0d1c-5b7e-4f53-9c2a-1d8e6b4a7c30"),
    admin_user_id=uuid.UUID("9d3b7e21-6c4f-4a8d-b1e2-5f0a7c9d3e14"),
    email="admin@fabrikam.example",
    password="Fabrikam-Demo-2026",  # demo only; the README shows it
    name="Fabrikam Cloud Advisors",
)


def register_demo_partner() -> directory.RegisterPartner:
    return directory.RegisterPartner(
        partner_id=DEMO.partner_id,
        profile=directory.PartnerProfile(
            name=DEMO.name,
            phone="+1 425 555 0100",
            support_email="support@fabrikam.example",
            address="1 Main Street, Redmond, WA 98052",
            website="https://fabrikam.example",
        ),
        admin=directory.FirstAdmin(
            user_id=DEMO.admin_user_id,
            email=DEMO.email,
            display_name="Pat Admin",
            password_hash=PasswordHasher().hash(DEMO.password),
        ),
    )


async def seed(bootstrap: str) -> list[str]:
    bus = CommandBus(
        bootstrap=bootstrap,
        watch=(OFFERS_EVENTS, DIRECTORY_EVENTS, INVITATIONS_EVENTS, DELEGATION_EVENTS),
        source="seed",
    )
    await bus.start()
    lines = []
    try:
        for command in CATALOGUE:
            outcome = await bus.send(command, topic=OFFERS_COMMANDS, timeout=30)
            lines.append(f"catalogue {command.service_id}: {_said(outcome.type, outcome.data)}")
        outcome = await bus.send(register_demo_partner(), topic=DIRECTORY_COMMANDS, timeout=30)
        lines.append(f"partner {DEMO.name}: {_said(outcome.type, outcome.data)}")
    finally:
        await bus.stop()
    return lines


async def send_until_accepted(
    bus: CommandBus, command: Command, topic: str, lagging: frozenset[str], *, tries: int = 100
) -> Outcome:
    """Send and await the outcome; resend (up to ``tries`` times, 0.2 s apart) while the
    rejection's code is one of ``lagging``: a view that has not yet seen what the seeding
    itself has just created. Any other rejection fails the seeding."""
    for _ in range(tries):
        outcome = await bus.send(command, topic=topic, timeout=60)
        if not outcome.rejected:
            return outcome
        if outcome.data.get("code") not in lagging:
            raise RuntimeError(f"seed command rejected: {outcome.data}")
        await asyncio.sleep(0.2)
    raise RuntimeError(f"seed command still rejected: {outcome.data}")


@dataclass(frozen=True)
class SignedIn:
    """A browser's session: its cookie, and the CSRF token every state-changing request
    echoes."""

    cookie: str
    csrf: str

    @property
    def reading(self) -> dict[str, str]:
        """The headers of a read (GET): the session cookie."""
        return {"Cookie": f"{SESSION_COOKIE}={self.cookie}"}

    @property
    def headers(self) -> dict[str, str]:
        """The headers of a state-changing request: the cookie and the CSRF token."""
        return {**self.reading, "X-CSRF-Token": self.csrf}


async def sign_in(gateway: str, email: str, password: str, *, patience: float = 90.0) -> SignedIn:
    """A user's session, signed in through the gateway at ``gateway`` like a browser.
    Tried again while the user just registered is not in the views yet (401), after the
    ``Retry-After`` of a 429 (sign-in is rate limited per client address), for ``patience``
    seconds."""
    deadline = time.monotonic() + patience
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as client:
        while True:
            response = await client.post(
                "/api/session", json={"email": email, "password": password}
            )
            if response.status_code == 200 and SESSION_COOKIE in response.cookies:
                return SignedIn(
                    str(response.cookies[SESSION_COOKIE]), response.json()["csrf_token"]
                )
            wait = float(response.headers.get("Retry-After", "0.2"))
            if time.monotonic() + wait > deadline:
                raise RuntimeError(f"sign-in failed: {response.status_code} {response.text[:300]}")
            await asyncio.sleep(wait)


def _said(ce_type: str, data: dict[str, object]) -> str:
    return f"rejected ({data.get('code')})" if ce_type.endswith("CommandRejected.v1") else "ok"


if __name__ == "__main__":
    import os

    for line in asyncio.run(seed(os.environ.get("PORTAL_KAFKA_BOOTSTRAP", "127.0.0.1:19092"))):
        print(line)
