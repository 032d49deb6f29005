"""The portal in Italian, in real Chromium on the real stack: a partner and a customer through a
trial invitation with browsers that ask for Italian, with no English text from the catalogue
left on any page; and the language switch, remembered across a reload and a new sign-in."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from services.gateway.i18n import CATALOGUES
from tests.browser.conftest import DESKTOP, check_accessible, screenshot
from tools.seed import DEMO

WAIT = 30_000  # ms
PLACEHOLDER = re.compile(r"\{\w+\}")
OpenContext = Callable[[str], Awaitable[Page]]


def _english_fragments() -> list[str]:
    """Every English text whose Italian differs, cut at its placeholders: what an untranslated
    page would show. Fragments under four letters ("of", "Min") say too little to look for."""
    en: dict[str, str] = json.loads(Path(CATALOGUES, "en.json").read_text("utf-8"))
    it: dict[str, str] = json.loads(Path(CATALOGUES, "it.json").read_text("utf-8"))
    fragments = set()
    for key, text in en.items():
        if text == it[key]:
            continue  # brand names, "Partner", "E-mail", "Password": the same in both
        for part in PLACEHOLDER.split(text):
            part = part.strip(" .,:;!?()'\"\u2014\u2013\u00b7\u201c\u201d")
            if len(re.sub(r"[^A-Za-z]", "", part)) >= 4:
                fragments.add(part)
    return sorted(fragments, key=len, reverse=True)


ENGLISH = _english_fragments()
# What a person sees or hears: the text, the title, labels of controls, placeholders.
VISIBLE_TEXT = """() => [document.title, document.body.innerText,
  ...[...document.querySelectorAll('[aria-label], [placeholder]')].flatMap(
    (el) => [el.getAttribute('aria-label'), el.getAttribute('placeholder')]),
].filter(Boolean).join('\\n')"""


async def assert_italian(page: Page, name: str) -> None:
    await expect(page.locator("html")).to_have_attribute("lang", "it")
    await expect(page.locator("h1")).to_have_count(1)
    text = await page.evaluate(VISIBLE_TEXT)
    left = [
        hit.group(0)
        for f in ENGLISH
        if (hit := re.search(rf".{{0,30}}(?<![A-Za-z]){re.escape(f)}(?![A-Za-z]).{{0,30}}", text))
    ]
    assert left == [], f"{name}: English left on the Italian page: {left}"
    await check_accessible(page, name)


@pytest.fixture
async def open_context(browser: Browser, web: str) -> AsyncIterator[OpenContext]:
    """A fresh browser (its own cookies) whose Accept-Language is the given locale's."""
    opened: list[BrowserContext] = []
    errors: list[str] = []

    async def open_one(locale: str) -> Page:
        context = await browser.new_context(base_url=web, viewport=DESKTOP, locale=locale)
        opened.append(context)
        page = await context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        return page

    yield open_one
    for context in opened:
        await context.close()
    assert errors == [], f"script errors in the page: {errors}"


@pytest.fixture
async def demo_speaks_english(web: str) -> AsyncIterator[None]:
    """The demo partner's stored language is English again afterwards (other tests read the
    pages in English)."""
    yield
    async with httpx.AsyncClient(base_url=web, headers={"Origin": web}) as http:
        signed = await http.post(
            "/api/session", json={"email": DEMO.email, "password": DEMO.password}
        )
        assert signed.status_code == 200, signed.text
        put = await http.put(
            "/api/preferences/language",
            json={"language": "en"},
            headers={"X-CSRF-Token": signed.json()["csrf_token"]},
        )
        assert put.json() == {"language": "en", "source": "user"}


def test_the_english_catalogue_gives_fragments_to_look_for() -> None:
    assert "Create invitation" in ENGLISH
    assert "invites you to try" in ENGLISH
    assert "Partner" not in ENGLISH
    assert "E-mail" not in ENGLISH


async def sign_in(page: Page, email: str, password: str, *, button: str) -> None:
    await page.goto("/signin")
    await page.get_by_label("E-mail").fill(email)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name=button, exact=True).click()


async def test_an_invitation_in_italian_from_sign_in_to_redemption(
    open_context: OpenContext, demo_speaks_english: None
) -> None:
    expect.set_options(timeout=WAIT)
    tag = uuid.uuid4().hex[:6]

    partner = await open_context("it-IT")
    await partner.goto("/signin")
    await expect(partner.get_by_role("heading", name="Accedi")).to_be_visible()
    await assert_italian(partner, "sign-in")
    await sign_in(partner, DEMO.email, "not the password", button="Accedi")
    await expect(partner.get_by_role("alert")).to_have_text(
        "L'indirizzo e-mail o la password non sono corretti."
    )
    await assert_italian(partner, "sign-in refused")
    await sign_in(partner, DEMO.email, DEMO.password, button="Accedi")
    await expect(partner.get_by_role("heading", name="Panoramica del partner")).to_be_visible()
    await expect(partner.get_by_test_id("live-state")).to_have_text("In tempo reale")
    await assert_italian(partner, "overview")
    await screenshot(partner, "it-partner-overview")

    await partner.get_by_role("link", name="Inviti alla versione di prova").first.click()
    await expect(
        partner.get_by_role("heading", name="Inviti alla versione di prova")
    ).to_be_visible()
    await assert_italian(partner, "invitations")
    await partner.get_by_label("Servizio").select_option("o365-e3")
    await partner.get_by_label("Postazioni").fill("0")
    await partner.get_by_role("button", name="Crea invito").click()
    seats = await partner.get_by_label("Postazioni").get_attribute("id")
    await expect(partner.locator(f"#{seats}-error")).to_have_text(
        "Immetti un valore non inferiore a 1."
    )
    # A refusal by the invitations service shows in Italian too (its own detail is English).
    await partner.get_by_label("Postazioni").fill("400")
    await partner.get_by_role("button", name="Crea invito").click()
    await expect(partner.locator(f"#{seats}-error")).to_have_text(
        "Il numero di postazioni supera il massimo consentito per la prova di questo servizio."
    )
    await assert_italian(partner, "invitation refused")
    await partner.get_by_label("Postazioni").fill("10")
    await partner.get_by_label("Amministrazione delegata").select_option("full")
    await partner.get_by_role("button", name="Crea invito").click()
    created = partner.get_by_test_id("invitation-created")
    await expect(created).to_contain_text("10 postazioni per 30 giorni")
    await assert_italian(partner, "invitation created")
    await created.get_by_role("button", name="Invia per e-mail").click()
    await expect(created.get_by_label("Lingua dell'e-mail")).to_have_value("it")
    await assert_italian(partner, "send by e-mail")
    await screenshot(partner, "it-invitation-created")
    path = urlsplit(await created.get_by_test_id("share-url").input_value()).path

    # The customer, not signed in, opens the link in a browser that asks for Italian.
    customer = await open_context("it-IT")
    await customer.goto(path)
    await expect(customer.get_by_test_id("offer-summary")).to_have_text(
        "10 postazioni, gratis per 30 giorni."
    )
    await expect(customer.locator("h1")).to_contain_text("ti invita a provare Office 365 E3")
    await assert_italian(customer, "invitation page")
    await customer.get_by_role("tab", name="Ho già un account").click()
    await assert_italian(customer, "invitation page, sign-in tab")
    await customer.get_by_role("tab", name="Sono un nuovo cliente").click()
    await customer.get_by_label("Nome dell'azienda").fill(f"Rossi {tag} S.r.l.")
    await customer.get_by_label("Dominio dell'azienda").fill(f"rossi-{tag}.example")
    await customer.get_by_label("E-mail di contatto").fill(f"it@rossi-{tag}.example")
    await customer.get_by_label("Nome e cognome").fill("Giulia Rossi")
    await customer.get_by_label("Indirizzo e-mail").fill(f"giulia@rossi-{tag}.example")
    await customer.get_by_label("Password", exact=True).fill("cavallo batteria corretta")
    await customer.get_by_role("button", name="Crea l'account dell'azienda").click()
    await expect(customer.get_by_test_id("redeem")).to_have_text(
        "Attiva la versione di prova di Office 365 E3"
    )
    await assert_italian(customer, "start the trial")
    await customer.get_by_test_id("redeem").click()
    await expect(customer.get_by_test_id("redeemed")).to_contain_text(
        "10 postazioni di Office 365 E3 per 30 giorni"
    )

    decision = customer.get_by_test_id("delegation-decision")
    await expect(decision).to_contain_text("Amministrazione completa")
    await expect(decision).to_contain_text("Fino alla revoca")
    await assert_italian(customer, "delegation decision")
    await decision.get_by_role("button", name="Approva").click()
    await expect(customer.get_by_role("dialog")).to_contain_text("Approvare la richiesta?")
    await customer.get_by_role("dialog").get_by_role("button", name="Approva").click()
    await expect(decision).to_contain_text("Richiesta approvata")
    await assert_italian(customer, "delegation approved")
    await screenshot(customer, "it-invitation-redeemed")

    await customer.get_by_role("link", name="Visualizza gli abbonamenti").click()
    await expect(customer.get_by_test_id("sub-state-o365-e3")).to_have_text("in prova")
    await assert_italian(customer, "customer subscriptions")
    await customer.get_by_role("link", name="Accesso dei partner").click()
    await expect(
        customer.get_by_role("heading", name="Partner con accesso amministrativo")
    ).to_be_visible()
    await assert_italian(customer, "partner access")

    # The partner sees the new customer, in Italian.
    await partner.get_by_role("link", name="Clienti").first.click()
    row = partner.get_by_role("link", name=f"Rossi {tag} S.r.l.")
    await expect(row).to_be_visible()
    await expect(partner.get_by_role("row").filter(has=row)).to_contain_text(
        "Amministrazione completa"
    )
    await assert_italian(partner, "customers")
    await row.click()
    await expect(partner.get_by_test_id("delegation-badge")).to_have_text(
        "Amministrazione completa"
    )
    await assert_italian(partner, "customer detail")

    # Every other partner page, and the customer's service requests, speak Italian as well.
    for link, heading in [
        ("Offerte di acquisto", "Nuova offerta di acquisto"),
        ("Amministrazione delegata", "Relazioni di amministrazione delegata"),
        ("Utenti", "Utenti dell'azienda"),
        ("Informazioni sull'azienda", "Profilo visibile ai clienti"),
    ]:
        await partner.get_by_role("link", name=link, exact=True).first.click()
        await expect(partner.get_by_role("heading", name=heading)).to_be_visible()
        await assert_italian(partner, link)
    # A purchase offer: built by the partner, bought by the customer, in Italian.
    await partner.get_by_role("link", name="Offerte di acquisto", exact=True).first.click()
    offer_form = partner.get_by_test_id("offer-form")
    await offer_form.get_by_label("Servizio").select_option("o365-e3")
    await offer_form.get_by_label("Licenze", exact=True).fill("12")
    await offer_form.get_by_role("button", name="Crea offerta").click()
    offer = partner.get_by_test_id("offer-created")
    await expect(offer).to_contain_text("12 \u00d7 Office 365 E3")
    await assert_italian(partner, "offer created")
    offer_path = urlsplit(await offer.get_by_test_id("share-url").input_value()).path
    await customer.goto(offer_path)
    await expect(customer.get_by_test_id("offer-summary")).to_have_text(
        "12 licenze di Office 365 E3"
    )
    await assert_italian(customer, "offer page")
    await customer.get_by_role("button", name="Acquista", exact=True).click()
    await expect(customer.get_by_role("dialog")).to_contain_text(
        "Stai acquistando 12 \u00d7 Office"
    )
    await customer.get_by_role("dialog").get_by_role("button", name="Acquista ora").click()
    await expect(customer.get_by_test_id("purchased")).to_contain_text("12 \u00d7 Office 365 E3")
    await assert_italian(customer, "offer bought")

    await customer.get_by_role("link", name="Richieste di assistenza").click()
    await expect(customer.locator("h1")).to_have_text("Richieste di assistenza")
    await assert_italian(customer, "customer service requests")


async def _language(page: Page) -> Any:
    return await page.evaluate("document.documentElement.lang")


async def test_the_language_switch_is_remembered_across_reloads_and_sign_ins(
    open_context: OpenContext, demo_speaks_english: None
) -> None:
    expect.set_options(timeout=WAIT)

    # An anonymous visitor (a customer opening a link): the choice lives in a cookie.
    visitor = await open_context("en-US")
    await visitor.goto("/signin")
    await expect(visitor.get_by_role("heading", name="Sign in")).to_be_visible()
    assert await _language(visitor) == "en"
    await visitor.get_by_label("Language").select_option("it")
    await expect(visitor.get_by_role("heading", name="Accedi")).to_be_visible()
    await visitor.reload()
    await expect(visitor.get_by_role("heading", name="Accedi")).to_be_visible()
    assert await _language(visitor) == "it"

    # A signed-in partner: the choice is stored for the user, server side.
    partner = await open_context("en-US")
    await sign_in(partner, DEMO.email, DEMO.password, button="Sign in")
    await expect(partner.get_by_role("heading", name="Partner overview")).to_be_visible()
    await partner.get_by_label("Language").select_option("it")
    await expect(partner.get_by_role("heading", name="Panoramica del partner")).to_be_visible()
    await expect(
        partner.get_by_role("link", name="Inviti alla versione di prova").first
    ).to_be_visible()
    await partner.reload()
    await expect(partner.get_by_role("heading", name="Panoramica del partner")).to_be_visible()
    await assert_italian(partner, "overview after reload")

    # Another browser that asks for English: Italian again once the same user signs in.
    elsewhere = await open_context("en-US")
    await elsewhere.goto("/signin")
    await expect(elsewhere.get_by_role("heading", name="Sign in")).to_be_visible()
    await sign_in(elsewhere, DEMO.email, DEMO.password, button="Sign in")
    await expect(elsewhere.get_by_role("heading", name="Panoramica del partner")).to_be_visible()
    assert await _language(elsewhere) == "it"

    # Back to English there; a new sign-in in the first browser speaks English too.
    await elsewhere.get_by_label("Lingua").select_option("en")
    await expect(elsewhere.get_by_role("heading", name="Partner overview")).to_be_visible()
    await partner.get_by_role("button", name="Esci").click()
    await sign_in(partner, DEMO.email, DEMO.password, button="Accedi")
    await expect(partner.get_by_role("heading", name="Partner overview")).to_be_visible()
    assert await _language(partner) == "en"
