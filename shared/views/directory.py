"""The directory's read answers as the gateway relays them: partners, customers, users,
subscriptions and licences, service requests, the acting-for-customers audit."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import Field

from shared.cursor import Page
from shared.views import View

CompanyKind = Literal["partner", "customer"]
SubscriptionState = Literal["trial", "active", "suspended", "cancelled", "expired"]
DelegationRole = Literal["full", "limited"]


class _PartnerContact(View):
    """A partner company's name and how to reach it: what both views below show."""

    partner_id: UUID = Field(description="The partner company")
    name: str = Field(description="Company name")
    phone: str = Field(description="Support phone ('' when not given)")
    support_email: str | None = Field(description="Support e-mail, if any")
    address: str = Field(description="Postal address ('' when not given)")
    website: str = Field(description="Web site ('' when not given)")


class Partner(_PartnerContact):
    """A partner company as its own users see it."""

    registered_at: datetime = Field(description="When the partner registered")
    updated_at: datetime = Field(description="Last change of the profile")
    updated_by: UUID = Field(description="Who changed the profile last")


# Not a Partner (nor the other way round): a Partner is never answered where a PublicPartner is.
class PublicPartner(_PartnerContact):
    """What customers see of a partner on invitation, offer and delegation pages."""


class _CustomerFields(View):
    customer_id: UUID = Field(description="The customer company")
    name: str = Field(description="Company name")
    domain: str = Field(description="The company's internet domain")
    contact_email: str = Field(description="Where the company is reached")
    registered_at: datetime = Field(description="When it signed up")


class Customer(_CustomerFields):
    """A customer company."""


class Account(View):
    """Who a user is and what it may administer: what a user view and the session share."""

    user_id: UUID = Field(description="The user")
    company_id: UUID = Field(description="The user's company")
    email: str = Field(description="Sign-in e-mail")
    display_name: str = Field(description="Name shown in the portal")
    company_role: str = Field(description="Admin role in the company ('none' for none)")
    supported_access: str = Field(description="Partner users: access to supported customers")


class _UserFields(Account):
    company_kind: CompanyKind = Field(description="Partner or customer user")
    must_change_password: bool = Field(description="A temporary password must be changed")


class User(_UserFields):
    """A user of a partner or a customer (never its password hash)."""

    locked_until: datetime | None = Field(description="Signing in is locked until then")
    disabled_at: datetime | None = Field(description="When it was disabled; null when active")
    created_at: datetime = Field(description="When it was created")


class CreatedUser(User):
    """A user just created by an admin, with its temporary password (shown only here)."""

    temporary_password: str = Field(description="Shown once; changed at first sign-in")


class TemporaryPassword(View):
    """A reset password, shown only in this answer."""

    temporary_password: str = Field(description="Shown once; changed at the next sign-in")


class PasswordReset(TemporaryPassword):
    user_id: UUID = Field(description="The user whose password was reset")


class _SubscriptionFields(View):
    subscription_id: UUID = Field(description="The subscription")
    customer_id: UUID = Field(description="Its customer")
    service_id: str = Field(description="The catalogue service")
    seats: int = Field(description="Number of licences")
    state: SubscriptionState = Field(description="Lifecycle state")
    partner_of_record: UUID = Field(description="The partner of record")
    trial_ends_at: datetime | None = Field(description="End of the trial; null when paid")
    source_kind: Literal["trial_invitation", "offer"] = Field(description="What created it")
    source_id: UUID = Field(description="The redemption that created it")


class Subscription(_SubscriptionFields):
    """A customer's subscription to one service."""

    created_at: datetime = Field(description="When it was created")


class Licences(_SubscriptionFields):
    """A subscription with its assigned licence count."""

    paid_source_id: UUID | None = Field(description="The offer redemption that converted it")
    created_at: datetime = Field(description="When it was created")
    updated_at: datetime = Field(description="Last change")
    assigned: int = Field(description="Licences assigned to users")


class Assignment(View):
    """A licence assigned to a user."""

    user_id: UUID = Field(description="The user holding the licence")
    email: str = Field(description="The user's e-mail")
    display_name: str = Field(description="The user's name")
    assigned_by: UUID = Field(description="Who assigned it")
    assigned_at: datetime = Field(description="When")


class CustomerInReach(_CustomerFields):
    """One customer found by the partner's search."""

    partner_of_record: bool = Field(description="The partner is partner of record")
    delegation_role: DelegationRole | None = Field(description="Active delegation, if any")


CustomerPage = Page[CustomerInReach]  # a customer search, in name order


class ServiceRequest(View):
    """A service request opened by a partner for a customer."""

    request_id: UUID = Field(description="The service request")
    customer_id: UUID = Field(description="The customer")
    partner_id: UUID = Field(description="The partner handling it")
    title: str = Field(description="Short title")
    description: str = Field(description="What is wrong")
    severity: Literal["critical", "high", "normal", "low"] = Field(description="Severity")
    contact_name: str = Field(description="Who to call back")
    contact_email: str | None = Field(description="Where to call back")
    state: Literal["open", "in_progress", "waiting_on_customer", "resolved", "closed"] = Field(
        description="Where it stands"
    )
    created_by: UUID = Field(description="Who opened it")
    created_at: datetime = Field(description="When it was opened")
    updated_at: datetime = Field(description="Last change")


class ServiceRequestNote(View):
    """A note on a service request."""

    note_id: UUID = Field(description="The note")
    author_user_id: UUID = Field(description="Who wrote it")
    author_kind: CompanyKind = Field(description="A partner or a customer user")
    body: str = Field(description="The text")
    added_at: datetime = Field(description="When")


class ServiceRequestWithNotes(ServiceRequest):
    notes: list[ServiceRequestNote] = Field(description="Its notes, oldest first")


class ActiveDelegation(View):
    """The partner's active delegation with a customer."""

    relationship_id: UUID = Field(description="The delegation relationship")
    role: DelegationRole = Field(description="Full or limited administration")
    approved_at: datetime | None = Field(description="When the customer approved it")


class CustomerDetail(Customer):
    """One customer as its partner sees it."""

    partner_of_record: bool = Field(description="The partner is partner of record")
    delegation: ActiveDelegation | None = Field(description="The partner's active delegation")
    subscriptions: list[Licences] = Field(
        description="Every subscription, with its assigned licences"
    )
    users: list[User] = Field(description="The customer's users")
    service_requests: list[ServiceRequest] = Field(description="Open service requests")


class AuditRecord(View):
    """One action, or attempt, on a customer's users or subscriptions."""

    audit_id: UUID = Field(description="The record")
    at: datetime = Field(description="When")
    customer_id: UUID = Field(description="The customer concerned")
    customer_name: str | None = Field(description="Its name (null outside the reach)")
    partner_id: UUID | None = Field(description="The acting partner; null: the customer's admin")
    partner_name: str | None = Field(description="The acting partner's name")
    actor_user_id: UUID = Field(description="Who acted")
    actor_name: str | None = Field(description="The actor's name")
    actor_email: str | None = Field(description="The actor's e-mail")
    action: str = Field(description="What was done or tried")
    target_kind: Literal["users", "user", "subscription"] = Field(description="On what")
    target_id: UUID | None = Field(description="The user or subscription")
    details: dict[str, Any] = Field(description="Details of the action")
    outcome: Literal["allowed", "refused"] = Field(description="Allowed or refused")
    reason_code: str | None = Field(description="The rejection code when refused")
    reason: str | None = Field(description="Why it was refused")


AuditPage = Page[AuditRecord]  # newest first


class PartnerCounts(View):
    """For the partner overview: customers in reach and open service requests."""

    customers: int = Field(description="Customers in the partner's reach")
    open_service_requests: int = Field(description="The partner's open service requests")


class SignedIn(_UserFields):
    """Who signed in (or changed a password): what the gateway keeps in its session."""


class CreatedPartnerUser(View):
    """A partner user just created, with its temporary password (shown only here)."""

    partner_id: UUID = Field(description="The partner")
    user_id: UUID = Field(description="The new user")
    email: str = Field(description="Sign-in e-mail")
    display_name: str = Field(description="Name shown in the portal")
    company_role: str = Field(description="Admin role in the company ('none' for none)")
    supported_access: str = Field(description="Access to supported customers")
    created_by: UUID = Field(description="The admin who created it")
    created_at: datetime = Field(description="When")
    temporary_password: str = Field(description="Shown once; changed at first sign-in")
