"""Live updates for the signed-in user's pages (server-sent events): every event that names
the user's company (a partner: ``partner_id``, ``partner_of_record``, ``acting_partner_id``;
a customer: ``customer_id``; either: ``company_id``), as the gateway's command client sees it
go by.

Every frame is ``event: message`` with an ``id:`` and the event inside the data (``type``,
``name``, ``data``), so the browser keeps no list of event names. The last events are kept in
a bounded ring: a reconnect with ``Last-Event-ID`` replays exactly those after it that the user
may see; an id the ring no longer covers (or from another gateway process) gets a ``reset``
frame, telling the page to reload its data.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections import deque
from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass, field
from uuid import UUID

import orjson

from shared.contracts.audience import audience, without_secrets
from shared.contracts.common import CommandRejected

KEEPALIVE_SECONDS = 15.0
RECHECK_SECONDS = 15.0  # how long a stream may outlive its session (signed out, disabled)
RING_SIZE = 10_000  # events kept for resuming; minutes of a busy portal
QUEUE_SIZE = 1_000  # frames a slow page may lag behind before its stream is closed


@dataclass(frozen=True)
class Kept:
    seq: int
    audience: frozenset[str]
    frame: bytes
    customer: str | None  # the customer the event is about, if any

    def for_(self, listener: _Listener) -> bool:
        if listener.company not in self.audience:
            return False
        # A partner user without access to supported companies (a billing admin) hears of
        # its own company, not of its customers: it may not read them either.
        return listener.sees_customers or self.customer in (None, listener.company)


@dataclass(eq=False)
class _Listener:
    company: str
    sees_customers: bool = True
    # Unbounded, but filled only up to QUEUE_SIZE frames (and the end-of-stream marker).
    queue: asyncio.Queue[bytes | None] = field(default_factory=asyncio.Queue)


def event_name(ce_type: str) -> str:
    """``portal.delegation.DelegationApproved.v1`` -> ``DelegationApproved``."""
    parts = ce_type.split(".")
    return parts[-2] if len(parts) >= 3 else ce_type


class LiveFeed:
    def __init__(self, *, ring_size: int = RING_SIZE) -> None:
        # Ids carry this process's epoch: an id from an earlier or another gateway is not ours.
        self._epoch = secrets.token_hex(4)
        self._seq = 0
        self._ring: deque[Kept] = deque(maxlen=ring_size)
        self._listeners: set[_Listener] = set()

    def _id(self, seq: int) -> str:
        return f"{self._epoch}-{seq}"

    def on_event(self, topic: str, headers: dict[str, str], value: bytes) -> None:
        """Called by the command client for every event on the events topics."""
        ce_type = headers.get("ce_type", "")
        if not ce_type or ce_type == CommandRejected.ce_type():
            return
        try:
            data = orjson.loads(value)
        except orjson.JSONDecodeError:
            return
        if not isinstance(data, dict) or not (names := audience(data)):
            return
        self._seq += 1
        body = {
            "type": ce_type,
            "name": event_name(ce_type),
            "id": headers.get("ce_id"),
            "time": headers.get("ce_time"),
            "data": without_secrets(data),
        }
        frame = (
            f"id: {self._id(self._seq)}\nevent: message\ndata: ".encode()
            + orjson.dumps(body)
            + b"\n\n"
        )
        customer = str(data["customer_id"]) if data.get("customer_id") else None
        kept = Kept(self._seq, names, frame, customer)
        self._ring.append(kept)
        for listener in list(self._listeners):
            if kept.for_(listener):
                self._deliver(listener, frame)

    def _deliver(self, listener: _Listener, frame: bytes) -> None:
        if listener.queue.qsize() < QUEUE_SIZE:
            listener.queue.put_nowait(frame)
            return
        # A stalled page is cut off rather than silently skipped: after what it has queued
        # its stream ends, and its EventSource resumes with its Last-Event-ID from the ring.
        self._listeners.discard(listener)
        listener.queue.put_nowait(None)

    def _resume(self, listener: _Listener, last_event_id: str | None) -> list[bytes]:
        """The frames to send first: those after ``last_event_id`` for this company, or a
        reset when they are no longer all known; always ending with the current position."""
        position = f"id: {self._id(self._seq)}\nevent: ready\ndata: {{}}\n\n".encode()
        if not last_event_id:
            return [position]
        epoch, _, seq_text = last_event_id.rpartition("-")
        seq = int(seq_text) if seq_text.isdigit() else -1
        oldest = self._ring[0].seq if self._ring else self._seq + 1
        if epoch != self._epoch or seq < 0 or seq > self._seq or seq < oldest - 1:
            reset = f"id: {self._id(self._seq)}\nevent: reset\ndata: {{}}\n\n".encode()
            return [reset]
        frames = [k.frame for k in self._ring if k.seq > seq and k.for_(listener)]
        return [*frames, position]

    async def stream(
        self,
        company_id: UUID,
        *,
        sees_customers: bool = True,
        last_event_id: str | None = None,
        still_allowed: Callable[[], Awaitable[bool]] | None = None,
    ) -> AsyncGenerator[bytes, None]:
        """The frames for one connection; it ends when ``still_allowed`` (asked every
        RECHECK_SECONDS) says no, and the browser's reconnect is then refused."""
        listener = _Listener(str(company_id), sees_customers)
        # No await between the replay and the registration: no event falls between them.
        first = self._resume(listener, last_event_id)
        self._listeners.add(listener)
        checked = time.monotonic()
        try:
            yield b"retry: 3000\n: connected\n\n" + b"".join(first)
            while True:
                try:
                    frame = await asyncio.wait_for(listener.queue.get(), KEEPALIVE_SECONDS)
                except TimeoutError:
                    frame = b": keepalive\n\n"
                if frame is None:
                    return
                if still_allowed is not None and time.monotonic() - checked >= RECHECK_SECONDS:
                    if not await still_allowed():
                        return
                    checked = time.monotonic()
                yield frame
        finally:
            self._listeners.discard(listener)
