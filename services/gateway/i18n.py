"""The portal's languages: which one a visitor gets. The catalogues themselves
(web/i18n/<lang>.json) are read by ``shared.i18n``, for the notifications service's e-mails too.
"""

from __future__ import annotations

from shared.i18n import CATALOGUES, DEFAULT, LANGUAGES, Language, catalogue, text

__all__ = [
    "CATALOGUES",
    "DEFAULT",
    "LANGUAGES",
    "Language",
    "catalogue",
    "negotiate",
    "supported",
    "text",
]


def supported(value: str | None) -> Language | None:
    """``value`` when it names a portal language (``it``, ``it-IT``, ``IT``), else None."""
    primary = (value or "").strip().lower().split("-")[0]
    for language in LANGUAGES:
        if primary == language:
            return language
    return None


def negotiate(accept_language: str | None) -> Language:
    """The first language the browser asks for that the portal speaks (RFC 9110 q-values);
    English when none matches."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and quality > 0:
            ranked.append((-quality, index, tag))
    for _, _, tag in sorted(ranked):
        language = supported(tag)
        if language:
            return language
    return DEFAULT
