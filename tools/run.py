"""``make run``: start every service and the gateway in the background, seed the demo, and
say where to go. ``python -m tools.run --stop`` stops them."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from pathlib import Path

from tools import mailsink
from tools.procs import ROOT, SERVICES, ServiceProcess, available_services
from tools.seed import DEMO, seed

RUN = ROOT / ".run"
PORTS = {
    "gateway": 8000,
    "invitations": 8101,
    "offers": 8102,
    "delegation": 8103,
    "directory": 8104,
    "notifications": 8105,
}
METRICS_PORT = 9000  # the gateway's /metrics, on loopback only


def _pid_file(name: str) -> Path:
    return RUN / "pids" / f"{name}.pid"


def stop() -> None:
    for name in (*reversed(SERVICES), "mailsink"):
        pid_file = _pid_file(name)
        if not pid_file.exists():
            continue
        pid = int(pid_file.read_text())
        try:
            os.killpg(pid, signal.SIGTERM)
            print(f"stopped {name} (pid {pid})")
        except ProcessLookupError:
            pass
        pid_file.unlink()


def start() -> None:
    stop()
    env = {
        "PORTAL_KAFKA_BOOTSTRAP": os.environ.get("PORTAL_KAFKA_BOOTSTRAP", "127.0.0.1:19092"),
        "PORTAL_DATABASE_URL": os.environ.get(
            "PORTAL_DATABASE_URL", "postgresql://portal:portal@127.0.0.1:15432/portal"
        ),
        "PORTAL_PUBLIC_BASE_URL": f"http://127.0.0.1:{PORTS['gateway']}",
        **{f"PORTAL_{n.upper()}_URL": f"http://127.0.0.1:{p}" for n, p in PORTS.items()},
    }
    (RUN / "pids").mkdir(parents=True, exist_ok=True)
    # Mail goes to the local sink unless a real server is configured (docs/operations.md).
    sink = "PORTAL_SMTP_HOST" not in os.environ
    if sink:
        pid = mailsink.start_process(RUN / "logs" / "mailsink.log")
        _pid_file("mailsink").write_text(str(pid))
        env["PORTAL_SMTP_HOST"], env["PORTAL_SMTP_PORT"] = "127.0.0.1", str(mailsink.SMTP_PORT)
    names = available_services()
    procs = [ServiceProcess(n, PORTS[n], env, RUN / "logs" / f"{n}.log") for n in names]
    for p in procs:
        if p.name == "gateway":
            p.metrics_port = METRICS_PORT
    for p in procs:
        p.start()
        _pid_file(p.name).write_text(str(p.pid))
    for p in procs:
        p.wait_ready()
        print(f"{p.name:12} ready on {p.url}")
    for line in asyncio.run(seed(env["PORTAL_KAFKA_BOOTSTRAP"])):
        print(f"seed: {line}")
    print(
        f"\nPartner Portal is running: open http://127.0.0.1:{PORTS['gateway']}/\n"
        f"  sign in as {DEMO.email} / {DEMO.password}\n"
        f"  API docs: http://127.0.0.1:{PORTS['gateway']}/docs\n"
        f"  metrics: http://127.0.0.1:{METRICS_PORT}/metrics (loopback only)\n"
        + (
            f"  demo mail: http://127.0.0.1:{mailsink.WEB_PORT}/ (every e-mail the portal sends;"
            f" SMTP on 127.0.0.1:{mailsink.SMTP_PORT}, nothing leaves this machine)\n"
            if sink
            else f"  mail: sent to {os.environ['PORTAL_SMTP_HOST']} (PORTAL_SMTP_HOST)\n"
        )
        + f"  logs: {RUN / 'logs'}\n"
        "  stop: make stop (services) and make infra-down (Kafka, PostgreSQL)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stop", action="store_true")
    if parser.parse_args().stop:
        stop()
    else:
        start()
    sys.exit(0)


if __name__ == "__main__":
    main()
