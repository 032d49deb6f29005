"""The portal's language through the gateway: chosen from Accept-Language, switched by a
cookie for anyone, stored for a signed-in user and applied at the next sign-in anywhere; the
link e-mails a partner sends are written in the chosen language."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from email.message import EmailMessage

from tests.e2e.test_security import register_partner
from tests.e2e.test_trial_flow import create_invitation
from tests.support.bus import Bus
from tests.support.portal import PASSWORD, Portal
from tests.support.wait import eventually
from tools.seed import DEMO

LANGUAGE = "/api/preferences/language"
ITALIAN = {"Accept-Language": "it-IT,it;q=0.9,en;q=0.5"}
ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}


async def test_a_visitor_gets_the_browser_language_until_choosing_one(
    portal: Callable[[], Awaitable[Portal]],
) -> None:
    visitor = await portal()
    assert (await visitor.get(LANGUAGE, headers=ITALIAN)).json() == {
        "language": "it",
        "source": "browser",
    }
    assert (await visitor.get(LANGUAGE, headers={"Accept-Language": "fr-FR"})).json() == {
        "language": "en",
        "source": "browser",
    }
    chosen = await visitor.put(LANGUAGE, json={"language": "en"})
    assert chosen.status_code == 200, chosen.text
    assert chosen.json() == {"language": "en", "source": "cookie"}
    assert (await visitor.get(LANGUAGE, headers=ITALIAN)).json() == {
        "language": "en",
        "source": "cookie",
    }
    refused = await visitor.put(LANGUAGE, json={"language": "fr"})
    assert refused.status_code == 422


async def test_a_users_choice_follows_them_to_a_new_sign_in_elsewhere(
    portal: Callable[[], Awaitable[Portal]], customer: Portal
) -> None:
    assert (await customer.get(LANGUAGE, headers=ENGLISH)).json()["source"] == "browser"
    stored = await customer.put(LANGUAGE, json={"language": "it"})
    assert stored.json() == {"language": "it", "source": "user"}

    elsewhere = await portal()
    assert (await elsewhere.get(LANGUAGE, headers=ENGLISH)).json()["language"] == "en"
    signed_in = await elsewhere.sign_in(customer.user["email"], PASSWORD)
    assert signed_in.status_code == 200, signed_in.text
    assert (await elsewhere.get(LANGUAGE, headers=ENGLISH)).json() == {
        "language": "it",
        "source": "user",
    }

    # A signed-in write without the session's CSRF token changes nothing.
    forged = await elsewhere.put(LANGUAGE, json={"language": "en"}, headers={"X-CSRF-Token": ""})
    assert forged.status_code == 403
    assert forged.json()["code"] == "csrf_token_invalid"
    assert (await customer.get(LANGUAGE)).json() == {"language": "it", "source": "user"}


async def test_the_invitation_e_mail_goes_out_in_italian(
    partner: Portal, mailbox: list[EmailMessage]
) -> None:
    invitation = await create_invitation(partner)
    to = f"acquisti-{uuid.uuid4().hex[:6]}@rossi.example"
    sent = await partner.post(
        f"/api/partner/invitations/{invitation['invitation_id']}/send",
        json={"to": [to], "message": "Provalo per un mese.", "language": "it"},
    )
    assert sent.status_code == 202, sent.text

    async def delivered() -> list[EmailMessage]:
        return [m for m in mailbox if str(m["To"]) == to]

    message = (await eventually(delivered))[0]
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content().replace("\r\n", "\n")
    assert str(message["Subject"]) == f"{DEMO.name}: una prova gratuita"
    assert text.startswith(f"{DEMO.name} ti invita a provare gratuitamente un servizio.\n")
    assert "Provalo per un mese." in text
    assert "Apri questo collegamento per visualizzare e accettare:" in text
    assert f"/i/{invitation['code']}" in text
    assert "invites you" not in text


async def test_the_link_e_mail_defaults_to_the_senders_own_language(
    portal: Callable[[], Awaitable[Portal]], bus: Bus, mailbox: list[EmailMessage]
) -> None:
    """No language chosen: the partner user's stored preference writes it; a choice in the
    share panel (the request's ``language``) overrides it."""
    email, password = await register_partner(bus, f"lang-{uuid.uuid4().hex[:6]}")
    sender = await portal()
    assert (await sender.sign_in(email, password)).status_code == 200
    assert (await sender.put(LANGUAGE, json={"language": "it"})).json()["source"] == "user"
    invitation = await create_invitation(sender)
    path = f"/api/partner/invitations/{invitation['invitation_id']}/send"
    own, chosen = (f"{n}-{uuid.uuid4().hex[:6]}@rossi.example" for n in ("own", "chosen"))
    assert (await sender.post(path, json={"to": [own]}, headers=ENGLISH)).status_code == 202
    sent = await sender.post(path, json={"to": [chosen], "language": "en"})
    assert sent.status_code == 202, sent.text

    async def subjects() -> dict[str, str]:
        found = {str(m["To"]): str(m["Subject"]) for m in mailbox if str(m["To"]) in (own, chosen)}
        return found if len(found) == 2 else {}

    found = await eventually(subjects, timeout=30)
    assert found[own].endswith(": una prova gratuita")
    assert found[chosen].endswith(": a free trial")
