"""``make chaos``'s e-mail fault in small: the notifications service, on the real broker and
database, is SIGKILLed while it delivers SendLinkByEmail load to the chaos sink, restarted,
and chaos's own accounting finds every delivery arrived, none twice beyond the documented
at-least-once window (counted apart as ``email_redelivered_same_id``).

Starts its own notifications process pointed at the chaos sink. The suite's ``stack`` has a
copy that would share its consumer group and deliveries (and send to the suite's SMTP server):
that copy is stopped for the test and started again after it."""

from __future__ import annotations

import asyncio
import uuid

from chaos import mail
from chaos.load import Publisher
from tests.conftest import ARTIFACTS, BOOTSTRAP, stack_env
from tools.procs import ServiceProcess, free_port

REQUESTS = 30


async def test_a_killed_sender_loses_no_mail_and_doubles_none(
    database: str, topics: list[str], stack: dict[str, ServiceProcess]
) -> None:
    shared = stack["notifications"]
    shared.stop()
    try:
        await _killed_sender(database)
    finally:
        shared.start()
        await asyncio.to_thread(shared.wait_ready, 120.0)


async def _killed_sender(database: str) -> None:
    sink = mail.Sink(free_port(), delay=0.02)
    sink.start()
    env = {
        **stack_env(database),
        "PORTAL_SMTP_PORT": str(sink.port),
        "PORTAL_SMTP_TIMEOUT": "1",  # a killed sender's lease (4 x this) runs out soon
        "PORTAL_MAIL_RETRY_BASE_SECONDS": "0.3",
    }
    proc = ServiceProcess(
        "notifications",
        free_port(),
        env,
        ARTIFACTS / "logs" / f"chaos-mail-{uuid.uuid4().hex[:6]}.log",
    )
    publisher = Publisher(BOOTSTRAP)
    requests = mail.plan(REQUESTS, partner_id=str(uuid.uuid4()), subject_id=str(uuid.uuid4()))
    try:
        proc.start()
        await asyncio.to_thread(proc.wait_ready, 120.0)
        await publisher.start()
        for r in requests:
            publisher.publish_raw(r.topic, r.key, r.value, r.headers)
        expected = REQUESTS * mail.RECIPIENTS_PER_REQUEST
        for _ in range(3000):  # at most a minute, until a quarter has arrived
            if sum(sink.received.values()) >= expected // 4:
                break
            await asyncio.sleep(0.02)
        in_flight = sum(sink.received.values())
        proc.kill()  # SIGKILL, mid-delivery
        await asyncio.sleep(1.0)
        proc.start()
        await asyncio.to_thread(proc.wait_ready, 120.0)
        await mail.settle(database, requests, 90.0)
        found = mail.account(requests, await mail.deliveries(database), sink.received)
    finally:
        await publisher.stop()
        proc.stop()
        sink.stop()
    counts = found["counts"]
    assert 0 < in_flight < expected, "the kill did not land while mail was being delivered"
    assert counts["email_expected"] == counts["email_delivered"] == expected, found["problems"]
    assert counts["email_lost"] == counts["email_duplicated"] == 0, found["problems"]
    assert counts.get("email_unexpected", 0) == 0
    print(f"e-mail accounting after a SIGKILL: {counts}")
