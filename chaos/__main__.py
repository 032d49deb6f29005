"""``python -m chaos [--seconds 200] [--rate R] [--no-infra]``: the run, its printed
schedule, the accounting; exit status 1 on any difference. Without ``--rate`` the load is
52 % of the pipeline's measured maximum (so that what is held stays at least half): the
last ``make bench`` of this checkout (``results/bench.json``), else the benchmark's pipeline
part run first to measure it (about 6 minutes)."""

from __future__ import annotations

import argparse
import asyncio
import sys

from chaos.run import max_throughput, run

SHARE = 0.52  # of the measured maximum


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m chaos", description=__doc__)
    parser.add_argument("--seconds", type=float, default=200.0, help="length of the load")
    parser.add_argument(
        "--rate", type=float, help="redemptions per second (default: half the measured maximum)"
    )
    parser.add_argument(
        "--no-infra",
        action="store_true",
        help="skip the Kafka and PostgreSQL outages (they affect everyone on this machine)",
    )
    args = parser.parse_args()
    rate = args.rate or round(SHARE * (max_throughput(measure=True) or 0.0))
    sys.exit(asyncio.run(run(seconds=args.seconds, rate=rate, infra_faults=not args.no_infra)))


if __name__ == "__main__":
    main()
