"""The rules of sending: the backoff schedule, what an SMTP answer means, delivery ids."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from services.notifications.domain.model import (
    Refusal,
    RetryPolicy,
    after_attempt,
    delivery_id,
    unique_recipients,
)

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_the_wait_doubles_after_each_failed_attempt_up_to_the_cap() -> None:
    policy = RetryPolicy(base=30, cap=3600, max_attempts=10)
    waits = [policy.delay(n).total_seconds() for n in range(1, 10)]
    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_the_wait_of_a_huge_attempt_count_is_the_cap_not_an_overflow() -> None:
    assert RetryPolicy(base=1, cap=90).delay(10_000) == timedelta(seconds=90)


def test_a_temporary_refusal_queues_the_delivery_again_after_the_backoff() -> None:
    policy = RetryPolicy(base=2, cap=60, max_attempts=5)
    refusal = Refusal.from_code(451, "4.7.1 try again later")
    assert refusal.temporary
    third = after_attempt(refusal, attempts=3, now=NOW, policy=policy)
    assert third.status == "queued"
    assert third.next_attempt_at == NOW + timedelta(seconds=8)
    assert third.error == "451 4.7.1 try again later"


def test_a_permanent_refusal_fails_at_once_with_the_servers_answer() -> None:
    refusal = Refusal.from_code(550, "5.1.1 mailbox unavailable")
    assert not refusal.temporary
    outcome = after_attempt(refusal, attempts=1, now=NOW, policy=RetryPolicy())
    assert (outcome.status, outcome.error) == ("failed", "550 5.1.1 mailbox unavailable")
    assert outcome.next_attempt_at is None


def test_temporary_refusals_fail_once_the_attempts_are_used_up() -> None:
    policy = RetryPolicy(base=1, cap=10, max_attempts=3)
    refused = Refusal(answer="ConnectionRefusedError: [Errno 111]", temporary=True)
    assert after_attempt(refused, attempts=2, now=NOW, policy=policy).status == "queued"
    last = after_attempt(refused, attempts=3, now=NOW, policy=policy)
    assert (last.status, last.error) == ("failed", "ConnectionRefusedError: [Errno 111]")


def test_an_accepted_message_is_sent() -> None:
    assert after_attempt(None, attempts=4, now=NOW, policy=RetryPolicy()).status == "sent"


def test_one_request_and_address_always_name_the_same_delivery() -> None:
    request = uuid.uuid4()
    assert delivery_id(request, "Ann@Contoso.example") == delivery_id(
        request, "ann@contoso.example"
    )
    assert delivery_id(request, "ann@contoso.example") != delivery_id(
        request, "bob@contoso.example"
    )
    assert delivery_id(uuid.uuid4(), "ann@contoso.example") != delivery_id(
        request, "ann@contoso.example"
    )


def test_each_recipient_is_kept_once_in_the_order_given() -> None:
    assert unique_recipients(["b@x.example", "A@x.example", "a@x.example", "b@x.example"]) == [
        "b@x.example",
        "A@x.example",
    ]
