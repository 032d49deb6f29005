"""A service's settings read from the environment: the Kafka bootstrap may name a cluster."""

from __future__ import annotations

import pytest

from shared.settings import ServiceSettings


@pytest.mark.parametrize(
    ("bootstrap", "servers"),
    [
        ("127.0.0.1:19092", ["127.0.0.1:19092"]),
        (
            "127.0.0.1:19192, 127.0.0.1:19194,127.0.0.1:19196",
            ["127.0.0.1:19192", "127.0.0.1:19194", "127.0.0.1:19196"],
        ),
    ],
)
def test_the_bootstrap_names_one_broker_or_a_cluster(
    bootstrap: str, servers: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORTAL_KAFKA_BOOTSTRAP", bootstrap)
    assert ServiceSettings().kafka_servers == servers
