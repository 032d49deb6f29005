"""Directory contracts: companies, users and subscriptions (owned by the directory service)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from shared.contracts.base import Command, Event
from shared.contracts.common import Name, Seats, ServiceId, examples

_PARTNER = "2f9a0d1c-5b7e-4f53-9c2a-1d8e6b4a7c30"
_CUSTOMER = "0b5f8b1e-7a47-4c54-8f0e-3f5d0c1b9a77"
_USER = "9d3b7e21-6c4f-4a8d-b1e2-5f0a7c9d3e14"
_HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"

Domain = Annotated[
    str,
    StringConstraints(
        to_lower=True,
        max_length=253,
        pattern=r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
    ),
    Field(description="The company's primary internet domain", examples=["contoso.com"]),
]
PasswordHash = Annotated[
    str,
    StringConstraints(pattern=r"^\$argon2(id|i|d)\$", max_length=512),
    Field(description="argon2 hash; clear-text credentials never travel on Kafka"),
]


class FirstAdmin(BaseModel):
    """The first user of a new company; it becomes the company's Global admin."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)
    user_id: UUID
    email: EmailStr
    display_name: Name
    password_hash: PasswordHash


class PartnerProfile(BaseModel):
    """The partner's company information; shown to customers on invitation and offer pages."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)
    name: Name
    phone: str = Field(default="", max_length=40)
    support_email: EmailStr | None = None
    address: str = Field(default="", max_length=500)
    website: str = Field(default="", max_length=300)


class RegisterPartner(Command):
    """Create a partner company with its first Global admin."""

    context: ClassVar[str] = "directory"
    model_config = examples(
        {
            "partner_id": _PARTNER,
            "profile": {
                "name": "Fabrikam Cloud Advisors",
                "phone": "+1 425 555 0100",
                "support_email": "support@fabrikam.example",
                "address": "1 Main St, Redmond, WA",
                "website": "https://fabrikam.example",
            },
            "admin": {
                "user_id": _USER,
                "email": "admin@fabrikam.example",
                "display_name": "Pat Admin",
                "password_hash": _HASH,
            },
        }
    )

    partner_id: UUID
    profile: PartnerProfile
    admin: FirstAdmin

    def partition_key(self) -> str:
        return str(self.partner_id)


class PartnerRegistered(Event):
    """A partner company exists, with its first Global admin."""

    context: ClassVar[str] = "directory"
    model_config = examples(
        {
            "partner_id": _PARTNER,
            "profile": {"name": "Fabrikam Cloud Advisors"},
            "admin_user_id": _USER,
            "admin_email": "admin@fabrikam.example",
            "registered_at": "2026-11-24T08:00:00Z",
        }
    )

    partner_id: UUID
    profile: PartnerProfile
    admin_user_id: UUID
    admin_email: EmailStr
    registered_at: datetime

    def partition_key(self) -> str:
        return str(self.partner_id)


class RegisterCustomer(Command):
    """Sign up a new customer company with its first Global admin."""

    context: ClassVar[str] = "directory"
    model_config = examples(
        {
            "customer_id": _CUSTOMER,
            "name": "Contoso Ltd",
            "domain": "contoso.com",
            "contact_email": "it@contoso.com",
            "admin": {
                "user_id": _USER,
                "email": "admin@contoso.com",
                "display_name": "Chris Admin",
                "password_hash": _HASH,
            },
        }
    )

    customer_id: UUID
    name: Name
    domain: Domain
    contact_email: EmailStr
    admin: FirstAdmin

    def partition_key(self) -> str:
        return str(self.customer_id)


class CustomerRegistered(Event):
    """A customer company signed up, with its first Global admin."""

    context: ClassVar[str] = "directory"
    model_config = examples(
        {
            "customer_id": _CUSTOMER,
            "name": "Contoso Ltd",
            "domain": "contoso.com",
            "contact_email": "it@contoso.com",
            "admin_user_id": _USER,
            "admin_email": "admin@contoso.com",
            "registered_at": "2026-11-24T08:00:00Z",
        }
    )

    customer_id: UUID
    name: Name
    domain: str
    contact_email: EmailStr
    admin_user_id: UUID
    admin_email: EmailStr
    registered_at: datetime

    def partition_key(self) -> str:
        return str(self.customer_id)


class SubscriptionSource(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: Literal["trial_invitation", "offer"]
    id: UUID = Field(description="The redemption that created it")


class SubscriptionCreated(Event):
    """A customer holds a new subscription; the partner is its partner of record."""

    context: ClassVar[str] = "directory"
    model_config = examples(
        {
            "subscription_id": "7c4d2e1f-8a9b-4c3d-b2e1-0f9a8b7c6d5e",
            "customer_id": _CUSTOMER,
            "service_id": "o365-e3",
            "seats": 25,
            "state": "trial",
            "partner_of_record": _PARTNER,
            "trial_ends_at": "2026-12-24T10:00:00Z",
            "source": {"kind": "trial_invitation", "id": "5a2e9c7b-1d3f-4b8a-9e6c-7f0d2b4a6c81"},
            "created_at": "2026-11-24T10:00:00Z",
        }
    )

    subscription_id: UUID
    customer_id: UUID
    service_id: ServiceId
    seats: Seats
    state: Literal["trial", "active"]
    partner_of_record: UUID
    trial_ends_at: datetime | None
    source: SubscriptionSource
    created_at: datetime

    def partition_key(self) -> str:
        return str(self.customer_id)


# --- Partner company information and partner users (issue 5) -------------------------------

_ACTOR = "6b1e4c2d-3f5a-4e7b-9c8d-0a1b2c3d4e5f"
_NEW_USER = "8e2f6a1b-4c3d-4b5e-a6f7-1c2d3e4f5a6b"

CompanyRoleName = Literal[
    "none",
    "global_admin",
    "billing_admin",
    "password_admin",
    "service_admin",
    "user_management_admin",
]
"""Admin access to the user's own company."""

SupportedAccessName = Literal["none", "full", "limited"]
"""A partner user's admin access to supported customers: Full = their Global admin,
Limited = their Password admin."""

_ACTOR_FIELD = "The signed-in partner user doing this; the directory checks its rights"


class UpdatePartnerProfile(Command):
    """Replace the partner's company information. Only a Global admin of the partner may."""

    context: ClassVar[str] = "directory"
    model_config = examples(
        {
            "partner_id": _PARTNER,
            "actor_user_id": _USER,
            "profile": {
                "name": "Fabrikam Cloud Advisors",
                "phone": "+1 425 555 0199",
                "support_email": "help@fabrikam.example",
                "address": "2 Main St, Redmond, WA",
                "website": "https://fabrikam.example",
            },
        }
    )

    partner_id: UUID
    actor_user_id: UUID = Field(description=_ACTOR_FIELD)
    profile: PartnerProfile

    def partition_key(self) -> str:
        return str(self.partner_id)


class PartnerProfileUpdated(Event):
    """The partner's company information changed: the new profile, by whom and when."""

    context: ClassVar[str] = "directory"
    model_config = examples(
        {
            "partner_id": _PARTNER,
            "profile": {"name": "Fabrikam Cloud Advisors", "phone": "+1 425 555 0199"},
            "updated_by": _USER,
            "updated_at": "2026-11-24T09:00:00Z",
        }
    )

    partner_id: UUID
    profile: PartnerProfile
    updated_by: UUID
    updated_at: datetime

    def partition_key(self) -> str:
        return str(self.partner_id)


class CreatePartnerUser(Command):
    """Add a user to the partner company. The sender chose a temporary password, showed it
    to the admin once and sends only its hash; the user must change it at first sign-in."""

    context: ClassVar[str] = "directory"
    model_config = examples(
        {
            "partner_id": _PARTNER,
            "actor_user_id": _USER,
            "user_id": _NEW_USER,
            "email": "sam@fabrikam.example",
            "display_name": "Sam Support",
            "company_role": "none",
            "supported_access": "limited",
            "password_hash": _HASH,
        }
    )

    partner_id: UUID
    actor_user_id: UUID = Field(description=_ACTOR_FIELD)
    user_id: UUID = Field(description="Chosen by the sender; makes retries detectable")
    email: EmailStr
    display_name: Name
    company_role: CompanyRoleName = "none"
    supported_access: SupportedAccessName = "none"
    password_hash: PasswordHash

    def partition_key(self) -> str:
        return str(self.partner_id)


class PartnerUserCreated(Event):
    """A partner company has a new user."""

    context: ClassVar[str] = "directory"
    model_config = examples(
        {
            "partner_id": _PARTNER,
            "user_id": _NEW_USER,
            "email": "sam@fabrikam.example",
            "display_name": "Sam Support",
            "company_role": "none",
            "supported_access": "limited",
            "created_by": _USER,
            "created_at": "2026-11-24T09:00:00Z",
        }
    )

    partner_id: UUID
    user_id: UUID
    email: EmailStr
    display_name: Name
    company_role: CompanyRoleName
    supported_access: SupportedAccessName
    created_by: UUID
    created_at: datetime

    def partition_key(self) -> str:
        return str(self.partner_id)


class UpdatePartnerUser(Command):
    """Change a partner user's name, e-mail or admin access. Omitted fields stay as they are."""

    context: ClassVar[str] = "directory"
    model_config = examples(
        {
            "partner_id": _PARTNER,
            "actor_user_id": _USER,
            "user_id": _NEW_USER,
            "company_role": "password_admin",
            "supported_access": "full",
        }
    )

    partner_id: UUID
    actor_user_id: UUID = Field(description=_ACTOR_FIELD)
    user_id: UUID
    email: EmailStr | None = None
    display_name: Name | None = None
    company_role: CompanyRoleName | None = None
    supported_access: SupportedAccessName | None = None

    def partition_key(self) -> str:
        return str(self.partner_id)


class PartnerUserUpdated(Event):
    """A partner user's details or admin access changed; carries the resulting state."""

    context: ClassVar[str] = "directory"
    model_config = examples(
        {
            "partner_id": _PARTNER,
            "user_id": _NEW_USER,
            "email": "sam@fabrikam.example",
            "display_name": "Sam Support",
            "company_role": "password_admin",
            "supported_access": "full",
            "updated_by": _USER,
            "updated_at": "2026-11-24T09:30:00Z",
        }
    )

    partner_id: UUID
    user_id: UUID
    email: EmailStr
    display_name: Name
    company_role: CompanyRoleName
    supported_access: SupportedAccessName
    updated_by: UUID
    updated_at: datetime

    def partition_key(self) -> str:
        return str(self.partner_id)


class DisablePartnerUser(Command):
    """Stop a partner user from signing in. The last active Global admin cannot be disabled."""

    context: ClassVar[str] = "directory"
    model_config = examples({"partner_id": _PARTNER, "actor_user_id": _USER, "user_id": _NEW_USER})

    partner_id: UUID
    actor_user_id: UUID = Field(description=_ACTOR_FIELD)
    user_id: UUID

    def partition_key(self) -> str:
        return str(self.partner_id)


class EnablePartnerUser(Command):
    """Let a disabled partner user sign in again."""

    context: ClassVar[str] = "directory"
    model_config = examples({"partner_id": _PARTNER, "actor_user_id": _USER, "user_id": _NEW_USER})

    partner_id: UUID
    actor_user_id: UUID = Field(description=_ACTOR_FIELD)
    user_id: UUID

    def partition_key(self) -> str:
        return str(self.partner_id)


class PartnerUserDisabled(Event):
    """A partner user can no longer sign in."""

    context: ClassVar[str] = "directory"
    model_config = examples(
        {
            "partner_id": _PARTNER,
            "user_id": _NEW_USER,
            "by": _USER,
            "at": "2026-11-24T10:00:00Z",
        }
    )

    partner_id: UUID
    user_id: UUID
    by: UUID = Field(description="The user who disabled it")
    at: datetime

    def partition_key(self) -> str:
        return str(self.partner_id)


class PartnerUserEnabled(Event):
    """A disabled partner user may sign in again."""

    context: ClassVar[str] = "directory"
    model_config = examples(
        {
            "partner_id": _PARTNER,
            "user_id": _NEW_USER,
            "by": _USER,
            "at": "2026-11-24T11:00:00Z",
        }
    )

    partner_id: UUID
    user_id: UUID
    by: UUID = Field(description="The user who enabled it")
    at: datetime

    def partition_key(self) -> str:
        return str(self.partner_id)


class UserPasswordReset(Event):
    """An admin reset a user's password. The temporary password itself went only to the
    admin, over HTTP; it never travels on Kafka."""

    context: ClassVar[str] = "directory"
    model_config = examples(
        {
            "company_id": _PARTNER,
            "user_id": _NEW_USER,
            "reset_by": _USER,
            "reset_at": "2026-11-24T12:00:00Z",
        }
    )

    company_id: UUID = Field(description="The partner or customer the user belongs to")
    user_id: UUID
    reset_by: UUID
    reset_at: datetime

    def partition_key(self) -> str:
        return str(self.company_id)


# --- subscriptions lifecycle ---

_SUBSCRIPTION = "7c4d2e1f-8a9b-4c3d-b2e1-0f9a8b7c6d5e"
_CUSTOMER_USER = "4d7c2b1a-0e9f-4d8c-a7b6-5e4d3c2b1a09"
_OFFER_REDEMPTION = "e7c3a1b9-5d2f-4b8e-a6c4-3f1d9b7e5a02"

SubscriptionState = Literal["trial", "active", "suspended", "cancelled", "expired"]
"""trial → active (an offer bought) → suspended ⇄ active → cancelled; trial → expired."""

_SUB_ACTOR = (
    "The signed-in user doing this: a Global admin of the customer, or a partner user with "
    "Full administration under its partner's active delegation from the customer (being "
    "the subscription's partner of record grants nothing by itself)"
)
_ACTING_PARTNER = (
    "The partner whose user acted for the customer; null when the customer's own admin acted"
)


class _SubscriptionCommand(BaseModel):
    """Fields of every subscription command (a mixin, not a contract of its own)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)
    context: ClassVar[str] = "directory"

    customer_id: UUID = Field(description="The customer holding the subscription (the key)")
    subscription_id: UUID
    actor_user_id: UUID = Field(description=_SUB_ACTOR)

    def partition_key(self) -> str:
        return str(self.customer_id)


class ChangeSubscriptionQuantity(_SubscriptionCommand, Command):
    """Set the number of licences of an active (paid) subscription. Never below the number
    of licences assigned to users."""

    model_config = examples(
        {
            "customer_id": _CUSTOMER,
            "subscription_id": _SUBSCRIPTION,
            "actor_user_id": _USER,
            "quantity": 30,
        }
    )

    quantity: Seats = Field(description="The new number of licences (at least 1)")


class SuspendSubscription(_SubscriptionCommand, Command):
    """Suspend an active subscription: its licences stop working until it is reactivated."""

    model_config = examples(
        {
            "customer_id": _CUSTOMER,
            "subscription_id": _SUBSCRIPTION,
            "actor_user_id": _USER,
            "reason": "Unpaid invoice",
        }
    )

    reason: str = Field(default="", max_length=500)


class ReactivateSubscription(_SubscriptionCommand, Command):
    """Make a suspended subscription active again."""

    model_config = examples(
        {"customer_id": _CUSTOMER, "subscription_id": _SUBSCRIPTION, "actor_user_id": _USER}
    )


class CancelSubscription(_SubscriptionCommand, Command):
    """End a trial, active or suspended subscription for good; its licences are released."""

    model_config = examples(
        {
            "customer_id": _CUSTOMER,
            "subscription_id": _SUBSCRIPTION,
            "actor_user_id": _USER,
            "reason": "Moving to another plan",
        }
    )

    reason: str = Field(default="", max_length=500)


class AssignLicence(_SubscriptionCommand, Command):
    """Give one of the subscription's licences to a user of the customer."""

    model_config = examples(
        {
            "customer_id": _CUSTOMER,
            "subscription_id": _SUBSCRIPTION,
            "actor_user_id": _USER,
            "user_id": _CUSTOMER_USER,
        }
    )

    user_id: UUID = Field(description="A user of the same customer")


class RemoveLicence(_SubscriptionCommand, Command):
    """Take a licence back from a user; it becomes free to assign again."""

    model_config = examples(
        {
            "customer_id": _CUSTOMER,
            "subscription_id": _SUBSCRIPTION,
            "actor_user_id": _USER,
            "user_id": _CUSTOMER_USER,
        }
    )

    user_id: UUID


class _SubscriptionEvent(BaseModel):
    """Fields of every subscription event (a mixin, not a contract of its own)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    context: ClassVar[str] = "directory"

    subscription_id: UUID
    customer_id: UUID
    service_id: ServiceId

    def partition_key(self) -> str:
        return str(self.customer_id)


class SubscriptionConverted(_SubscriptionEvent, Event):
    """A customer bought an offer for a service it held on trial: the same subscription is
    now paid (active), with the bought quantity and the offer's partner as partner of record.
    Assignments above the bought quantity (newest first) were released."""

    model_config = examples(
        {
            "subscription_id": _SUBSCRIPTION,
            "customer_id": _CUSTOMER,
            "service_id": "o365-e3",
            "previous_state": "trial",
            "previous_seats": 25,
            "seats": 50,
            "partner_of_record": _PARTNER,
            "previous_partner_of_record": _PARTNER,
            "source": {"kind": "offer", "id": _OFFER_REDEMPTION},
            "released_user_ids": [],
            "converted_at": "2026-12-03T10:00:01Z",
        }
    )

    previous_state: Literal["trial", "expired"]
    previous_seats: Seats
    seats: Seats
    partner_of_record: UUID
    previous_partner_of_record: UUID
    source: SubscriptionSource = Field(description="The offer redemption that converted it")
    released_user_ids: list[UUID] = Field(
        description="Users whose licence was released because fewer were bought"
    )
    converted_at: datetime


class SubscriptionQuantityChanged(_SubscriptionEvent, Event):
    """The number of licences of a subscription changed."""

    model_config = examples(
        {
            "subscription_id": _SUBSCRIPTION,
            "customer_id": _CUSTOMER,
            "service_id": "o365-e3",
            "previous_quantity": 50,
            "quantity": 30,
            "assigned": 12,
            "changed_by": _USER,
            "acting_partner_id": None,
            "changed_at": "2026-12-10T09:00:00Z",
        }
    )

    previous_quantity: Seats
    quantity: Seats
    assigned: int = Field(ge=0, description="Licences assigned to users at the time")
    changed_by: UUID
    acting_partner_id: UUID | None = Field(description=_ACTING_PARTNER)
    changed_at: datetime


class LicenceAssigned(_SubscriptionEvent, Event):
    """A user of the customer got one of the subscription's licences."""

    model_config = examples(
        {
            "subscription_id": _SUBSCRIPTION,
            "customer_id": _CUSTOMER,
            "service_id": "o365-e3",
            "user_id": _CUSTOMER_USER,
            "assigned": 13,
            "quantity": 30,
            "assigned_by": _USER,
            "acting_partner_id": None,
            "assigned_at": "2026-12-10T09:05:00Z",
        }
    )

    user_id: UUID
    assigned: int = Field(ge=1, description="Licences assigned after this one")
    quantity: Seats
    assigned_by: UUID
    acting_partner_id: UUID | None = Field(description=_ACTING_PARTNER)
    assigned_at: datetime


class LicenceRemoved(_SubscriptionEvent, Event):
    """A user's licence was taken back."""

    model_config = examples(
        {
            "subscription_id": _SUBSCRIPTION,
            "customer_id": _CUSTOMER,
            "service_id": "o365-e3",
            "user_id": _CUSTOMER_USER,
            "assigned": 12,
            "quantity": 30,
            "removed_by": _USER,
            "acting_partner_id": None,
            "removed_at": "2026-12-10T09:10:00Z",
        }
    )

    user_id: UUID
    assigned: int = Field(ge=0, description="Licences assigned after the removal")
    quantity: Seats
    removed_by: UUID
    acting_partner_id: UUID | None = Field(description=_ACTING_PARTNER)
    removed_at: datetime


class _StateChanged(_SubscriptionEvent):
    previous_state: SubscriptionState
    by: UUID = Field(description="The user who did it")
    acting_partner_id: UUID | None = Field(description=_ACTING_PARTNER)
    at: datetime


_STATE_CHANGED = {
    "subscription_id": _SUBSCRIPTION,
    "customer_id": _CUSTOMER,
    "service_id": "o365-e3",
    "by": _USER,
    "acting_partner_id": None,
    "at": "2026-12-11T09:00:00Z",
}


class SubscriptionSuspended(_StateChanged, Event):
    """An active subscription was suspended."""

    model_config = examples({**_STATE_CHANGED, "previous_state": "active", "reason": "Unpaid"})

    reason: str


class SubscriptionReactivated(_StateChanged, Event):
    """A suspended subscription is active again."""

    model_config = examples({**_STATE_CHANGED, "previous_state": "suspended"})


class SubscriptionCancelled(_StateChanged, Event):
    """A subscription ended for good; every licence assignment was released."""

    model_config = examples(
        {
            **_STATE_CHANGED,
            "previous_state": "active",
            "reason": "",
            "released_user_ids": [_CUSTOMER_USER],
        }
    )

    reason: str
    released_user_ids: list[UUID]


class SubscriptionExpired(_SubscriptionEvent, Event):
    """A trial ended without being bought (found by the directory's periodic sweep)."""

    model_config = examples(
        {
            "subscription_id": _SUBSCRIPTION,
            "customer_id": _CUSTOMER,
            "service_id": "o365-e3",
            "partner_of_record": _PARTNER,
            "trial_ends_at": "2026-12-24T10:00:00Z",
            "expired_at": "2026-12-24T10:00:04Z",
        }
    )

    partner_of_record: UUID
    trial_ends_at: datetime
    expired_at: datetime


# --- Service requests (issue 5) ---------------------------------------------------------------

_SR = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
_NOTE = "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e"

Severity = Literal["critical", "high", "normal", "low"]
RequestState = Literal["open", "in_progress", "waiting_on_customer", "resolved", "closed"]


class CreateServiceRequest(Command):
    """A partner user opens a support ticket for a customer. Needs Full administration and
    an active Full delegation with the customer."""

    context: ClassVar[str] = "directory"
    model_config = examples(
        {
            "request_id": _SR,
            "customer_id": _CUSTOMER,
            "actor_user_id": _USER,
            "title": "Mail flow stopped",
            "description": "No external mail since 09:00.",
            "severity": "high",
            "contact_name": "Chris Admin",
            "contact_email": "admin@contoso.com",
        }
    )

    request_id: UUID = Field(description="Chosen by the sender; makes retries detectable")
    customer_id: UUID
    actor_user_id: UUID = Field(description=_ACTOR_FIELD)
    title: Name
    description: str = Field(default="", max_length=10_000)
    severity: Severity = "normal"
    contact_name: str = Field(default="", max_length=200, description="Who to call back")
    contact_email: EmailStr | None = None

    def partition_key(self) -> str:
        return str(self.customer_id)


class ServiceRequestCreated(Event):
    """A service request exists, in state ``open``."""

    context: ClassVar[str] = "directory"
    model_config = examples(
        {
            "request_id": _SR,
            "customer_id": _CUSTOMER,
            "partner_id": _PARTNER,
            "title": "Mail flow stopped",
            "description": "No external mail since 09:00.",
            "severity": "high",
            "contact_name": "Chris Admin",
            "contact_email": "admin@contoso.com",
            "state": "open",
            "created_by": _USER,
            "created_at": "2026-11-24T09:10:00Z",
        }
    )

    request_id: UUID
    customer_id: UUID
    partner_id: UUID = Field(description="The partner handling it")
    title: Name
    description: str
    severity: Severity
    contact_name: str
    contact_email: EmailStr | None
    state: RequestState
    created_by: UUID
    created_at: datetime

    def partition_key(self) -> str:
        return str(self.customer_id)


class ChangeServiceRequestState(Command):
    """Move a service request along its life cycle: open → in_progress ⇄
    waiting_on_customer → resolved → closed, and resolved → open (reopen)."""

    context: ClassVar[str] = "directory"
    model_config = examples(
        {"request_id": _SR, "customer_id": _CUSTOMER, "actor_user_id": _USER, "state": "resolved"}
    )

    request_id: UUID
    customer_id: UUID
    actor_user_id: UUID = Field(description=_ACTOR_FIELD)
    state: RequestState = Field(description="The state to move to")

    def partition_key(self) -> str:
        return str(self.customer_id)


class ServiceRequestStateChanged(Event):
    """A service request moved from one state to another."""

    context: ClassVar[str] = "directory"
    model_config = examples(
        {
            "request_id": _SR,
            "customer_id": _CUSTOMER,
            "from_state": "in_progress",
            "to_state": "resolved",
            "changed_by": _USER,
            "changed_at": "2026-11-24T11:00:00Z",
        }
    )

    request_id: UUID
    customer_id: UUID
    from_state: RequestState
    to_state: RequestState
    changed_by: UUID
    changed_at: datetime

    def partition_key(self) -> str:
        return str(self.customer_id)


class AddServiceRequestNote(Command):
    """A note on a service request, by a partner user acting for the customer or by a user
    of the customer itself."""

    context: ClassVar[str] = "directory"
    model_config = examples(
        {
            "request_id": _SR,
            "customer_id": _CUSTOMER,
            "actor_user_id": _USER,
            "note_id": _NOTE,
            "body": "Restarted the connector; please confirm.",
        }
    )

    request_id: UUID
    customer_id: UUID
    actor_user_id: UUID = Field(description="The partner or customer user writing the note")
    note_id: UUID = Field(description="Chosen by the sender")
    body: str = Field(min_length=1, max_length=10_000)

    def partition_key(self) -> str:
        return str(self.customer_id)


class ServiceRequestNoteAdded(Event):
    """A note was added to a service request, with its author and time."""

    context: ClassVar[str] = "directory"
    model_config = examples(
        {
            "request_id": _SR,
            "customer_id": _CUSTOMER,
            "note_id": _NOTE,
            "author_user_id": _USER,
            "author_kind": "partner",
            "body": "Restarted the connector; please confirm.",
            "added_at": "2026-11-24T10:00:00Z",
        }
    )

    request_id: UUID
    customer_id: UUID
    note_id: UUID
    author_user_id: UUID
    author_kind: Literal["partner", "customer"]
    body: str
    added_at: datetime

    def partition_key(self) -> str:
        return str(self.customer_id)


# --- acting for a customer: its users (a partner under delegation, or its own admin) ---

_NEW_CUSTOMER_USER = "5a1e9c3d-2b7f-4e6a-9d8c-1f0b3a5e7c29"
_CUSTOMER_ACTOR = (
    "The signed-in user doing this: an admin of the customer, or a partner user acting under "
    "the partner's active delegated administration; the directory checks, and audits, it"
)
CustomerRoleName = Literal["none", "global_admin", "password_admin"]
"""A customer user's admin role in its own company."""


class CreateCustomerUser(Command):
    """Add a user to a customer company. The sender chose a temporary password, showed it to
    the admin once and sends only its hash; the user must change it at first sign-in.
    Needs the customer's Global admin role (a partner: Full administration)."""

    context: ClassVar[str] = "directory"
    model_config = examples(
        {
            "customer_id": _CUSTOMER,
            "actor_user_id": _USER,
            "user_id": _NEW_CUSTOMER_USER,
            "email": "kim@contoso.example",
            "display_name": "Kim Akers",
            "company_role": "none",
            "password_hash": _HASH,
        }
    )

    customer_id: UUID = Field(description="The customer the user joins (the key)")
    actor_user_id: UUID = Field(description=_CUSTOMER_ACTOR)
    user_id: UUID = Field(description="Chosen by the sender; makes retries detectable")
    email: EmailStr
    display_name: Name
    company_role: CustomerRoleName = "none"
    password_hash: PasswordHash

    def partition_key(self) -> str:
        return str(self.customer_id)


class CustomerUserCreated(Event):
    """A customer company has a new user (with a temporary password)."""

    context: ClassVar[str] = "directory"
    model_config = examples(
        {
            "customer_id": _CUSTOMER,
            "user_id": _NEW_CUSTOMER_USER,
            "email": "kim@contoso.example",
            "display_name": "Kim Akers",
            "company_role": "none",
            "created_by": _USER,
            "acting_partner_id": _PARTNER,
            "created_at": "2026-11-24T09:00:00Z",
        }
    )

    customer_id: UUID
    user_id: UUID
    email: EmailStr
    display_name: Name
    company_role: CustomerRoleName
    created_by: UUID
    acting_partner_id: UUID | None = Field(description=_ACTING_PARTNER)
    created_at: datetime

    def partition_key(self) -> str:
        return str(self.customer_id)


class DisableCustomerUser(Command):
    """Stop a customer user from signing in. Needs the customer's Global admin role (a
    partner: Full administration); the customer's last active Global admin stays."""

    context: ClassVar[str] = "directory"
    model_config = examples(
        {"customer_id": _CUSTOMER, "actor_user_id": _USER, "user_id": _NEW_CUSTOMER_USER}
    )

    customer_id: UUID = Field(description="The user's customer (the key)")
    actor_user_id: UUID = Field(description=_CUSTOMER_ACTOR)
    user_id: UUID

    def partition_key(self) -> str:
        return str(self.customer_id)


class CustomerUserDisabled(Event):
    """A customer user can no longer sign in."""

    context: ClassVar[str] = "directory"
    model_config = examples(
        {
            "customer_id": _CUSTOMER,
            "user_id": _NEW_CUSTOMER_USER,
            "by": _USER,
            "acting_partner_id": _PARTNER,
            "at": "2026-11-24T10:00:00Z",
        }
    )

    customer_id: UUID
    user_id: UUID
    by: UUID = Field(description="The user who disabled it")
    acting_partner_id: UUID | None = Field(description=_ACTING_PARTNER)
    at: datetime

    def partition_key(self) -> str:
        return str(self.customer_id)
