"""shared.cursor: the one opaque, tie-safe page cursor of every list."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime, timedelta, timezone

import orjson
import pytest

from shared.cursor import Cursor, InvalidCursor, Page, next_cursor


def test_a_datetime_key_round_trips_with_its_id_and_offset() -> None:
    at = datetime(2026, 11, 30, 12, 0, 0, 123456, tzinfo=timezone(timedelta(hours=2)))
    cursor = Cursor(at, uuid.uuid4())
    text = cursor.encode()
    back = Cursor.decode(text)
    assert back == cursor
    assert back is not None
    assert isinstance(back.key, datetime)
    assert back.key.microsecond == 123456
    assert back.key.utcoffset() == timedelta(hours=2)
    # URL-safe and unpadded: it goes into a query string as is.
    assert not set(text) & set("=+/")


@pytest.mark.parametrize("key", ["Contoso", 42, None])
def test_plain_keys_round_trip(key: str | int | None) -> None:
    cursor = Cursor(key, uuid.uuid4())
    assert Cursor.decode(cursor.encode()) == cursor


def test_no_cursor_is_the_first_page() -> None:
    assert Cursor.decode(None) is None
    assert Cursor.decode("") is None


def _b64(value: object) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(value)).decode().rstrip("=")


@pytest.mark.parametrize(
    "text",
    [
        "x",
        "not a cursor!",
        "%%%%",
        base64.urlsafe_b64encode(b"\xff\xfe\x00").decode(),
        _b64({"key": 1}),
        _b64(["t", "2026-11-30T12:00:00+00:00"]),
        _b64(["t", "yesterday", str(uuid.uuid4())]),
        _b64(["t", 12, str(uuid.uuid4())]),
        _b64(["v", "k", "not-a-uuid"]),
        _b64(["v", [1, 2], str(uuid.uuid4())]),
        _b64(["z", "k", str(uuid.uuid4())]),
        # the directory audit's former cursor shape is not accepted any more
        base64.urlsafe_b64encode(f"2026-11-30T12:00:00+00:00|{uuid.uuid4()}".encode()).decode(),
    ],
)
def test_garbage_is_an_invalid_cursor_422(text: str) -> None:
    with pytest.raises(InvalidCursor) as raised:
        Cursor.decode(text)
    assert raised.value.status == 422
    assert raised.value.code() == "invalid_cursor"


Row = tuple[datetime, uuid.UUID]


def _rows(n: int, at: datetime) -> list[Row]:
    # every row shares one created_at: only the id tells them apart
    return [(at, uuid.uuid4()) for _ in range(n)]


def _key(row: Row) -> Row:
    return row


def test_next_cursor_points_after_the_last_item_of_a_full_page() -> None:
    at = datetime(2026, 11, 30, tzinfo=UTC)
    rows = _rows(3, at)  # fetched with LIMIT limit + 1, limit = 2
    text = next_cursor(rows, 2, key=_key)
    assert Cursor.decode(text) == Cursor(at, rows[1][1])


def test_no_next_cursor_on_the_last_page() -> None:
    at = datetime(2026, 11, 30, tzinfo=UTC)
    assert next_cursor(_rows(2, at), 2, key=_key) is None
    assert next_cursor([], 2, key=_key) is None


def test_a_page_answers_items_and_next_cursor() -> None:
    assert Page[int](items=[1, 2]).model_dump() == {"items": [1, 2], "next_cursor": None}


def test_a_timestamp_list_refuses_a_cursor_without_a_timestamp_key() -> None:
    at = datetime(2026, 11, 30, tzinfo=UTC)
    ident = uuid.uuid4()
    assert Cursor.decode_timestamp(Cursor(at, ident).encode()) == Cursor(at, ident)
    assert Cursor.decode_timestamp(None) is None
    for key in ("Contoso", 42, None):
        with pytest.raises(InvalidCursor):
            Cursor.decode_timestamp(Cursor(key, ident).encode())
