"""The notifications handlers on a fake repository: one delivery per distinct recipient, a
request queued once, and what one attempt's answer becomes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from services.notifications import handlers
from services.notifications.domain import commands
from services.notifications.domain.model import Outgoing, Refusal, RetryPolicy
from shared.contracts.notifications import EmailDelivered, EmailDeliveryFailed
from tests.unit.notifications.fakes import FakeRepository

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
CMD = commands.QueueLinkEmail(
    request_id=uuid.uuid4(),
    partner_id=uuid.uuid4(),
    sent_by=uuid.uuid4(),
    subject_kind="offer",
    subject_id=uuid.uuid4(),
    url="https://portal.example/o/abc",
    recipients=["ann@contoso.example", "bob@contoso.example", "ANN@contoso.example"],
    note="",
    language="it",
    partner=commands.Partner(name="Fabrikam", phone=None, website=None, support_email=None),
)


async def test_each_distinct_recipient_gets_one_delivery_and_a_request_is_queued_once() -> None:
    repo = FakeRepository()
    queued = await handlers.queue_link_email(repo, CMD, now=NOW, correlation_id="c")
    assert [d.recipient for d in queued.deliveries] == [
        "ann@contoso.example",
        "bob@contoso.example",
    ]
    assert set(repo.deliveries) == {d.delivery_id for d in queued.deliveries}
    assert repo.requests[CMD.request_id].message.subject == "Fabrikam: un'offerta"

    again = await handlers.queue_link_email(repo, CMD, now=NOW, correlation_id="c2")
    assert again.deliveries == queued.deliveries
    assert len(repo.deliveries) == 2
    assert repo.requests[CMD.request_id].correlation_id == "c"


def _outgoing(repo: FakeRepository, attempts: int) -> Outgoing:
    delivery_id, row = next(iter(repo.deliveries.items()))
    row.update(status="sending", attempts=attempts)
    return Outgoing(
        delivery_id=delivery_id,
        request_id=CMD.request_id,
        partner_id=CMD.partner_id,
        subject_kind="offer",
        subject_id=CMD.subject_id,
        recipient=row["recipient"],
        attempts=attempts,
        subject="s",
        text_body="t",
        html_body="h",
        reply_to=None,
        correlation_id="c",
    )


async def test_an_attempts_answer_becomes_its_record_and_a_final_one_an_event() -> None:
    policy = RetryPolicy(base=10, cap=60, max_attempts=3)
    repo = FakeRepository()
    await handlers.queue_link_email(repo, CMD, now=NOW, correlation_id="c")
    delivery = _outgoing(repo, 1)
    temporary = Refusal.from_code(421, "4.4.2 timeout")
    assert await handlers.record_attempt(repo, delivery, temporary, now=NOW, policy=policy) is None
    assert repo.deliveries[delivery.delivery_id]["status"] == "queued"

    delivery = _outgoing(repo, 2)
    sent = await handlers.record_attempt(repo, delivery, None, now=NOW, policy=policy)
    assert isinstance(sent, EmailDelivered)
    assert (sent.delivery_id, sent.attempts, sent.sent_at) == (delivery.delivery_id, 2, NOW)

    delivery = _outgoing(repo, 3)
    failed = await handlers.record_attempt(repo, delivery, temporary, now=NOW, policy=policy)
    assert isinstance(failed, EmailDeliveryFailed)
    assert failed.error == "421 4.4.2 timeout"


async def test_an_attempt_another_copy_took_over_records_nothing() -> None:
    repo = FakeRepository()
    await handlers.queue_link_email(repo, CMD, now=NOW, correlation_id="c")
    stale = _outgoing(repo, 1)
    _outgoing(repo, 2)  # its lease ran out; another copy is on attempt 2
    policy = RetryPolicy()
    assert await handlers.record_attempt(repo, stale, None, now=NOW, policy=policy) is None
    assert repo.deliveries[stale.delivery_id]["status"] == "sending"
