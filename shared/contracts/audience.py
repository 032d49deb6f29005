"""Who may see an event, and what of it leaves the portal: one rule for the gateway's live
stream (services/gateway/live.py) and the partners' webhooks (services/notifications)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# The fields by which an event names the companies that may see it.
AUDIENCE_FIELDS = (
    "partner_id",
    "partner_of_record",
    "acting_partner_id",
    "customer_id",
    "company_id",
)


def audience(payload: Mapping[str, Any]) -> frozenset[str]:
    """The companies an event's payload names (``AUDIENCE_FIELDS``)."""
    return frozenset(str(payload[f]) for f in AUDIENCE_FIELDS if payload.get(f))


def without_secrets(value: Any) -> Any:
    """Password hashes travel between services, never to a browser or a partner's system."""
    if isinstance(value, dict):
        return {k: without_secrets(v) for k, v in value.items() if "password" not in k}
    if isinstance(value, list):
        return [without_secrets(v) for v in value]
    return value
