"""docs/asyncapi.yaml: current with the code, and a faithful description of what the kernel
really reads and writes (topics, ce_type, headers, key, correlation id, examples)."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
import yaml

from services.directory.entrypoints import subscriptions as directory_subscriptions
from shared.contracts import all_contracts, contract_for
from shared.contracts import topics as t
from shared.contracts.base import Command, example
from shared.messaging.envelope import REQUIRED, headers_for, parse
from tools.asyncapi.document import address, service_specs
from tools.asyncapi.render import DOCUMENT, REGENERATE, render


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(DOCUMENT.read_text())
    return loaded


def _resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        found: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            found = found[part]
        node = found
    return node


def test_the_committed_document_is_current() -> None:
    assert DOCUMENT.read_text() == render(), (
        f"{DOCUMENT} is stale: regenerate it with `{REGENERATE}` and commit it"
    )


def test_every_topic_is_a_channel_by_its_real_name(document: dict[str, Any]) -> None:
    addresses = {c["address"] for c in document["channels"].values()}
    assert addresses == {address(topic) for topic in t.ALL}
    assert "portal.invitations.commands" in addresses
    for channel in document["channels"].values():
        assert channel["bindings"]["kafka"]["topic"] == channel["address"]


def test_one_message_per_contract_keyed_by_its_ce_type(document: dict[str, Any]) -> None:
    messages = document["components"]["messages"]
    contracts = {ce_type for ce_type in all_contracts() if ce_type in messages}
    routed = {
        route.model.ce_type()
        for spec in service_specs()
        for sub in spec.subscriptions
        for route in sub.routes.routes.values()
    }
    emitted = {m.ce_type() for spec in service_specs() for m in spec.every_event}
    assert routed | emitted <= contracts
    for ce_type in contracts:
        message = messages[ce_type]
        assert message["name"] == ce_type
        assert message["headers"]["properties"]["ce_type"]["const"] == ce_type
        payload = _resolve(document, message["payload"])
        assert "oneOf" not in payload, f"{ce_type}: one payload, not a union"
        assert payload["properties"]  # a real schema, with the contract's fields
    assert "EmptyPayload" not in DOCUMENT.read_text()


def test_commands_are_on_their_owners_topic_and_received_by_it(document: dict[str, Any]) -> None:
    operations = document["operations"].values()
    for spec in service_specs():
        commands = {
            route.model.ce_type()
            for sub in spec.subscriptions
            for route in sub.routes.routes.values()
            if issubclass(route.model, Command)
        }
        channel = next(
            c
            for c in document["channels"].values()
            if c["address"].endswith(f".{spec.name}.commands")
        )
        assert set(channel["messages"]) == commands
        for ce_type in commands:
            actions = {
                (op["action"], op["tags"][0]["$ref"].rsplit("/", 1)[1])
                for op in operations
                if any(m["$ref"].endswith(f"/{ce_type}") for m in op.get("messages", []))
            }
            assert ("receive", spec.name) in actions, ce_type
            assert any(action == "send" for action, _ in actions), ce_type


def test_subscription_events_have_a_topic_of_their_own(document: dict[str, Any]) -> None:
    """Contract 2.0.0: the Subscription aggregate's events are on
    ``portal.directory.subscriptions``, not on the directory's events topic; the subscription
    commands name it as their reply; the customer views of offers, invitations and delegation
    do not read it, notifications and the gateway do."""
    channels = document["channels"]
    moved = {m.ce_type() for m in directory_subscriptions.EMITS}
    assert "portal.directory.SubscriptionCreated.v1" in moved
    assert set(channels["directorySubscriptions"]["messages"]) == moved
    assert not moved & set(channels["directoryEvents"]["messages"])
    operations = document["operations"]
    for command in directory_subscriptions.COMMANDS:
        reply = operations[f"send{command.__name__}V1"]["reply"]["channel"]["$ref"]
        assert reply == "#/channels/directorySubscriptions", command
    readers = {
        op["tags"][0]["$ref"].rsplit("/", 1)[1]
        for op in operations.values()
        if op["action"] == "receive" and op["channel"]["$ref"].endswith("/directorySubscriptions")
    }
    assert readers == {"notifications", "gateway"}


def test_headers_are_the_ones_the_kernel_reads_and_writes(document: dict[str, Any]) -> None:
    messages = document["components"]["messages"]
    command = messages["portal.invitations.CreateTrialInvitation.v1"]["headers"]
    assert command["required"] == list(REQUIRED)
    model = all_contracts()["portal.invitations.TrialInvitationCreated.v1"]
    written = headers_for(
        model.model_validate(example(model)), source="invitations", correlation_id="c"
    )
    event = messages["portal.invitations.TrialInvitationCreated.v1"]["headers"]
    assert set(event["required"]) <= set(written)
    assert set(written) <= set(event["properties"])
    correlation = document["components"]["correlationIds"]["correlationId"]
    assert correlation["location"] == "$message.header#/ce_correlationid"
    assert "ce_correlationid" in written


def test_every_example_is_a_message_the_kernel_accepts(document: dict[str, Any]) -> None:
    for ce_type, message in document["components"]["messages"].items():
        if ce_type == "deadLetter":
            continue
        (sample,) = message["examples"]
        headers = sample["headers"]
        schema = message["headers"]
        assert set(schema["required"]) <= set(headers), ce_type
        for name, value in headers.items():
            assert "const" not in schema["properties"][name] or (
                schema["properties"][name]["const"] == value
            ), (ce_type, name)
        envelope = parse(
            orjson.dumps(sample["payload"]), [(k, v.encode()) for k, v in headers.items()]
        )
        model = contract_for(envelope.type)
        assert model is not None
        key = model.model_validate(envelope.data).partition_key()
        assert message["bindings"]["kafka"]["key"]["examples"] == [key]
