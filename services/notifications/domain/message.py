"""The messages the service sends, written from the portal's message catalogues: the text
and HTML parts of a partner's link, and the MIME message to one recipient."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from functools import lru_cache
from typing import Any
from uuid import UUID

from services.notifications.domain.commands import Partner
from services.notifications.domain.model import Outgoing
from shared.i18n import Language, text

# What a link opens -> its texts in the catalogue (mail.link.*.<kind>).
LINK_KINDS = {"invitation": "trial", "offer": "offer", "delegation_request": "delegation"}


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class MailRequest:
    """A partner's link as it is queued for its recipients (lifecycle e-mails are queued
    set-based: ``adapters/recipients.Mail``)."""

    request_id: UUID
    partner_id: UUID
    sent_by: UUID
    subject_kind: str
    subject_id: UUID
    language: str
    message: Rendered
    reply_to: str | None
    correlation_id: str


def compose(
    language: Language,
    *,
    subject: str,
    body: str,
    note: str = "",
    open_it: str,
    url: str,
    partner: Partner,
) -> Rendered:
    """Every message's one shape, as plain text and as HTML saying the same: the body, the
    partner's personal note (if any), the link, and the partner's name and support details."""
    contacts = [
        (text(language, key), value)
        for key, value in (
            ("partner.phone", partner.phone),
            ("partner.support", partner.support_email),
            ("partner.website", partner.website),
        )
        if value
    ]
    lines = [body, ""]
    if note:
        lines += [note, ""]
    lines += [open_it, url, "", partner.name, *(f"{label}: {value}" for label, value in contacts)]

    e = html.escape
    note_html = "".join(f"<p>{e(line)}</p>" for line in note.splitlines() if line.strip())
    contact_html = "".join(f"<br>{e(label)}: {e(value)}" for label, value in contacts)
    body_html = (
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8"></head><body>'
        f"<p>{e(body)}</p>{note_html}"
        f'<p>{e(open_it)}<br><a href="{e(url, quote=True)}">{e(url)}</a></p>'
        f"<p><strong>{e(partner.name)}</strong>{contact_html}</p>"
        "</body></html>"
    )
    return Rendered(subject=subject, text="\n".join(lines) + "\n", html=body_html)


def link_message(
    language: Language, *, subject_kind: str, partner: Partner, url: str, note: str
) -> Rendered:
    """Who invites, to what, the partner's personal note, the link, and the partner's name
    and support details."""
    kind = LINK_KINDS[subject_kind]
    return compose(
        language,
        subject=text(language, f"mail.link.subject.{kind}", partner=partner.name),
        body=text(language, f"mail.link.intro.{kind}", partner=partner.name),
        note=note,
        open_it=text(language, "mail.link.open"),
        url=url,
        partner=partner,
    )


def message_id(delivery: Outgoing, sender: str) -> str:
    """The delivery's id as the Message-ID: a retry after a crash carries the same one, so a
    receiving system can recognise the copy."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "partner-portal.invalid"
    return f"<{delivery.delivery_id}@{domain}>"


@lru_cache(maxsize=256)
def _header(name: str, value: str) -> Any:
    """The header, parsed once: the sender, a partner's reply-to address, a subject and the
    second's date recur across thousands of messages, and the e-mail package's parser is
    most of the cost of building one. Parsed headers are immutable; each holds its parse
    tree (~10 KB), so only these few recurring values are kept, not every recipient."""
    return policy.default.header_factory(name, value)


def build(delivery: Outgoing, *, sender: str, now: datetime) -> EmailMessage:
    """The message to the delivery's one recipient: no other address in any header."""
    message = EmailMessage()
    message["From"] = _header("From", sender)
    message["To"] = delivery.recipient
    message["Subject"] = _header("Subject", delivery.subject)
    message["Date"] = _header("Date", format_datetime(now))
    message["Message-ID"] = message_id(delivery, sender)
    if delivery.reply_to:
        message["Reply-To"] = _header("Reply-To", delivery.reply_to)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(delivery.text_body)
    message.add_alternative(delivery.html_body, subtype="html")
    return message
