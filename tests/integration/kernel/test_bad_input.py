"""Bad input on Kafka, as any outside client could send it, against the real invitations
service: every record ends in the dead-letter topic or as a typed rejection, and a valid
command sent right after it on the same partition is still answered."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import orjson
import pytest

from shared.contracts import invitations
from shared.contracts.common import CommandRejected
from shared.contracts.topics import DEAD_LETTER, INVITATIONS_COMMANDS, INVITATIONS_EVENTS
from tests.support.bus import Bus
from tools.procs import ServiceProcess

REDEEM = invitations.RedeemTrialInvitation.ce_type()
KB = 1024


@dataclass(frozen=True)
class Bad:
    name: str
    value: bytes | None
    headers: dict[str, bytes | None]  # None: leave the header out
    dead: str = ""  # expected dead-letter reason (substring), or
    rejected: str = ""  # expected rejection code


def redeem_body(**changes: object) -> bytes:
    body: dict[str, object] = {
        "code": "q3Zt0u9V2bW7xYc1dE5fG8hJ4kL6mN0p",
        "customer_id": str(uuid.uuid4()),
        "redeemed_by": str(uuid.uuid4()),
    }
    return orjson.dumps({**body, **changes})


CASES = [
    Bad("truncated JSON", b'{"code": "abc", "customer_id": ', {}, dead="value is not JSON"),
    Bad("not UTF-8", b"\xff\xfe\x00garbage", {}, dead="value is not JSON"),
    Bad("JSON array", b'[{"code": "x"}]', {}, dead="not a JSON object"),
    Bad("JSON string", b'"RedeemTrialInvitation"', {}, dead="not a JSON object"),
    Bad("empty value", None, {}, dead="empty message value"),
    Bad(
        "wrong types",
        redeem_body(code=12345, customer_id=7, redeemed_by=["x"]),
        {},
        rejected="invalid_message",
    ),
    Bad("unknown field", redeem_body(extra="x"), {}, rejected="invalid_message"),
    Bad("null body fields", b'{"code": null}', {}, rejected="invalid_message"),
    Bad(
        "unknown type",
        redeem_body(),
        {"ce_type": b"portal.invitations.MakeCoffee.v1"},
        dead="unknown message type",
    ),
    Bad(
        "newer contract version",
        redeem_body(quantity=3),
        {"ce_type": b"portal.invitations.RedeemTrialInvitation.v2"},
        dead="unknown message type 'portal.invitations.RedeemTrialInvitation.v2'",
    ),
    Bad("no ce_type", redeem_body(), {"ce_type": None}, dead="missing CloudEvents headers"),
    Bad("no ce_id", redeem_body(), {"ce_id": None}, dead="missing CloudEvents headers: ce_id"),
    Bad("empty ce_source", redeem_body(), {"ce_source": b""}, dead="ce_source"),
    Bad(
        "other specversion",
        redeem_body(),
        {"ce_specversion": b"0.3"},
        dead="unsupported ce_specversion",
    ),
    Bad(
        "header not UTF-8",
        redeem_body(),
        {"ce_correlationid": b"\xc3\x28"},
        dead="is not UTF-8",
    ),
    Bad(
        "900 KB string field",
        redeem_body(code="A" * 900 * KB),
        {},
        rejected="invalid_message",
    ),
    Bad(
        "900 KB unknown field",
        redeem_body(notes="B" * 900 * KB),
        {},
        rejected="invalid_message",
    ),
    Bad("900 KB of garbage", b"{" + b"x" * 900 * KB, {}, dead="value is not JSON"),
    Bad("no headers at all", redeem_body(), {"*": None}, dead="missing CloudEvents headers"),
]


def record_headers(bad: Bad, ce_id: str) -> list[tuple[str, bytes]]:
    if "*" in bad.headers:
        return [("trace", ce_id.encode())]
    base: dict[str, bytes | None] = {
        "ce_specversion": b"1.0",
        "ce_id": ce_id.encode(),
        "ce_type": REDEEM.encode(),
        "ce_source": b"bad-input-tests",
        "content-type": b"application/json",
        "trace": ce_id.encode(),  # found again on the dead letter even without a ce_id
    }
    return [(k, v) for k, v in {**base, **bad.headers}.items() if v is not None]


@pytest.mark.parametrize("bad", CASES, ids=[c.name for c in CASES])
async def test_bad_record_is_dead_lettered_or_rejected_and_the_next_one_is_answered(
    stack: dict[str, ServiceProcess], bus: Bus, bad: Bad
) -> None:
    probe = invitations.RevokeTrialInvitation(
        invitation_id=uuid.uuid4(), partner_id=uuid.uuid4(), revoked_by=uuid.uuid4()
    )
    key = probe.partition_key().encode()  # same partition: the probe queues behind it
    ce_id = str(uuid.uuid4())
    await bus.send_raw(INVITATIONS_COMMANDS, bad.value, key=key, headers=record_headers(bad, ce_id))
    answer = await bus.reply_to(await bus.send(probe, topic=INVITATIONS_COMMANDS), timeout=30)
    assert answer.data["code"] == "invitation_not_found"

    if bad.dead:
        dead = await bus.wait_for(
            lambda s: s.topic == DEAD_LETTER and s.headers.get("trace") == ce_id
        )
        assert len(dead) == 1
        assert bad.dead in dead[0].headers["dlt_reason"]
        assert dead[0].value == (bad.value or b"")
        assert dead[0].key == key.decode()
        assert dead[0].headers["dlt_topic"] == INVITATIONS_COMMANDS
        assert not bus.matching(lambda s: s.causation_id == ce_id)
    else:
        reply = await bus.reply_to(ce_id)
        assert reply.topic == INVITATIONS_EVENTS
        assert reply.type == CommandRejected.ce_type()
        assert reply.data["code"] == bad.rejected
        assert reply.data["rejected_id"] == ce_id
        assert len(reply.value) < 16 * KB  # the rejection does not echo a huge input back
        assert not bus.matching(
            lambda s: s.topic == DEAD_LETTER and s.headers.get("trace") == ce_id
        )


async def test_a_burst_of_bad_records_does_not_stall_the_consumer(
    stack: dict[str, ServiceProcess], bus: Bus
) -> None:
    """Two hundred bad records of every kind, then one valid command on the same partition."""
    probe = invitations.RevokeTrialInvitation(
        invitation_id=uuid.uuid4(), partner_id=uuid.uuid4(), revoked_by=uuid.uuid4()
    )
    key = probe.partition_key().encode()
    small = [c for c in CASES if c.value is None or len(c.value) < KB]
    trace = f"burst-{uuid.uuid4()}"
    started = time.monotonic()
    for i in range(200):
        bad = small[i % len(small)]
        headers = [*record_headers(bad, str(uuid.uuid4())), ("burst", trace.encode())]
        await bus.send_raw(INVITATIONS_COMMANDS, bad.value, key=key, headers=headers)
    answer = await bus.reply_to(await bus.send(probe, topic=INVITATIONS_COMMANDS), timeout=60)
    assert answer.data["code"] == "invitation_not_found"
    expected_dead = sum(1 for i in range(200) if small[i % len(small)].dead)
    dead = await bus.wait_for(
        lambda s: s.topic == DEAD_LETTER and s.headers.get("burst") == trace,
        count=expected_dead,
    )
    assert len(dead) == expected_dead
    elapsed = time.monotonic() - started  # a figure for docs/reliability.md, not a bound
    print(f"\n200 bad records, then the valid command answered, in {elapsed:.2f} s")


async def test_a_record_at_the_brokers_size_limit_is_dead_lettered_and_the_consumer_goes_on(
    stack: dict[str, ServiceProcess], bus: Bus
) -> None:
    """The broker takes records up to message.max.bytes (1 MiB); the dead letter adds the
    dlt_* headers to such a record, so it must still fit, or the consumer would retry it."""
    probe = invitations.RevokeTrialInvitation(
        invitation_id=uuid.uuid4(), partner_id=uuid.uuid4(), revoked_by=uuid.uuid4()
    )
    key = probe.partition_key().encode()
    ce_id = str(uuid.uuid4())
    bad = Bad("at the limit", b"[" + b"0," * 524_098 + b"0]", {}, dead="not a JSON object")
    assert bad.value is not None
    await bus.send_raw(INVITATIONS_COMMANDS, bad.value, key=key, headers=record_headers(bad, ce_id))
    answer = await bus.reply_to(await bus.send(probe, topic=INVITATIONS_COMMANDS), timeout=30)
    assert answer.data["code"] == "invitation_not_found"
    dead = await bus.wait_for(lambda s: s.topic == DEAD_LETTER and s.headers.get("trace") == ce_id)
    assert bad.dead in dead[0].headers["dlt_reason"]
    assert dead[0].headers["dlt_truncated_from"] == str(len(bad.value))  # and says so
