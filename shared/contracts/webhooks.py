"""The event types a partner's webhook endpoint may subscribe to: every event of the
invitations, offers, delegation and directory services that can name a partner (a field
``partner_id``, ``partner_of_record``, ``acting_partner_id`` or ``company_id``), the same
audience rule as the gateway's live stream. The notifications service's own events are not
among them (a delivery's outcome never becomes another delivery)."""

from __future__ import annotations

from functools import cache

from shared.contracts import all_contracts
from shared.contracts.base import Contract, Event

CONTEXTS = ("invitations", "offers", "delegation", "directory")
NAMING_FIELDS = frozenset({"partner_id", "partner_of_record", "acting_partner_id", "company_id"})


@cache
def webhook_event_models() -> dict[str, type[Contract]]:
    return {
        ce_type: model
        for ce_type, model in sorted(all_contracts().items())
        if issubclass(model, Event)
        and model.context in CONTEXTS
        and NAMING_FIELDS & set(model.model_fields)
    }


def webhook_event_types() -> list[str]:
    return list(webhook_event_models())
