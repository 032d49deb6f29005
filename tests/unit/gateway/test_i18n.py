"""The portal's two message catalogues, and the rule that page code shows only their texts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from services.gateway import i18n

WEB = Path(i18n.__file__).resolve().parent / "web"
JS = WEB / "js"
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _catalogue(language: str) -> dict[str, str]:
    data: dict[str, str] = json.loads((WEB / "i18n" / f"{language}.json").read_text("utf-8"))
    return data


def test_both_catalogues_have_exactly_the_same_keys() -> None:
    en, it = _catalogue("en"), _catalogue("it")
    assert sorted(set(en) - set(it)) == [], "keys only in en.json"
    assert sorted(set(it) - set(en)) == [], "keys only in it.json"


def test_each_key_has_the_same_placeholders_in_both_languages() -> None:
    en, it = _catalogue("en"), _catalogue("it")
    differ = {
        key: (sorted(PLACEHOLDER.findall(en[key])), sorted(PLACEHOLDER.findall(it[key])))
        for key in en.keys() & it.keys()
        if set(PLACEHOLDER.findall(en[key])) != set(PLACEHOLDER.findall(it[key]))
    }
    assert differ == {}


def test_no_catalogue_text_is_empty() -> None:
    for language in i18n.LANGUAGES:
        empty = [k for k, v in _catalogue(language).items() if not v.strip()]
        assert empty == [], language


def _sources() -> list[Path]:
    # The portal's modules; docs/ is Swagger UI's starter, i18n.js the catalogue loader.
    return sorted(p for p in JS.rglob("*.js") if p.name != "i18n.js")


def test_every_key_the_pages_name_exists() -> None:
    en = _catalogue("en")
    named: set[str] = set()
    for path in [*_sources(), JS / "i18n.js"]:
        named |= set(re.findall(r"\bt\(\"([\w.]+)\"", path.read_text("utf-8")))
        named |= {k + ".other" for k in re.findall(r"\btn\(\"([\w.]+)\"", path.read_text("utf-8"))}
    named |= set(re.findall(r'data-i18n(?:-aria)?="([\w.]+)"', (WEB / "index.html").read_text()))
    assert sorted(named - set(en)) == []


# A JS string, template literal or comment; comments are skipped, literals checked.
TOKEN = re.compile(
    r"//[^\n]*|/\*.*?\*/|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`", re.S
)
HEADER_NAME = re.compile(r"^[A-Z][A-Za-z]*(-[A-Z][A-Za-z]*)+$")  # Content-Type, Idempotency-Key
IDENTIFIER = re.compile(r"^([A-Z][a-z]+){2,}$")  # an event's name: TrialInvitationRedeemed
ENGLISH = [
    re.compile(r"^\W*[A-Z][a-z]{2,}"),  # "Edit", "Sign in", "Customers"
    re.compile(r"^\W*[A-Z][a-z]*\s+[a-z]{2,}"),  # "A customer bought an offer"
    re.compile(r"[a-z]{2,}[.!?…:]\s*$"),  # a sentence
    re.compile(r"\b(the|your|you|of|and|for|no|is|are|will|with|not|this)\s+[a-z]", re.I),
]
ALLOWED = {"Partner Portal"}  # the brand, the same in every language


def english_literals(source: str) -> list[str]:
    """String literals of ``source`` that read as English text meant for people."""
    found = []
    for match in TOKEN.finditer(source):
        token = match.group(0)
        if token.startswith("/"):
            continue
        text = token[1:-1]
        if token.startswith("`"):
            text = re.sub(r"\$\{[^}]*\}", "{}", text)
        for part in (p.strip() for p in text.splitlines()):
            for allowed in ALLOWED:
                part = part.replace(allowed, "")
            if not re.search("[A-Za-z]", part) or HEADER_NAME.match(part) or IDENTIFIER.match(part):
                continue
            if any(rule.search(part) for rule in ENGLISH):
                found.append(part)
    return found


def test_the_scan_finds_english_literals_and_leaves_code_alone() -> None:
    sample = """
      h("button", {}, "Sign out"); // a comment with Words in it.
      const s = `${n} seats for ${d} days.`; el.className = "card hero";
      t("nav.overview"); q("input, select, textarea"); headers["Content-Type"] = "application/json";
      h("p", {}, 'no delegation for this customer'); ctx.title(`${x} · Partner Portal`);
      source.addEventListener("TrialInvitationRedeemed", f);
    """
    assert english_literals(sample) == [
        "Sign out",
        "{} seats for {} days.",
        "no delegation for this customer",
    ]


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(JS)))
def test_page_modules_show_no_english_literal(path: Path) -> None:
    assert english_literals(path.read_text("utf-8")) == [], (
        f"{path.name}: user-visible text must come from web/i18n/*.json through t()"
    )


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("it-IT,it;q=0.9,en;q=0.8", "it"),
        ("en-GB,en;q=0.9,it;q=0.8", "en"),
        ("de-DE,de;q=0.9,it;q=0.5", "it"),
        ("fr-FR", "en"),
        ("", "en"),
        (None, "en"),
        ("en;q=0.2, it;q=0.8", "it"),
        ("it;q=0, en", "en"),
        ("IT", "it"),
    ],
)
def test_accept_language_chooses_a_portal_language(header: str | None, expected: str) -> None:
    assert i18n.negotiate(header) == expected


# The link e-mail's text: tests/unit/notifications/test_message.py.
