"""The whole run: database, topics, stack, seed, load with faults on schedule, drain,
accounting, results (``results/chaos.json`` and ``results/chaos.md``)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from chaos import accounting, failover, faults, load, mail, seed, webhooks
from chaos.env import (
    BOOTSTRAP,
    BROKERS,
    DSN,
    PARTITIONS,
    SMTP_PORT,
    create_database,
    drop_database,
    stack_env,
)
from shared.contracts.topics import NAMESPACE
from shared.ops.topics import ensure_topics
from tools.procs import ROOT, available_services, start_stack

# After the load, the backlog the faults left is waited for as long as it keeps shrinking; the
# run gives up (and fails) on what has not moved for this long.
STALL = 60.0
MAIL_PER_SECOND = 0.5  # SendLinkByEmail requests (each to mail.RECIPIENTS_PER_REQUEST people)


def say(message: str) -> None:
    print(f"[chaos {time.strftime('%H:%M:%S')}] {message}", flush=True)


async def run(*, seconds: float, rate: float, infra_faults: bool) -> int:
    # The faults block threads (a restarted process awaited for up to 180 s, an infra script):
    # asyncio's default pool has 6 on two cores, and once a few restarts waited on a
    # database outage, the "up" that ends the outage queued behind them (run c9be6b04c75:
    # PostgreSQL down 62 s, its start launched the moment a waiting thread was freed).
    asyncio.get_running_loop().set_default_executor(
        ThreadPoolExecutor(max_workers=64, thread_name_prefix="chaos")
    )
    say(
        f"namespace {NAMESPACE}; {rate:g} redemptions/s for {seconds:g} s; "
        f"Kafka: {'a cluster of 3 brokers' if BROKERS == 3 else 'one broker'} ({BOOTSTRAP})"
    )
    await create_database()
    await ensure_topics(BOOTSTRAP, partitions=PARTITIONS)
    log_dir = ROOT / "test-artifacts" / "logs" / NAMESPACE
    sink = mail.Sink(SMTP_PORT)
    sink.start()
    receiver = webhooks.Receiver()
    await receiver.start()
    procs = start_stack(_env(), log_dir, available_services())
    try:
        return await _run(procs, log_dir, seconds, rate, infra_faults, sink, receiver)
    finally:
        for p in procs.values():
            p.stop()
        sink.stop()
        await receiver.stop()
        say(f"logs in {log_dir.relative_to(ROOT)}")
        if "--keep" not in sys.argv:
            await drop_database()


def _env() -> dict[str, str]:
    return {**stack_env(), **webhooks.ENV}


async def _send_mail(
    publisher: load.Publisher, requests: list[mail.MailRequest], seconds: float, t0: float
) -> None:
    """The e-mail load, spread over the whole load so that kills find messages in flight."""
    for i, r in enumerate(requests):
        delay = t0 + i * seconds / max(1, len(requests)) - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        publisher.publish_raw(r.topic, r.key, r.value, r.headers)


async def _run(
    procs: Any,
    log_dir: Any,
    seconds: float,
    rate: float,
    infra_faults: bool,
    sink: mail.Sink,
    receiver: webhooks.Receiver,
) -> int:
    sources = await seed.seed_sources(BOOTSTRAP)
    endpoints = await webhooks.register(DSN, receiver)
    http = failover.Failover(await seed.seed_http_client(BOOTSTRAP), _env(), log_dir, DSN)
    await http.sign_in(procs["gateway"].url)
    total = int(seconds * rate)
    customers = await seed.register_customers(BOOTSTRAP, DSN, total)
    commands = load.plan(customers, sources)
    say(
        f"seeded {len(sources)} invitations/offers and {len(customers)} customers; "
        f"{sum(c.source.valid for c in commands)} redemptions should be accepted, "
        f"{sum(not c.source.valid for c in commands)} rejected"
    )
    watcher = load.Watcher(BOOTSTRAP, commands)
    await watcher.start()
    publisher = load.Publisher(BOOTSTRAP)
    await publisher.start()
    chaos = faults.Chaos(procs, _env(), log_dir, publisher, commands, infra_faults, http, watcher)
    plan = faults.schedule(infra_faults, seconds, BROKERS)
    say("schedule (seconds into the load):")
    for f in plan:
        say(f"  {f.at:6.1f}  {f.label}")
    mails = mail.plan(
        max(1, int(seconds * MAIL_PER_SECOND)),
        partner_id=str(uuid.uuid4()),
        subject_id=str(uuid.uuid4()),
    )
    t0 = time.monotonic()

    async def steady() -> float:
        await load.steady(publisher, commands, rate, t0)
        return time.monotonic() - t0

    load_seconds, _, _ = await asyncio.gather(
        steady(),
        faults.run_schedule(chaos, plan, t0, say),
        _send_mail(publisher, mails, seconds * 0.9, t0),
    )
    say(
        f"load sent in {load_seconds:.1f} s, faults done at {time.monotonic() - t0:.1f} s; draining"
    )
    drain_start = time.monotonic()

    async def incomplete() -> int:  # the watcher task completes them
        return sum(not c.complete for c in commands)

    await accounting.until_done(incomplete, STALL)
    drained = time.monotonic() - drain_start
    gateways = await http.finish()  # its retries may still wait for a dead gateway's keys
    # The notifications service's consumers are behind too: their lag first, then its sends.
    boxes, behind, settle_s = await accounting.settle(DSN, BOOTSTRAP, STALL)
    mail_settle_s = await mail.settle(DSN, mails, STALL)
    webhook_settle_s = await webhooks.settle(DSN, STALL)
    await publisher.stop()
    await watcher.stop()
    found = await accounting.effects(DSN, commands)
    result = _result(commands, chaos, found, boxes, behind, rate, load_seconds, drained, settle_s)
    email = mail.account(
        mails, await mail.deliveries(DSN), sink.received, await mail.delegation_requests(DSN)
    )
    result["email"] = {**email["counts"], "requests": len(mails)}
    result["email_settle_seconds"] = round(mail_settle_s, 1)
    hooks = webhooks.account(
        webhooks.expected(endpoints, await webhooks.events(BOOTSTRAP)),
        await webhooks.deliveries(DSN),
        receiver.received,
        receiver.bad_signatures,
    )
    result["webhooks"] = {**hooks["counts"], "endpoints": len(endpoints)}
    result["webhook_settle_seconds"] = round(webhook_settle_s, 1)
    result["gateway_failover"] = {
        **gateways.get("counts", {}),
        "refusals": gateways.get("refusals", {}),
    }
    result["problems"] = (
        result["problems"] + email["problems"] + hooks["problems"] + gateways.get("problems", [])
    )[:50]
    result["ok"] = (
        result["ok"]
        and mail.ok(email["counts"])
        and webhooks.ok(hooks["counts"])
        and failover.ok(gateways.get("counts", {}))
    )
    result["retries_by_load_generator"] = publisher.retries
    result["load_producer_renewals"] = publisher.producer.renewals
    _write(result)
    return 0 if result["ok"] else 1


def _result(
    commands: list[load.Sent],
    chaos: faults.Chaos,
    found: dict[str, Any],
    boxes: dict[str, int],
    behind: dict[str, int],
    rate: float,
    load_seconds: float,
    drained: float,
    settle_s: float,
) -> dict[str, Any]:
    counts = found["counts"]
    completed = sum(c.complete for c in commands)
    by_kind: dict[str, list[float]] = {}
    rows = []
    for f in chaos.done:
        rec = faults.recovery(f, commands)
        rows.append(
            {
                "at": round(f.at, 1),
                "fault": f.label,
                "restored_s": round(f.restored_at - f.injected_at, 1),
                "recovered_s": rec,
                "throughput_back_s": faults.throughput_back(f, commands, rate),
                "note": f.note,
            }
        )
        if rec is not None:
            by_kind.setdefault(f.kind, []).append(rec)
    idle = [f"fault {f.label} had no effect: {f.note}" for f in chaos.done if not f.effective]
    ok = (
        not idle
        and counts.get("lost_effects", 0) == 0
        and counts.get("duplicated_effects", 0) == 0
        and completed == len(commands)
        and counts.get("rejected_with_event", 0) == counts.get("rejected_expected", 0)
        and not any(boxes.values())
        and not any(behind.values())
    )
    mix = Counter(
        f"{c.source.kind}{'+delegation' if c.source.delegation else ''}"
        f"{'' if c.source.valid else ' (must be rejected)'}"
        for c in commands
    )
    most = max_throughput()
    return {
        "ok": ok,
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "namespace": NAMESPACE,
        "brokers": BROKERS,
        # The pipeline's measured maximum (the last make bench on this checkout), and the
        # share of it the load was: None when no benchmark has run here.
        "max_throughput": most,
        "rate_share_of_max": round(len(commands) / load_seconds / most, 3) if most else None,
        "rate_target": rate,
        "rate_held": round(len(commands) / load_seconds, 2),
        "load_seconds": round(load_seconds, 1),
        "commands": len(commands),
        "mix": dict(mix),
        "completed": completed,
        "drain_seconds": round(drained, 1),
        "settle_seconds": round(settle_s, 1),
        "counts": counts,
        "outboxes": boxes,
        "lag": behind,
        "faults": rows,
        "recovery_by_kind": {
            k: {"max": max(v), "median": sorted(v)[len(v) // 2]} for k, v in by_kind.items()
        },
        "problems": (idle + found["problems"])[:50],
    }


def max_throughput(*, measure: bool = False) -> float | None:
    """The pipeline's measured maximum (redemptions/s): the last benchmark of this checkout
    (``results/bench.json``); with ``measure``, when there is none, the benchmark's pipeline
    part is run now (``python -m bench``, about 6 minutes; its quick mode's 2 s phases are
    too short to find the maximum)."""
    path = ROOT / "results" / "bench.json"
    found = _bench_max(path)
    if found or not measure:
        return found
    say("no benchmark of this checkout yet: measuring the maximum with python -m bench")
    env = {k: v for k, v in os.environ.items() if k != "PORTAL_NAMESPACE"}  # its own, not ours
    subprocess.run([sys.executable, "-m", "bench"], cwd=ROOT, env=env, check=False)
    found = _bench_max(path)
    if not found:
        raise SystemExit("chaos: the benchmark measured no maximum; pass --rate")
    return found


def _bench_max(path: Path) -> float | None:
    try:
        bench = json.loads(path.read_text())
        return float(
            next(p["throughput"] for p in bench["pipelines"]["ours"] if p["label"] == "max")
        )
    except (OSError, ValueError, KeyError, StopIteration):
        return None


def _email_line(e: dict[str, Any]) -> str:
    return (
        f"{e.get('requests', 0)} link requests and {e.get('lifecycle_expected', 0)} lifecycle "
        f"(delegation requested, {e.get('lifecycle_delivered', 0)} delivered); "
        + _deliveries(e, "email", "Message-ID")
    )


def _webhook_line(w: dict[str, Any]) -> str:
    return (
        f"{w.get('endpoints', 0)} endpoints, {_deliveries(w, 'webhook', 'webhook-id')}, "
        f"bad signatures {w.get('webhook_bad_signature', 0)}"
    )


def _failover_line(g: dict[str, Any]) -> str:
    return (
        f"{g.get('requests', 0)} POSTs with an Idempotency-Key, {g.get('answered_2xx', 0)} "
        f"answered 2xx ({g.get('retried', 0)} after a retry, {g.get('replayed', 0)} replayed), "
        f"{g.get('created', 0)} invitations created, lost {g.get('lost_effects', 0)}, duplicated "
        f"{g.get('duplicated_effects', 0)}, unanswered {g.get('unanswered', 0)}; "
        f"failed tries {g.get('refusals', {})}"
    )


def _deliveries(counts: dict[str, Any], kind: str, id_name: str) -> str:
    """The counts ``<kind>_delivered``, ``_expected``, ``_lost``, ``_duplicated``,
    ``_redelivered_same_id`` and ``_unexpected`` in words."""

    def n(key: str) -> Any:
        return counts.get(f"{kind}_{key}", 0)

    return (
        f"delivered {n('delivered')}/{n('expected')}, lost {n('lost')}, duplicated "
        f"{n('duplicated')}, redelivered with the same {id_name} (at-least-once window) "
        f"{n('redelivered_same_id')}, unexpected {n('unexpected')}"
    )


def _seconds(value: float | None) -> str:
    return f"{value if value is not None else '-':>6}"


def _write(result: dict[str, Any]) -> None:
    out = ROOT / "results"
    out.mkdir(exist_ok=True)
    name = "chaos-cluster" if result["brokers"] > 1 else "chaos"
    (out / f"{name}.json").write_text(json.dumps(result, indent=2))
    c = result["counts"]
    lines = [
        f"chaos run {result['namespace']} at {result['when']}, {result['brokers']} broker(s): "
        + ("OK" if result["ok"] else "FAILED"),
        f"load: {result['commands']} redemptions, target {result['rate_target']}/s, held "
        f"{result['rate_held']}/s over {result['load_seconds']} s; mix {result['mix']}",
        f"completed {result['completed']}/{result['commands']}; drain {result['drain_seconds']} s "
        f"after the load, outboxes and lag settled {result['settle_seconds']} s later",
        f"subscriptions {c.get('subscriptions_found', 0)} (expected "
        f"{c.get('subscriptions_expected', 0)}), delegation requests {c.get('requests_found', 0)} "
        f"(expected {c.get('requests_expected', 0)}), rejections with event "
        f"{c.get('rejected_with_event', 0)}/{c.get('rejected_expected', 0)}",
        f"lost effects {c.get('lost_effects', 0)}, duplicated effects "
        f"{c.get('duplicated_effects', 0)}",
        f"e-mail: {_email_line(result.get('email', {}))}",
        f"webhooks: {_webhook_line(result.get('webhooks', {}))}",
        f"gateway failover: {_failover_line(result.get('gateway_failover', {}))}",
        f"outboxes {result['outboxes']}; consumer lag {result['lag']}",
        "faults:",
    ]
    lines += [
        f"  t={r['at']:>6}  {r['fault']:<45} restored {r['restored_s']:>5} s  "
        f"recovered {_seconds(r['recovered_s'])} s  90 % throughput "
        f"{_seconds(r['throughput_back_s'])} s  {r['note']}"
        for r in result["faults"]
    ]
    lines += [f"problem: {p}" for p in result["problems"]]
    text = "\n".join(lines)
    (out / f"{name}.md").write_text("```\n" + text + "\n```\n")
    print(text, flush=True)
