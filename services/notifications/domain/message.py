"""The messages the service sends, written from the portal's message catalogues: the text
and HTML parts of a partner's link, and the MIME message to one recipient."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

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


def _contacts(language: Language, partner: Partner) -> list[tuple[str, str]]:
    fields = (
        ("partner.phone", partner.phone),
        ("partner.support", partner.support_email),
        ("partner.website", partner.website),
    )
    return [(text(language, key), value) for key, value in fields if value]


def link_message(
    language: Language, *, subject_kind: str, partner: Partner, url: str, note: str
) -> Rendered:
    """Who invites, to what, the partner's personal note, the link, and the partner's name
    and support details; the same content as plain text and as HTML."""
    kind = LINK_KINDS[subject_kind]
    intro = text(language, f"mail.link.intro.{kind}", partner=partner.name)
    open_it = text(language, "mail.link.open")
    contacts = _contacts(language, partner)

    lines = [intro, ""]
    if note:
        lines += [note, ""]
    lines += [open_it, url, "", partner.name, *(f"{label}: {value}" for label, value in contacts)]

    e = html.escape
    note_html = "".join(f"<p>{e(line)}</p>" for line in note.splitlines() if line.strip())
    contact_html = "".join(f"<br>{e(label)}: {e(value)}" for label, value in contacts)
    body_html = (
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8"></head><body>'
        f"<p>{e(intro)}</p>{note_html}"
        f'<p>{e(open_it)}<br><a href="{e(url, quote=True)}">{e(url)}</a></p>'
        f"<p><strong>{e(partner.name)}</strong>{contact_html}</p>"
        "</body></html>"
    )
    subject = text(language, f"mail.link.subject.{kind}", partner=partner.name)
    return Rendered(subject=subject, text="\n".join(lines) + "\n", html=body_html)


def message_id(delivery: Outgoing, sender: str) -> str:
    """The delivery's id as the Message-ID: a retry after a crash carries the same one, so a
    receiving system can recognise the copy."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "partner-portal.invalid"
    return f"<{delivery.delivery_id}@{domain}>"


def build(delivery: Outgoing, *, sender: str, now: datetime) -> EmailMessage:
    """The message to the delivery's one recipient: no other address in any header."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = delivery.recipient
    message["Subject"] = delivery.subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id(delivery, sender)
    if delivery.reply_to:
        message["Reply-To"] = delivery.reply_to
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(delivery.text_body)
    message.add_alternative(delivery.html_body, subtype="html")
    return message
