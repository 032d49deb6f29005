"""The text of the e-mails the gateway sends, from the portal's message catalogues."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from services.gateway.i18n import Language, text

LinkKind = Literal["trial", "offer", "delegation"]


def link_mail(
    language: Language, *, kind: LinkKind, partner: Mapping[str, Any], url: str, note: str
) -> tuple[str, str]:
    """Subject and body of a partner's link sent to customers: who invites, to what, the
    partner's personal note, the link, and the partner's contact lines."""
    name = str(partner["name"])
    contact = [str(partner[k]) for k in ("phone", "website") if partner.get(k)]
    body = [text(language, f"mail.link.intro.{kind}", partner=name), ""]
    if note:
        body += [note, ""]
    body += [text(language, "mail.link.open"), url, "", name, *contact]
    return text(language, f"mail.link.subject.{kind}", partner=name), "\n".join(body)
