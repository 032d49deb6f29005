"""A three-broker KRaft cluster on loopback, started by the project's own script
(``KAFKA_BROKERS=3 infra/kafka.sh up``) for this folder's tests and stopped after them. It runs
beside the single broker the other tests use (node N on ``KAFKA_CLUSTER_PORT`` + 2(N-1))."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tools.procs import ROOT

FIRST_PORT = int(os.environ.get("KAFKA_CLUSTER_PORT", "19192"))
NODES = (1, 2, 3)


@dataclass(frozen=True)
class Cluster:
    """The running cluster: its bootstrap list, and its nodes' fates in the test's hands."""

    bootstrap: str

    @staticmethod
    def port(node: int) -> int:
        return FIRST_PORT + 2 * (node - 1)

    @staticmethod
    def kafka(*args: str) -> None:
        """``infra/kafka.sh`` on the cluster: ``kill N`` (SIGKILL), ``start N``, ``up``..."""
        env = os.environ | {"KAFKA_BROKERS": "3"}
        script = str(ROOT / "infra" / "kafka.sh")
        subprocess.run(["bash", script, *args], env=env, check=True, timeout=240)


@pytest.fixture(scope="package")
def cluster() -> Iterator[Cluster]:
    Cluster.kafka("up")
    try:
        yield Cluster(",".join(f"127.0.0.1:{Cluster.port(n)}" for n in NODES))
    finally:
        Cluster.kafka("down")
