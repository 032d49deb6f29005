"""Native load generators for the read benchmark: ``wrk`` (closed loop, capacity) and
``vegeta`` (open loop at a fixed rate, latency). Python only writes their input files and
parses their output; no request is sent from Python.

- wrk: Debian's package (``infra/prereqs.sh``); a Lua ``request()`` hook picks a random path
  from a file (random customer ids, search words) for every request.
- vegeta: ``github.com/tsenart/vegeta/v12`` at the version pinned in the Makefile, built into
  ``.tools/bin/vegeta`` (``make .tools/bin/vegeta``).
"""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.procs import ROOT

VEGETA = ROOT / ".tools" / "bin" / "vegeta"

# Every request picks one path of the file named by WRK_PATHS (one path a line), at random.
# Each wrk thread has its own Lua state: the seed mixes the time with the thread's address.
WRK_SCRIPT = """\
local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do
  if #line > 0 then paths[#paths + 1] = line end
end
math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
"""


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise RuntimeError("wrk is missing: run `make prereqs` (Debian package wrk)")
    return found


def vegeta_binary() -> str:
    if VEGETA.exists():
        return str(VEGETA)
    found = shutil.which("vegeta")
    if found is None:
        raise RuntimeError("vegeta is missing: run `make .tools/bin/vegeta`")
    return found


def versions() -> dict[str, str]:
    """The load tools' versions, for the record."""
    wrk = subprocess.run([wrk_binary(), "-v"], capture_output=True, text=True, check=False)
    first = (wrk.stdout or wrk.stderr).splitlines()
    out = {"wrk": first[0].split(" [")[0] if first else "unknown", "vegeta": "unknown"}
    go = shutil.which("go") or "/usr/local/go/bin/go"
    if Path(go).exists():
        info = subprocess.run(
            [go, "version", "-m", vegeta_binary()], capture_output=True, text=True, check=False
        )
        for line in info.stdout.splitlines():
            parts = line.split()
            if parts[:2] == ["mod", "github.com/tsenart/vegeta/v12"] and len(parts) > 2:
                out["vegeta"] = parts[2]
    return out


@dataclass(frozen=True)
class Figures:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([0-9.]+)(us|ms|s|m|h)", text.strip())
    if match is None:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _UNITS_MS[match.group(2)]


def parse_wrk(output: str) -> Figures:
    """Requests/sec, the 50 % and 99 % latencies (``--latency``), non-2xx/3xx answers plus
    socket errors, from wrk's text report."""
    rps = re.search(r"Requests/sec:\s+([0-9.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    total = re.search(r"(\d+) requests in", output)
    if not (rps and p50 and p99 and total):
        raise ValueError(f"unexpected wrk output:\n{output}")
    errors = 0
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if socket:
        errors += sum(int(g) for g in socket.groups())
    status = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if status:
        errors += int(status.group(1))
    return Figures(
        rps=round(float(rps.group(1)), 1),
        p50_ms=round(_ms(p50.group(1)), 2),
        p99_ms=round(_ms(p99.group(1)), 2),
        errors=errors,
        requests=int(total.group(1)),
    )


def wrk(
    base_url: str,
    paths: list[str],
    *,
    headers: dict[str, str],
    seconds: float,
    work: Path,
    connections: int = 32,
    threads: int = 2,
) -> Figures:
    """``wrk -c 32 -t 2 -d <s> --latency`` against random paths of ``paths``."""
    work.mkdir(parents=True, exist_ok=True)
    script = work / "random-path.lua"
    script.write_text(WRK_SCRIPT)
    listing = work / "wrk-paths.txt"
    listing.write_text("\n".join(paths) + "\n")
    command = [
        wrk_binary(),
        "-c",
        str(connections),
        "-t",
        str(threads),
        "-d",
        f"{max(1, round(seconds))}s",
        "--timeout",
        "5s",
        "--latency",
        "-s",
        str(script),
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(base_url)
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=False,
        timeout=seconds + 60,
        env={"WRK_PATHS": str(listing), "PATH": "/usr/bin:/bin"},
    )
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    figures = parse_wrk(done.stdout)
    if figures.requests == 0:  # nothing answered in time: every connection's request failed
        return Figures(0.0, 0.0, 0.0, max(figures.errors, connections), 0)
    return figures


def vegeta_targets(base_url: str, paths: list[str], headers: dict[str, str]) -> str:
    """vegeta's HTTP target format: a request line, its headers, a blank line."""
    lines = []
    for path in paths:
        lines.append(f"GET {base_url}{path}")
        lines += [f"{name}: {value}" for name, value in headers.items()]
        lines.append("")
    return "\n".join(lines) + "\n"


def parse_vegeta(report: dict[str, Any], seconds: float) -> Figures:
    """p50/p99 (ns → ms), throughput of successful answers, failed requests."""
    latencies = report["latencies"]
    requests = int(report["requests"])
    ok = sum(n for code, n in (report.get("status_codes") or {}).items() if code.startswith("2"))
    return Figures(
        rps=round(float(report.get("throughput") or ok / seconds), 1),
        p50_ms=round(latencies["50th"] / 1e6, 2),
        p99_ms=round(latencies["99th"] / 1e6, 2),
        errors=requests - ok,
        requests=requests,
    )


def vegeta(
    base_url: str,
    paths: list[str],
    *,
    headers: dict[str, str],
    rate: int,
    seconds: float,
    work: Path,
) -> Figures:
    """``vegeta attack -rate R/s -duration <s> | vegeta report -type json``: open loop, the
    requests leave at the rate whatever the answers' latency (no coordinated omission)."""
    work.mkdir(parents=True, exist_ok=True)
    shuffled = list(paths)
    random.shuffle(shuffled)
    targets = work / "vegeta-targets.txt"
    targets.write_text(vegeta_targets(base_url, shuffled, headers))
    binary = vegeta_binary()
    attack = subprocess.Popen(
        [
            binary,
            "attack",
            f"-rate={rate}/s",
            f"-duration={max(1, round(seconds))}s",
            f"-targets={targets}",
            "-timeout=5s",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    report = subprocess.run(
        [binary, "report", "-type=json"],
        stdin=attack.stdout,
        capture_output=True,
        text=True,
        check=False,
        timeout=seconds + 60,
    )
    assert attack.stdout is not None
    attack.stdout.close()
    attack.wait(timeout=30)
    if attack.returncode != 0 or report.returncode != 0:
        error = attack.stderr.read().decode() if attack.stderr else ""
        raise RuntimeError(f"vegeta failed: {error} {report.stderr}")
    return parse_vegeta(json.loads(report.stdout), seconds)
