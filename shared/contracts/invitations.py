"""Trial-invitation contracts (owned by the invitations service)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field

from shared.contracts.base import Command, Event
from shared.contracts.common import DelegationRole, Seats, ServiceId, examples
from shared.contracts.links import RecordLinkOpened, RecordLinkSignUp

CONTEXT = "invitations"

_PARTNER = "2f9a0d1c-5b7e-4f53-9c2a-1d8e6b4a7c30"
_USER = "9d3b7e21-6c4f-4a8d-b1e2-5f0a7c9d3e14"
_INVITATION = "c1e7f4a2-3b9d-4e6f-8a1c-2d5b7e9f0a13"
_CUSTOMER = "0b5f8b1e-7a47-4c54-8f0e-3f5d0c1b9a77"
_CODE = "q3Zt0u9V2bW7xYc1dE5fG8hJ4kL6mN0p"


class CreateTrialInvitation(Command):
    """A partner invites customers to try one service (exactly one trial subscription)."""

    model_config = examples(
        {
            "invitation_id": _INVITATION,
            "partner_id": _PARTNER,
            "created_by": _USER,
            "service_id": "o365-e3",
            "seats": 25,
            "delegation_role": "full",
            "expires_at": "2027-01-31T00:00:00Z",
            "max_redemptions": 100,
        }
    )

    invitation_id: UUID = Field(description="Chosen by the sender; makes retries idempotent")
    partner_id: UUID = Field(description="The partner that becomes partner of record")
    created_by: UUID = Field(description="The partner user creating it")
    service_id: ServiceId
    seats: Seats
    delegation_role: DelegationRole | None = Field(
        default=None, description="Include a delegated-administration offer with this role"
    )
    expires_at: datetime | None = Field(default=None, description="No redemption after this")
    max_redemptions: int | None = Field(default=None, ge=1, description="Redemption cap")


class TrialInvitationCreated(Event):
    """An invitation exists; its URL may be sent to any number of customers."""

    model_config = examples(
        {
            "invitation_id": _INVITATION,
            "partner_id": _PARTNER,
            "created_by": _USER,
            "code": _CODE,
            "url": f"http://127.0.0.1:8000/i/{_CODE}",
            "service_id": "o365-e3",
            "seats": 25,
            "trial_days": 30,
            "delegation_role": "full",
            "expires_at": "2027-01-31T00:00:00Z",
            "max_redemptions": 100,
            "created_at": "2026-11-24T09:00:00Z",
        }
    )

    invitation_id: UUID
    partner_id: UUID
    created_by: UUID
    code: str = Field(description="Unguessable code (192 bits, URL-safe)")
    url: str = Field(description="Personalised URL naming the partner as advisor")
    service_id: ServiceId
    seats: Seats
    trial_days: int
    delegation_role: DelegationRole | None
    expires_at: datetime | None
    max_redemptions: int | None
    created_at: datetime


class RevokeTrialInvitation(Command):
    """Stop an invitation from being redeemed again. Earlier redemptions stand."""

    model_config = examples(
        {"invitation_id": _INVITATION, "partner_id": _PARTNER, "revoked_by": _USER}
    )

    invitation_id: UUID
    partner_id: UUID = Field(description="Must be the invitation's partner")
    revoked_by: UUID


class TrialInvitationRevoked(Event):
    """The invitation can no longer be redeemed; earlier redemptions stand."""

    model_config = examples(
        {
            "invitation_id": _INVITATION,
            "partner_id": _PARTNER,
            "revoked_by": _USER,
            "revoked_at": "2026-11-24T09:30:00Z",
        }
    )

    invitation_id: UUID
    partner_id: UUID
    revoked_by: UUID
    revoked_at: datetime


class RedeemTrialInvitation(Command):
    """A signed-in customer admin redeems an invitation code for its company."""

    model_config = examples({"code": _CODE, "customer_id": _CUSTOMER, "redeemed_by": _USER})

    code: str = Field(min_length=16, max_length=128, description="The code from the URL")
    customer_id: UUID = Field(description="The customer company redeeming it")
    redeemed_by: UUID = Field(description="The customer user redeeming it")


class TrialInvitationRedeemed(Event):
    """A customer redeemed an invitation: a trial subscription (and, if included, a
    pending delegation request) follows."""

    model_config = examples(
        {
            "redemption_id": "5a2e9c7b-1d3f-4b8a-9e6c-7f0d2b4a6c81",
            "invitation_id": _INVITATION,
            "partner_id": _PARTNER,
            "customer_id": _CUSTOMER,
            "redeemed_by": _USER,
            "service_id": "o365-e3",
            "seats": 25,
            "trial_days": 30,
            "delegation_role": "full",
            "redeemed_at": "2026-11-24T10:00:00Z",
        }
    )

    redemption_id: UUID
    invitation_id: UUID
    partner_id: UUID = Field(description="Partner of record of the trial subscription")
    customer_id: UUID
    redeemed_by: UUID
    service_id: ServiceId
    seats: Seats
    trial_days: int
    delegation_role: DelegationRole | None
    redeemed_at: datetime


class RecordInvitationOpened(RecordLinkOpened):
    """The public page of an invitation's link was loaded (a page load, counted without
    knowing who: no cookie, no address, nothing about the person)."""

    model_config = examples({"code": _CODE})


class TrialInvitationOpened(Event):
    """One more load of an invitation's public page."""

    model_config = examples(
        {
            "invitation_id": _INVITATION,
            "partner_id": _PARTNER,
            "opens": 12,
            "opened_at": "2026-11-24T09:00:00Z",
        }
    )

    invitation_id: UUID
    partner_id: UUID
    opens: int = Field(description="Page loads of the link so far, this one included")
    opened_at: datetime


class RecordInvitationSignUp(RecordLinkSignUp):
    """A customer company signed up from an invitation's page (the gateway says so once
    the directory registered it)."""

    model_config = examples({"code": _CODE, "customer_id": _CUSTOMER})


class TrialInvitationSignUpRecorded(Event):
    """An account was created from an invitation's link (once per customer)."""

    model_config = examples(
        {
            "invitation_id": _INVITATION,
            "partner_id": _PARTNER,
            "customer_id": _CUSTOMER,
            "sign_ups": 3,
            "signed_up_at": "2026-11-24T09:05:00Z",
        }
    )

    invitation_id: UUID
    partner_id: UUID
    customer_id: UUID
    sign_ups: int = Field(description="Accounts created from the link so far")
    signed_up_at: datetime
