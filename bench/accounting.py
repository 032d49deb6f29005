"""Every redemption sent is accounted for exactly once in the databases, or the run fails.

Checked in the run's own database, per (customer, service) for the subscription and the
invitation's redemption, per customer for the delegation request (a request names no
service), and in total for all three."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import asyncpg

Pair = tuple[str, str]  # (customer_id, service_id)

OURS = {
    "redemptions": "SELECT customer_id::text, service_id FROM invitations.redemptions",
    "subscriptions": "SELECT customer_id::text, service_id FROM directory.subscriptions "
    "WHERE source_kind = 'trial_invitation'",
    "requests": "SELECT customer_id::text FROM delegation.requests "
    "WHERE source_kind = 'trial_invitation'",
}
BARE = {
    "redemptions": "SELECT customer_id::text, service_id FROM bare.redemptions",
    "subscriptions": "SELECT customer_id::text, service_id FROM bare.subscriptions",
    "requests": "SELECT customer_id::text FROM bare.requests",
}


async def check(dsn: str, queries: dict[str, str], sent: Sequence[Pair]) -> dict[str, Any]:
    """Compare what was sent with the rows; ``ok`` is False on any missing or extra row."""
    expected_pairs = Counter(sent)
    expected_customers = Counter(c for c, _ in sent)
    conn = await asyncpg.connect(dsn)
    try:
        found: dict[str, Any] = {}
        for name, sql in queries.items():
            rows = await conn.fetch(sql)
            have: Counter[Any]
            want: Counter[Any]
            if name == "requests":
                have, want = Counter(r[0] for r in rows), expected_customers
            else:
                have, want = Counter((r[0], r[1]) for r in rows), expected_pairs
            missing = sum((want - have).values())
            extra = sum((have - want).values())
            doubled = sum(1 for k, v in have.items() if v > 1 and want.get(k, 0) == 1)
            found[name] = {
                "rows": len(rows),
                "expected": sum(want.values()),
                "missing": missing,
                "extra": extra,
                "doubled": doubled,
            }
    finally:
        await conn.close()
    ok = all(v["missing"] == 0 and v["extra"] == 0 for v in found.values())
    return {"ok": ok, "sent": len(sent), "tables": found}
