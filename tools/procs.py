"""Start, watch and stop service processes. Used by ``make run``, the tests and the bench."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent

# Every process the stack runs, in start order (the gateway last).
SERVICES = ("offers", "directory", "invitations", "delegation", "notifications", "gateway")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ServiceProcess:
    name: str
    port: int
    env: dict[str, str]
    log_path: Path
    instance: str = "1"
    # The gateway's loopback /metrics port (PORTAL_METRICS_PORT); a free one unless given,
    # so that several stacks (tests, bench, make run) never collide on it.
    metrics_port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def metrics_url(self) -> str:
        return f"http://127.0.0.1:{self.metrics_port}/metrics"

    def start(self) -> None:
        env = {
            **os.environ,
            **self.env,
            "PORTAL_HTTP_PORT": str(self.port),
            "PORTAL_METRICS_PORT": str(self.metrics_port),
            "PORTAL_INSTANCE": self.instance,
            "PYTHONUNBUFFERED": "1",
        }
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", f"services.{self.name}"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.proc.returncode}; see {self.log_path}"
                )
            try:
                if httpx.get(f"{self.url}/health/ready", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"{self.name} not ready after {timeout}s; see {self.log_path}")

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, no offset commit, exactly like a crash."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None


def start_stack(
    env: dict[str, str],
    log_dir: Path,
    names: tuple[str, ...] = SERVICES,
    ports: dict[str, int] | None = None,
) -> dict[str, ServiceProcess]:
    """Start the services (each on its own port) and wait until all are ready."""
    ports = ports or {}
    procs: dict[str, ServiceProcess] = {}
    urls: dict[str, str] = {}
    for name in names:
        port = ports.get(name) or free_port()
        urls[f"PORTAL_{name.upper()}_URL"] = f"http://127.0.0.1:{port}"
        procs[name] = ServiceProcess(name, port, env, log_dir / f"{name}.log")
    for p in procs.values():
        p.env = {**p.env, **urls}
        p.start()
    for p in procs.values():
        p.wait_ready()
    return procs


def available_services() -> tuple[str, ...]:
    """The services that exist; ``PORTAL_ONLY_SERVICES=a,b`` narrows it (while developing)."""
    only = [n for n in os.environ.get("PORTAL_ONLY_SERVICES", "").split(",") if n]
    return tuple(
        n
        for n in SERVICES
        if (ROOT / "services" / n / "__main__.py").exists() and (not only or n in only)
    )
