"""The results as JSON, a Markdown table and a PNG plot."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

# The goals of issue 13 (the write side).
GOAL_THROUGHPUT = 1500.0
GOAL_RATIO = 0.5
GOAL_P99_AT_HALF_MS = 150.0
GOAL_P99_AT_QUARTER_MS = 80.0
GOAL_SCALE_OUT = 0.9  # two instances' throughput over one's, on the same two cores
GOAL_RSS_MB = 150.0


def _ms(value: float) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:.1f}"


def markdown(r: dict[str, Any]) -> str:
    m = r.get("machine", {})
    lines = [
        f"# Benchmark ({r['mode']}) — {r.get('started_at', '')}",
        "",
        f"Machine: {m.get('cores')} cores, {m.get('memory_mb')} MB, Python {m.get('python')}, "
        f"PostgreSQL {m.get('postgresql')}, Kafka {m.get('kafka')}, commit {m.get('git_commit')} "
        f"({m.get('git_dirty_files')} files modified in the work tree). Load average at start "
        f"{_load(m.get('load_average_at_start'))}, at end {_load(m.get('load_average_at_end'))}: "
        "everything (Kafka, PostgreSQL, services, load generator, and other people's test runs) "
        "shares these cores.",
        "",
        "## Redemption pipeline: publish → subscription and delegation request announced",
        "",
        "| pipeline | phase | target /s | sent | done | throughput /s | p50 ms | p95 ms "
        "| p99 ms | max ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, phases in r.get("pipelines", {}).items():
        for p in phases:
            lat = p["latency_ms"]
            target = "max" if p["target_rate"] is None else f"{p['target_rate']:.0f}"
            lines.append(
                f"| {name} | {p['label']} | {target} | {p['sent']} | {p['completed']} "
                f"| {p['throughput']:.0f} | {_ms(lat['p50'])} | {_ms(lat['p95'])} "
                f"| {_ms(lat['p99'])} | {_ms(lat['max'])} |"
            )
    lines += ["", f"Ratio ours / bare (max throughput): **{r.get('ratio_ours_to_bare')}**", ""]
    lines += _cpu(r)
    scale = r.get("scale_out")
    if scale:
        lines += [
            "## Scale-out (invitations, directory, delegation)",
            "",
            "| instances | throughput /s |",
            "|---:|---:|",
            f"| 1 | {scale['one_instance_per_second']:.0f} |",
            f"| 2 | {scale['two_instances_per_second']:.0f} |",
            "",
            f"Speed-up {scale['speed_up']}; effects announced twice: "
            f"{scale['duplicate_announcements']}; duplicate rows: see accounting.",
            "",
        ]
    rss = r.get("rss_peak_mb", {})
    lines += ["## Peak resident memory (VmHWM)", "", "| process | MB |", "|---|---:|"]
    lines += [f"| {k} | {v} |" for k, v in rss.items()]
    lines += ["", "## Accounting", ""]
    acc = r.get("accounting", {})
    for name in ("ours", "bare"):
        if name in acc:
            tables = ", ".join(
                f"{t}: {v['rows']} rows / {v['expected']} expected, {v['missing']} missing, "
                f"{v['extra']} extra"
                for t, v in acc[name]["tables"].items()
            )
            lines.append(f"- {name}: {'PASS' if acc[name]['ok'] else 'FAIL'} ({tables})")
    lines += ["", "## Goals", "", *_goals(r), ""]
    if r.get("problems"):
        lines += ["## PROBLEMS", "", *[f"- {p}" for p in r["problems"]], ""]
    return "\n".join(lines)


def _cpu(r: dict[str, Any]) -> list[str]:
    """Cores used during each phase (its window and drain), by kind of process."""
    phases = [(n, p) for n, ps in r.get("pipelines", {}).items() for p in ps if p.get("cpu_cores")]
    if not phases:
        return []
    kinds = sorted(
        {k for _, p in phases for k in p["cpu_cores"]},
        key=lambda k: (k == "other", -max(p["cpu_cores"].get(k, 0) for _, p in phases)),
    )
    lines = [
        "## Where the CPU went (cores, during each phase and its drain)",
        "",
        "| pipeline | phase | total | " + " | ".join(kinds) + " |",
        "|---|---|---:|" + "---:|" * len(kinds),
    ]
    for name, p in phases:
        c = p["cpu_cores"]
        lines.append(
            f"| {name} | {p['label']} | {sum(c.values()):.2f} | "
            + " | ".join(f"{c.get(k, 0):.2f}" for k in kinds)
            + " |"
        )
    return [
        *lines,
        "",
        "`other`: every process that is not the run's own (0 on an idle machine).",
        "",
    ]


def _load(values: Any) -> str:
    return "/".join(f"{v:.1f}" for v in values) if values else "?"


def _goals(r: dict[str, Any]) -> list[str]:
    ours = {p["label"]: p for p in r.get("pipelines", {}).get("ours", [])}
    top = ours.get("max", {}).get("throughput")
    half = ours.get("50% of max", {}).get("latency_ms", {}).get("p99")
    quarter = ours.get("25% of max", {}).get("latency_ms", {}).get("p99")
    speed_up = r.get("scale_out", {}).get("speed_up")
    ratio = r.get("ratio_ours_to_bare")
    services = {k: v for k, v in r.get("rss_peak_mb", {}).items() if not k.startswith("bare")}
    worst = max(services.values()) if services else None

    def row(goal: str, value: Any, met: bool | None) -> str:
        verdict = "not measured" if met is None else ("met" if met else "MISSED")
        return f"| {goal} | {value} | {verdict} |"

    return [
        "| goal | measured | |",
        "|---|---|---|",
        row(
            f"≥ {GOAL_THROUGHPUT:.0f} redemptions/s sustained",
            top,
            None if top is None else top >= GOAL_THROUGHPUT,
        ),
        row(f"ours / bare ≥ {GOAL_RATIO}", ratio, None if ratio is None else ratio >= GOAL_RATIO),
        row(
            f"p99 ≤ {GOAL_P99_AT_HALF_MS:.0f} ms at 50 % of max",
            half,
            _within(half, GOAL_P99_AT_HALF_MS),
        ),
        row(
            f"p99 ≤ {GOAL_P99_AT_QUARTER_MS:.0f} ms at 25 % of max",
            quarter,
            _within(quarter, GOAL_P99_AT_QUARTER_MS),
        ),
        row(
            f"two instances ≥ {GOAL_SCALE_OUT} x one",
            speed_up,
            None if speed_up is None else speed_up >= GOAL_SCALE_OUT,
        ),
        row("each service < 150 MB", worst, None if worst is None else worst < GOAL_RSS_MB),
    ]


def _within(p99: float | None, goal: float) -> bool | None:
    return None if p99 is None or math.isnan(p99) else p99 <= goal


def plot(r: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (cdf, over_time) = plt.subplots(1, 2, figsize=(14, 5.5))
    styles = {"ours": "-", "bare": "--"}
    for name, phases in r.get("pipelines", {}).items():
        for p in phases:
            lat = p.get("latency_sorted_ms") or []
            if lat:
                ys = [(i + 1) / len(lat) for i in range(len(lat))]
                cdf.plot(lat, ys, styles.get(name, "-"), label=f"{name} {p['label']}")
            xs = list(range(len(p["timeline"])))
            over_time.plot(xs, p["timeline"], styles.get(name, "-"), label=f"{name} {p['label']}")
    cdf.set_xscale("log")
    cdf.set_xlabel("publish → both effects announced (ms, log)")
    cdf.set_ylabel("fraction of redemptions")
    cdf.set_title("Latency distribution per rate")
    cdf.grid(True, which="both", alpha=0.3)
    cdf.legend(fontsize=7)
    over_time.set_xlabel("second of the phase")
    over_time.set_ylabel("redemptions completed per second")
    over_time.set_title("Throughput over time")
    over_time.grid(True, alpha=0.3)
    over_time.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write(r: dict[str, Any], out: Path, stem: str) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = {"json": out / f"{stem}.json", "md": out / f"{stem}.md", "png": out / f"{stem}.png"}
    plot(r, paths["png"])
    slim = _without_samples(r)
    paths["json"].write_text(json.dumps(slim, indent=2, default=str))
    paths["md"].write_text(markdown(slim))
    return paths


def _without_samples(r: dict[str, Any]) -> dict[str, Any]:
    """The JSON keeps percentiles and timelines; the raw latency samples only feed the plot."""
    copy = dict(r)
    copy["pipelines"] = {
        name: [{k: v for k, v in p.items() if k != "latency_sorted_ms"} for p in phases]
        for name, phases in r.get("pipelines", {}).items()
    }
    return copy
