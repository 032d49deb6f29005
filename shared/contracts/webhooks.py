"""Partner webhooks' part of the contract with partners: the event types an endpoint may
subscribe to, and the signing secret's format.

The types: every event of the invitations, offers, delegation and directory services that can
name a partner (a field ``partner_id``, ``partner_of_record``, ``acting_partner_id`` or
``company_id``): the fields of the audience rule, shared/contracts/audience.py, that name a
partner. The notifications service's own events are not among them (a delivery's outcome, or
an endpoint's change, never becomes another delivery).

The secret (Standard Webhooks): ``whsec_`` + base64 of 32 random bytes; the bytes key the
HMAC. It is made by whoever registers or rotates an endpoint (the gateway, which shows it
once) and travels only in the command to the notifications service, never in an event.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from functools import cache

from shared.contracts import all_contracts
from shared.contracts.base import Contract, Event

CONTEXTS = ("invitations", "offers", "delegation", "directory")
NAMING_FIELDS = frozenset({"partner_id", "partner_of_record", "acting_partner_id", "company_id"})

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # the spec asks for 24 to 64 random bytes
SECRET_PATTERN = r"^whsec_[A-Za-z0-9+/]{32,86}={0,2}$"


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


def new_secret(random_bytes: Callable[[int], bytes] = secrets.token_bytes) -> str:
    """``whsec_`` + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(random_bytes(SECRET_BYTES)).decode("ascii")


def secret_key(secret: str) -> bytes:
    """The bytes a secret names (the base64 after ``whsec_``)."""
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError("a webhook secret starts with whsec_")
    key = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    if not 24 <= len(key) <= 64:
        raise ValueError("a webhook secret holds 24 to 64 bytes")
    return key
