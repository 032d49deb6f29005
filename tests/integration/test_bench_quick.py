"""The benchmark harness works: its quick mode runs on the real stack, writes every figure,
and its own accounting passes. No figure is judged here (benchmarks are not timed tests)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ADMIN_DSN, BOOTSTRAP
from tools.procs import ROOT


def run_bench(module_and_args: list[str], *, timeout: float) -> None:
    """``python -m <module_and_args>`` on the test stack's Kafka and PostgreSQL (no setting
    of the caller's environment: its ``PORTAL_`` and ``BENCH_`` variables are left out);
    it must succeed (else its output's tail is the failure)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "BENCH_"))}
    env |= {"PORTAL_DATABASE_URL": ADMIN_DSN, "PORTAL_KAFKA_BOOTSTRAP": BOOTSTRAP}
    command = [sys.executable, "-m", *module_and_args]
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def test_quick_benchmark_writes_its_figures_and_accounts_for_every_redemption(
    tmp_path: Path,
) -> None:
    run_bench(["bench", "--quick", "--out", str(tmp_path)], timeout=280)
    results = json.loads((tmp_path / "bench-quick.json").read_text())
    assert (tmp_path / "bench-quick.png").stat().st_size > 0
    assert "| ours | max |" in (tmp_path / "bench-quick.md").read_text()

    assert results["ok"] is True
    assert results["accounting"]["ok"] is True
    for name in ("ours", "bare"):
        tables = results["accounting"][name]["tables"]
        assert set(tables) == {"redemptions", "subscriptions", "requests"}
        assert all(t["missing"] == 0 and t["extra"] == 0 for t in tables.values())
        labels = [p["label"] for p in results["pipelines"][name]]
        assert labels[:4] == ["max", "25% of max", "50% of max", "75% of max"]
        for phase in results["pipelines"][name]:
            assert phase["sent"] == phase["completed"] > 0
            assert set(phase["latency_ms"]) >= {"p50", "p95", "p99", "max"}
    assert results["ratio_ours_to_bare"] is not None
    assert results["scale_out"]["duplicate_announcements"] == 0
    assert {"invitations", "directory", "delegation"} <= set(results["rss_peak_mb"])
    assert results["machine"]["cores"] >= 1
