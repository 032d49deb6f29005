"""Registering partners and customers."""

from __future__ import annotations

import uuid
from datetime import datetime

from services.directory.adapters.repository import Repository
from services.directory.domain import commands, errors
from services.directory.domain.model import CompanyKind, Customer, Partner, User
from services.directory.domain.roles import CompanyRole, SupportedAccess
from shared.contracts import directory as contracts


def _first_admin(
    admin: commands.NewAdmin,
    company: tuple[CompanyKind, uuid.UUID],
    access: SupportedAccess,
    now: datetime,
) -> User:
    """A new company's first user: its Global admin, with the password it chose."""
    return User.new(admin, company, CompanyRole.GLOBAL_ADMIN, access, now, temporary_password=False)


async def check_new_user(repo: Repository, *, user_id: uuid.UUID, email: str) -> None:
    """Refuse a new user whose id or e-mail address another user has."""
    if await repo.get_user(user_id=user_id) is not None:
        raise errors.UserAlreadyExists("A user with this id already exists.")
    if await repo.email_taken(email=email):
        raise errors.EmailTaken("A user with this e-mail already exists.", email=email)


async def register_partner(
    repo: Repository, cmd: commands.RegisterPartner, *, now: datetime
) -> contracts.PartnerRegistered:
    if await repo.get_partner(partner_id=cmd.partner_id) is not None:
        raise errors.PartnerAlreadyExists("A partner with this id already exists.")
    await check_new_user(repo, user_id=cmd.admin.user_id, email=cmd.admin.email)
    partner = Partner(
        partner_id=cmd.partner_id,
        profile=cmd.profile,
        registered_at=now,
        updated_at=now,
        updated_by=cmd.admin.user_id,
    )
    # The partner's first admin also administers every customer that delegates to it.
    admin = _first_admin(cmd.admin, ("partner", cmd.partner_id), SupportedAccess.FULL, now)
    await repo.add_partner(partner=partner)
    await repo.add_user(user=admin)
    return contracts.PartnerRegistered(
        partner_id=partner.partner_id,
        profile=contracts.PartnerProfile(**vars(partner.profile)),
        admin_user_id=admin.user_id,
        admin_email=admin.email,
        registered_at=now,
    )


async def register_customer(
    repo: Repository, cmd: commands.RegisterCustomer, *, now: datetime
) -> contracts.CustomerRegistered:
    if await repo.get_customer(customer_id=cmd.customer_id) is not None:
        raise errors.CustomerAlreadyExists("A customer with this id already exists.")
    if await repo.domain_taken(domain=cmd.domain):
        raise errors.DomainTaken(
            "A company with this domain is already registered.", domain=cmd.domain
        )
    await check_new_user(repo, user_id=cmd.admin.user_id, email=cmd.admin.email)
    customer = Customer(
        customer_id=cmd.customer_id,
        name=cmd.name,
        domain=cmd.domain,
        contact_email=cmd.contact_email,
        registered_at=now,
    )
    admin = _first_admin(cmd.admin, ("customer", cmd.customer_id), SupportedAccess.NONE, now)
    await repo.add_customer(customer=customer)
    await repo.add_user(user=admin)
    return contracts.CustomerRegistered(
        **vars(customer), admin_user_id=admin.user_id, admin_email=admin.email
    )
