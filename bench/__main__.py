"""``python -m bench [--quick] [--profile] [--out results] [--keep]``: run, write
``<out>/bench[-quick].{json,md,png}``, print the table; exit 1 when the run's own checks
(accounting, completeness) failed."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

import bench  # noqa: F401  (the namespace, before anything reads topic names)
from bench import report
from bench.config import FULL, QUICK
from bench.env import drop_database
from bench.run import Run, log
from tools.procs import ROOT


async def main(args: argparse.Namespace) -> int:
    cfg = QUICK if args.quick else FULL
    run = Run(cfg, args.out, profile=args.profile)
    try:
        results = await run.execute()
    except Exception as exc:
        run.results["problems"] = [*run.problems, f"run aborted: {exc!r}"]
        run.results["ok"] = False
        results = run.results
        log(f"ABORTED: {exc!r}")
    finally:
        if not args.keep:
            await drop_database()
    paths = report.write(results, args.out, "bench-quick" if args.quick else "bench")
    print(paths["md"].read_text())
    print(f"\nresults: {', '.join(str(p) for p in paths.values())}")
    if not results.get("ok"):
        print("\nBENCHMARK FAILED ITS OWN CHECKS:", *results["problems"], sep="\n- ")
        return 1
    return 0


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a short run that checks the harness")
    parser.add_argument("--profile", action="store_true", help="py-spy the services at full speed")
    parser.add_argument("--out", type=Path, default=ROOT / "results")
    parser.add_argument("--keep", action="store_true", help="keep the run's database")
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse())))
