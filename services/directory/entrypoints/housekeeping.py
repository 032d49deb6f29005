"""Housekeeping on a clock: forget failed sign-ins with unknown addresses after a while.
Each pass is a unit of work of the kernel (``shared.messaging.unit.periodic_pass``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import asyncpg

from shared.messaging import unit
from shared.messaging.unit import MessageContext
from shared.runtime import Periodic

UNKNOWN_SIGN_INS_KEPT = timedelta(days=30)


async def _prune(ctx: MessageContext) -> Sequence[object]:
    return await ctx.conn.fetch(
        "DELETE FROM unknown_sign_ins WHERE last_at < now() - $1::interval RETURNING 1",
        UNKNOWN_SIGN_INS_KEPT,
    )


async def prune_unknown_sign_ins(pool: asyncpg.Pool) -> int:
    """Delete the counts of unknown addresses not tried for 30 days (idempotent)."""
    pruned = await unit.periodic_pass(
        pool, service="directory", name="unknown-sign-ins", work=_prune
    )
    return len(pruned)


def periodic() -> Periodic:
    return Periodic(
        name="directory-unknown-sign-ins-prune", interval=3600.0, step=prune_unknown_sign_ins
    )
