"""Inspect and replay dead letters: ``python -m shared.ops.deadletters {list,show,replay}``.

A dead letter is the original record (value, key, headers) plus ``dlt_*`` headers naming
why and where from (see ``shared.messaging.consumer``). It is named here by its own place in
the dead-letter topic, ``<partition>:<offset>``.

Replay sends the original value, key and headers (without the ``dlt_*`` ones) back to the
topic it came from, with ``ops_replayed_from`` (the dead letter's place) and
``ops_replay_count``. Those two survive a second dead-lettering, so a message that was
replayed and died again shows it. The inbox never claimed a dead-lettered message's
``ce_id``, so the same message, replayed after fixing the cause, is processed.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition

from shared.contracts.topics import DEAD_LETTER
from shared.messaging.producer import DurableProducer

REPLAYED_FROM = "ops_replayed_from"
REPLAY_COUNT = "ops_replay_count"
Headers = list[tuple[str, bytes]]


@dataclass(frozen=True)
class DeadLetter:
    partition: int
    offset: int
    timestamp_ms: int
    key: bytes | None
    value: bytes | None
    headers: Headers

    @property
    def id(self) -> str:
        return f"{self.partition}:{self.offset}"

    def header(self, name: str) -> str:
        for key, value in self.headers:
            if key == name:
                return value.decode(errors="replace")
        return ""

    @property
    def replays(self) -> int:
        count = self.header(REPLAY_COUNT)
        return int(count) if count.isdigit() else 0

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "time": datetime.fromtimestamp(self.timestamp_ms / 1000, UTC).isoformat(),
            "reason": self.header("dlt_reason"),
            "consumer": self.header("dlt_consumer"),
            "source_topic": self.header("dlt_topic"),
            "source_partition": self.header("dlt_partition"),
            "source_offset": self.header("dlt_offset"),
            "ce_type": self.header("ce_type"),
            "ce_id": self.header("ce_id"),
            "key": self.key.decode(errors="replace") if self.key is not None else None,
            "size": len(self.value or b""),
            "replays": self.replays,
            "replayed_from": self.header(REPLAYED_FROM) or None,
            "truncated_from": self.header("dlt_truncated_from") or None,
        }

    def replay_headers(self, overrides: dict[str, str]) -> Headers:
        """The original headers without ``dlt_*`` and old replay marks, then the overrides
        and the new replay marks."""
        dropped = {REPLAYED_FROM, REPLAY_COUNT, *overrides}
        kept = [(k, v) for k, v in self.headers if not k.startswith("dlt_") and k not in dropped]
        kept += [(k, v.encode()) for k, v in overrides.items()]
        kept += [
            (REPLAYED_FROM, f"{DEAD_LETTER}:{self.id}".encode()),
            (REPLAY_COUNT, str(self.replays + 1).encode()),
        ]
        return kept


@dataclass(frozen=True)
class Filter:
    ids: frozenset[str] = frozenset()
    reason: str = ""
    source_topic: str = ""
    ce_type: str = ""
    consumer: str = ""

    def matches(self, letter: DeadLetter) -> bool:
        return (
            (not self.ids or letter.id in self.ids)
            and self.reason.lower() in letter.header("dlt_reason").lower()
            and (not self.source_topic or letter.header("dlt_topic") == self.source_topic)
            and self.ce_type in letter.header("ce_type")
            and (not self.consumer or letter.header("dlt_consumer") == self.consumer)
        )


async def read_all(bootstrap: str, topic: str = DEAD_LETTER) -> list[DeadLetter]:
    """Every dead letter still retained, oldest first per partition (no consumer group)."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False
    )
    await consumer.start()
    letters: list[DeadLetter] = []
    try:
        await consumer._client.force_metadata_update()  # as shared.messaging.client does
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        if not partitions:
            return []
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends: dict[TopicPartition, int] = await consumer.end_offsets(partitions)
        while [tp for tp, end in ends.items() if await consumer.position(tp) < end]:
            batches = await consumer.getmany(timeout_ms=1000)
            for records in batches.values():
                letters += [
                    DeadLetter(r.partition, r.offset, r.timestamp, r.key, r.value, list(r.headers))
                    for r in records
                    if r.offset < ends[TopicPartition(topic, r.partition)]
                ]
    finally:
        await consumer.stop()
    return sorted(letters, key=lambda d: (d.timestamp_ms, d.partition, d.offset))


@dataclass
class ReplayResult:
    sent: list[dict[str, Any]] = field(default_factory=list)
    dry_run: bool = False


async def replay(
    bootstrap: str,
    letters: Sequence[DeadLetter],
    *,
    value: bytes | None = None,
    header_overrides: dict[str, str] | None = None,
    dry_run: bool = False,
) -> ReplayResult:
    """Send each dead letter back to its source topic (``value`` replaces the bytes)."""
    result = ReplayResult(dry_run=dry_run)
    overrides = header_overrides or {}
    producer: DurableProducer | None = None
    if not dry_run:
        producer = DurableProducer.to(bootstrap, "ops-deadletters-replay")
        await producer.start()
    try:
        for letter in letters:
            topic = letter.header("dlt_topic")
            if not topic:
                raise SystemExit(f"dead letter {letter.id} names no source topic")
            headers = letter.replay_headers(overrides)
            body = value if value is not None else letter.value
            if producer is not None:
                await producer.send_and_wait(topic, value=body, key=letter.key, headers=headers)
            result.sent.append(
                {
                    "id": letter.id,
                    "to": topic,
                    "ce_type": dict(headers).get("ce_type", b"").decode(errors="replace"),
                    "ce_id": letter.header("ce_id"),
                    "size": len(body or b""),
                    "replay_count": letter.replays + 1,
                }
            )
    finally:
        if producer is not None:
            await producer.stop()
    return result


def _show(letter: DeadLetter, as_json: bool) -> str:
    headers = [(k, v.decode(errors="replace")) for k, v in letter.headers]
    raw = letter.value or b""
    try:
        text: str | None = raw.decode()
    except UnicodeDecodeError:
        text = None
    if as_json:
        body = {
            **letter.summary(),
            "headers": headers,
            "value_text": text,
            "value_base64": base64.b64encode(raw).decode(),
        }
        return orjson.dumps(body, option=orjson.OPT_INDENT_2).decode()
    lines = [f"dead letter {letter.id}  ({len(raw)} bytes)", "headers:"]
    lines += [f"  {k}: {v}" for k, v in headers]
    lines.append("key: " + (letter.key.decode(errors="replace") if letter.key else "(none)"))
    lines.append("value:" if text is not None else "value (not UTF-8, hex):")
    lines.append(text if text is not None else raw.hex(" "))
    return "\n".join(lines)


def _table(letters: Sequence[DeadLetter]) -> str:
    rows = [("ID", "TIME", "CONSUMER", "SOURCE", "CE_TYPE", "REPLAYS", "REASON")]
    for d in letters:
        s = d.summary()
        source = f"{s['source_topic']}:{s['source_partition']}@{s['source_offset']}"
        reason = s["reason"] if len(s["reason"]) <= 70 else s["reason"][:67] + "..."
        rows.append(
            (d.id, s["time"][:19], s["consumer"], source, s["ce_type"], str(d.replays), reason)
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    out = [
        "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)) + "  " + r[-1] for r in rows
    ]
    return "\n".join([*out, f"{len(letters)} dead letter(s)"])


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m shared.ops.deadletters", description=__doc__)
    parser.add_argument(
        "--bootstrap", default=os.environ.get("PORTAL_KAFKA_BOOTSTRAP", "127.0.0.1:19092")
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="list dead letters (filters below)")
    show = commands.add_parser("show", help="one dead letter: headers and original bytes")
    show.add_argument("id", help="<partition>:<offset> in the dead-letter topic")
    show.add_argument("--out", type=Path, help="write the original bytes to this file")
    again = commands.add_parser("replay", help="send dead letters back to their source topic")
    again.add_argument("ids", nargs="*", help="<partition>:<offset> of each dead letter")
    again.add_argument("--all", action="store_true", help="every dead letter the filters match")
    again.add_argument("--value-file", type=Path, help="corrected bytes (one dead letter only)")
    again.add_argument(
        "--header", action="append", default=[], metavar="NAME=VALUE", help="set a header"
    )
    again.add_argument("--dry-run", action="store_true", help="say what would be sent")
    for sub in (listing, again):
        sub.add_argument("--reason", default="", help="reason contains (case-insensitive)")
        sub.add_argument("--source-topic", default="", help="the topic it came from")
        sub.add_argument("--type", default="", dest="ce_type", help="ce_type contains")
        sub.add_argument("--consumer", default="", help="the consumer that refused it")
    return parser


async def run(argv: Sequence[str]) -> int:
    args = _parser().parse_args(argv)
    letters = await read_all(args.bootstrap)
    if args.command == "show":
        found = [d for d in letters if d.id == args.id]
        if not found:
            print(f"no dead letter {args.id}", file=sys.stderr)
            return 1
        if args.out:
            args.out.write_bytes(found[0].value or b"")
        print(_show(found[0], args.json))
        return 0
    ids = frozenset(getattr(args, "ids", ()) or ())
    chosen = [
        d
        for d in letters
        if Filter(ids, args.reason, args.source_topic, args.ce_type, args.consumer).matches(d)
    ]
    if args.command == "list":
        print(orjson.dumps([d.summary() for d in chosen]).decode() if args.json else _table(chosen))
        return 0
    if not ids and not args.all:
        print("replay: name dead letters by id, or pass --all (with filters)", file=sys.stderr)
        return 2
    if missing := ids - {d.id for d in chosen}:
        print(f"replay: no matching dead letter {', '.join(sorted(missing))}", file=sys.stderr)
        return 1
    if args.value_file and len(chosen) != 1:
        print("replay: --value-file replaces the bytes of exactly one dead letter", file=sys.stderr)
        return 2
    if bad := [h for h in args.header if "=" not in h]:
        print(f"replay: --header wants NAME=VALUE, not {bad[0]!r}", file=sys.stderr)
        return 2
    overrides = {name: value for name, _, value in (h.partition("=") for h in args.header)}
    value = args.value_file.read_bytes() if args.value_file else None
    result = await replay(
        args.bootstrap, chosen, value=value, header_overrides=overrides, dry_run=args.dry_run
    )
    if args.json:
        print(orjson.dumps({"dry_run": result.dry_run, "replayed": result.sent}).decode())
    else:
        verb = "would replay" if result.dry_run else "replayed"
        for sent in result.sent:
            print(f"{verb} {sent['id']} -> {sent['to']} ({sent['ce_type']}, {sent['size']} B)")
        print(f"{verb} {len(result.sent)} dead letter(s)")
    return 0


def main() -> None:
    sys.exit(asyncio.run(run(sys.argv[1:])))


if __name__ == "__main__":
    main()
