"""Internal commands of the directory service (not wire contracts)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from services.directory.domain.model import Profile
from services.directory.domain.roles import CompanyRole, SupportedAccess


@dataclass(frozen=True)
class NewAdmin:
    user_id: UUID
    email: str
    display_name: str
    password_hash: str


@dataclass(frozen=True)
class RegisterPartner:
    partner_id: UUID
    profile: Profile
    admin: NewAdmin


@dataclass(frozen=True)
class RegisterCustomer:
    customer_id: UUID
    name: str
    domain: str
    contact_email: str
    admin: NewAdmin


@dataclass(frozen=True)
class UpdatePartnerProfile:
    partner_id: UUID
    actor_user_id: UUID
    profile: Profile


@dataclass(frozen=True)
class CreatePartnerUser:
    partner_id: UUID
    actor_user_id: UUID
    user_id: UUID
    email: str
    display_name: str
    company_role: CompanyRole
    supported_access: SupportedAccess
    password_hash: str


@dataclass(frozen=True)
class UpdatePartnerUser:
    partner_id: UUID
    actor_user_id: UUID
    user_id: UUID
    email: str | None = None
    display_name: str | None = None
    company_role: CompanyRole | None = None
    supported_access: SupportedAccess | None = None


@dataclass(frozen=True)
class PartnerUserSwitch:
    """Disabling or enabling one partner user."""

    partner_id: UUID
    actor_user_id: UUID
    user_id: UUID


class DisablePartnerUser(PartnerUserSwitch):
    pass


class EnablePartnerUser(PartnerUserSwitch):
    pass


@dataclass(frozen=True)
class ResetPassword:
    actor_user_id: UUID
    user_id: UUID


@dataclass(frozen=True)
class Authenticate:
    email: str
    password: str


@dataclass(frozen=True)
class ChangePassword:
    user_id: UUID
    current_password: str
    new_password: str


@dataclass(frozen=True)
class CreateServiceRequest:
    request_id: UUID
    customer_id: UUID
    actor_user_id: UUID
    title: str
    description: str
    severity: str
    contact_name: str
    contact_email: str | None


@dataclass(frozen=True)
class ChangeServiceRequestState:
    request_id: UUID
    customer_id: UUID
    actor_user_id: UUID
    state: str


@dataclass(frozen=True)
class AddServiceRequestNote:
    request_id: UUID
    customer_id: UUID
    actor_user_id: UUID
    note_id: UUID
    body: str


# --- acting for a customer: its users ---


@dataclass(frozen=True)
class CreateCustomerUser:
    customer_id: UUID
    actor_user_id: UUID
    user_id: UUID
    email: str
    display_name: str
    company_role: CompanyRole
    password_hash: str


@dataclass(frozen=True)
class DisableCustomerUser:
    customer_id: UUID
    actor_user_id: UUID
    user_id: UUID


@dataclass(frozen=True)
class ResetCustomerPassword:
    customer_id: UUID
    actor_user_id: UUID
    user_id: UUID
