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


_COLUMNS = """c.customer_id, c.name, c.domain, c.contact_email, c.registered_at, c.sort_name,
    r.partner_of_record, r.delegation_role"""
_AFTER = "($2::text IS NULL OR (c.sort_name, c.customer_id) > ($2, $3::uuid))"

# Three plans, because no single one is fast for every query (measured at 100,000
# customers; see tests/integration/directory/bench_search.py and the README):
#
# 1. WINDOW: walk the next WINDOW customers in name order and keep the partner's matches.
#    When matches are dense (a large partner, a common word) this fills the page after a
#    few hundred rows. A full page is the right answer: it holds the first matches in order.
# 2. Otherwise, when every word has three characters or more, MATCHES: the trigram index
#    finds all matches, the partner's reach is probed by primary key, a top-N sort orders
#    them. Its cost follows the number of matches, not the table.
# 3. Otherwise (no words, or a word too short for trigrams), REACH: start from the
#    partner's own customers.
#
# Left to itself the planner sometimes walked the whole name index for a term whose matches
# cluster late in name order (part of a domain: every "Swift Toys ..." sorts together),
# which cost up to 1.6 s; hence the explicit choice.
WINDOW = 2000
_WINDOW = f"""
    SELECT {_COLUMNS}
    FROM (SELECT * FROM customers c WHERE {_AFTER}
          ORDER BY c.sort_name, c.customer_id LIMIT {WINDOW}) c
    JOIN partner_customers r ON r.partner_id = $1 AND r.customer_id = c.customer_id
    WHERE true {{matches}}
    ORDER BY c.sort_name, c.customer_id
    LIMIT $4
"""
_MATCHES = f"""
    WITH matched AS MATERIALIZED (
        SELECT c.customer_id, c.sort_name FROM customers c WHERE {_AFTER} {{matches}}
    ), page AS (
        SELECT m.customer_id, m.sort_name, r.partner_of_record, r.delegation_role
        FROM matched m
        JOIN partner_customers r ON r.partner_id = $1 AND r.customer_id = m.customer_id
        ORDER BY m.sort_name, m.customer_id
        LIMIT $4
    )
    SELECT {_COLUMNS.replace("c.sort_name", "r.sort_name")}
    FROM page r JOIN customers c ON c.customer_id = r.customer_id
    ORDER BY r.sort_name, r.customer_id
"""
_REACH = f"""
    SELECT {_COLUMNS}
    FROM partner_customers r
    JOIN customers c ON c.customer_id = r.customer_id
    WHERE r.partner_id = $1 AND {_AFTER} {{matches}}
    ORDER BY c.sort_name || '', c.customer_id  -- an expression: not the name-order walk
    LIMIT $4
"""


async def search_customers(
    conn: Connection, *, partner_id: UUID, query: str, after: Cursor | None, limit: int
) -> tuple[list[dict[str, Any]], Cursor | None]:
    patterns = like_patterns(query)
    # One plain LIKE per word (values stay parameters), which the trigram index serves.
    matches = "".join(f" AND c.search LIKE ${5 + i}" for i in range(len(patterns)))
    indexable = bool(patterns) and all(len(p) >= 5 for p in patterns)  # '%' + 3 + '%'
    args = (
        partner_id,
        after.sort_name if after else None,
        after.customer_id if after else None,
        limit + 1,
        *patterns,
    )
    async with conn.transaction():
        # Plans must be made for the actual pattern (selectivity differs by orders), not a
        # generic plan reused after five runs of a prepared statement; and the match-driven
        # plan probes the reach by key rather than hashing all of a large partner's rows.
        await conn.execute(
            "SET LOCAL plan_cache_mode = force_custom_plan; SET LOCAL enable_hashjoin = off"
        )
        rows = await conn.fetch(_WINDOW.format(matches=matches), *args)
        if len(rows) <= limit:
            fallback = _MATCHES if indexable else _REACH
            rows = await conn.fetch(fallback.format(matches=matches), *args)
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
