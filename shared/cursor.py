"""The one page cursor of every list: opaque, keyset, tie-safe.

A cursor carries the sort key of the last item of a page *and* that item's id, so rows that
share a sort value (two invitations created in the same microsecond) are neither repeated
nor skipped: the next page continues strictly after ``(key, id)`` in the list's order.
Clients treat it as an opaque string; its shape may change without notice.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar
from uuid import UUID

import orjson
from pydantic import BaseModel, Field

from shared.errors import DomainError

T = TypeVar("T")
R = TypeVar("R")
Key = str | int | datetime | None


class InvalidCursor(DomainError):
    """The ``cursor`` parameter was not issued by this list."""


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: after the item with this sort key and id."""

    key: Key
    id: UUID

    def encode(self) -> str:
        key: object = self.key
        kind = "t" if isinstance(key, datetime) else "v"
        if isinstance(key, datetime):
            key = key.isoformat()
        raw = orjson.dumps([kind, key, str(self.id)])
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str | None) -> Cursor | None:
        """None for no cursor; ``InvalidCursor`` for one this system did not issue."""
        if not text:
            return None
        try:
            kind, key, ident = orjson.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
            if kind == "t":
                key = datetime.fromisoformat(str(key))
            elif kind != "v" or not isinstance(key, str | int | None):
                raise ValueError(kind)
            return cls(key, UUID(str(ident)))
        except (ValueError, TypeError, binascii.Error, orjson.JSONDecodeError) as exc:
            raise InvalidCursor("This page cursor is not valid for this list.") from exc

    @classmethod
    def decode_timestamp(cls, text: str | None) -> Cursor | None:
        """``decode`` for a list sorted by a timestamp: a cursor whose key is not one (made
        up, or issued by a list sorted by something else) is an ``InvalidCursor`` too, not
        a database error."""
        cursor = cls.decode(text)
        if cursor is not None and not isinstance(cursor.key, datetime):
            raise InvalidCursor("This page cursor is not valid for this list.")
        return cursor


def next_cursor(rows: Sequence[R], limit: int, key: Callable[[R], tuple[Key, UUID]]) -> str | None:
    """The cursor after a page fetched with ``LIMIT limit + 1``; None on the last page.

    ``key`` gives an item's (sort key, id), e.g. ``lambda r: (r["created_at"], r["id"])``.
    """
    if len(rows) <= limit:
        return None
    sort_key, ident = key(rows[limit - 1])
    return Cursor(sort_key, ident).encode()


class Page(BaseModel, Generic[T]):
    """One page of a list, in the list's stable order."""

    items: list[T] = Field(description="This page's items.")
    next_cursor: str | None = Field(
        default=None,
        description="Pass as `cursor` for the next page; null on the last page. Opaque.",
    )
