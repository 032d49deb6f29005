"""The fault schedule's rules and the figures chaos derives from a run: which faults may
overlap, how long throughput took to come back, and what makes the gateway failover fail."""

from __future__ import annotations

import asyncio
import time
from typing import Any, cast

from chaos import failover, faults
from chaos.load import Sent
from chaos.seed import Source

SOURCE = Source("trial", "CODE", ("chaos-mail",), False, True)


def _done_at(times: list[float]) -> list[Sent]:
    return [
        Sent(i, f"c{i}", SOURCE, "t", b"k", b"v", [], sent_at=t - 0.1, done_at=t)
        for i, t in enumerate(times)
    ]


def test_throughput_is_back_once_a_2_s_window_holds_90_percent_of_the_rate() -> None:
    # 10/s before the broker loss at t=100, nothing for 5 s, then 10/s again.
    times = [90 + i / 10 for i in range(100)] + [105 + i / 10 for i in range(50)]
    fault = faults.Fault(92, "broker", "kafka-2", injected_at=99.0, down_at=100.0)
    back = faults.throughput_back(fault, _done_at(times), rate=10.0)
    # The 18th completion after the gap (105.0 ... 106.7) fills the window [104.7, 106.7].
    assert back is not None
    assert abs(back - 4.7) < 0.01


def test_throughput_is_not_measured_for_a_fault_only_some_commands_need() -> None:
    fault = faults.Fault(10, "kill", "invitations", injected_at=100.0)
    assert faults.throughput_back(fault, _done_at([101.0, 102.0]), rate=1.0) is None


def test_throughput_that_never_comes_back_is_none() -> None:
    fault = faults.Fault(92, "kafka", "kafka", injected_at=99.0, down_at=100.0)
    assert faults.throughput_back(fault, _done_at([101.0, 103.0]), rate=10.0) is None


class _Timed(faults.Chaos):
    """Faults that only take time, and say when they ran."""

    async def kill(self, fault: faults.Fault) -> None:
        await asyncio.sleep(0.2)

    async def postgres(self, fault: faults.Fault) -> None:
        await asyncio.sleep(0.2)

    async def kafka(self, fault: faults.Fault) -> None:
        await asyncio.sleep(0.2)


def _chaos() -> _Timed:
    nothing = cast(Any, None)
    return _Timed({}, {}, nothing, nothing, [], True, nothing, nothing)


class _Published:
    def __init__(self) -> None:
        self.raw: list[tuple[str, bytes | None, bytes, Any]] = []

    def publish_raw(self, topic: str, key: bytes | None, value: bytes, headers: Any) -> None:
        self.raw.append((topic, key, value, headers))


class _Watched:
    def __init__(self, redeemed: list[tuple[str, bytes | None, bytes, Any]]) -> None:
        self.redeemed = redeemed


def _redelivering(redeemed: list[tuple[str, bytes | None, bytes, Any]]) -> tuple[Any, Any]:
    published = _Published()
    nothing = cast(Any, None)
    chaos = faults.Chaos(
        {}, {}, nothing, cast(Any, published), [], True, nothing, cast(Any, _Watched(redeemed))
    )
    return chaos, published


async def test_redeliver_events_publishes_the_watched_redemptions_again_as_they_were() -> None:
    seen: list[tuple[str, bytes | None, bytes, Any]] = [
        ("c.invitations.events", b"k1", b"{}", [("ce_id", b"a")]),
        ("c.offers.events", b"k2", b"{}", [("ce_id", b"b")]),
    ]
    chaos, published = _redelivering(seen)
    fault = faults.Fault(0, "redeliver-events", "directory+delegation")
    await chaos.redeliver_events(fault)
    assert published.raw == seen
    assert fault.effective
    assert fault.note == "2 redemption events published a second time"


async def test_a_redelivery_with_nothing_to_redeliver_is_a_fault_without_effect() -> None:
    chaos, published = _redelivering([])
    fault = faults.Fault(0, "redeliver-events", "directory+delegation")
    await chaos.redeliver_events(fault)
    assert published.raw == []
    assert not fault.effective


async def test_faults_on_the_same_part_wait_for_each_other_and_others_overlap() -> None:
    plan = [
        faults.Fault(0.0, "kill", "invitations"),
        faults.Fault(0.05, "kill", "invitations+directory"),  # shares invitations: waits
        faults.Fault(0.05, "kill", "offers"),  # overlaps both
        faults.Fault(0.1, "kafka", "kafka"),  # infrastructure: its own part
        faults.Fault(0.15, "postgres", "postgres"),  # waits for Kafka's
    ]
    chaos = _chaos()
    t0 = time.monotonic()
    await faults.run_schedule(chaos, plan, t0, lambda _: None)
    start = {f.label: f.injected_at - t0 for f in chaos.done}
    end = {f.label: f.restored_at - t0 for f in chaos.done}
    assert start["kill invitations+directory"] >= end["kill invitations"]
    assert start["kill offers"] < end["kill invitations"]
    assert start["kafka kafka"] < end["kill invitations+directory"]
    assert start["postgres postgres"] >= end["kafka kafka"]
    assert [f.at for f in chaos.done] == sorted(f.at for f in plan)


def test_the_failover_fails_on_any_lost_duplicated_or_unanswered_request() -> None:
    good = {"requests": 300, "created": 300, "lost_effects": 0, "duplicated_effects": 0}
    assert failover.ok({**good, "unanswered": 0})
    assert not failover.ok({**good, "duplicated_effects": 1, "created": 301})
    assert not failover.ok({**good, "lost_effects": 1})
    assert not failover.ok({**good, "unanswered": 1})
    assert not failover.ok({**good, "created": 299})
    assert not failover.ok({})  # no request made: the fault did not run
