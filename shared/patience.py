"""Waiting at start-up for a server that cannot be reached yet.

A process started while PostgreSQL or Kafka is down, restarting or still recovering (a crash
recovery, a broker's restart, an orchestrator starting everything at once) waits for it
instead of exiting: each attempt that fails as unreachable is logged and tried again every
half second, until a patience runs out and the last error is raised."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from shared.logging import get_logger

log = get_logger(__name__)
T = TypeVar("T")

INTERVAL = 0.5  # seconds between attempts
# How long a process waits at start-up before it gives up (and its supervisor starts it
# again): longer than a database's or a broker's restart on a loaded machine (62 s was seen
# in make chaos at half the pipeline's maximum).
PATIENCE = 120.0


async def patiently(
    attempt: Callable[[], Awaitable[T]],
    *,
    unreachable: tuple[type[BaseException], ...],
    patience: float,
    event: str,
    **fields: Any,
) -> T:
    """``attempt()`` until it succeeds; a failure of the ``unreachable`` kinds is logged as
    ``event`` (with ``fields``) and retried while ``patience`` seconds have not passed."""
    deadline = time.monotonic() + patience
    while True:
        try:
            return await attempt()
        except unreachable as exc:
            if time.monotonic() > deadline:
                raise
            log.warning(event, **fields, error=repr(exc)[:300])
            await asyncio.sleep(INTERVAL)
