"""The portal's message catalogues (``services/gateway/web/i18n/<lang>.json``): the web pages
use them, and so do the e-mails of the gateway and the notifications service, so each text is
written once per language.

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
CATALOGUES = Path(__file__).resolve().parent.parent / "services" / "gateway" / "web" / "i18n"


@cache
def catalogue(language: Language) -> dict[str, str]:
    data: dict[str, str] = json.loads((CATALOGUES / f"{language}.json").read_text("utf-8"))
    return data


def text(language: Language, key: str, **params: object) -> str:
    """The catalogue's text for ``key``, its ``{placeholders}`` filled from ``params``."""
    return catalogue(language)[key].format_map(params)
