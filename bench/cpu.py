"""Where the machine's CPU goes while a phase runs: the cores each kind of process used
(user + system time from /proc, summed over its processes), so a figure says what it was
competing with; ``other`` is everything else on the machine (an idle machine's is ~0)."""

from __future__ import annotations

import os
import re
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK")
_SERVICE = re.compile(r"-m\x00services\.(\w+)")
_BARE = re.compile(r"-m\x00bench\.bare\x00")


def kind(pid: int, cmdline: str) -> str:
    """``directory`` (every instance), ``bare``, ``kafka``, ``postgres``, ``bench`` (this
    process: the load generator and the trackers), or ``other``."""
    if pid == os.getpid():
        return "bench"
    if m := _SERVICE.search(cmdline):
        return m.group(1)
    if _BARE.search(cmdline):
        return "bare"
    if cmdline.startswith("java") and "kafka" in cmdline:
        return "kafka"
    if cmdline.startswith("postgres"):
        return "postgres"
    return "other"


def snapshot() -> dict[int, tuple[str, float]]:
    """pid -> (kind, CPU seconds used so far) of every process there is."""
    seen: dict[int, tuple[str, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_text()
        except OSError:
            continue  # gone meanwhile
        fields = stat[stat.rfind(")") + 2 :].split()
        pid = int(entry.name)
        seen[pid] = (kind(pid, cmdline), (int(fields[11]) + int(fields[12])) / _TICK)
    return seen


def cores(
    before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]], seconds: float
) -> dict[str, float]:
    """Cores used by each kind between two snapshots ``seconds`` apart, most first."""
    used: dict[str, float] = {}
    for pid, (name, total) in after.items():
        earlier = before.get(pid)
        spent = total - (earlier[1] if earlier and earlier[0] == name else 0.0)
        used[name] = used.get(name, 0.0) + spent
    return {
        k: round(v / seconds, 2)
        for k, v in sorted(used.items(), key=lambda kv: -kv[1])
        if seconds > 0 and v / seconds >= 0.005
    }
