"""Users and partners for unit tests."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from services.directory.domain.model import CompanyKind, Partner, Profile, User
from services.directory.domain.roles import CompanyRole, SupportedAccess
from tests.unit.directory.fakes import FakeRepository

NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"


def user(
    company_id: uuid.UUID,
    role: CompanyRole = CompanyRole.NONE,
    access: SupportedAccess = SupportedAccess.NONE,
    *,
    password_hash: str = HASH,
    company_kind: CompanyKind = "partner",
    created_at: datetime = NOW,
) -> User:
    user_id = uuid.uuid4()
    return User(
        user_id=user_id,
        company_kind=company_kind,
        company_id=company_id,
        email=f"u{user_id.hex[:10]}@fabrikam.example",
        display_name="Some User",
        password_hash=password_hash,
        company_role=role,
        supported_access=access,
        created_at=created_at,
    )


async def partner(repo: FakeRepository) -> tuple[uuid.UUID, User]:
    """A partner with its first Global admin."""
    partner_id = uuid.uuid4()
    repo.partners[partner_id] = Partner(
        partner_id=partner_id,
        profile=Profile("Fabrikam", "", None, "", ""),
        registered_at=NOW,
        updated_at=NOW,
        updated_by=partner_id,
    )
    admin = user(partner_id, CompanyRole.GLOBAL_ADMIN, SupportedAccess.FULL)
    await repo.add_user(user=admin)
    return partner_id, admin


async def member(
    repo: FakeRepository,
    partner_id: uuid.UUID,
    role: CompanyRole = CompanyRole.NONE,
    access: SupportedAccess = SupportedAccess.NONE,
) -> User:
    added = user(partner_id, role, access)
    await repo.add_user(user=added)
    return added
