"""CloudEvents envelope parsing: what is a message, and what goes to the dead letters."""

from __future__ import annotations

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
