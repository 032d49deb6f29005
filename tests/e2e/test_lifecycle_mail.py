"""Lifecycle e-mails on the real stack and SMTP server: a delegation request reaches the
customer's Global admin, and only it, once; its approval reaches the partner's admins once; a
service request's opening, notes and state changes reach the other side (and the partner's
admins), each once, never the one who wrote them, not again when the event is redelivered; a
trial ending within a week is told to both sides once; another partner hears nothing."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from shared.contracts import catalogue
from shared.contracts.common import CommandRejected
from shared.contracts.directory import ServiceRequestNoteAddedV2
from shared.contracts.topics import OFFERS_COMMANDS
from tests.conftest import Mailbox
from tests.e2e.test_acting_for_customers import new_partner_user
from tests.e2e.test_security import register_partner
from tests.e2e.test_trial_flow import approve_request, create_invitation, delegate, redeem
from tests.support.bus import Bus
from tests.support.portal import Portal
from tests.support.wait import eventually
from tools.seed import DEMO

SETTLE = 2.0
NOTE_ADDED = ServiceRequestNoteAddedV2.ce_type()


def _about(mailbox: Mailbox, words: str) -> list[Any]:
    return [m for m in mailbox if words in str(m["Subject"])]


async def test_a_delegation_request_and_its_approval_are_told_once_each(
    partner: Portal, portal: Callable[[], Awaitable[Portal]], mailbox: Mailbox
) -> None:
    invitation = await create_invitation(partner)
    tag = uuid.uuid4().hex[:8]
    customer = await portal()
    await customer.sign_up(tag)
    name, admin = f"Contoso {tag}", f"admin@contoso-{tag}.example"
    assert (await redeem(customer, invitation["code"])).status_code == 201

    async def requested() -> list[Any]:
        return _about(mailbox, f"asks to administer {name}")

    [message] = await eventually(requested, timeout=30)
    assert str(message["To"]) == admin
    assert DEMO.name in str(message["Subject"])
    text = message.get_body(("plain",))
    assert text is not None
    assert "support@fabrikam.example" in text.get_content()

    await approve_request(customer)

    async def approved() -> list[Any]:
        return _about(mailbox, f"{name} approved")

    await eventually(approved, timeout=30)
    await asyncio.sleep(SETTLE)
    assert [str(m["To"]) for m in await approved()] == [DEMO.email]
    assert len(await requested()) == 1  # and no second copy meanwhile


async def _partner_with_opener(
    bus: Bus, portal: Callable[[], Awaitable[Portal]], tag: str
) -> tuple[Portal, Portal]:
    """A partner of its own (its Global admin signed in) and a supporting user who is not an
    admin: the one who opens the service request."""
    email, password = await register_partner(bus, tag)
    admin = await portal()
    assert (await admin.sign_in(email, password)).status_code == 200
    opener = await new_partner_user(
        admin,
        portal,
        f"opener-{tag}@partner.example",
        display_name="Otto Opener",
        supported_access="full",
    )
    return admin, opener


async def _to(mailbox: Mailbox, subject: str, *, at_least: int) -> list[str]:
    """The addresses of the messages with this subject, once ``at_least`` have arrived and
    nothing more came for a moment."""

    async def arrived() -> list[str]:
        found = [str(m["To"]) for m in _about(mailbox, subject)]
        return found if len(found) >= at_least else []

    await eventually(arrived, timeout=60)
    await asyncio.sleep(SETTLE)
    return sorted(str(m["To"]) for m in _about(mailbox, subject))


async def test_service_request_mail_reaches_the_other_side_once_never_the_writer(
    portal: Callable[[], Awaitable[Portal]], bus: Bus, mailbox: Mailbox
) -> None:
    tag = uuid.uuid4().hex[:8]
    admin, opener = await _partner_with_opener(bus, portal, tag)
    stranger, _ = await register_partner(bus, f"other-{tag}")
    customer = await portal()
    await customer.sign_up(tag)
    customer_admin = f"admin@contoso-{tag}.example"
    await delegate(admin, customer)
    base = f"/api/partner/customers/{customer.company_id}/service-requests"
    title = f"Mail flow {tag}"

    async def opened() -> dict[str, Any]:
        response = await opener.post(
            base,
            json={"title": title, "severity": "high", "description": "Slow.",
                  "contact_name": "Chris", "contact_email": "chris@contoso.example"},
        )  # fmt: skip
        return dict(response.json()) if response.status_code == 201 else {}

    request_id = (await eventually(opened))["request_id"]  # once the approval reached it
    partner_side = sorted([admin.user["email"], opener.user["email"]])
    # Opened by the partner's user: the customer's admin and the partner's, not the opener.
    assert await _to(mailbox, f"Service request opened: {title}", at_least=2) == sorted(
        [customer_admin, admin.user["email"]]
    )

    note = f"/api/customer/service-requests/{request_id}/notes"
    assert (await customer.post(note, json={"body": "Still slow."})).status_code == 200
    notes = f"New note on service request {title}"
    assert await _to(mailbox, notes, at_least=2) == partner_side  # not the customer's writer

    partner_note = await opener.post(f"{base}/{request_id}/notes", json={"body": "Looking."})
    assert partner_note.status_code == 200, partner_note.text
    both = await _to(mailbox, notes, at_least=4)
    assert both == sorted([*partner_side, customer_admin, admin.user["email"]])

    moved = await opener.post(f"{base}/{request_id}/state", json={"state": "in_progress"})
    assert moved.status_code == 200, moved.text
    assert await _to(mailbox, f"Service request {title}: in_progress", at_least=2) == sorted(
        [customer_admin, admin.user["email"]]
    )

    # The note's event published again on its topic, same envelope: no second e-mail.
    [event] = [s for s in bus.seen if s.type == NOTE_ADDED and s.data["body"] == "Looking."]
    await bus.send_raw(
        event.topic,
        event.value,
        key=event.key.encode() if event.key else None,
        headers=[(k, v.encode()) for k, v in event.headers.items()],
    )
    await asyncio.sleep(3 * SETTLE)
    assert await _to(mailbox, notes, at_least=4) == both
    assert all(str(m["To"]) != stranger for m in mailbox)
    assert all(str(m["To"]) != opener.user["email"] for m in _about(mailbox, "opened: " + title))


async def test_a_trial_ending_within_a_week_is_told_to_both_sides_once(
    portal: Callable[[], Awaitable[Portal]], bus: Bus, mailbox: Mailbox
) -> None:
    tag = uuid.uuid4().hex[:8]
    service = f"short-{tag}"
    published = await bus.send(
        catalogue.PublishCatalogueService(
            service_id=service,
            name=f"Short trial {tag}",
            trial=catalogue.TrialTerms(days=5, max_seats=25),
        ),
        topic=OFFERS_COMMANDS,
    )
    assert (await bus.reply_to(published)).type != CommandRejected.ce_type()
    admin, opener = await _partner_with_opener(bus, portal, tag)
    stranger, _ = await register_partner(bus, f"other-{tag}")
    customer = await portal()
    await customer.sign_up(tag)

    async def invited() -> dict[str, Any]:  # once the invitations service knows it
        response = await admin.post(
            "/api/partner/invitations", json={"service_id": service, "seats": 3}
        )
        return dict(response.json()) if response.status_code == 201 else {}

    invitation = await eventually(invited)
    assert (await redeem(customer, invitation["code"])).status_code == 201
    # The sweep runs every PORTAL_TRIAL_SWEEP_SECONDS (short in the suite): several runs
    # pass within the wait, and each must find the warning already queued.
    told = await _to(mailbox, f"The trial of {service} for ", at_least=2)
    await asyncio.sleep(3 * SETTLE)
    assert await _to(mailbox, f"The trial of {service} for ", at_least=2) == told
    assert told == sorted([f"admin@contoso-{tag}.example", admin.user["email"]])
    assert all(str(m["To"]) not in (stranger, opener.user["email"]) for m in mailbox)
