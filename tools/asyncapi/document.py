"""Builds the AsyncAPI 3 document of the whole system from what the code declares.

Channels are the real topics (``shared.contracts.topics``), under the default namespace
``portal`` whatever ``PORTAL_NAMESPACE`` this process runs with. Which service receives a
message comes from the services' ``ServiceSpec`` (the routes of each subscription), which
service emits an event from its ``emits``; the gateway's sends are the command contracts its
source builds. Messages are keyed by their ``ce_type``: one message per contract, with the
CloudEvents headers exactly as ``shared.messaging.envelope`` reads and writes them.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from shared.contracts import all_contracts
from shared.contracts import topics as t
from shared.contracts.base import Command, Contract, example
from shared.contracts.common import CommandRejected
from shared.messaging.envelope import REQUIRED, SPEC_VERSION, STRUCTURED_CONTENT_TYPE
from shared.runtime import ServiceSpec

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_NAMESPACE = "portal"
_SCHEMAS = "#/components/schemas/"
_EXAMPLE_TIME = "2026-11-24T09:00:00+00:00"
_EXAMPLE_CORRELATION = "3a6c1f0e-8d2b-4b7a-9e15-0c4d2f6a8b91"
_KAFKA_BINDING = "0.5.0"


def service_specs() -> list[ServiceSpec]:
    """Every service's declaration, as its composition root builds it (nothing connects)."""
    from services.delegation.config import Settings as DelegationSettings
    from services.delegation.entrypoints.sweeper import Sweeper
    from services.delegation.main import spec as delegation_spec
    from services.directory.config import Settings as DirectorySettings
    from services.directory.main import spec as directory_spec
    from services.invitations.config import Settings as InvitationsSettings
    from services.invitations.main import spec as invitations_spec
    from services.notifications.config import Settings as NotificationsSettings
    from services.notifications.main import sender as notifications_sender
    from services.notifications.main import spec as notifications_spec
    from services.offers.config import Settings as OffersSettings
    from services.offers.main import spec as offers_spec

    delegation = DelegationSettings()
    notifications = NotificationsSettings()
    return [
        invitations_spec(InvitationsSettings()),
        offers_spec(OffersSettings()),
        delegation_spec(delegation, Sweeper(service="delegation", policy=delegation.policy())),
        directory_spec(DirectorySettings()),
        notifications_spec(notifications, notifications_sender(notifications)),
    ]


def address(topic: str) -> str:
    """The topic's name in the default namespace."""
    return DEFAULT_NAMESPACE + topic.removeprefix(t.NAMESPACE)


def _channel_id(topic: str) -> str:
    service, _, kind = address(topic).removeprefix(f"{DEFAULT_NAMESPACE}.").partition(".")
    return service + kind.capitalize() if kind else "deadLetter"


def _message_ref(channel: str, model: type[Contract]) -> dict[str, str]:
    return {"$ref": f"#/channels/{channel}/messages/{_message_key(model)}"}


def _message_key(model: type[Contract]) -> str:
    return model.ce_type()


def _op_name(model: type[Contract]) -> str:
    return f"{model.__name__}V{model.version}"


def _gateway_commands() -> set[str]:
    """Command contracts the gateway builds: named in its code, called there or handed to
    the helper that builds it (``webhooks._act``)."""
    source = "\n".join(p.read_text() for p in (ROOT / "services" / "gateway").rglob("*.py"))
    return {
        ce_type
        for ce_type, model in all_contracts().items()
        if issubclass(model, Command) and re.search(rf"\b{model.__name__}\b", source)
    }


class _Builder:
    def __init__(self, specs: list[ServiceSpec]) -> None:
        self.specs = specs
        self.schemas: dict[str, Any] = {}
        self.messages: dict[str, Any] = {}
        self.channels: dict[str, Any] = {}
        self.operations: dict[str, Any] = {}

    # -- schemas ---------------------------------------------------------------------------

    def _schema(self, model: type[Contract]) -> dict[str, str]:
        schema = model.model_json_schema(ref_template=_SCHEMAS + "{model}")
        for name, nested in schema.pop("$defs", {}).items():
            self._add_schema(name, nested)
        self._add_schema(model.__name__, schema)
        return {"$ref": _SCHEMAS + model.__name__}

    def _add_schema(self, name: str, schema: dict[str, Any]) -> None:
        existing = self.schemas.setdefault(name, schema)
        if existing != schema:
            raise RuntimeError(f"two different schemas are named {name!r}")

    # -- messages --------------------------------------------------------------------------

    def message(self, model: type[Contract], *, source: str) -> None:
        key = _message_key(model)
        if key in self.messages:
            return
        payload = example(model)
        doc = (model.__doc__ or "").strip()
        event = model.kind == "event"
        headers = _example_headers(model, source=source, event=event)
        self.messages[key] = {
            "name": model.ce_type(),
            "title": _op_name(model),
            "summary": doc.splitlines()[0],
            "description": doc,
            "contentType": "application/json",
            "headers": _headers_schema(model, event=event),
            "payload": self._schema(model),
            "correlationId": {"$ref": "#/components/correlationIds/correlationId"},
            "bindings": {
                "kafka": {"key": _key_schema(model, payload), "bindingVersion": _KAFKA_BINDING}
            },
            "examples": [
                {
                    "name": f"{model.__name__}Example",
                    "summary": f"A {model.kind} in binary mode",
                    "headers": headers,
                    "payload": payload,
                }
            ],
        }

    # -- channels and operations -----------------------------------------------------------

    def channel(self, topic: str, description: str, models: Iterable[type[Contract]]) -> str:
        channel_id = _channel_id(topic)
        self.channels[channel_id] = {
            "address": address(topic),
            "title": address(topic),
            "description": description,
            "messages": {
                _message_key(m): {"$ref": f"#/components/messages/{_message_key(m)}"}
                for m in models
            },
            "bindings": {"kafka": {"topic": address(topic), "bindingVersion": _KAFKA_BINDING}},
        }
        return channel_id

    def operation(
        self,
        op_id: str,
        *,
        action: str,
        channel: str,
        title: str,
        description: str,
        service: str,
        models: Iterable[type[Contract]] | None = None,
        reply: str | None = None,
    ) -> None:
        operation: dict[str, Any] = {
            "action": action,
            "channel": {"$ref": f"#/channels/{channel}"},
            "title": title,
            "description": description,
            "tags": [{"$ref": f"#/components/tags/{service}"}],
        }
        if models is not None:
            operation["messages"] = [_message_ref(channel, m) for m in models]
        if reply is not None:
            operation["reply"] = {"channel": {"$ref": f"#/channels/{reply}"}}
        self.operations[op_id] = operation

    def build(self) -> dict[str, Any]:
        gateway_sends = _gateway_commands()
        receivers: dict[tuple[str, str], list[str]] = {}  # (topic, ce_type) -> services
        for spec in self.specs:
            for sub in spec.subscriptions:
                for topic in sub.topics:
                    for ce_type in sub.routes.routes:
                        receivers.setdefault((address(topic), ce_type), []).append(spec.name)
        for spec in self.specs:
            self._service(spec, receivers, gateway_sends)
        self._dead_letter()
        return {
            "asyncapi": "3.0.0",
            "id": "urn:partner-portal:kafka",
            "info": _info(),
            "servers": {
                "local": {
                    "host": "127.0.0.1:19092",
                    "protocol": "kafka",
                    "description": "The broker `make run` / `make infra-up` starts (KRaft, "
                    "plaintext, loopback).",
                }
            },
            "defaultContentType": "application/json",
            "channels": self.channels,
            "operations": self.operations,
            "components": {
                "schemas": {**self.schemas, "StructuredCloudEvent": _structured_schema()},
                "messages": self.messages,
                "correlationIds": {
                    "correlationId": {
                        "description": "Carried unchanged from the command (or the HTTP "
                        "request) through every event that follows. A command without one "
                        "starts its own chain: its ce_id becomes the correlation id.",
                        "location": "$message.header#/ce_correlationid",
                    }
                },
                "tags": {
                    **{s.name: {"name": s.name, "description": s.description} for s in self.specs},
                    "gateway": {"name": "gateway", "description": "The HTTP API of the web pages."},
                    "clients": {
                        "name": "clients",
                        "description": "Any system with a Kafka client.",
                    },
                },
            },
        }

    def _service(
        self,
        spec: ServiceSpec,
        receivers: dict[tuple[str, str], list[str]],
        gateway_sends: set[str],
    ) -> None:
        commands: list[type[Contract]] = sorted(
            {
                route.model
                for sub in spec.subscriptions
                for route in sub.routes.routes.values()
                if issubclass(route.model, Command)
            },
            key=lambda m: m.__name__,
        )
        command_topic = next(
            topic
            for sub in spec.subscriptions
            for topic in sub.topics
            if any(issubclass(r.model, Command) for r in sub.routes.routes.values())
        )
        events: list[type[Contract]] = [*spec.emits, CommandRejected]
        retired = list(spec.retired)
        for model in commands:
            self.message(model, source="crm-sync")
        emitted: list[type[Contract]] = [*spec.every_event, CommandRejected, *retired]
        for model in emitted:
            self.message(model, source=spec.name)
        commands_channel = self.channel(
            command_topic,
            f"Commands to the {spec.name} service. Binary mode (JSON value, `ce_*` headers) "
            f"or structured mode (`content-type: {STRUCTURED_CONTENT_TYPE}`, the whole "
            "event as the value; see `StructuredCloudEvent`). The outcome arrives on "
            f"`{address(spec.events_topic)}` with `ce_causationid` = the command's `ce_id`"
            + "".join(
                f"; that of {', '.join(_names(st.answers))} on `{address(st.topic)}` "
                f"(a rejection on `{address(spec.events_topic)}`)"
                for st in spec.streams
                if st.answers
            )
            + ".",
            commands,
        )
        events_channel = self.channel(
            spec.events_topic,
            f"Events of the {spec.name} service, published from its outbox after the "
            "transaction that made them committed; also its `CommandRejected` answers"
            + (
                f", and (no longer emitted, still on the topic) {', '.join(_names(retired))}."
                if retired
                else "."
            ),
            [*events, *retired],
        )
        streams = {
            st.topic: self.channel(
                st.topic,
                f"{st.description} Published from the {spec.name} service's outbox after the "
                "transaction that made them committed.",
                st.emits,
            )
            for st in spec.streams
        }
        replies = {command: streams[st.topic] for st in spec.streams for command in st.answers}
        for model in commands:
            reply = replies.get(model, events_channel)
            senders = ["the gateway"] if model.ce_type() in gateway_sends else []
            self.operation(
                f"send{_op_name(model)}",
                action="send",
                channel=commands_channel,
                title=f"Send {model.__name__}",
                description=f"Sent by {' and '.join([*senders, 'any internal system'])}. "
                f"Key: the {_key_field(model) or 'aggregate'}. The outcome is the event "
                "whose `ce_causationid` is this command's `ce_id`, or `CommandRejected`.",
                service="gateway" if senders else "clients",
                models=[model],
                reply=reply,
            )
            self.operation(
                f"{spec.name}Receives{_op_name(model)}",
                action="receive",
                channel=commands_channel,
                title=f"The {spec.name} service receives {model.__name__}",
                description=f"Consumer group `{DEFAULT_NAMESPACE}.{spec.name}.commands`. A "
                "repeated `ce_id` is recognised and skipped.",
                service=spec.name,
                models=[model],
                reply=reply,
            )
        self._events(spec, spec.events_topic, [*events, *retired], retired, receivers)
        for st in spec.streams:
            self._events(spec, st.topic, list(st.emits), [], receivers)

    def _events(
        self,
        spec: ServiceSpec,
        topic: str,
        models: list[type[Contract]],
        retired: list[type[Contract]],
        receivers: dict[tuple[str, str], list[str]],
    ) -> None:
        """The operations of one events topic of ``spec``: who emits and who reads each event."""
        channel = _channel_id(topic)
        for model in models:
            readers = sorted(set(receivers.get((address(topic), model.ce_type()), [])))
            if model not in retired:
                self.operation(
                    f"{spec.name}Sends{_op_name(model)}",
                    action="send",
                    channel=channel,
                    title=f"The {spec.name} service emits {model.__name__}",
                    description=f"Read by: {', '.join([*readers, 'the gateway'])}.",
                    service=spec.name,
                    models=[model],
                )
            for reader in readers:
                self.operation(
                    f"{reader}Receives{_op_name(model)}From{spec.name.capitalize()}",
                    action="receive",
                    channel=channel,
                    title=f"The {reader} service receives {model.__name__}",
                    description=f"Applied by the {reader} service to its own state.",
                    service=reader,
                    models=[model],
                )
        self.operation(
            f"gatewayReceives{channel[0].upper()}{channel[1:]}",
            action="receive",
            channel=channel,
            title=f"The gateway reads every event of `{address(topic)}`",
            description="Outcomes of the commands it sent (matched by `ce_causationid`) and "
            "the partners' live updates. No consumer group: each gateway copy reads it all.",
            service="gateway",
        )

    def _dead_letter(self) -> None:
        self.messages["deadLetter"] = {
            "name": "deadLetter",
            "title": "Dead letter",
            "summary": "A record nobody could read, with its original bytes and the reason.",
            "description": "The original value, key and headers, unchanged, plus `dlt_*` "
            "headers. Inspect and replay with `python -m shared.ops.deadletters`.",
            "contentType": "application/octet-stream",
            "headers": {
                "type": "object",
                "required": ["dlt_reason", "dlt_topic", "dlt_partition", "dlt_offset"],
                "properties": {
                    "dlt_reason": {"type": "string", "description": "Why it was not applied"},
                    "dlt_topic": {"type": "string", "description": "Where it was read"},
                    "dlt_partition": {"type": "string", "description": "Its partition"},
                    "dlt_offset": {"type": "string", "description": "Its offset"},
                    "dlt_consumer": {"type": "string", "description": "The consumer group"},
                    "dlt_truncated_from": {
                        "type": "string",
                        "description": "Original length, when the value was cut to fit",
                    },
                },
            },
            "payload": {"description": "The original bytes, whatever they were"},
        }
        self.channels["deadLetter"] = {
            "address": address(t.DEAD_LETTER),
            "title": address(t.DEAD_LETTER),
            "description": "Records that are not messages at all: no CloudEvents headers, "
            "not JSON, an unknown `ce_type`, or a handler that failed. Kept 30 days.",
            "messages": {"deadLetter": {"$ref": "#/components/messages/deadLetter"}},
            "bindings": {
                "kafka": {"topic": address(t.DEAD_LETTER), "bindingVersion": _KAFKA_BINDING}
            },
        }
        self.operations["servicesSendDeadLetters"] = {
            "action": "send",
            "channel": {"$ref": "#/channels/deadLetter"},
            "title": "Every service dead-letters what it cannot read",
            "description": "Nothing is dropped: the consumer goes on with the next record.",
            "messages": [{"$ref": "#/channels/deadLetter/messages/deadLetter"}],
        }


def _names(models: Iterable[type[Contract]]) -> list[str]:
    return [f"`{m.ce_type()}`" for m in models]


def _key_field(model: type[Contract]) -> str | None:
    key = model.model_validate(example(model)).partition_key()
    return next((name for name, value in example(model).items() if str(value) == key), None)


def _key_schema(model: type[Contract], payload: dict[str, Any]) -> dict[str, Any]:
    field = _key_field(model)
    key = model.model_validate(payload).partition_key()
    described = f"the payload's `{field}`" if field else "the aggregate's id"
    return {
        "type": "string",
        "description": f"UTF-8: {described}, so that one aggregate's messages stay in order.",
        "examples": [key],
    }


def _headers_schema(model: type[Contract], *, event: bool) -> dict[str, Any]:
    required = [*REQUIRED]
    if event:  # what the kernel writes on every event (shared.messaging.envelope.headers_for)
        required += ["ce_time", "ce_correlationid", "ce_causationid", "content-type"]
        if model is not CommandRejected:
            required.remove("ce_causationid")
    return {
        "type": "object",
        "description": "CloudEvents Kafka binding, binary mode: the attributes as headers.",
        "required": required,
        "properties": {
            "ce_specversion": {"type": "string", "const": SPEC_VERSION},
            "ce_id": {
                "type": "string",
                "minLength": 1,
                "description": "Unique per message (a UUID); a repeated id is skipped.",
            },
            "ce_type": {"type": "string", "const": model.ce_type()},
            "ce_source": {
                "type": "string",
                "minLength": 1,
                "description": "Who sent it (a service's name, `gateway-1`, `crm-sync`).",
            },
            "ce_time": {"type": "string", "format": "date-time", "description": "When"},
            "ce_correlationid": {
                "type": "string",
                "description": "The chain it belongs to; optional on a command.",
            },
            "ce_causationid": {
                "type": "string",
                "description": "The ce_id of the message that caused this one.",
            },
            "content-type": {"type": "string", "const": "application/json"},
        },
    }


def _example_headers(model: type[Contract], *, source: str, event: bool) -> dict[str, str]:
    headers = {
        "ce_specversion": SPEC_VERSION,
        "ce_id": str(uuid.uuid5(uuid.NAMESPACE_URL, model.ce_type())),
        "ce_type": model.ce_type(),
        "ce_source": source,
        "ce_time": _EXAMPLE_TIME,
        "ce_correlationid": _EXAMPLE_CORRELATION,
        "content-type": "application/json",
    }
    if event:
        # Seeded by the contract's public name (``shared.contracts.<context module>.Name``),
        # so that splitting a contracts module into a package keeps every example id.
        public = ".".join(model.__module__.split(".")[:3])
        seed = f"cause:<class '{public}.{model.__qualname__}'>"
        headers["ce_causationid"] = str(uuid.uuid5(uuid.NAMESPACE_URL, seed))
    return headers


def _structured_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "title": "StructuredCloudEvent",
        "description": "A command in structured mode: the record's value is this JSON object "
        f"and its `content-type` header is `{STRUCTURED_CONTENT_TYPE}` (no `ce_*` headers "
        "needed). Each attribute is the binary-mode header without its `ce_` prefix; `data` "
        "is the command's payload. The same rules and answers apply as in binary mode.",
        "required": ["specversion", "id", "type", "source", "data"],
        "additionalProperties": False,
        "properties": {
            "specversion": {"type": "string", "const": SPEC_VERSION},
            "id": {"type": "string", "minLength": 1},
            "type": {"type": "string", "description": "The contract's ce_type"},
            "source": {"type": "string", "minLength": 1},
            "time": {"type": "string", "format": "date-time"},
            "datacontenttype": {"type": "string", "const": "application/json"},
            "correlationid": {"type": "string"},
            "causationid": {"type": "string"},
            "data": {"type": "object", "description": "The command's payload"},
        },
        "examples": [
            {
                "specversion": SPEC_VERSION,
                "id": "6f1c2a34-0d5e-4c1e-9a43-59c3b6a0b1e2",
                "type": "portal.invitations.RevokeTrialInvitation.v1",
                "source": "crm-sync",
                "time": _EXAMPLE_TIME,
                "correlationid": _EXAMPLE_CORRELATION,
                "data": {
                    "invitation_id": "c1e7f4a2-3b9d-4e6f-8a1c-2d5b7e9f0a13",
                    "partner_id": "2f9a0d1c-5b7e-4f53-9c2a-1d8e6b4a7c30",
                    "revoked_by": "9d3b7e21-6c4f-4a8d-b1e2-5f0a7c9d3e14",
                },
            }
        ],
    }


def _info() -> dict[str, Any]:
    return {
        "title": "Partner Portal",
        # 2.0.0: the Subscription aggregate's events moved to `portal.directory.subscriptions`
        # (docs/commands.md says what changed for a reader).
        "version": "2.0.0",
        "description": (
            "Every Kafka topic of the Partner Portal: the commands each service accepts and "
            "the events it emits. Generated from the contracts in `shared/contracts/` by "
            "`python -m tools.asyncapi`; do not edit by hand.\n\n"
            "**Publishing a command.** One record on the owning service's commands topic, "
            "keyed by the aggregate (see each message's Kafka key), in the CloudEvents Kafka "
            "binding: *binary mode* (the payload as the JSON value; `ce_specversion`, `ce_id`, "
            "`ce_type`, `ce_source` headers, optionally `ce_correlationid`, `ce_time`, "
            "`content-type: application/json`) or *structured mode* (`content-type: "
            f"{STRUCTURED_CONTENT_TYPE}` and the whole event as the value, see "
            "`StructuredCloudEvent`). The outcome arrives on the service's events topic with "
            "`ce_causationid` = the command's `ce_id`: the success event or "
            "`portal.system.CommandRejected.v1` (the directory's subscription commands answer "
            "on `portal.directory.subscriptions`, their rejections on `portal.directory.events`). "
            "A record that is not a message at all goes "
            "to `portal.deadletter` with a `dlt_reason`.\n\n"
            "**Topic names** are shown in the default namespace `portal`; a deployment with "
            "`PORTAL_NAMESPACE=<ns>` uses `<ns>.` instead of `portal.`.\n\n"
            "Events are always written in binary mode."
        ),
    }


def build() -> dict[str, Any]:
    return _Builder(service_specs()).build()
