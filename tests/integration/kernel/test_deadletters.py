"""The operator's dead-letter tool (``python -m shared.ops.deadletters``), run as an operator
would: a separate process on the real broker, against real service processes."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from pathlib import Path
from typing import Any

import orjson

from shared.contracts import catalogue
from shared.contracts.topics import DEAD_LETTER, OFFERS_COMMANDS
from shared.ops.deadletters import REPLAY_COUNT, REPLAYED_FROM
from tests.support.bus import Bus, Seen
from tools.procs import ROOT, ServiceProcess

PUBLISH = catalogue.PublishCatalogueService.ce_type()
PUBLISHED = catalogue.CatalogueServicePublished.ce_type()


async def operator(*args: str) -> Any:
    """Run the tool with ``--json`` and return what it printed, parsed."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "shared.ops.deadletters",
        "--json",
        *args,
        cwd=ROOT,
        env=dict(os.environ),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    return orjson.loads(out)


def headers(ce_id: str, *, source: bool = True) -> list[tuple[str, bytes]]:
    found = [
        ("ce_specversion", b"1.0"),
        ("ce_id", ce_id.encode()),
        ("ce_type", PUBLISH.encode()),
        ("content-type", b"application/json"),
    ]
    return [*found, ("ce_source", b"crm-sync")] if source else found


def dead(ce_id: str) -> Any:
    return lambda s: s.topic == DEAD_LETTER and s.headers.get("ce_id") == ce_id


async def the_listed(ce_id: str) -> dict[str, Any]:
    listed = await operator("list", "--source-topic", OFFERS_COMMANDS, "--type", "Catalogue")
    return next(d for d in listed if d["ce_id"] == ce_id)


async def test_a_malformed_command_is_corrected_and_replayed_by_the_operator(
    stack: dict[str, ServiceProcess], bus: Bus, tmp_path: Path
) -> None:
    ce_id = str(uuid.uuid4())
    service_id = f"dlt-{uuid.uuid4().hex[:8]}"
    broken = b'{"service_id": "' + service_id.encode() + b'", "name": "Replayed",'  # cut off
    await bus.send_raw(OFFERS_COMMANDS, broken, key=service_id.encode(), headers=headers(ce_id))
    await bus.wait_for(dead(ce_id))

    listed = await the_listed(ce_id)
    assert listed["reason"].startswith("value is not JSON")
    assert listed["consumer"] == "offers.commands"
    assert listed["ce_type"] == PUBLISH
    assert listed["replays"] == 0
    assert listed["source_offset"].isdigit()

    saved = tmp_path / "dead.json"
    shown = await operator("show", listed["id"], "--out", str(saved))
    assert saved.read_bytes() == broken
    assert shown["value_text"] == broken.decode()
    assert ["dlt_topic", OFFERS_COMMANDS] in shown["headers"]

    # The operator completes the bytes and replays that one dead letter.
    saved.write_bytes(broken + b' "trial": {"days": 30, "max_seats": 5}}')
    dry = await operator("replay", listed["id"], "--value-file", str(saved), "--dry-run")
    assert dry["dry_run"] is True
    assert [r["id"] for r in dry["replayed"]] == [listed["id"]]
    done = await operator("replay", listed["id"], "--value-file", str(saved))
    assert done["replayed"][0]["to"] == OFFERS_COMMANDS

    reply = await bus.reply_to(ce_id, timeout=30)
    assert reply.type == PUBLISHED
    assert reply.data["service_id"] == service_id
    replayed = await bus.wait_for(lambda s: s.topic == OFFERS_COMMANDS and _replay_of(s, ce_id))
    assert len(replayed) == 1  # the dry run sent nothing
    assert replayed[0].headers[REPLAYED_FROM] == f"{DEAD_LETTER}:{listed['id']}"
    assert replayed[0].headers[REPLAY_COUNT] == "1"
    assert not [h for h in replayed[0].headers if h.startswith("dlt_")]
    assert replayed[0].key == service_id


async def test_replayed_then_dead_again_is_visible_and_the_fixed_cause_gets_through(
    stack: dict[str, ServiceProcess], bus: Bus
) -> None:
    ce_id = str(uuid.uuid4())
    service_id = f"dlt-{uuid.uuid4().hex[:8]}"
    body = orjson.dumps({"service_id": service_id, "name": "No Source"})
    await bus.send_raw(
        OFFERS_COMMANDS, body, key=service_id.encode(), headers=headers(ce_id, source=False)
    )
    await bus.wait_for(dead(ce_id))
    first = await the_listed(ce_id)
    assert "missing CloudEvents headers: ce_source" in first["reason"]

    # Replayed unchanged, it dies again, and the list shows it was a replay.
    await operator("replay", "--all", "--reason", "ce_source", "--type", PUBLISH)
    again = await bus.wait_for(dead(ce_id), count=2)
    assert {s.headers.get(REPLAY_COUNT) for s in again} >= {"1"}
    listed = await operator("list", "--type", PUBLISH)
    mine = [d for d in listed if d["ce_id"] == ce_id]
    assert sorted(d["replays"] for d in mine) == [0, 1]
    assert next(d for d in mine if d["replays"] == 1)["replayed_from"].endswith(first["id"])

    # The cause fixed (the missing header given), the same message is processed once.
    await operator("replay", first["id"], "--header", "ce_source=crm-sync")
    reply = await bus.reply_to(ce_id, timeout=30)
    assert reply.type == PUBLISHED
    assert reply.data["service_id"] == service_id
    assert len(bus.matching(lambda s: s.causation_id == ce_id)) == 1


def _replay_of(seen: Seen, ce_id: str) -> bool:
    return seen.headers.get("ce_id") == ce_id and REPLAYED_FROM in seen.headers
