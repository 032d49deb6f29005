"""The sender on a real PostgreSQL, with a recording transport in place of SMTP: what a crash
between sending and recording does (the documented at-least-once window, same Message-ID),
two copies sending at once (each message once), and what each kind of answer records."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import asyncpg
import pytest

from services.notifications import handlers
from services.notifications.adapters.repository import PgRepository
from services.notifications.domain import commands
from services.notifications.domain.message import build
from services.notifications.domain.model import Refusal, RetryPolicy
from services.notifications.entrypoints.leased import Hold
from services.notifications.entrypoints.sender import Sender
from shared.messaging import unit


class Recording:
    """A mail server that answers from a script (None: accepted) and keeps what it got."""

    def __init__(self, answers: dict[str, list[Refusal | None]] | None = None) -> None:
        self.answers = answers or {}
        self.got: list[EmailMessage] = []

    async def send(self, message: EmailMessage) -> Refusal | None:
        await asyncio.sleep(0.01)  # a real conversation yields to the loop
        script = self.answers.get(str(message["To"]), [])
        answer = script.pop(0) if script else None
        if answer is None:
            self.got.append(message)
        return answer

    async def close(self) -> None:
        pass


async def _queue(pool: asyncpg.Pool, recipients: list[str]) -> None:
    cmd = commands.QueueLinkEmail(
        request_id=uuid.uuid4(),
        partner_id=uuid.uuid4(),
        sent_by=uuid.uuid4(),
        subject_kind="invitation",
        subject_id=uuid.uuid4(),
        url="https://portal.example/i/abc",
        recipients=recipients,
        note="",
        language="en",
        partner=commands.Partner(name="P", phone=None, website=None, support_email=None),
    )
    async with pool.acquire() as conn, conn.transaction():
        await handlers.queue_link_email(
            PgRepository(conn), cmd, now=datetime.now(UTC), correlation_id="c"
        )


def _sender(
    transport: Recording,
    *,
    lease: float = 60.0,
    base: float = 30.0,
    workers: int = 1,
    hold: Hold | None = None,
) -> Sender:
    return Sender(
        service="notifications",
        transport=transport,
        sender="Portal <no-reply@portal.example>",
        policy=RetryPolicy(base=base, cap=60, max_attempts=3),
        lease=timedelta(seconds=lease),
        batch=5,
        workers=workers,
        hold=hold or Hold(),
    )


async def _rows(pool: asyncpg.Pool) -> dict[str, asyncpg.Record]:
    rows = await pool.fetch("SELECT * FROM deliveries")
    return {r["recipient"]: r for r in rows}


async def test_a_crash_after_sending_sends_again_once_the_lease_ran_out_with_the_same_id(
    schema_pool: asyncpg.Pool,
) -> None:
    await _queue(schema_pool, ["ann@contoso.example"])
    dying = Recording()
    # Steps 1 and 2 of a sender that dies before recording the answer.
    async with schema_pool.acquire() as conn, conn.transaction():
        [claimed] = await PgRepository(conn).claim_due(
            now=datetime.now(UTC), lease=timedelta(seconds=0.3), limit=5
        )
    await dying.send(
        build(claimed, sender="Portal <no-reply@portal.example>", now=datetime.now(UTC))
    )

    survivor = Recording()
    assert await _sender(survivor).send_due(schema_pool) == 0  # leased: not yet
    await asyncio.sleep(0.4)
    assert await _sender(survivor).send_due(schema_pool) == 1
    row = (await _rows(schema_pool))["ann@contoso.example"]
    assert (row["status"], row["attempts"]) == ("sent", 2)
    # The one duplicate the design allows, recognisable by its Message-ID.
    assert [m["Message-ID"] for m in survivor.got] == [m["Message-ID"] for m in dying.got]


async def test_two_copies_sending_at_once_send_each_message_once(
    schema_pool: asyncpg.Pool,
) -> None:
    recipients = [f"r{i}@contoso.example" for i in range(30)]
    await _queue(schema_pool, recipients)
    one, two = Recording(), Recording()
    # Each copy runs three rounds at once: six claimers of one table.
    await asyncio.gather(
        _sender(one, workers=3).send_due(schema_pool),
        _sender(two, workers=3).send_due(schema_pool),
    )
    sent = [str(m["To"]) for m in one.got + two.got]
    assert sorted(sent) == sorted(recipients)
    assert one.got
    assert two.got
    rows = await _rows(schema_pool)
    assert {(r["status"], r["attempts"]) for r in rows.values()} == {("sent", 1)}


async def test_each_answer_records_what_it_means(schema_pool: asyncpg.Pool) -> None:
    await _queue(schema_pool, ["ok@x.example", "later@x.example", "never@x.example"])
    transport = Recording(
        {
            "later@x.example": [Refusal.from_code(451, "4.7.1 greylisted")],
            "never@x.example": [Refusal.from_code(550, "5.1.1 no such user")],
        }
    )
    before = datetime.now(UTC)
    assert await _sender(transport, base=30).send_due(schema_pool) == 3
    rows = await _rows(schema_pool)
    assert (rows["ok@x.example"]["status"], rows["ok@x.example"]["sent_at"] is not None) == (
        "sent",
        True,
    )
    later = rows["later@x.example"]
    assert (later["status"], later["attempts"], later["last_error"]) == (
        "queued",
        1,
        "451 4.7.1 greylisted",
    )
    assert later["next_attempt_at"] >= before + timedelta(seconds=30)
    never = rows["never@x.example"]
    assert (never["status"], never["last_error"]) == ("failed", "550 5.1.1 no such user")
    # Nothing is due now: the greylisted one waits for its backoff, the others are done.
    assert await _sender(transport).send_due(schema_pool) == 0
    outbox = await schema_pool.fetch("SELECT headers->>'ce_type' AS t FROM outbox ORDER BY id")
    assert sorted(r["t"] for r in outbox) == [
        "portal.notifications.EmailDelivered.v1",
        "portal.notifications.EmailDeliveryFailed.v1",
    ]


async def test_a_round_records_its_answers_in_one_commit_and_one_that_fails_holds_back_no_other(
    schema_pool: asyncpg.Pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    recipients = [f"r{i}@contoso.example" for i in range(5)]
    await _queue(schema_pool, recipients)
    commits = 0
    record = handlers.record_attempt

    async def failing_for_r2(repo: PgRepository, delivery: Any, *args: Any, **kw: Any) -> Any:
        if delivery.recipient == "r2@contoso.example":
            raise RuntimeError("the record of r2 fails")
        return await record(repo, delivery, *args, **kw)

    apply_each = unit.apply_each

    async def counted(*args: Any, **kw: Any) -> None:
        nonlocal commits
        await apply_each(*args, **kw)
        commits += 1

    monkeypatch.setattr(unit, "apply_each", counted)
    assert await _sender(Recording()).send_due(schema_pool) == 5
    assert commits == 1  # five answers, one unit of work

    monkeypatch.setattr(handlers, "record_attempt", failing_for_r2)
    await schema_pool.execute("DELETE FROM deliveries")
    await _queue(schema_pool, recipients)  # the same addresses in a new request
    with pytest.raises(RuntimeError, match="r2"):
        await _sender(Recording()).send_due(schema_pool)
    rows = await _rows(schema_pool)
    assert {to: r["status"] for to, r in rows.items()} == {
        to: "sending" if to == "r2@contoso.example" else "sent" for to in recipients
    }  # r2 stays leased, to be attempted again when its lease runs out


class Down(Recording):
    """A mail server that cannot be reached: every connection refused."""

    def __init__(self) -> None:
        super().__init__()
        self.tries = 0

    async def send(self, message: EmailMessage) -> Refusal | None:
        self.tries += 1
        return Refusal(answer="ConnectionRefusedError", temporary=True, unreachable=True)


async def test_a_mail_server_that_cannot_be_reached_is_not_tried_for_every_delivery(
    schema_pool: asyncpg.Pool,
) -> None:
    recipients = [f"r{i}@contoso.example" for i in range(20)]
    await _queue(schema_pool, recipients)
    down = Down()
    # Retried at once (base 0): without the hold, one pass would try every delivery until
    # its attempts ran out.
    sender = _sender(down, base=0.0, hold=Hold(first=0.3))
    assert await sender.send_due(schema_pool) == 5  # one round of 5, then it holds off
    assert await sender.send_due(schema_pool) == 0
    assert down.tries == 5
    rows = await _rows(schema_pool)
    assert {r["status"] for r in rows.values()} == {"queued"}  # none given up

    sender.transport = up = Recording()  # the server is back
    await asyncio.sleep(0.35)
    assert await sender.send_due(schema_pool) == 20
    assert sorted(str(m["To"]) for m in up.got) == sorted(recipients)
    rows = await _rows(schema_pool)
    assert sorted(r["attempts"] for r in rows.values()) == [1] * 15 + [2] * 5
    assert not sender.hold.on
