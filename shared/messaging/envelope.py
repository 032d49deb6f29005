"""CloudEvents Kafka binding (binary mode): metadata in ``ce_*`` headers, the data as JSON.

Any Kafka client can produce a command: JSON value, ``ce_type`` naming the contract, a
unique ``ce_id``, and optionally ``ce_correlationid`` (a new one is made when absent).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson

from shared.contracts.base import Contract

SPEC_VERSION = "1.0"
REQUIRED = ("ce_id", "ce_type", "ce_source", "ce_specversion")


class Unparseable(Exception):
    """The bytes are not a message anyone can act on; they go to the dead-letter topic."""


@dataclass(frozen=True)
class Envelope:
    id: str
    type: str
    source: str
    time: str
    correlation_id: str
    causation_id: str | None
    data: dict[str, Any]
    extra_headers: dict[str, str] = field(default_factory=dict)


def new_id() -> str:
    return str(uuid.uuid4())


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def headers_for(
    message: Contract,
    *,
    source: str,
    correlation_id: str,
    causation_id: str | None = None,
    message_id: str | None = None,
) -> dict[str, str]:
    headers = {
        "ce_specversion": SPEC_VERSION,
        "ce_id": message_id or new_id(),
        "ce_type": message.ce_type(),
        "ce_source": source,
        "ce_time": now_iso(),
        "ce_correlationid": correlation_id,
        "content-type": "application/json",
    }
    if causation_id:
        headers["ce_causationid"] = causation_id
    return headers


def encode(message: Contract) -> bytes:
    return message.model_dump_json().encode()


def kafka_headers(headers: dict[str, str]) -> list[tuple[str, bytes]]:
    return [(k, v.encode()) for k, v in headers.items()]


def decode_headers(raw: Any) -> dict[str, str]:
    result: dict[str, str] = {}
    for key, value in raw or ():
        try:
            result[key] = value.decode() if isinstance(value, bytes | bytearray) else str(value)
        except UnicodeDecodeError as exc:
            raise Unparseable(f"header {key!r} is not UTF-8") from exc
    return result


def parse(value: bytes | None, raw_headers: Any) -> Envelope:
    headers = decode_headers(raw_headers)
    missing = [h for h in REQUIRED if not headers.get(h)]
    if missing:
        raise Unparseable(f"missing CloudEvents headers: {', '.join(missing)}")
    if headers["ce_specversion"] != SPEC_VERSION:
        raise Unparseable(f"unsupported ce_specversion {headers['ce_specversion']!r}")
    if value is None:
        raise Unparseable("empty message value")
    try:
        data = orjson.loads(value)
    except orjson.JSONDecodeError as exc:
        raise Unparseable(f"value is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise Unparseable("value is not a JSON object")
    return Envelope(
        id=headers["ce_id"],
        type=headers["ce_type"],
        source=headers["ce_source"],
        time=headers.get("ce_time", ""),
        correlation_id=headers.get("ce_correlationid") or headers["ce_id"],
        causation_id=headers.get("ce_causationid"),
        data=data,
        extra_headers=headers,
    )
