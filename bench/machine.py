"""What the figures were measured on."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib.metadata import version
from pathlib import Path
from typing import Any

import asyncpg

from tools.procs import ROOT


def _mem_total_mb() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) // 1024
    return 0


def _kafka_version() -> str:
    jars = sorted((ROOT / "infra" / ".cache" / "kafka-libs").glob("kafka_2.13-*.jar"))
    return jars[0].name.removeprefix("kafka_2.13-").removesuffix(".jar") if jars else "unknown"


def _git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    return done.stdout.strip()


async def describe(dsn: str) -> dict[str, Any]:
    conn = await asyncpg.connect(dsn)
    try:
        postgres = await conn.fetchval("SHOW server_version")
    finally:
        await conn.close()
    return {
        "cores": os.cpu_count(),
        "memory_mb": _mem_total_mb(),
        "cpu": platform.processor() or platform.machine(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "postgresql": postgres,
        "kafka": _kafka_version(),
        "packages": {
            p: version(p) for p in ("aiokafka", "asyncpg", "faststream", "pydantic", "uvloop")
        },
        "git_commit": _git("rev-parse", "--short", "HEAD"),
        "git_dirty_files": len(_git("status", "--porcelain").splitlines()),
        "load_average_at_start": list(os.getloadavg()),
    }
