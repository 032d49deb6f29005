"""The idempotent inbox: a consumer records each message id it applied in the same
transaction as the effect; a redelivered message finds its id and is skipped."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from shared.db import Connection
from shared.messaging import outbox
from shared.messaging.outbox import Pending


async def claim(conn: Connection, *, consumer: str, message_id: str) -> bool:
    """True when this is the first time ``consumer`` sees ``message_id``."""
    inserted = await conn.fetchval(
        "INSERT INTO inbox (consumer, message_id) VALUES ($1, $2) "
        "ON CONFLICT DO NOTHING RETURNING true",
        consumer,
        message_id,
    )
    return bool(inserted)


async def claim_many(conn: Connection, *, consumer: str, message_ids: list[str]) -> set[str]:
    """The ids of ``message_ids`` that ``consumer`` sees for the first time, claimed in one
    statement (a redelivered batch costs one round trip, not one per message)."""
    if not message_ids:
        return set()
    rows = await conn.fetch(
        "INSERT INTO inbox (consumer, message_id) SELECT $1, unnest($2::text[]) "
        "ON CONFLICT DO NOTHING RETURNING message_id",
        consumer,
        message_ids,
    )
    return {row["message_id"] for row in rows}


async def claim_all_and_store(
    conn: Connection, *, consumer: str, message_ids: list[str], items: Sequence[Pending]
) -> list[int] | None:
    """Claim every id of ``message_ids`` (distinct) and store ``items`` in the outbox, in one
    statement at the end of the batch's transaction. None when some id was claimed before
    (a redelivery): the caller rolls back, handlers' writes with it, and claims first. The
    outbox ids otherwise."""
    row = await conn.fetchrow(
        "WITH claimed AS (INSERT INTO inbox (consumer, message_id) "
        "SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING RETURNING 1), "
        f"stored AS ({outbox.INSERT.format('$3', '$4', '$5', '$6')}) "
        "SELECT (SELECT count(*) FROM claimed) AS claimed, "
        "ARRAY(SELECT id FROM stored ORDER BY id) AS ids",
        consumer,
        message_ids,
        *outbox.columns(items),
    )
    assert row is not None
    if row["claimed"] != len(message_ids):
        return None
    return list(row["ids"])


async def prune(conn: Connection, *, before: datetime, limit: int = 10_000) -> int:
    """Forget at most ``limit`` ids recorded before ``before``; how many. Only ids older than
    any message that can still be delivered again may go: the retention must outlast the
    longest topic retention (``shared/ops/topics.py``)."""
    deleted = await conn.fetchval(
        "WITH gone AS (DELETE FROM inbox WHERE ctid = ANY(ARRAY("
        "SELECT ctid FROM inbox WHERE processed_at < $1 LIMIT $2)) RETURNING 1) "
        "SELECT count(*) FROM gone",
        before,
        limit,
    )
    return int(deleted or 0)
