"""Lifecycle e-mails: who is told of an event, and what they read.

Recipients are chosen from the service's own view of the directory (``Person`` rows); the
message comes from the catalogues (``mail.event.<template>.*``). A delivery is named by the
subject, the template, the occasion and the address, so a redelivered event or a sweep run
twice names the same delivery and queues nothing new.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from uuid import UUID

from services.notifications.domain.commands import Partner
from services.notifications.domain.message import Rendered, compose
from shared.i18n import Language, text

Template = Literal[
    "delegation_requested",
    "delegation_approved",
    "delegation_declined",
    "delegation_revoked",
    "delegation_expiring",
    "service_request_created",
    "service_request_state_changed",
    "service_request_note_added",
    "trial_ending",
    "webhook_disabled",
]
LifecycleSubject = Literal["delegation", "service_request", "subscription", "webhook_endpoint"]

ADMIN_ROLE = "global_admin"


@dataclass(frozen=True)
class Person:
    """A user as the view knows it: active users only are ever handed here."""

    user_id: UUID
    email: str
    role: str


def admins(people: list[Person], *, exclude: set[UUID] | None = None) -> list[str]:
    """The Global admins' addresses, each once (without case), less the users excluded
    (who did the thing need not be told of it)."""
    skip = exclude or set()
    seen: set[str] = set()
    chosen: list[str] = []
    for p in sorted(people, key=lambda p: p.email.lower()):
        if p.role != ADMIN_ROLE or p.user_id in skip or p.email.lower() in seen:
            continue
        seen.add(p.email.lower())
        chosen.append(p.email)
    return chosen


def also(people: list[Person], users: set[UUID], *, exclude: set[UUID]) -> list[str]:
    """The addresses of some particular users (e.g. who opened a service request)."""
    return [p.email for p in people if p.user_id in users and p.user_id not in exclude]


def merge(*groups: list[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for group in groups:
        for address in group:
            if address.lower() not in seen:
                seen.add(address.lower())
                out.append(address)
    return out


_NAMESPACE = uuid.UUID("b2a4d6e8-1c3f-4a5b-8d7e-9f0a1b2c3d4e")


def request_id(template: Template, subject_id: UUID, occasion: str, language: Language) -> UUID:
    """One mail request per subject, template, occasion (an event's own id, e.g. a note's,
    or a state change's time) and language."""
    return uuid.uuid5(_NAMESPACE, f"{template}:{subject_id}:{occasion}:{language}")


def delivery_id(template: Template, subject_id: UUID, occasion: str, recipient: str) -> UUID:
    """The same occasion and address always name the same delivery, whatever language."""
    return uuid.uuid5(_NAMESPACE, f"{template}:{subject_id}:{occasion}:{recipient.lower()}")


def render(
    language: Language,
    template: Template,
    *,
    partner: Partner,
    url: str,
    params: dict[str, str],
) -> Rendered:
    """Subject, a one-paragraph body, the portal's link and the partner's name and support
    details; text and HTML say the same."""
    values = {"partner": partner.name, **params}
    return compose(
        language,
        subject=text(language, f"mail.event.{template}.subject", **values),
        body=text(language, f"mail.event.{template}.body", **values),
        open_it=text(language, "mail.event.open"),
        url=url,
        partner=partner,
    )


def day(moment: datetime) -> str:
    """A date as both languages write it in an e-mail (ISO, unambiguous)."""
    return moment.date().isoformat()
