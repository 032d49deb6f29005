"""Customer search within a partner's reach, with keyset (cursor) pagination.

Words match anywhere in name, domain or contact e-mail, case-insensitively; every word must
match. LIKE metacharacters in the query are escaped, so ``50%_off`` means those characters.
The order is (lower-cased name, customer id): stable under inserts, so a page never repeats
or skips a customer that was already there.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import orjson

from services.directory.adapters.queries import Db
from shared.db import Connection
from shared.errors import DomainError

MAX_WORDS = 8


class InvalidCursor(DomainError):
    pass


@dataclass(frozen=True)
class Cursor:
    sort_name: str
    customer_id: UUID

    def encode(self) -> str:
        raw = orjson.dumps([self.sort_name, str(self.customer_id)])
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        try:
            name, customer_id = orjson.loads(
                base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            )
            return cls(str(name), UUID(str(customer_id)))
        except (ValueError, TypeError, binascii.Error, orjson.JSONDecodeError) as exc:
            raise InvalidCursor("This cursor was not issued by a customer search.") from exc


def like_patterns(query: str) -> list[str]:
    words = query.lower().split()[:MAX_WORDS]
    escaped = (w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for w in words)
    return [f"%{w}%" for w in escaped]


_AFTER = "($2::text IS NULL OR (r.sort_name, r.customer_id) > ($2, $3::uuid))"

# The reach (``partner_customers``) carries each customer's sort key and search text, indexed
# per partner in name order and by trigrams (migration 0004). Two plans, because neither is
# fast for every query (measured at 100,000 customers; see the README):
#
# 1. WINDOW: walk the partner's next WINDOW customers in name order and keep the matches.
#    When matches are dense (a common word, or no words) the page fills after a few hundred
#    rows, and a full page is the right answer: the first matches in order.
# 2. Otherwise ALL: find every match of this partner (trigram index, or the partner's rows
#    when a word is too short for trigrams), then a top-N sort. Its cost follows the number
#    of matches, which is small whenever the window did not fill.
#
# Left to itself the planner sometimes walked the whole name index for a term whose matches
# cluster late in name order (part of a domain: every "Swift Toys ..." sorts together),
# which cost over a second; hence the explicit choice.
WINDOW = 2000
_PAGE = """
    SELECT c.customer_id, c.name, c.domain, c.contact_email, c.registered_at, r.sort_name,
           r.partner_of_record, r.delegation_role
    FROM ({inner}) r JOIN customers c ON c.customer_id = r.customer_id
    ORDER BY r.sort_name, r.customer_id
"""
_WINDOW = _PAGE.format(
    inner=f"""
        SELECT * FROM (
            SELECT * FROM partner_customers r WHERE r.partner_id = $1 AND {_AFTER}
            ORDER BY r.sort_name, r.customer_id LIMIT {WINDOW}
        ) r WHERE true {{matches}}
        ORDER BY r.sort_name, r.customer_id LIMIT $4"""
)
_ALL = f"""
    WITH matched AS MATERIALIZED (
        SELECT * FROM partner_customers r WHERE r.partner_id = $1 AND {_AFTER} {{matches}}
    )
""" + _PAGE.format(inner="SELECT * FROM matched r ORDER BY r.sort_name, r.customer_id LIMIT $4")


async def search_customers(
    conn: Connection, *, partner_id: UUID, query: str, after: Cursor | None, limit: int
) -> tuple[list[dict[str, Any]], Cursor | None]:
    patterns = like_patterns(query)
    # One plain LIKE per word (values stay parameters), which the trigram index serves.
    matches = "".join(f" AND r.search LIKE ${5 + i}" for i in range(len(patterns)))
    args = (
        partner_id,
        after.sort_name if after else None,
        after.customer_id if after else None,
        limit + 1,
        *patterns,
    )
    async with conn.transaction():
        # Plans must be made for the actual pattern (selectivity differs by orders), not a
        # generic plan reused after five runs of a prepared statement.
        await conn.execute("SET LOCAL plan_cache_mode = force_custom_plan")
        rows = await conn.fetch(_WINDOW.format(matches=matches), *args)
        if len(rows) <= limit:
            rows = await conn.fetch(_ALL.format(matches=matches), *args)
    items = [dict(r) for r in rows[:limit]]
    for item in items:
        item.pop("sort_name")
    last = rows[limit - 1] if len(rows) > limit else None
    return items, Cursor(last["sort_name"], last["customer_id"]) if last else None


async def in_reach(db: Db, *, partner_id: UUID, customer_id: UUID) -> bool:
    return bool(
        await db.fetchval(
            "SELECT true FROM partner_customers WHERE partner_id = $1 AND customer_id = $2",
            partner_id,
            customer_id,
        )
    )
