"""Answers kept per partner until an event names that partner (or ``ttl`` passes).

For composite reads only (the overview asks four services): one relay per service would
cost each page four services' worth of CPU. The gateway already sees every event on the
events topics, so it drops a partner's answer the moment any event mentions the partner,
before the command that caused it returns to its sender (read-your-writes). ``ttl`` bounds
what no event announces (an invitation passing its expiry time).
"""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar
from uuid import UUID

T = TypeVar("T")
_UUID = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class FreshPerPartner(Generic[T]):
    def __init__(self, *, ttl: float = 5.0, size: int = 10_000) -> None:
        self._ttl = ttl
        self._size = size
        self._answers: dict[str, tuple[float, T]] = {}
        # Bumped by every event naming the partner: an answer fetched across a bump is not
        # kept, since it may predate the event.
        self._generation: dict[str, int] = {}

    async def get(
        self,
        partner_id: UUID,
        fetch: Callable[[], Awaitable[T]],
        *,
        keep: Callable[[T], bool] = lambda _: True,
    ) -> T:
        key = str(partner_id)
        kept = self._answers.get(key)
        if kept is not None and time.monotonic() - kept[0] < self._ttl:
            return kept[1]
        generation = self._generation.get(key, 0)
        answer = await fetch()
        if keep(answer) and self._generation.get(key, 0) == generation:
            if len(self._answers) >= self._size:
                self._answers.clear()
                self._generation.clear()
            self._answers[key] = (time.monotonic(), answer)
        return answer

    def on_event(self, topic: str, headers: dict[str, str], value: bytes) -> None:
        """A bus listener: forget every partner the event mentions anywhere."""
        for found in set(_UUID.findall(value.lower())):
            key = found.decode()
            if key in self._answers or key in self._generation:
                self._answers.pop(key, None)
            self._generation[key] = self._generation.get(key, 0) + 1
            if len(self._generation) > 4 * self._size:
                self._generation.clear()
