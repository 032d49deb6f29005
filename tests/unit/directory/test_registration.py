"""Registering partners and customers with a fake repository: the rules of the handlers
without I/O (trial subscriptions: ``test_subscriptions.py``)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from services.directory import handlers
from services.directory.domain import commands, errors
from services.directory.domain.model import Profile
from services.directory.domain.roles import CompanyRole, SupportedAccess
from tests.unit.directory.fakes import FakeRepository

NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"


def admin(email: str = "admin@contoso.com") -> commands.NewAdmin:
    return commands.NewAdmin(
        user_id=uuid.uuid4(), email=email, display_name="Chris Admin", password_hash=HASH
    )


def register_customer(
    domain: str = "contoso.com", email: str = "admin@contoso.com"
) -> commands.RegisterCustomer:
    return commands.RegisterCustomer(
        customer_id=uuid.uuid4(),
        name="Contoso Ltd",
        domain=domain,
        contact_email="it@contoso.com",
        admin=admin(email),
    )


async def test_register_customer_creates_company_and_global_admin() -> None:
    repo = FakeRepository()
    cmd = register_customer()
    event = await handlers.register_customer(repo, cmd, now=NOW)
    assert event.customer_id == cmd.customer_id
    assert event.admin_user_id == cmd.admin.user_id
    assert repo.customers[cmd.customer_id].domain == "contoso.com"
    user = repo.users[cmd.admin.user_id]
    assert user.company_role is CompanyRole.GLOBAL_ADMIN
    assert user.supported_access is SupportedAccess.NONE
    assert user.company_kind == "customer"


async def test_duplicate_domain_is_rejected_and_changes_nothing() -> None:
    repo = FakeRepository()
    await handlers.register_customer(repo, register_customer(), now=NOW)
    second = register_customer(email="other@contoso.com")
    with pytest.raises(errors.DomainTaken):
        await handlers.register_customer(repo, second, now=NOW)
    assert second.customer_id not in repo.customers
    assert second.admin.user_id not in repo.users


async def test_duplicate_email_is_rejected_and_changes_nothing() -> None:
    repo = FakeRepository()
    await handlers.register_customer(repo, register_customer(), now=NOW)
    second = register_customer(domain="fabrikam.com", email="ADMIN@contoso.com")
    with pytest.raises(errors.EmailTaken):
        await handlers.register_customer(repo, second, now=NOW)
    assert second.customer_id not in repo.customers


async def test_register_partner_gives_first_admin_full_administration() -> None:
    repo = FakeRepository()
    cmd = commands.RegisterPartner(
        partner_id=uuid.uuid4(),
        profile=Profile("Fabrikam", "+1 425", "s@fabrikam.example", "Redmond", "https://f.ex"),
        admin=admin("pat@fabrikam.example"),
    )
    event = await handlers.register_partner(repo, cmd, now=NOW)
    assert event.profile.name == "Fabrikam"
    user = repo.users[cmd.admin.user_id]
    assert user.company_role is CompanyRole.GLOBAL_ADMIN
    assert user.supported_access is SupportedAccess.FULL
    assert user.company_kind == "partner"
    assert user.company_id == cmd.partner_id
