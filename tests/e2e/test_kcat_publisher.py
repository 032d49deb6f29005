"""The command contract is usable outside Python: Debian's kcat publishes plain JSON with
CloudEvents headers, and the flow completes."""

from __future__ import annotations

import asyncio
import json
import shutil
import uuid
from typing import Any

from shared.contracts.invitations import (
    CreateTrialInvitation,
    RedeemTrialInvitation,
    TrialInvitationCreated,
    TrialInvitationRedeemed,
)
from shared.contracts.topics import INVITATIONS_COMMANDS
from tests.conftest import BOOTSTRAP
from tests.e2e.test_trial_flow import subscriptions
from tests.support.bus import Bus
from tests.support.portal import Portal
from tests.support.wait import eventually
from tools.seed import DEMO


async def kcat_publish(topic: str, key: str, ce_type: str, body: dict[str, Any]) -> str:
    kcat = shutil.which("kcat")
    assert kcat, "kcat is missing: make prereqs installs it"
    ce_id = str(uuid.uuid4())
    headers = {
        "ce_specversion": "1.0",
        "ce_id": ce_id,
        "ce_type": ce_type,
        "ce_source": "kcat",
        "ce_correlationid": f"kcat-{ce_id}",
        "content-type": "application/json",
    }
    args = [kcat, "-b", BOOTSTRAP, "-P", "-t", topic, "-k", key]
    for name, value in headers.items():
        args += ["-H", f"{name}={value}"]
    process = await asyncio.create_subprocess_exec(
        *args, stdin=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    _, stderr = await process.communicate(json.dumps(body).encode())
    assert process.returncode == 0, stderr.decode()
    return ce_id


async def test_kcat_creates_and_redeems_an_invitation(customer: Portal, bus: Bus) -> None:
    create: dict[str, Any] = {
        "invitation_id": str(uuid.uuid4()),
        "partner_id": str(DEMO.partner_id),
        "created_by": str(DEMO.admin_user_id),
        "service_id": "o365-e3",
        "seats": 3,
        "delegation_role": None,
    }
    created = await bus.reply_to(
        await kcat_publish(
            INVITATIONS_COMMANDS, create["partner_id"], CreateTrialInvitation.ce_type(), create
        )
    )
    assert created.type == TrialInvitationCreated.ce_type(), created.data
    assert created.correlation_id
    assert created.correlation_id.startswith("kcat-")

    redeem = {
        "code": created.data["code"],
        "customer_id": customer.company_id,
        "redeemed_by": customer.user_id,
    }
    redeemed = await bus.reply_to(
        await kcat_publish(
            INVITATIONS_COMMANDS, customer.company_id, RedeemTrialInvitation.ce_type(), redeem
        )
    )
    assert redeemed.type == TrialInvitationRedeemed.ce_type(), redeemed.data

    subs = await eventually(lambda: subscriptions(customer))
    assert subs[0]["service_id"] == "o365-e3"
    assert subs[0]["seats"] == 3
