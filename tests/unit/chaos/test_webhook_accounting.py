"""The chaos run's webhook accounting: lost, duplicated, at-least-once copies and strangers
told apart; the expected deliveries are each event to each endpoint of a partner it names."""

from __future__ import annotations

import uuid
from collections import Counter

from chaos import webhooks
from chaos.webhooks import Delivery, Endpoint
from services.notifications.webhook_handlers import webhook_delivery_id

PARTNER, OTHER = str(uuid.uuid4()), str(uuid.uuid4())
ENDPOINT = Endpoint(str(uuid.uuid4()), PARTNER)


def world(attempts: int = 1) -> tuple[set[str], list[Delivery], Counter[str]]:
    seen = {str(uuid.uuid4()): frozenset({PARTNER}) for _ in range(3)}
    seen[str(uuid.uuid4())] = frozenset({OTHER})  # another partner's event: no delivery
    wanted = webhooks.expected([ENDPOINT], seen)
    found = [Delivery(d, "delivered", attempts) for d in wanted]
    return wanted, found, Counter(dict.fromkeys(wanted, 1))


def test_expected_deliveries_are_the_service_ids_of_the_partners_events_only() -> None:
    event = str(uuid.uuid4())
    wanted = webhooks.expected([ENDPOINT], {event: frozenset({PARTNER}), "x": frozenset()})
    assert wanted == {str(webhook_delivery_id(uuid.UUID(ENDPOINT.endpoint_id), event))}


def test_each_delivered_once_is_exact() -> None:
    counts = webhooks.account(*world())["counts"]
    assert counts["webhook_expected"] == counts["webhook_delivered"] == 3
    assert counts["webhook_lost"] == counts["webhook_duplicated"] == 0
    assert webhooks.ok(counts)


def test_a_missing_pending_or_unreceived_delivery_is_lost() -> None:
    wanted, found, received = world()
    first, second, third = sorted(wanted)
    found = [d for d in found if d.delivery_id != first]
    found = [Delivery(d.delivery_id, "pending", 1) if d.delivery_id == second else d for d in found]
    del received[third]
    counts = webhooks.account(wanted, found, received)["counts"]
    assert counts["webhook_lost"] == 3
    assert not webhooks.ok(counts)


def test_a_copy_is_at_least_once_only_within_the_extra_attempts() -> None:
    wanted, found, received = world(attempts=2)
    one = sorted(wanted)[0]
    received[one] = 2
    counts = webhooks.account(wanted, found, received)["counts"]
    assert counts["webhook_redelivered_same_id"] == 1
    assert counts["webhook_duplicated"] == 0
    assert webhooks.ok(counts)
    received[one] = 3
    counts = webhooks.account(wanted, found, received)["counts"]
    assert counts["webhook_duplicated"] == 1
    assert not webhooks.ok(counts)


def test_strangers_and_bad_signatures_fail_the_run() -> None:
    wanted, found, received = world()
    received["not-a-delivery"] = 1
    assert not webhooks.ok(webhooks.account(wanted, found, received)["counts"])
    wanted, found, received = world()
    assert not webhooks.ok(webhooks.account(wanted, found, received, bad_signatures=1)["counts"])


def test_no_webhook_expected_at_all_fails_the_run() -> None:
    assert not webhooks.ok(webhooks.account(set(), [], Counter())["counts"])
