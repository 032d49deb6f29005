"""docker-compose.yml, checked with Debian's docker-compose (no engine needed): it parses,
runs every service of the project with a health check, passes only settings the services
know, keeps Kafka's data on its volume, builds one image, and publishes on loopback only."""

from __future__ import annotations

import importlib
import shutil
import subprocess
from typing import Any

import pytest
import yaml

from services.gateway.config import Settings as GatewaySettings
from tools.procs import ROOT, SERVICES


@pytest.fixture(scope="module")
def compose() -> dict[str, object]:
    binary = shutil.which("docker-compose")
    assert binary, "docker-compose is missing: make prereqs installs it"
    result = subprocess.run(
        [binary, "config"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    config: dict[str, object] = yaml.safe_load(result.stdout)
    return config


def test_every_service_runs_with_a_health_check(compose: dict[str, object]) -> None:
    services = compose["services"]
    assert isinstance(services, dict)
    assert {"kafka", "postgres"} <= set(services)
    for name in SERVICES:
        assert name in services, f"{name} missing from docker-compose.yml"
        assert services[name]["environment"]["PORTAL_SERVICE"] == name
        assert "healthcheck" in services[name]


def known_settings() -> set[str]:
    """Every setting some process of the stack reads (the shared x-env block goes to all)."""
    fields = set(GatewaySettings.model_fields)
    for name in SERVICES:
        config = importlib.import_module(f"services.{name}.config")
        fields |= set(config.Settings.model_fields)
    return {f"PORTAL_{f.upper()}" for f in fields} | {"PORTAL_SERVICE"}


def test_compose_passes_only_known_settings(compose: dict[str, object]) -> None:
    known = known_settings()
    services = compose["services"]
    assert isinstance(services, dict)
    for name in SERVICES:
        unknown = set(services[name]["environment"]) - known
        assert not unknown, f"{name}: unknown settings {unknown}"


def test_kafka_keeps_its_data_on_the_named_volume(compose: dict[str, Any]) -> None:
    kafka = compose["services"]["kafka"]
    log_dirs = kafka["environment"]["KAFKA_LOG_DIRS"]
    # docker-compose 1.29 prints the short form, "source:target:mode".
    mounts = {v.split(":")[1]: v.split(":")[0] for v in kafka["volumes"]}
    assert any(log_dirs == t or log_dirs.startswith(t.rstrip("/") + "/") for t in mounts), (
        log_dirs,
        mounts,
    )
    assert set(mounts.values()) <= set(compose["volumes"])


def test_one_image_for_every_python_process(compose: dict[str, Any]) -> None:
    services = compose["services"]
    python = [n for n in (*SERVICES, "topics", "seed") if n in services]
    images = {services[n]["image"] for n in python}
    assert len(images) == 1, images
    builders = [n for n in python if "build" in services[n]]
    assert builders == ["topics"], builders  # built once; the rest never build or pull it

    def waits_for_the_build(name: str) -> bool:
        needs = services[name].get("depends_on", {})
        return "topics" in needs or any(waits_for_the_build(n) for n in needs)

    for name in python:
        if name != "topics":
            assert services[name]["pull_policy"] == "never"
            assert waits_for_the_build(name), name


def test_mail_goes_to_the_mail_sink_and_only_loopback_is_published(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    # The notifications service is the one that sends.
    assert services["notifications"]["environment"]["PORTAL_SMTP_HOST"] == "mailpit"
    assert services["notifications"]["environment"]["PORTAL_SMTP_PORT"] == "1025"
    assert "mailpit" in services["notifications"]["depends_on"]
    # "host_ip:published:target/tcp", as docker-compose 1.29 prints them
    published = {
        (host, int(port), int(target.split("/")[0]))
        for s in services.values()
        for host, port, target in (p.split(":") for p in s.get("ports", []))
    }
    assert {("127.0.0.1", 8025, 8025), ("127.0.0.1", 1025, 1025)} <= published
    assert ("127.0.0.1", 8000, 8000) in published
    assert ("127.0.0.1", 9000, 9000) in published  # metrics: the host's loopback only
    assert {host for host, _, _ in published} == {"127.0.0.1"}
    assert services["gateway"]["environment"]["PORTAL_METRICS_PORT"] != "8000"
