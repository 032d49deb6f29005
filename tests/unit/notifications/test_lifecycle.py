"""Recipient selection, delivery naming and the texts of the lifecycle e-mails."""

from __future__ import annotations

from typing import get_args
from uuid import UUID, uuid4

import pytest

from services.notifications.domain import lifecycle
from services.notifications.domain.commands import Partner
from services.notifications.domain.lifecycle import Person
from shared.i18n import LANGUAGES, Language

ADMIN, OTHER, PLAIN = uuid4(), uuid4(), uuid4()
PEOPLE = [
    Person(user_id=ADMIN, email="Ann@contoso.example", role="global_admin"),
    Person(user_id=OTHER, email="bob@contoso.example", role="global_admin"),
    Person(user_id=PLAIN, email="carl@contoso.example", role="none"),
    Person(user_id=uuid4(), email="ann@CONTOSO.example", role="global_admin"),
    Person(user_id=uuid4(), email="pw@contoso.example", role="password_admin"),
]
PARTNER = Partner(
    name="Fabrikam", phone="+1 425", website=None, support_email="help@fabrikam.example"
)


def test_only_global_admins_each_address_once() -> None:
    assert lifecycle.admins(PEOPLE) == ["Ann@contoso.example", "bob@contoso.example"]


def test_who_acted_is_not_told() -> None:
    assert lifecycle.admins(PEOPLE, exclude={OTHER}) == ["Ann@contoso.example"]


def test_particular_users_join_without_duplicates() -> None:
    chosen = lifecycle.merge(
        lifecycle.admins(PEOPLE), lifecycle.also(PEOPLE, {PLAIN, ADMIN}, exclude=set())
    )
    assert chosen == ["Ann@contoso.example", "bob@contoso.example", "carl@contoso.example"]


def test_nobody_when_no_admin_is_known() -> None:
    assert lifecycle.admins([]) == []


def test_a_repeat_names_the_same_delivery_another_occasion_another() -> None:
    subject = UUID(int=1)
    first = lifecycle.delivery_id("trial_ending", subject, "7d", "Ann@contoso.example")
    assert first == lifecycle.delivery_id("trial_ending", subject, "7d", "ann@contoso.example")
    assert first != lifecycle.delivery_id("trial_ending", subject, "1d", "ann@contoso.example")
    assert first != lifecycle.delivery_id(
        "delegation_approved", subject, "7d", "ann@contoso.example"
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "template",
    # webhook_disabled names an endpoint, not a customer (tests/integration/notifications).
    [t for t in get_args(lifecycle.Template) if t != "webhook_disabled"],
)
def test_every_template_renders_in_both_languages(
    language: Language, template: lifecycle.Template
) -> None:
    params = {
        "customer": "Contoso <Ltd>",
        "title": "Mail",
        "state": "resolved",
        "note": "Done",
        "date": "2026-12-24",
        "service": "o365-e3",
    }
    rendered = lifecycle.render(
        language, template, partner=PARTNER, url="http://portal/x", params=params
    )
    assert "Fabrikam" in rendered.text
    assert "http://portal/x" in rendered.text
    assert "help@fabrikam.example" in rendered.text
    assert "Contoso &lt;Ltd&gt;" in rendered.html
    assert "<Ltd>" not in rendered.html
    assert f'lang="{language}"' in rendered.html
    assert "{" not in rendered.subject + rendered.text
