"""The portal's languages: the message catalogues the web pages use (web/i18n/<lang>.json)
serve the gateway's own e-mails too, so each text is written once per language.

Placeholders are ``{name}``, the same in JavaScript and in ``str.format``.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Literal

Language = Literal["en", "it"]
LANGUAGES: tuple[Language, ...] = ("en", "it")
DEFAULT: Language = "en"
CATALOGUES = Path(__file__).resolve().parent / "web" / "i18n"


@cache
def catalogue(language: Language) -> dict[str, str]:
    data: dict[str, str] = json.loads((CATALOGUES / f"{language}.json").read_text("utf-8"))
    return data


def text(language: Language, key: str, **params: object) -> str:
    """The catalogue's text for ``key``, its ``{placeholders}`` filled from ``params``."""
    return catalogue(language)[key].format_map(params)


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
