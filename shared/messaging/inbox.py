"""The idempotent inbox: a consumer records each message id it applied in the same
transaction as the effect; a redelivered message finds its id and is skipped."""

from __future__ import annotations

from shared.db import Connection


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
