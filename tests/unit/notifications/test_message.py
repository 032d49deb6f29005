"""The link e-mail: written from the catalogues in the chosen language, as text and HTML, to
one recipient alone, with the delivery id as its Message-ID."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from email import message_from_bytes
from email.policy import default

from services.notifications.domain.commands import Partner
from services.notifications.domain.message import build, link_message
from services.notifications.domain.model import Outgoing

PARTNER = Partner(
    name="Fabrikam",
    phone="+39 02 555 0100",
    website="https://fabrikam.example",
    support_email="support@fabrikam.example",
)


def test_the_link_e_mail_is_written_in_the_chosen_language() -> None:
    mail = link_message(
        "it",
        subject_kind="invitation",
        partner=PARTNER,
        url="https://p.example/i/abc",
        note="Ciao!",
    )
    assert mail.subject == "Fabrikam: una prova gratuita"
    assert mail.text.splitlines() == [
        "Fabrikam ti invita a provare gratuitamente un servizio.",
        "",
        "Ciao!",
        "",
        "Apri questo collegamento per visualizzare e accettare:",
        "https://p.example/i/abc",
        "",
        "Fabrikam",
        "Telefono: +39 02 555 0100",
        "Assistenza: support@fabrikam.example",
        "Sito web: https://fabrikam.example",
    ]
    bare = Partner(name="Fabrikam", phone=None, website=None, support_email=None)
    mail = link_message("en", subject_kind="offer", partner=bare, url="u", note="")
    assert mail.subject == "Fabrikam: an offer"
    assert mail.text.splitlines() == [
        "Fabrikam invites you: an offer.",
        "",
        "Open this link to see it and accept:",
        "u",
        "",
        "Fabrikam",
    ]


def test_the_html_part_carries_the_same_content_escaped() -> None:
    partner = Partner(name="Fab & <Co>", phone=None, website=None, support_email="s@f.example")
    mail = link_message(
        "en",
        subject_kind="delegation_request",
        partner=partner,
        url='https://p.example/d/x?a=1&b="2"',
        note="<script>alert(1)</script>",
    )
    assert "<script>" not in mail.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in mail.html
    assert "Fab &amp; &lt;Co&gt; invites you: an offer to administer your account." in mail.html
    assert 'href="https://p.example/d/x?a=1&amp;b=&quot;2&quot;"' in mail.html
    assert "s@f.example" in mail.html
    assert '<html lang="en">' in mail.html


def _outgoing(recipient: str) -> Outgoing:
    mail = link_message(
        "en", subject_kind="invitation", partner=PARTNER, url="https://p.example/i/c", note="Hi"
    )
    return Outgoing(
        delivery_id=uuid.uuid4(),
        request_id=uuid.uuid4(),
        partner_id=uuid.uuid4(),
        subject_kind="invitation",
        subject_id=uuid.uuid4(),
        recipient=recipient,
        attempts=1,
        subject=mail.subject,
        text_body=mail.text,
        html_body=mail.html,
        reply_to=PARTNER.support_email,
        correlation_id="c",
    )


def test_the_message_goes_to_its_one_recipient_as_text_and_html() -> None:
    delivery = _outgoing("ann@contoso.example")
    built = build(
        delivery,
        sender="Partner Portal <no-reply@portal.example>",
        now=datetime(2026, 12, 1, tzinfo=UTC),
    )
    parsed = message_from_bytes(built.as_bytes(), policy=default)
    assert parsed["To"] == "ann@contoso.example"
    assert parsed["Cc"] is None
    assert parsed["Bcc"] is None
    assert parsed["Reply-To"] == "support@fabrikam.example"
    assert parsed["Message-ID"] == f"<{delivery.delivery_id}@portal.example>"
    assert parsed["Subject"] == "Fabrikam: a free trial"
    assert parsed.get_content_type() == "multipart/alternative"
    text, html = parsed.get_body(("plain",)), parsed.get_body(("html",))
    assert text is not None
    assert html is not None
    assert "https://p.example/i/c" in text.get_content()
    assert 'href="https://p.example/i/c"' in html.get_content()
