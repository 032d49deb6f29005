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
