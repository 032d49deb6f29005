"""A team with nothing but docs/asyncapi.yaml and kcat can drive the system: the topic, the
key, the headers and the payload of a command are read from the document, published by
Debian's kcat in binary mode and in structured mode, and the outcome the document names
comes back; a broken rule or a broken contract gets the same typed answer in both modes."""

from __future__ import annotations

import asyncio
import json
import shutil
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
import yaml

from shared.contracts.topics import DEAD_LETTER, NAMESPACE
from tests.conftest import BOOTSTRAP
from tests.support.bus import Bus
from tools.asyncapi.render import DOCUMENT
from tools.procs import ServiceProcess

PUBLISH = "portal.offers.PublishCatalogueService.v1"
STRUCTURED = "application/cloudevents+json"
MODES = ["binary", "structured"]


@dataclass(frozen=True)
class Command:
    topic: str
    key: str
    headers: dict[str, str]
    payload: dict[str, Any]
    outcomes: set[str]  # the ce_types of the channel the operation replies on


def _document() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(DOCUMENT.read_text())
    return loaded


def _ref(document: dict[str, Any], ref: str) -> Any:
    found: Any = document
    for part in ref.removeprefix("#/").split("/"):
        found = found[part]
    return found


def from_document(ce_type: str) -> Command:
    """Everything from the document; only the topic's namespace is this test run's own
    (the document says: ``<ns>.`` instead of ``portal.``), and the id is new, as it says."""
    document = _document()
    message = document["components"]["messages"][ce_type]
    send = next(
        op
        for op in document["operations"].values()
        if op["action"] == "send"
        and [m["$ref"].rsplit("/", 1)[1] for m in op.get("messages", [])] == [ce_type]
    )
    channel = _ref(document, send["channel"]["$ref"])
    replies = _ref(document, send["reply"]["channel"]["$ref"])
    (sample,) = message["examples"]
    required = set(message["headers"]["required"])
    headers = {k: v for k, v in sample["headers"].items() if k in required or k == "content-type"}
    headers["ce_id"] = str(uuid.uuid4())
    headers["ce_source"] = "kcat"
    headers["ce_correlationid"] = f"asyncapi-{headers['ce_id']}"
    return Command(
        topic=NAMESPACE + channel["address"].removeprefix("portal"),
        key=message["bindings"]["kafka"]["key"]["examples"][0],
        headers=headers,
        payload=dict(sample["payload"]),
        outcomes={_ref(document, m["$ref"])["name"] for m in replies["messages"].values()},
    )


def structured(headers: dict[str, str], payload: dict[str, Any]) -> tuple[dict[str, str], bytes]:
    """The same CloudEvent in structured mode: each ``ce_`` header becomes an attribute."""
    event: dict[str, Any] = {
        name.removeprefix("ce_"): value for name, value in headers.items() if name.startswith("ce_")
    }
    event["data"] = payload
    return {"content-type": STRUCTURED}, json.dumps(event).encode()


async def kcat(topic: str, key: str, headers: dict[str, str], value: bytes) -> None:
    binary = shutil.which("kcat")
    assert binary, "kcat is missing: make prereqs installs it"
    args = [binary, "-b", BOOTSTRAP, "-P", "-t", topic, "-k", key]
    for name, header in headers.items():
        args += ["-H", f"{name}={header}"]
    process = await asyncio.create_subprocess_exec(
        *args, stdin=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    _, stderr = await process.communicate(value)
    assert process.returncode == 0, stderr.decode()


async def publish(mode: str, command: Command, payload: dict[str, Any] | None = None) -> None:
    body = command.payload if payload is None else payload
    if mode == "structured":
        headers, value = structured(command.headers, body)
    else:
        headers, value = command.headers, json.dumps(body).encode()
    await kcat(command.topic, command.key, headers, value)


@pytest.mark.parametrize("mode", MODES)
async def test_a_command_built_from_the_document_gets_its_outcome(
    stack: dict[str, ServiceProcess], bus: Bus, mode: str
) -> None:
    command = from_document(PUBLISH)
    assert command.topic.endswith(".offers.commands")
    await publish(mode, command)

    outcome = await bus.reply_to(command.headers["ce_id"], timeout=30)
    assert outcome.type == "portal.offers.CatalogueServicePublished.v1", outcome.data
    assert outcome.type in command.outcomes  # the document names the channel it comes on
    assert outcome.topic == command.topic.replace(".commands", ".events")
    assert outcome.correlation_id == command.headers["ce_correlationid"]
    assert outcome.key == command.key
    assert outcome.data["service_id"] == command.payload["service_id"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"min_seats": 500}, "invalid_seat_range"),  # a rule of the offers service
        ({"colour": "teal"}, "invalid_message"),  # not in the contract
    ],
)
async def test_a_bad_command_gets_the_same_typed_rejection_in_both_modes(
    stack: dict[str, ServiceProcess], bus: Bus, mode: str, change: dict[str, Any], code: str
) -> None:
    command = from_document(PUBLISH)
    await publish(mode, command, {**command.payload, **change})

    answer = await bus.reply_to(command.headers["ce_id"], timeout=30)
    assert answer.type == "portal.system.CommandRejected.v1"
    assert answer.type in command.outcomes
    assert answer.data["code"] == code
    assert answer.data["rejected_id"] == command.headers["ce_id"]
    assert answer.data["rejected_type"] == PUBLISH
    assert answer.correlation_id == command.headers["ce_correlationid"]


async def test_a_structured_event_without_an_id_is_dead_lettered_with_the_reason(
    stack: dict[str, ServiceProcess], bus: Bus
) -> None:
    command = from_document(PUBLISH)
    headers, _ = structured(command.headers, command.payload)
    event = {
        "specversion": "1.0",
        "type": PUBLISH,
        "source": "kcat",
        "correlationid": command.headers["ce_correlationid"],
        "data": command.payload,
    }
    value = json.dumps(event).encode()
    await kcat(command.topic, command.key, headers, value)

    (dead,) = await bus.wait_for(lambda s: s.topic == DEAD_LETTER and s.value == value)
    assert dead.headers["dlt_reason"] == "missing CloudEvents attributes: id"
    assert dead.headers["dlt_topic"] == command.topic
    assert dead.headers["content-type"] == STRUCTURED
