"""Where the run happens (``tools.stack``): its namespace and its own database on the
project's PostgreSQL and Kafka, its own mail sink, and the local infrastructure scripts it
stops and starts."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from shared.patience import PATIENCE
from tools.procs import ROOT
from tools.stack import BOOTSTRAP, Stack, claim_namespace

__all__ = ["BOOTSTRAP", "BROKERS", "DSN", "PARTITIONS", "READY_WITHIN", "SMTP_PORT", "STACK"]

# 3: the run is on the three-broker cluster (make chaos CLUSTER=3; BOOTSTRAP names its nodes).
BROKERS = int(os.environ.get("KAFKA_BROKERS", "1"))

STACK = Stack(
    "c",
    partitions=8,
    mail=True,  # the run's own mail sink (chaos.mail.Sink) on SMTP_PORT, for every start
    env={
        "PORTAL_SECRET_KEY": "chaos-run-" + claim_namespace("c") * 4,
        # Every copy has its own stable name (tools.procs: the service's instance), so a
        # SIGKILLed service restarted takes its partitions back at once.
        "PORTAL_STATIC_MEMBERSHIP": "true",
        # A delivery a killed sender was sending is taken over when its lease (4 x this)
        # runs out: short, so the run's drain sees it through.
        "PORTAL_SMTP_TIMEOUT": "5",
        "PORTAL_MAIL_RETRY_BASE_SECONDS": "1",
    },
)
DSN = STACK.dsn
# How long a (re)started process is given to be ready: it may wait PATIENCE for Kafka and
# PostgreSQL first.
READY_WITHIN = PATIENCE + 60.0
PARTITIONS = STACK.partitions
SMTP_PORT = STACK.smtp_port
SCHEMAS = ("invitations", "offers", "delegation", "directory", "gateway", "notifications")
create_database = STACK.create_database
drop_database = STACK.drop_database
stack_env = STACK.service_env


def infra(script: str, *action: str) -> None:
    """``bash infra/<script>.sh <action>``: the same scripts ``make infra-up`` runs (of the
    checkout whose broker and database are running: ``PORTAL_INFRA_DIR`` names another). The
    Kafka script acts on the cluster when ``KAFKA_BROKERS=3`` is in the environment."""
    folder = Path(os.environ.get("PORTAL_INFRA_DIR", ROOT / "infra"))
    STACK.log_dir.mkdir(parents=True, exist_ok=True)
    with (STACK.log_dir / "infra.log").open("a") as log:  # what the scripts said, and when
        log.write(f"{time.strftime('%H:%M:%S')} {script}.sh {' '.join(action)}\n")
        log.flush()
        subprocess.run(
            ["bash", str(folder / f"{script}.sh"), *action],
            check=True,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.write(f"{time.strftime('%H:%M:%S')} {script}.sh {' '.join(action)}: done\n")
