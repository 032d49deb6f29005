"""Internal commands of the notifications service (not wire contracts)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from uuid import UUID

from shared.i18n import Language


@dataclass(frozen=True)
class Partner:
    name: str
    phone: str | None
    website: str | None
    support_email: str | None


@dataclass(frozen=True)
class QueueLinkEmail:
    request_id: UUID
    partner_id: UUID
    sent_by: UUID
    subject_kind: Literal["invitation", "offer", "delegation_request"]
    subject_id: UUID
    url: str
    recipients: list[str]
    note: str
    language: Language
    partner: Partner
