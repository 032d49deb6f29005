"""``python -m chaos [--seconds 200] [--rate 15] [--no-infra]``: the run, its printed
schedule, the accounting; exit status 1 on any difference."""

from __future__ import annotations

import argparse
import asyncio
import sys

from chaos.run import run


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m chaos", description=__doc__)
    parser.add_argument("--seconds", type=float, default=300.0, help="length of the load")
    parser.add_argument("--rate", type=float, default=8.0, help="redemptions per second")
    parser.add_argument(
        "--no-infra",
        action="store_true",
        help="skip the Kafka and PostgreSQL outages (they affect everyone on this machine)",
    )
    args = parser.parse_args()
    sys.exit(asyncio.run(run(seconds=args.seconds, rate=args.rate, infra_faults=not args.no_infra)))


if __name__ == "__main__":
    main()
