"""The delegation tests need only the delegation service: the other services' events are
published by the tests themselves, as those services would. Starting just this one keeps
the tests independent of work in progress elsewhere in the tree.

Two copies of the service run, as in production: they share the commands' partitions, and
both run the periodic sweep, so every test also shows that no transition is doubled.

The time rules are shortened to seconds for the whole test run (every copy of the service
started in this run inherits them), so expiries and warnings can be watched happen.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from shared.contracts.topics import NAMESPACE
from tests.conftest import ARTIFACTS, stack_env
from tools.procs import ServiceProcess, free_port, start_stack

TIMINGS = {
    "PORTAL_DELEGATION_SWEEP_INTERVAL": "PT0.2S",
    "PORTAL_DELEGATION_MIN_DURATION": "PT1S",
    "PORTAL_DELEGATION_EXPIRY_WARNING": "PT2S",
}
for _name, _value in TIMINGS.items():
    os.environ.setdefault(_name, _value)


@pytest.fixture(scope="package")
def stack(database: str, topics: list[str]) -> Iterator[dict[str, ServiceProcess]]:
    env = {**stack_env(database), **{k: os.environ[k] for k in TIMINGS}}
    logs = ARTIFACTS / "logs" / NAMESPACE / "delegation-tests"
    procs = start_stack(env, logs, ("delegation",))
    procs["delegation-2"] = ServiceProcess(
        "delegation", free_port(), env, logs / "delegation-2.log", "2"
    )
    try:
        procs["delegation-2"].start()
        procs["delegation-2"].wait_ready()
        yield procs
    finally:
        for p in procs.values():
            p.stop()
