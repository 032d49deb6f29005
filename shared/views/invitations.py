"""The invitations service's read answers as the gateway relays them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import Field

from shared.cursor import Page
from shared.views import LinkFunnel, View

InvitationStatus = Literal["active", "revoked", "expired", "exhausted"]


class Invitation(View):
    """A trial invitation as its partner sees it."""

    invitation_id: UUID = Field(description="The invitation")
    partner_id: UUID = Field(description="The partner that becomes partner of record")
    created_by: UUID = Field(description="The partner user who created it")
    code: str = Field(description="The unguessable code of its URL")
    service_id: str = Field(description="The catalogue service trialled")
    seats: int = Field(description="Seats of the trial subscription")
    trial_days: int = Field(description="Length of the trial")
    delegation_role: Literal["full", "limited"] | None = Field(
        description="Delegated administration asked for on redemption, if any"
    )
    expires_at: datetime | None = Field(description="No redemption after this")
    max_redemptions: int | None = Field(description="Redemption cap, if any")
    created_at: datetime = Field(description="When it was created")
    redemptions: int = Field(description="How many customers redeemed it")
    revoked_at: datetime | None = Field(description="When it was revoked")
    revoked_by: UUID | None = Field(description="Who revoked it")
    status: InvitationStatus = Field(description="As of now")


class InvitationRedemption(View):
    """One redemption of an invitation."""

    redemption_id: UUID = Field(description="The redemption")
    customer_id: UUID = Field(description="The customer that redeemed it")
    customer_name: str | None = Field(
        description="The customer's company name, from the directory's events (null if the "
        "customer registered before this service kept names)"
    )
    redeemed_by: UUID = Field(description="The customer user")
    redeemed_at: datetime = Field(description="When")


class InvitationFunnel(LinkFunnel):
    """What became of the link: loaded, signed up from, redeemed."""

    redemptions: int = Field(description="Redemptions of the invitation")


class InvitationDetail(Invitation):
    """One invitation with its funnel and its redemptions."""

    funnel: InvitationFunnel = Field(description="Opens, accounts created, redemptions")
    redemptions_list: list[InvitationRedemption] = Field(description="Oldest first")


# One page of a partner's invitations, newest first (created_at, invitation_id DESC).
InvitationPage = Page[Invitation]


class InvitationCounts(View):
    """For the partner overview."""

    active: int = Field(description="Invitations that can still be redeemed")
    redemptions: int = Field(description="Redemptions of all the partner's invitations")


class CustomerRedemption(View):
    """A trial a customer redeemed."""

    redemption_id: UUID = Field(description="The redemption")
    invitation_id: UUID = Field(description="The invitation redeemed")
    customer_id: UUID = Field(description="The customer")
    service_id: str = Field(description="The service trialled")
    redeemed_by: UUID = Field(description="The customer user")
    redeemed_at: datetime = Field(description="When")


class PublicInvitation(View):
    """What a customer sees of an invitation before signing in."""

    service_id: str = Field(description="The catalogue service trialled")
    seats: int = Field(description="Seats of the trial subscription")
    trial_days: int = Field(description="Length of the trial")
    delegation_role: Literal["full", "limited"] | None = Field(
        description="Delegated administration asked for, if any"
    )
    expires_at: datetime | None = Field(description="No redemption after this")
    status: InvitationStatus = Field(description="As of now")


class PublicInvitationLookup(PublicInvitation):
    """The public view with the partner that made it, for the gateway to name it."""

    partner_id: UUID = Field(description="Who invites (not shown as such to the customer)")
