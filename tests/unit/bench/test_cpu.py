"""The benchmark's CPU split: processes are told apart by their command line, and cores are
the CPU seconds spent between two snapshots over the time between them."""

from __future__ import annotations

import os

from bench import cpu


def test_processes_are_told_apart_by_their_command_line() -> None:
    assert cpu.kind(1, "/x/.venv/bin/python\x00-m\x00services.directory\x00") == "directory"
    assert cpu.kind(1, "/x/.venv/bin/python\x00-m\x00bench.bare\x00redeem\x00") == "bare"
    assert cpu.kind(1, "java\x00-Xmx512m\x00kafka.Kafka\x00server.properties\x00") == "kafka"
    assert cpu.kind(1, "postgres: portal portal 127.0.0.1(5432) idle\x00") == "postgres"
    assert cpu.kind(os.getpid(), "anything") == "bench"
    assert cpu.kind(1, "/usr/bin/python3\x00-m\x00pytest\x00") == "other"


def test_cores_are_cpu_seconds_over_wall_seconds_by_kind() -> None:
    before = {10: ("kafka", 5.0), 11: ("directory", 1.0), 12: ("other", 9.0)}
    after = {10: ("kafka", 7.0), 11: ("directory", 2.0), 13: ("directory", 1.0), 14: ("x", 0.0)}
    # pid 12 ended (not counted), pid 13 started (all its time counts), idle kinds are left out
    assert cpu.cores(before, after, seconds=2.0) == {"kafka": 1.0, "directory": 1.0}


def test_a_snapshot_sees_this_process() -> None:
    seen = cpu.snapshot()
    assert seen[os.getpid()][0] == "bench"
    assert seen[os.getpid()][1] > 0
