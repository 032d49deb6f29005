"""Housekeeping on a clock: forget failed sign-ins with unknown addresses after a while."""

from __future__ import annotations

from datetime import timedelta

import asyncpg

from shared.runtime import Periodic

UNKNOWN_SIGN_INS_KEPT = timedelta(days=30)


async def prune_unknown_sign_ins(pool: asyncpg.Pool) -> int:
    """Delete the counts of unknown addresses not tried for 30 days (idempotent)."""
    status = await pool.execute(
        "DELETE FROM unknown_sign_ins WHERE last_at < now() - $1::interval",
        UNKNOWN_SIGN_INS_KEPT,
    )
    return int(status.split()[-1])


def periodic() -> Periodic:
    return Periodic(
        name="directory-unknown-sign-ins-prune", interval=3600.0, step=prune_unknown_sign_ins
    )
