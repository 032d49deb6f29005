"""CloudEvents envelope parsing: what is a message, and what goes to the dead letters."""

from __future__ import annotations

import orjson
import pytest

from shared.contracts.base import all_contracts, example
from shared.messaging.envelope import Unparseable, parse

GOOD = [
    (b"ce_specversion", b"1.0"),
    (b"ce_id", b"id-1"),
    (b"ce_type", b"portal.x.Y.v1"),
    (b"ce_source", b"kcat"),
]


def _h(pairs: list[tuple[bytes, bytes]]) -> list[tuple[str, bytes]]:
    return [(k.decode(), v) for k, v in pairs]


def test_a_well_formed_message_parses_and_gets_a_correlation_id() -> None:
    env = parse(b'{"a": 1}', _h(GOOD))
    assert env.type == "portal.x.Y.v1"
    assert env.data == {"a": 1}
    assert env.correlation_id == "id-1"  # a message without one starts its own chain


@pytest.mark.parametrize(
    ("value", "headers", "reason"),
    [
        (b"{}", _h(GOOD[1:]), "missing CloudEvents headers: ce_specversion"),
        (b"{nope", _h(GOOD), "value is not JSON"),
        (b"[1, 2]", _h(GOOD), "value is not a JSON object"),
        (None, _h(GOOD), "empty message value"),
        (b"{}", [("ce_specversion", b"2.0"), *_h(GOOD[1:])], "unsupported ce_specversion"),
        (b"{}", [*_h(GOOD), ("ce_extra", b"\xff\xfe")], "is not UTF-8"),
    ],
)
def test_unreadable_messages_are_refused_with_a_reason(
    value: bytes | None, headers: list[tuple[str, bytes]], reason: str
) -> None:
    with pytest.raises(Unparseable, match=reason):
        parse(value, headers)


def test_every_contract_has_a_versioned_type_and_a_valid_example() -> None:
    contracts = all_contracts()
    assert contracts, "no contract registered"
    for ce_type, model in contracts.items():
        assert ce_type.startswith("portal.")
        assert ce_type.rsplit(".", 1)[1].startswith("v")
        assert model.__doc__, f"{model.__name__} has no description"
        model.model_validate(example(model))


# Structured mode: the whole CloudEvent is the JSON value.
STRUCTURED = [("content-type", b"application/cloudevents+json; charset=utf-8")]


def _event(**changes: object) -> bytes:
    event: dict[str, object] = {
        "specversion": "1.0",
        "id": "id-2",
        "type": "portal.x.Y.v1",
        "source": "kcat",
        "time": "2026-11-24T09:00:00Z",
        "correlationid": "corr-2",
        "causationid": "cause-2",
        "data": {"a": 1},
    }
    event.update(changes)
    return orjson.dumps({k: v for k, v in event.items() if v is not _GONE})


_GONE = object()


def test_a_structured_event_gives_the_same_envelope_as_binary_mode() -> None:
    env = parse(_event(), STRUCTURED)
    assert (env.id, env.type, env.source, env.time) == (
        "id-2",
        "portal.x.Y.v1",
        "kcat",
        "2026-11-24T09:00:00Z",
    )
    assert (env.correlation_id, env.causation_id) == ("corr-2", "cause-2")
    assert env.data == {"a": 1}
    binary = parse(
        b'{"a": 1}',
        [
            ("ce_specversion", b"1.0"),
            ("ce_id", b"id-2"),
            ("ce_type", b"portal.x.Y.v1"),
            ("ce_source", b"kcat"),
            ("ce_time", b"2026-11-24T09:00:00Z"),
            ("ce_correlationid", b"corr-2"),
            ("ce_causationid", b"cause-2"),
        ],
    )
    assert (binary.id, binary.type, binary.source, binary.time, binary.data) == (
        env.id,
        env.type,
        env.source,
        env.time,
        env.data,
    )


def test_a_structured_event_without_correlation_id_starts_its_own_chain() -> None:
    env = parse(_event(correlationid=_GONE, causationid=_GONE), STRUCTURED)
    assert env.correlation_id == "id-2"
    assert env.causation_id is None


def test_structured_mode_wins_over_stray_binary_headers() -> None:
    env = parse(_event(), [*STRUCTURED, ("ce_type", b"portal.other.Z.v1")])
    assert env.type == "portal.x.Y.v1"


@pytest.mark.parametrize(
    ("value", "headers", "reason"),
    [
        (_event(id=_GONE), STRUCTURED, "missing CloudEvents attributes: id"),
        (_event(type="", source=_GONE), STRUCTURED, "missing CloudEvents attributes: type, source"),
        (_event(specversion="0.3"), STRUCTURED, "unsupported specversion '0.3'"),
        (_event(id=7), STRUCTURED, "attributes are not strings: id"),
        (_event(data=_GONE), STRUCTURED, "missing CloudEvents attributes: data"),
        (_event(data=[1]), STRUCTURED, "data is not a JSON object"),
        (_event(data=_GONE, data_base64="e30="), STRUCTURED, "data_base64 is not accepted"),
        (_event(datacontenttype="application/xml"), STRUCTURED, "unsupported datacontenttype"),
        (b"{nope", STRUCTURED, "value is not JSON"),
        (b"[1]", STRUCTURED, "value is not a JSON object"),
        (None, STRUCTURED, "empty message value"),
        (
            b"[]",
            [("content-type", b"application/cloudevents-batch+json")],
            "unsupported content-type 'application/cloudevents-batch",
        ),
    ],
)
def test_unreadable_structured_events_are_refused_with_a_reason(
    value: bytes | None, headers: list[tuple[str, bytes]], reason: str
) -> None:
    with pytest.raises(Unparseable, match=reason):
        parse(value, headers)
