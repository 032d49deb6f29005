"""docker-compose.yml, checked with Debian's docker-compose (no engine needed): it parses,
runs every service of the project with a health check, and passes only settings the
services know."""

from __future__ import annotations

import shutil
import subprocess

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


def test_compose_passes_only_known_settings(compose: dict[str, object]) -> None:
    known = {f"PORTAL_{f.upper()}" for f in GatewaySettings.model_fields} | {"PORTAL_SERVICE"}
    services = compose["services"]
    assert isinstance(services, dict)
    for name in SERVICES:
        unknown = set(services[name]["environment"]) - known
        assert not unknown, f"{name}: unknown settings {unknown}"
