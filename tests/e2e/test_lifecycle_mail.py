"""Lifecycle e-mails on the real stack and SMTP server: a delegation request reaches the
customer's Global admin, and only it, once; its approval reaches the partner's admins once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from tests.conftest import Mailbox
from tests.e2e.test_trial_flow import create_invitation, redeem, requests
from tests.support.portal import Portal
from tests.support.wait import eventually
from tools.seed import DEMO

SETTLE = 2.0


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

    pending = await eventually(lambda: requests(customer))
    path = f"/api/customer/delegation-requests/{pending[0]['request_id']}"
    assert (await customer.post(f"{path}/approve")).status_code == 200

    async def approved() -> list[Any]:
        return _about(mailbox, f"{name} approved")

    await eventually(approved, timeout=30)
    await asyncio.sleep(SETTLE)
    assert [str(m["To"]) for m in await approved()] == [DEMO.email]
    assert len(await requested()) == 1  # and no second copy meanwhile
