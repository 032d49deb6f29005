"""Bad input and crashes, on a real service process (invitations) and the real broker."""

from __future__ import annotations

import uuid

import asyncpg
import httpx

from shared.contracts import catalogue, directory, invitations
from shared.contracts.common import CommandRejected
from shared.contracts.topics import (
    DEAD_LETTER,
    DIRECTORY_COMMANDS,
    INVITATIONS_COMMANDS,
    INVITATIONS_EVENTS,
    OFFERS_COMMANDS,
)
from tests.support.bus import Bus
from tests.support.customers import announce_customer
from tests.support.wait import eventually
from tools.procs import ServiceProcess


def _headers(ce_type: str, ce_id: str | None = None) -> list[tuple[str, bytes]]:
    return [
        ("ce_specversion", b"1.0"),
        ("ce_id", (ce_id or str(uuid.uuid4())).encode()),
        ("ce_type", ce_type.encode()),
        ("ce_source", b"tests"),
    ]


async def _trial_service(bus: Bus, pool: asyncpg.Pool, prefix: str) -> str:
    """Publish a service with a trial (at most 5 seats) through the offers service; its id,
    once the invitations service knows it."""
    service_id = f"{prefix}-{uuid.uuid4().hex[:6]}"
    published = catalogue.PublishCatalogueService(
        service_id=service_id, name=prefix.title(), trial={"days": 30, "max_seats": 5}
    )
    await bus.reply_to(await bus.send(published, topic=OFFERS_COMMANDS))
    await eventually(
        lambda: pool.fetchval(
            "SELECT true FROM invitations.catalogue WHERE service_id = $1", service_id
        )
    )
    return service_id


async def test_malformed_json_is_dead_lettered_and_the_consumer_goes_on(
    stack: dict[str, ServiceProcess], bus: Bus
) -> None:
    bad_id = str(uuid.uuid4())
    garbage = b'{"code": "abc", not json'
    await bus.send_raw(
        INVITATIONS_COMMANDS,
        garbage,
        key=b"k1",
        headers=_headers(invitations.RedeemTrialInvitation.ce_type(), bad_id),
    )
    # The very next command on the same partition is still handled.
    probe = invitations.RevokeTrialInvitation(
        invitation_id=uuid.uuid4(), partner_id=uuid.uuid4(), revoked_by=uuid.uuid4()
    )
    reply = await bus.reply_to(await bus.send(probe, topic=INVITATIONS_COMMANDS))
    assert reply.data["code"] == "invitation_not_found"

    dead = (
        await bus.wait_for(lambda s: s.topic == DEAD_LETTER and s.headers.get("ce_id") == bad_id)
    )[0]
    assert dead.value == garbage
    assert dead.headers["dlt_reason"].startswith("value is not JSON")
    assert dead.headers["dlt_topic"] == INVITATIONS_COMMANDS
    assert dead.headers["dlt_consumer"] == "invitations.commands"


async def test_missing_headers_and_unknown_types_are_dead_lettered(
    stack: dict[str, ServiceProcess], bus: Bus
) -> None:
    await bus.send_raw(INVITATIONS_COMMANDS, b'{"x": 1}', key=b"no-headers")
    unknown_id = str(uuid.uuid4())
    await bus.send_raw(
        INVITATIONS_COMMANDS,
        b'{"x": 1}',
        key=b"unknown",
        headers=_headers("portal.invitations.DoSomethingElse.v1", unknown_id),
    )
    no_headers = await bus.wait_for(lambda s: s.topic == DEAD_LETTER and s.key == "no-headers")
    assert "missing CloudEvents headers" in no_headers[0].headers["dlt_reason"]
    unknown = await bus.wait_for(
        lambda s: s.topic == DEAD_LETTER and s.headers.get("ce_id") == unknown_id
    )
    assert "unknown message type" in unknown[0].headers["dlt_reason"]


async def test_a_command_that_breaks_its_contract_gets_a_typed_rejection(
    stack: dict[str, ServiceProcess], bus: Bus
) -> None:
    command_id = str(uuid.uuid4())
    await bus.send_raw(
        INVITATIONS_COMMANDS,
        b'{"code": "short", "customer_id": "not-a-uuid"}',
        key=b"k",
        headers=_headers(invitations.RedeemTrialInvitation.ce_type(), command_id),
    )
    reply = await bus.reply_to(command_id)
    assert reply.type == CommandRejected.ce_type()
    assert reply.topic == INVITATIONS_EVENTS
    assert reply.data["code"] == "invalid_message"
    failing = {tuple(d["loc"]) for d in reply.data["details"]}
    assert {("code",), ("customer_id",), ("redeemed_by",)} <= failing


async def test_a_crash_between_db_commit_and_offset_commit_creates_no_duplicate(
    stack: dict[str, ServiceProcess], bus: Bus, pool: asyncpg.Pool
) -> None:
    invitations_proc = stack["invitations"]
    # A trialable service and a customer, as the invitations service learns of them.
    service_id = await _trial_service(bus, pool, "crash")
    customer_id = await announce_customer(
        bus, pool, known="SELECT true FROM invitations.customers WHERE customer_id = $1"
    )
    created = await bus.reply_to(
        await bus.send(
            invitations.CreateTrialInvitation(
                invitation_id=uuid.uuid4(),
                partner_id=uuid.uuid4(),
                created_by=uuid.uuid4(),
                service_id=service_id,
                seats=3,
                delegation_role="full",
            ),
            topic=INVITATIONS_COMMANDS,
        )
    )

    correlation = f"crash-{uuid.uuid4()}"
    async with httpx.AsyncClient() as http:
        armed = await http.post(
            f"{invitations_proc.url}/internal/faults/crash-after-commit/{correlation}"
        )
        assert armed.status_code == 200
    redeem = invitations.RedeemTrialInvitation(
        code=created.data["code"], customer_id=customer_id, redeemed_by=uuid.uuid4()
    )
    command_id = await bus.send(redeem, topic=INVITATIONS_COMMANDS, correlation_id=correlation)

    # The process dies with the redemption committed and the offset not.
    assert invitations_proc.proc is not None
    await eventually(lambda: _exited(invitations_proc), timeout=30)
    assert (
        await pool.fetchval(
            "SELECT count(*) FROM invitations.redemptions WHERE customer_id = $1", customer_id
        )
        == 1
    )

    invitations_proc.start()
    invitations_proc.wait_ready()
    # The redelivered command is recognised: still one redemption, one event.
    await bus.reply_to(command_id, timeout=60)
    probe = invitations.RedeemTrialInvitation(
        code=created.data["code"], customer_id=customer_id, redeemed_by=uuid.uuid4()
    )
    again = await bus.reply_to(await bus.send(probe, topic=INVITATIONS_COMMANDS), timeout=60)
    assert again.data["code"] == "trial_already_redeemed"
    assert (
        await pool.fetchval(
            "SELECT count(*) FROM invitations.redemptions WHERE customer_id = $1", customer_id
        )
        == 1
    )
    redeemed = bus.matching(
        lambda s: (
            s.type == invitations.TrialInvitationRedeemed.ce_type() and s.key == str(customer_id)
        )
    )
    # The relay may have published the event just before the kill and publish it again after
    # the restart (at-least-once): the same event, same ce_id, which consumers recognise.
    assert len({s.headers["ce_id"] for s in redeemed}) == 1


async def _exited(proc: ServiceProcess) -> bool:
    return proc.proc is not None and proc.proc.poll() is not None


async def test_a_batch_mixing_rejections_duplicates_and_effects_settles_each_alone(
    stack: dict[str, ServiceProcess], bus: Bus, pool: asyncpg.Pool
) -> None:
    """Sent back to back on one key (one partition, very likely one batch): a rule broken in
    the middle rolls back nothing of its neighbours, and a copy of a message is applied once."""
    partner = uuid.uuid4()
    service_id = await _trial_service(bus, pool, "mix")

    def create(seats: int) -> invitations.CreateTrialInvitation:
        return invitations.CreateTrialInvitation(
            invitation_id=uuid.uuid4(),
            partner_id=partner,
            created_by=uuid.uuid4(),
            service_id=service_id,
            seats=seats,
        )

    commands = [create(1), create(99), create(2), create(3)]  # 99 seats breaks a rule
    copy_id = str(uuid.uuid4())
    ids = [await bus.send(c, topic=INVITATIONS_COMMANDS) for c in commands[:2]]
    ids.append(await bus.send(commands[2], topic=INVITATIONS_COMMANDS, message_id=copy_id))
    await bus.send(commands[2], topic=INVITATIONS_COMMANDS, message_id=copy_id)  # the copy
    ids.append(await bus.send(commands[3], topic=INVITATIONS_COMMANDS))

    replies = [await bus.reply_to(i) for i in ids]
    assert [r.type.split(".")[-2] for r in replies] == [
        "TrialInvitationCreated",
        "CommandRejected",
        "TrialInvitationCreated",
        "TrialInvitationCreated",
    ]
    assert replies[1].data["code"] == "too_many_seats"
    assert (
        await pool.fetchval(
            "SELECT count(*) FROM invitations.invitations WHERE partner_id = $1", partner
        )
        == 3
    )
    assert len(bus.matching(lambda s: s.causation_id == copy_id)) == 1


async def test_data_the_database_cannot_hold_gets_a_typed_rejection(
    stack: dict[str, ServiceProcess], bus: Bus, pool: asyncpg.Pool
) -> None:
    customer_id = uuid.uuid4()
    tag = customer_id.hex[:8]
    command = directory.RegisterCustomer(
        customer_id=customer_id,
        name="Nul\x00Corp",
        domain=f"nul-{tag}.example",
        contact_email=f"it@nul-{tag}.example",
        admin=directory.FirstAdmin(
            user_id=uuid.uuid4(),
            email=f"a@nul-{tag}.example",
            display_name="A",
            password_hash="$argon2id$x",
        ),
    )
    reply = await bus.reply_to(await bus.send(command, topic=DIRECTORY_COMMANDS))
    assert reply.type == CommandRejected.ce_type()
    assert reply.data["code"] == "invalid_data"
    assert (
        await pool.fetchval(
            "SELECT count(*) FROM directory.customers WHERE customer_id = $1", customer_id
        )
        == 0
    )
