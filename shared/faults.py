"""Fault injection for the crash tests, armed only in the test environment.

``crash_after_commit``: when a consumer commits a batch holding a message of this
correlation id, the process kills itself with SIGKILL before the Kafka offset is committed:
exactly the window in which a duplicate could be born.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterable

_crash_after_commit: set[str] = set()


def arm_crash_after_commit(correlation_id: str) -> None:
    _crash_after_commit.add(correlation_id)


def after_commit(correlation_ids: Iterable[str]) -> None:
    if _crash_after_commit and not _crash_after_commit.isdisjoint(correlation_ids):
        os.kill(os.getpid(), signal.SIGKILL)
