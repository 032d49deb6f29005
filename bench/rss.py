"""Peak resident memory of each process of the run (``VmHWM`` in /proc/<pid>/status)."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from pathlib import Path


def status_kib(pid: int, key: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{key}:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


@dataclass
class RssSampler:
    """Samples every watched process each second, so a process stopped before the end of
    the run still has its peak recorded."""

    pids: dict[str, int] = field(default_factory=dict)
    peak_kib: dict[str, int] = field(default_factory=dict)
    _task: asyncio.Task[None] | None = None

    def watch(self, label: str, pid: int | None) -> None:
        if pid is not None:
            self.pids[label] = pid

    def sample(self) -> None:
        for label, pid in self.pids.items():
            hwm = status_kib(pid, "VmHWM")
            if hwm is not None:
                self.peak_kib[label] = max(hwm, self.peak_kib.get(label, 0))

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="bench-rss")

    async def _run(self) -> None:
        while True:
            self.sample()
            await asyncio.sleep(1.0)

    async def stop(self) -> None:
        self.sample()
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def peak_mb(self) -> dict[str, float]:
        return {k: round(v / 1024, 1) for k, v in sorted(self.peak_kib.items())}
