"""The background tasks of the messaging pieces (a relay, an offset committer, an outcome
reader) end the same way."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any


async def cancel(task: asyncio.Task[Any] | None) -> None:
    """Cancel ``task`` (None: never started) and wait until it has ended; an exception it
    ended with before is raised here."""
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
