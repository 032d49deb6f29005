"""CloudEvents Kafka binding: metadata in ``ce_*`` headers and the data as JSON (binary
mode), or the whole event as one JSON object (structured mode, ``content-type:
application/cloudevents+json``).

Any Kafka client can produce a command: JSON value, ``ce_type`` naming the contract, a
unique ``ce_id``, and optionally ``ce_correlationid`` (a new one is made when absent); or the
same attributes without their ``ce_`` prefix in a structured event. Both modes give the same
``Envelope``, so every later rule and answer is the same. Events are written in binary mode.
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
STRUCTURED_CONTENT_TYPE = "application/cloudevents+json"
_STRUCTURED_REQUIRED = ("id", "type", "source", "specversion")
_STRUCTURED_OPTIONAL = ("time", "correlationid", "causationid", "datacontenttype", "dataschema")


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
    media_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type.startswith("application/cloudevents"):
        if media_type != STRUCTURED_CONTENT_TYPE:
            raise Unparseable(
                f"unsupported content-type {media_type!r}: send one event as "
                f"{STRUCTURED_CONTENT_TYPE}"
            )
        return _structured(value, headers)
    return _binary(value, headers)


def _json_object(value: bytes | None, what: str) -> dict[str, Any]:
    if value is None:
        raise Unparseable("empty message value")
    try:
        data = orjson.loads(value)
    except orjson.JSONDecodeError as exc:
        raise Unparseable(f"value is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise Unparseable(f"{what} is not a JSON object")
    return data


def _binary(value: bytes | None, headers: dict[str, str]) -> Envelope:
    missing = [h for h in REQUIRED if not headers.get(h)]
    if missing:
        raise Unparseable(f"missing CloudEvents headers: {', '.join(missing)}")
    if headers["ce_specversion"] != SPEC_VERSION:
        raise Unparseable(f"unsupported ce_specversion {headers['ce_specversion']!r}")
    data = _json_object(value, "value")
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


def _structured(value: bytes | None, headers: dict[str, str]) -> Envelope:
    """The same checks as binary mode, on the attributes of the JSON event instead of the
    headers; a reason names the attribute as the sender wrote it."""
    event = _json_object(value, "value")
    missing = [a for a in _STRUCTURED_REQUIRED if not event.get(a)]
    if missing:
        raise Unparseable(f"missing CloudEvents attributes: {', '.join(missing)}")
    not_text = [
        a
        for a in (*_STRUCTURED_REQUIRED, *_STRUCTURED_OPTIONAL)
        if a in event and event[a] is not None and not isinstance(event[a], str)
    ]
    if not_text:
        raise Unparseable(f"CloudEvents attributes are not strings: {', '.join(not_text)}")
    if event["specversion"] != SPEC_VERSION:
        raise Unparseable(f"unsupported specversion {event['specversion']!r}")
    if "data_base64" in event:
        raise Unparseable("data_base64 is not accepted: send data as a JSON object")
    content_type = (event.get("datacontenttype") or "application/json").split(";", 1)[0]
    if content_type.strip().lower() != "application/json":
        raise Unparseable(f"unsupported datacontenttype {content_type!r}")
    if "data" not in event:
        raise Unparseable("missing CloudEvents attributes: data")
    data = event["data"]
    if not isinstance(data, dict):
        raise Unparseable("data is not a JSON object")
    return Envelope(
        id=event["id"],
        type=event["type"],
        source=event["source"],
        time=event.get("time") or "",
        correlation_id=event.get("correlationid") or event["id"],
        causation_id=event.get("causationid"),
        data=data,
        extra_headers=headers,
    )
