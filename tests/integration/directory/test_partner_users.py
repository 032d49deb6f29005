"""Partner company information and partner users over the real broker and database: every
row of the role table, the last-Global-admin rule and isolation between partners."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import httpx
import orjson
import pytest

from services.directory.domain.roles import ROLE_TABLE, Action, CompanyRole, Targets
from shared.contracts import directory
from shared.contracts.base import Command, Event
from shared.contracts.topics import DIRECTORY_COMMANDS
from shared.messaging.envelope import headers_for, kafka_headers
from tests.integration.directory.helpers import (
    REJECTED,
    TEMPORARY,
    Partner,
    command,
    password_hash,
)
from tests.support.bus import Bus, Seen

# A user each target class covers, and one just outside it (None: nobody is outside).
INSIDE = {
    Targets.ANY: ("global_admin", "full"),
    Targets.NOT_GLOBAL_ADMIN: ("billing_admin", "full"),
    Targets.NOT_ADMIN: ("none", "none"),
}
OUTSIDE = {
    Targets.ANY: None,
    Targets.NOT_GLOBAL_ADMIN: ("global_admin", "none"),
    Targets.NOT_ADMIN: ("none", "limited"),
}


async def act(
    partner: Partner, action: Action, actor: uuid.UUID, target: tuple[str, str]
) -> tuple[bool, str]:
    """Do ``action`` as ``actor`` to a fresh user holding ``target``; (allowed?, code)."""
    pid = partner.partner_id
    if action is Action.CREATE_USER:
        reply, _, _ = await partner.create_user(role=target[0], access=target[1], actor=actor)
        return _outcome(reply, directory.PartnerUserCreated)
    _, target_id, _ = await partner.create_user(role=target[0], access=target[1])
    if action is Action.RESET_PASSWORD:
        answer = await partner.http.post(
            f"/internal/users/{target_id}/reset-password", json={"actor_user_id": str(actor)}
        )
        ok = answer.status_code == 200 and len(answer.json()["temporary_password"]) >= 16
        return ok, "" if ok else answer.json()["code"]
    if action is Action.EDIT_COMPANY:
        profile = directory.PartnerProfile(name=f"Renamed {uuid.uuid4().hex[:6]}")
        msg: Command = directory.UpdatePartnerProfile(
            partner_id=pid, actor_user_id=actor, profile=profile
        )
        return _outcome(await command(partner.bus, msg), directory.PartnerProfileUpdated)
    if action is Action.UPDATE_USER:
        msg = directory.UpdatePartnerUser(
            partner_id=pid, actor_user_id=actor, user_id=target_id, display_name="Renamed"
        )
        return _outcome(await command(partner.bus, msg), directory.PartnerUserUpdated)
    if action is Action.ENABLE_USER:
        disable = directory.DisablePartnerUser(
            partner_id=pid, actor_user_id=partner.admin_id, user_id=target_id
        )
        assert (await command(partner.bus, disable)).type != REJECTED
        msg = directory.EnablePartnerUser(partner_id=pid, actor_user_id=actor, user_id=target_id)
        return _outcome(await command(partner.bus, msg), directory.PartnerUserEnabled)
    msg = directory.DisablePartnerUser(partner_id=pid, actor_user_id=actor, user_id=target_id)
    return _outcome(await command(partner.bus, msg), directory.PartnerUserDisabled)


def _outcome(reply: Seen, expected: type[Event]) -> tuple[bool, str]:
    if reply.type == expected.ce_type():
        return True, ""
    assert reply.type == REJECTED, reply.type
    return False, str(reply.data["code"])


async def _partner_and_actor(bus: Bus, http: httpx.AsyncClient, role: CompanyRole) -> Any:
    partner = await Partner.register(bus, http)
    if role is CompanyRole.GLOBAL_ADMIN:
        actor = partner.admin_id
    else:
        _, actor, _ = await partner.create_user(role=role.value, ready=True)
    await partner.create_user(role="global_admin")  # keeps the last-GA rule out of the way
    return partner, actor


@pytest.mark.parametrize(("rule", "targets"), list(ROLE_TABLE.items()), ids=str)
async def test_role_table_row(
    stack: object,
    bus: Bus,
    http: httpx.AsyncClient,
    rule: tuple[Action, CompanyRole],
    targets: Targets,
) -> None:
    action, role = rule
    partner, actor = await _partner_and_actor(bus, http, role)
    assert await act(partner, action, actor, INSIDE[targets]) == (True, "")
    outside = OUTSIDE[targets]
    if outside is not None:
        assert await act(partner, action, actor, outside) == (False, "not_allowed")


@pytest.mark.parametrize(
    "role", [CompanyRole.NONE, CompanyRole.BILLING_ADMIN, CompanyRole.SERVICE_ADMIN]
)
async def test_roles_outside_the_table_may_not_manage_users(
    stack: object, bus: Bus, http: httpx.AsyncClient, role: CompanyRole
) -> None:
    partner, actor = await _partner_and_actor(bus, http, role)
    for action in Action:
        assert await act(partner, action, actor, ("none", "none")) == (False, "not_allowed")


async def test_last_active_global_admin_can_be_neither_demoted_nor_disabled(
    stack: object, bus: Bus, http: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    partner = await Partner.register(bus, http)
    pid, admin = partner.partner_id, partner.admin_id
    demote = directory.UpdatePartnerUser(
        partner_id=pid, actor_user_id=admin, user_id=admin, company_role="billing_admin"
    )
    disable = directory.DisablePartnerUser(partner_id=pid, actor_user_id=admin, user_id=admin)
    for msg in (demote, disable):
        reply = await command(bus, msg)
        assert (reply.type, reply.data["code"]) == (REJECTED, "last_global_admin")
    row = await pool.fetchrow(
        "SELECT company_role, disabled_at FROM directory.users WHERE user_id = $1", admin
    )
    assert row is not None
    assert (row["company_role"], row["disabled_at"]) == ("global_admin", None)

    await partner.create_user(role="global_admin")
    assert (await command(bus, demote)).type == directory.PartnerUserUpdated.ce_type()


async def test_partners_cannot_see_or_touch_each_others_users(
    stack: object, bus: Bus, http: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    ours = await Partner.register(bus, http)
    theirs = await Partner.register(bus, http)
    _, victim, _ = await theirs.create_user(role="none")
    attempts: list[Command] = [
        directory.DisablePartnerUser(
            partner_id=theirs.partner_id, actor_user_id=ours.admin_id, user_id=victim
        ),
        directory.DisablePartnerUser(
            partner_id=ours.partner_id, actor_user_id=ours.admin_id, user_id=victim
        ),
        directory.UpdatePartnerProfile(
            partner_id=theirs.partner_id,
            actor_user_id=ours.admin_id,
            profile=directory.PartnerProfile(name="Hijacked"),
        ),
    ]
    codes = [(await command(bus, m)).data.get("code") for m in attempts]
    assert codes == ["not_allowed", "user_not_found", "not_allowed"]
    reset = await http.post(
        f"/internal/users/{victim}/reset-password", json={"actor_user_id": str(ours.admin_id)}
    )
    assert (reset.status_code, reset.json()["code"]) == (404, "user_not_found")
    assert await pool.fetchval(
        "SELECT disabled_at IS NULL AND must_change_password "
        "FROM directory.users WHERE user_id = $1",
        victim,
    )
    name = await pool.fetchval(
        "SELECT name FROM directory.partners WHERE partner_id = $1", theirs.partner_id
    )
    assert name != "Hijacked"


async def test_profile_change_is_an_event_with_who_and_when(
    stack: object, bus: Bus, http: httpx.AsyncClient
) -> None:
    partner = await Partner.register(bus, http)
    profile = directory.PartnerProfile(
        name="Fabrikam Renamed", phone="+1 425 555 0199", website="https://new.example"
    )
    reply = await command(
        bus,
        directory.UpdatePartnerProfile(
            partner_id=partner.partner_id, actor_user_id=partner.admin_id, profile=profile
        ),
    )
    assert reply.type == directory.PartnerProfileUpdated.ce_type()
    assert reply.data["updated_by"] == str(partner.admin_id)
    assert reply.data["updated_at"]
    public = (await http.get(f"/internal/partners/{partner.partner_id}/public")).json()
    assert (public["name"], public["phone"]) == ("Fabrikam Renamed", "+1 425 555 0199")


async def test_unknown_role_is_an_invalid_message_and_changes_nothing(
    stack: object, bus: Bus, http: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    partner = await Partner.register(bus, http)
    valid = directory.CreatePartnerUser(
        partner_id=partner.partner_id,
        actor_user_id=partner.admin_id,
        user_id=uuid.uuid4(),
        email="emperor@fabrikam.example",
        display_name="Emperor",
        password_hash=password_hash(TEMPORARY),
    )
    headers = headers_for(valid, source="tests", correlation_id=str(uuid.uuid4()))
    payload = valid.model_dump(mode="json") | {"company_role": "emperor"}
    await bus.send_raw(
        DIRECTORY_COMMANDS,
        orjson.dumps(payload),
        key=valid.partition_key().encode(),
        headers=kafka_headers(headers),
    )
    reply = await bus.reply_to(headers["ce_id"])
    assert (reply.type, reply.data["code"]) == (REJECTED, "invalid_message")
    assert not await pool.fetchval(
        "SELECT true FROM directory.users WHERE user_id = $1", valid.user_id
    )
