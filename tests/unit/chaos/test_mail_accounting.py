"""The chaos run's e-mail accounting: lost, duplicated and at-least-once copies told apart."""

from __future__ import annotations

import smtplib
import uuid
from collections import Counter
from email.message import EmailMessage

from chaos import faults, mail
from chaos.mail import Delivery
from tools.procs import free_port

PARTNER, SUBJECT = str(uuid.uuid4()), str(uuid.uuid4())


def world(attempts: int = 1) -> tuple[list[mail.MailRequest], list[Delivery], Counter[str]]:
    requests = mail.plan(2, partner_id=PARTNER, subject_id=SUBJECT)
    deliveries = [
        Delivery(str(uuid.uuid4()), r.request_id, to, "sent", attempts)
        for r in requests
        for to in r.recipients
    ]
    received = Counter({f"<{d.delivery_id}@partner-portal.example>": 1 for d in deliveries})
    return requests, deliveries, received


def test_each_recipient_delivered_once_is_exact() -> None:
    requests, deliveries, received = world()
    counts = mail.account(requests, deliveries, received)["counts"]
    assert counts["email_expected"] == counts["email_delivered"] == 2 * mail.RECIPIENTS_PER_REQUEST
    assert counts["email_lost"] == counts["email_duplicated"] == 0
    assert counts["email_redelivered_same_id"] == 0
    assert mail.ok(counts)


def test_a_missing_unsent_or_unreceived_delivery_is_lost() -> None:
    requests, deliveries, received = world()
    missing, unsent, unreceived = deliveries[0], deliveries[1], deliveries[2]
    deliveries = [d for d in deliveries if d is not missing]
    deliveries = [
        Delivery(**{**d.__dict__, "status": "queued"}) if d is unsent else d for d in deliveries
    ]
    del received[f"<{unreceived.delivery_id}@partner-portal.example>"]
    del received[f"<{missing.delivery_id}@partner-portal.example>"]
    found = mail.account(requests, deliveries, received)
    assert found["counts"]["email_lost"] == 3
    assert len(found["problems"]) == 3
    assert not mail.ok(found["counts"])


def test_a_copy_after_a_crash_is_a_redelivery_and_more_copies_than_attempts_a_duplicate() -> None:
    requests, deliveries, received = world(attempts=2)
    first, second = deliveries[0], deliveries[1]
    received[f"<{first.delivery_id}@partner-portal.example>"] = 2  # within its 2 attempts
    received[f"<{second.delivery_id}@partner-portal.example>"] = 3  # one more than attempts
    counts = mail.account(requests, deliveries, received)["counts"]
    assert counts["email_redelivered_same_id"] == 2
    assert counts["email_duplicated"] == 1
    assert not mail.ok(counts)
    again, once, twice = world(attempts=1)
    twice[f"<{once[0].delivery_id}@partner-portal.example>"] = 2  # one attempt, two copies
    counts = mail.account(again, once, twice)["counts"]
    assert (counts["email_duplicated"], counts["email_redelivered_same_id"]) == (1, 0)


def test_a_message_nobody_expected_fails_the_run() -> None:
    requests, deliveries, received = world()
    received["<stranger@partner-portal.example>"] = 1
    counts = mail.account(requests, deliveries, received)["counts"]
    assert counts["email_unexpected"] == 1
    assert not mail.ok(counts)


def test_the_schedule_kills_the_notifications_service() -> None:
    plan = faults.schedule(False, 200.0)
    kills = [f for f in plan if f.kind == "kill" and "notifications" in f.target.split("+")]
    assert len(kills) >= 1
    assert all(0 < f.at < 180 for f in kills)  # while the mail load (90 % of the run) flows


def test_the_sink_counts_arrivals_by_message_id() -> None:
    sink = mail.Sink(free_port())
    sink.start()
    try:
        for _ in range(2):
            message = EmailMessage()
            message["From"], message["To"] = "a@example.com", "b@example.com"
            message["Message-ID"] = "<d1@partner-portal.example>"
            message.set_content("hello")
            with smtplib.SMTP("127.0.0.1", sink.port, timeout=5) as smtp:
                smtp.send_message(message)
    finally:
        sink.stop()
    assert sink.received == Counter({"<d1@partner-portal.example>": 2})


def test_each_delegation_request_needs_its_one_lifecycle_mail() -> None:
    requests, deliveries, received = world()
    told, silent = str(uuid.uuid4()), str(uuid.uuid4())
    lifecycle = Delivery(
        str(uuid.uuid4()), str(uuid.uuid4()), "admin@c1.example", "sent", 1,
        mail.LIFECYCLE, told,
    )  # fmt: skip
    received[f"<{lifecycle.delivery_id}@partner-portal.example>"] = 1
    counts = mail.account(requests, [*deliveries, lifecycle], received, [told])["counts"]
    assert counts["lifecycle_expected"] == counts["lifecycle_delivered"] == 1
    assert counts["email_unexpected"] == 0
    assert mail.ok(counts)
    # Without the request in the list, its message is a stranger; a request untold is lost.
    assert not mail.ok(mail.account(requests, [*deliveries, lifecycle], received)["counts"])
    lost = mail.account(requests, [*deliveries, lifecycle], received, [told, silent])["counts"]
    assert lost["email_lost"] == 1
    assert not mail.ok(lost)
