"""Live updates for the partner's pages (server-sent events): every event that names the
partner, as the gateway's command client sees it go by."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from uuid import UUID

import orjson

from shared.contracts.common import CommandRejected

KEEPALIVE_SECONDS = 15.0


class LiveFeed:
    def __init__(self) -> None:
        self._listeners: set[tuple[str, asyncio.Queue[bytes]]] = set()

    def on_event(self, topic: str, headers: dict[str, str], value: bytes) -> None:
        """Called by the command client for every event on the events topics."""
        if not self._listeners or headers.get("ce_type") == CommandRejected.ce_type():
            return
        try:
            data = orjson.loads(value)
        except orjson.JSONDecodeError:
            return
        if not isinstance(data, dict):
            return
        partners = {str(data.get("partner_id")), str(data.get("partner_of_record"))}
        name = headers.get("ce_type", "").split(".")[-2] if headers.get("ce_type") else "Event"
        frame = (
            b"event: "
            + name.encode()
            + b"\ndata: "
            + orjson.dumps({"type": headers.get("ce_type"), "data": data})
            + b"\n\n"
        )
        for partner_id, queue in list(self._listeners):
            if partner_id in partners:
                with contextlib.suppress(asyncio.QueueFull):  # a stalled page misses updates
                    queue.put_nowait(frame)

    async def stream(self, partner_id: UUID) -> AsyncIterator[bytes]:
        queue: asyncio.Queue[bytes] = asyncio.Queue(maxsize=1000)
        entry = (str(partner_id), queue)
        self._listeners.add(entry)
        try:
            yield b"retry: 3000\n: connected\n\n"
            while True:
                try:
                    yield await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
                except TimeoutError:
                    yield b": keepalive\n\n"
        finally:
            self._listeners.discard(entry)
