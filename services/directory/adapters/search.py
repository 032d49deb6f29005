"""Customer search within a partner's reach, with keyset (cursor) pagination.

Words match anywhere in name, domain or contact e-mail, case-insensitively; every word must
match. LIKE metacharacters in the query are escaped, so ``50%_off`` means those characters.
The order is (lower-cased name, customer id): stable under inserts, so a page never repeats
or skips a customer that was already there.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

from services.directory.adapters.queries import Db
from shared.cursor import Cursor, InvalidCursor
from shared.db import Connection

MAX_WORDS = 8
Trace = Callable[[str, str, tuple[Any, ...]], Awaitable[None]]


_AFTER = "($2::text IS NULL OR (r.sort_name, r.customer_id) > ($2, $3::uuid))"

# The reach (``partner_customers``) carries each customer's sort key and search text, in a
# name-order index that includes the search text and a trigram index (migrations 0004, 0103).
# No single plan is fast for every query with a million customers in reach (measured,
# docs/reads.md), so a search runs up to three plans, each bounded, and stops at the first
# that is sure to hold the page:
#
# 1. WINDOW: walk the partner's next WINDOW customers in name order (index only), keep the
#    matches. No words, or matches dense near the cursor: the page fills here.
# 2. GATHER: at most CAP + 1 matches of this partner through the trigram index, and for a
#    word of one or two characters (no trigram) the index of every character and adjacent
#    pair (migration 0104, ``search_grams``) (bitmap scans: the cost follows the matches, not the
#    reach, about 3 us a match), then a top-N sort. Words that are rare, or common but
#    clustered in name order (a name that starts with the word: "Contoso ..."), end here:
#    no more than CAP matched, so these are all of them, in order. Measured at 100,000 in
#    reach, a word matching 3,334 customers that all sort late: 10 ms here, 25 ms walking.
# 3. WALK: more than CAP match: walk in name order,
#    index only, until the page is full. Its cost is the page size over the density of
#    matches, and after GATHER that density is at least CAP over the reach.
#
# Each plan is pinned (SET LOCAL enable_*): left to itself the planner walked the whole name
# index for a word whose matches cluster late in name order, or scanned the trigram index
# end to end for a word too short for trigrams (over a second at 1M, both).
WINDOW = 1000
CAP = 50_000
_COLUMNS = """c.customer_id, c.name, c.domain, c.contact_email, c.registered_at, r.sort_name,
           r.partner_of_record, r.delegation_role"""
_WINDOW = f"""
    SELECT {_COLUMNS}
    FROM (
        SELECT * FROM (
            SELECT r.customer_id, r.sort_name, r.search
            FROM partner_customers r WHERE r.partner_id = $1 AND {_AFTER}
            ORDER BY r.sort_name, r.customer_id LIMIT {WINDOW}
        ) r WHERE true {{matches}}
        ORDER BY r.sort_name, r.customer_id LIMIT $4
    ) w JOIN partner_customers r ON r.partner_id = $1 AND r.customer_id = w.customer_id
    JOIN customers c ON c.customer_id = w.customer_id
    ORDER BY r.sort_name, r.customer_id
"""
_GATHER = f"""
    WITH matched AS MATERIALIZED (
        SELECT r.customer_id, r.sort_name FROM partner_customers r
        WHERE r.partner_id = $1 AND {_AFTER} {{matches}} LIMIT {CAP + 1}
    ), page AS (
        SELECT * FROM matched ORDER BY sort_name, customer_id LIMIT $4
    )
    SELECT {_COLUMNS}, (SELECT count(*) FROM matched) AS found
    FROM page p JOIN partner_customers r ON r.partner_id = $1 AND r.customer_id = p.customer_id
    JOIN customers c ON c.customer_id = p.customer_id
    ORDER BY r.sort_name, r.customer_id
"""
_WALK = f"""
    SELECT {_COLUMNS}
    FROM (
        SELECT r.customer_id FROM partner_customers r
        WHERE r.partner_id = $1 AND {_AFTER} {{matches}}
        ORDER BY r.sort_name, r.customer_id LIMIT $4
    ) w JOIN partner_customers r ON r.partner_id = $1 AND r.customer_id = w.customer_id
    JOIN customers c ON c.customer_id = w.customer_id
    ORDER BY r.sort_name, r.customer_id
"""
_BITMAPS_ONLY = (
    "SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off;"
    " SET LOCAL enable_indexonlyscan = off"
)
_IN_ORDER_ONLY = (
    "SET LOCAL enable_indexscan = on; SET LOCAL enable_indexonlyscan = on;"
    " SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off"
)
SHORT = 3  # words shorter than this have no trigram: ``search_grams`` serves them


def like_patterns(query: str) -> list[str]:
    words = query.lower().split()[:MAX_WORDS]
    escaped = (w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for w in words)
    return [f"%{w}%" for w in escaped]


async def search_customers(
    conn: Connection,
    *,
    partner_id: UUID,
    query: str,
    after: Cursor | None,
    limit: int,
    trace: Trace | None = None,
) -> tuple[list[dict[str, Any]], Cursor | None]:
    """A page of matches and the cursor after it; ``after`` is a cursor this search issued
    (its key a sort name: anything else is an ``InvalidCursor``). ``trace`` is awaited after
    each plan ran, with its name, statement and arguments, in the same transaction
    (``bench.search_explain`` explains them)."""

    async def ran(name: str, sql: str, values: tuple[Any, ...]) -> list[Any]:
        rows = await conn.fetch(sql, *values)
        if trace is not None:
            await trace(name, sql, values)
        return rows

    if after is not None and not isinstance(after.key, str):
        raise InvalidCursor("This page cursor is not valid for this list.")
    patterns = like_patterns(query)
    # One plain LIKE per word (values stay parameters), which the trigram index serves.
    matches = "".join(f" AND r.search LIKE ${5 + i}" for i in range(len(patterns)))
    short = [w for w in query.lower().split()[:MAX_WORDS] if len(w) < SHORT]
    # The index's way to a short word (GATHER only: WINDOW and WALK test LIKE on the rows).
    grams = "".join(
        f" AND search_grams(r.search) @> ARRAY[${5 + len(patterns) + i}::text]"
        for i in range(len(short))
    )
    args = (
        partner_id,
        after.key if after else None,
        after.id if after else None,
        limit + 1,
        *patterns,
    )
    async with conn.transaction():
        # Plans are made for the actual words: a prepared statement's generic plan cannot use
        # the trigram index for a pattern it does not know (it scanned the table, measured).
        await conn.execute("SET LOCAL plan_cache_mode = force_custom_plan")
        rows = await ran("WINDOW", _WINDOW.format(matches=matches), args)
        if len(rows) <= limit and patterns:
            await conn.execute(_BITMAPS_ONLY)
            rows = await ran("GATHER", _GATHER.format(matches=matches + grams), (*args, *short))
            found = rows[0]["found"] if rows else 0
            if found > CAP:
                await conn.execute(_IN_ORDER_ONLY)
                rows = await ran("WALK", _WALK.format(matches=matches), args)
    items = []
    for row in rows[:limit]:
        item = dict(row)
        item.pop("sort_name")
        item.pop("found", None)
        items.append(item)
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
